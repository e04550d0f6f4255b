use super::api::{count_clicks, RecordClick};
use leptos::prelude::*;

/// Shows the stored count (rendered on the server) and a button that adds one.
#[component]
pub fn ClickCounter() -> impl IntoView {
    let record = ServerAction::<RecordClick>::new();
    // Refetch after every recorded click; the first fetch runs during SSR.
    let count = Resource::new(move || record.version().get(), |_| count_clicks());
    // The button stays disabled until the page is hydrated, so a click is never lost.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <section class="card" aria-labelledby="clicks-heading">
            <h2 id="clicks-heading">"Clicks stored in PostgreSQL"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                <p class="count" data-testid="click-count" aria-live="polite">
                    {move || Suspend::new(async move {
                        match count.await {
                            Ok(n) => n.to_string(),
                            Err(error) => format!("unavailable ({error})"),
                        }
                    })}
                </p>
            </Transition>
            <button
                type="button"
                disabled=move || !hydrated.get() || record.pending().get()
                on:click=move |_| {
                    record.dispatch(RecordClick {});
                }
            >
                "Add a click"
            </button>
            {move || {
                record
                    .value()
                    .get()
                    .and_then(Result::err)
                    .map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })
            }}
        </section>
    }
}

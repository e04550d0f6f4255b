//! The All view's "Completed (N)" section, below the pending tasks: it folds open and
//! closed, and this browser remembers which.

use super::{
    item::{Rows, TaskList},
    order::Order,
    store::TaskStore,
};
use crate::tasks::model::StatusFilter;
use leptos::prelude::*;

/// Local storage: "1" while the section is folded.
const FOLDED: &str = "todo.completed.folded";

#[component]
pub(super) fn CompletedSection(
    rows: Rows,
    store: TaskStore,
    status: Memo<StatusFilter>,
    order: Memo<Order>,
) -> impl IntoView {
    let completed = store.visible(Memo::new(|_| StatusFilter::Completed), order);
    // Open on the server and until this browser says otherwise (the rows are made in
    // the browser only, so nothing hydrates differently).
    let open = RwSignal::new(true);
    Effect::new(move |_| open.set(!remembered()));
    // Rows only while they show: a folded or filtered-out section holds none.
    let shown = Memo::new(move |_| {
        if open.get() && status.get() == StatusFilter::All {
            completed.get()
        } else {
            Vec::new()
        }
    });
    let fold = move |_| {
        let now = !open.get_untracked();
        open.set(now);
        remember(!now);
    };
    view! {
        <section
            class="completed-section"
            aria-labelledby="completed-heading"
            class:hidden=move || status.get() != StatusFilter::All || store.counts().completed == 0
        >
            <h2 id="completed-heading">
                <button
                    type="button"
                    class="fold"
                    aria-expanded=move || Some(if open.get() { "true" } else { "false" })
                    aria-controls="completed-tasks"
                    on:click=fold
                >
                    "Completed ("
                    {move || store.counts().completed.to_string()}
                    ")"
                </button>
            </h2>
            <div id="completed-tasks" class:hidden=move || !open.get()>
                <TaskList rows visible=shown label="Completed tasks" />
            </div>
        </section>
    }
    .into_inner()
    .into_any()
}

#[cfg(feature = "hydrate")]
fn remembered() -> bool {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::raw()
        .get_item(FOLDED)
        .ok()
        .flatten()
        .is_some()
}

#[cfg(feature = "hydrate")]
fn remember(folded: bool) {
    use gloo_storage::Storage;
    let storage = gloo_storage::LocalStorage::raw();
    let _ = if folded {
        storage.set_item(FOLDED, "1")
    } else {
        storage.remove_item(FOLDED)
    };
}

#[cfg(not(feature = "hydrate"))]
fn remembered() -> bool {
    let _ = FOLDED;
    false
}

#[cfg(not(feature = "hydrate"))]
fn remember(_folded: bool) {}

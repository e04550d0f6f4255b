//! The form that adds a task: a title, and details if the person asks for them.

use super::{
    focus::ADD_FIELD,
    order::{href, Order},
    store::TaskStore,
};
use crate::{
    drafts,
    error::AppError,
    tasks::{
        model::{NewTask, StatusFilter},
        validate,
    },
    ui::{describe, hydrated},
};
use leptos::{html, prelude::*, task::spawn_local};

/// What the form holds, owned by the page so that it can put back what was being added
/// when a session ended (`crate::drafts`), once the tasks have loaded.
#[derive(Clone, Copy)]
pub(super) struct NewTaskFields {
    title: RwSignal<String>,
    description: RwSignal<String>,
    details: RwSignal<bool>,
}

impl NewTaskFields {
    pub(super) fn new() -> Self {
        NewTaskFields {
            title: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            details: RwSignal::new(false),
        }
    }

    pub(super) fn restore(self) {
        if let Some(text) = drafts::get(drafts::NEW_TITLE) {
            self.title.set(text);
        }
        if let Some(text) = drafts::get(drafts::NEW_DESCRIPTION) {
            self.description.set(text);
            self.details.set(true);
        }
    }

    fn clear(self) {
        drafts::forget(drafts::NEW_TITLE);
        drafts::forget(drafts::NEW_DESCRIPTION);
        self.title.set(String::new());
        self.description.set(String::new());
        self.details.set(false);
    }
}

#[component]
pub(super) fn NewTaskForm(
    fields: NewTaskFields,
    store: TaskStore,
    status: Memo<StatusFilter>,
    order: Memo<Order>,
) -> impl IntoView {
    let NewTaskFields {
        title,
        description,
        details,
    } = fields;
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let title_ref = NodeRef::<html::Input>::new();
    let hydrated = hydrated();
    let focus_title = move || {
        if let Some(field) = title_ref.get_untracked() {
            let _ = field.focus();
        }
    };
    // Where the person starts: on load, and after signing in or up.
    Effect::new(move |_| {
        if let Some(field) = title_ref.get() {
            let _ = field.focus();
        }
    });
    // A task added while the Completed filter shows goes where it cannot be seen: say
    // where it went, until the filter or the field changes.
    let added_unseen = RwSignal::new(false);
    Effect::new(move |_| {
        status.track();
        added_unseen.set(false);
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let text = description.get_untracked();
        let input = NewTask {
            title: Some(title.get_untracked()),
            description: (!text.trim().is_empty()).then_some(text),
        };
        if let Err(AppError::Validation { errors }) = validate::new_task(input.clone()) {
            error.set(errors.first().map(|e| e.message.clone()));
            focus_title();
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match store.create(input).await {
                Ok(()) => {
                    fields.clear();
                    error.set(None);
                    added_unseen.set(status.get_untracked() == StatusFilter::Completed);
                    focus_title();
                }
                Err(AppError::Unauthorized) => {}
                Err(other) => error.set(Some(describe(&other))),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="new-task" method="post" action="/tasks" novalidate on:submit=submit>
            <div class="row">
                <label for="new-title" class="visually-hidden">"New task"</label>
                <input
                    id=ADD_FIELD
                    class="new-title"
                    placeholder="What needs to be done?"
                    autocomplete="off"
                    maxlength="400"
                    node_ref=title_ref
                    prop:value=move || title.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        drafts::keep(drafts::NEW_TITLE, &text);
                        title.set(text);
                        error.set(None);
                        added_unseen.set(false);
                    }
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby="new-title-error"
                />
                <button type="submit" class="primary" disabled=move || !hydrated.get() || busy.get()
                    aria-busy=move || busy.get().then_some("true")>
                    {move || String::from(if busy.get() { "Adding…" } else { "Add" })}
                </button>
            </div>
            <p class="field-error" id="new-title-error" aria-live="polite">{move || error.get().unwrap_or_default()}</p>
            <p class="added" role="status" class:hidden=move || !added_unseen.get()>
                "Added to "
                <a href=move || href(StatusFilter::Pending, order.get())>"Pending"</a>
                "."
            </p>
            <button type="button" class="link" class:hidden=move || details.get() on:click=move |_| details.set(true)>
                "Add details"
            </button>
            <div class="details" class:hidden=move || !details.get()>
                <label for="new-description" class="visually-hidden">"Details"</label>
                <textarea
                    id="new-description"
                    class="new-description"
                    placeholder="Details (optional)"
                    rows="2"
                    prop:value=move || description.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        drafts::keep(drafts::NEW_DESCRIPTION, &text);
                        description.set(text);
                    }
                ></textarea>
            </div>
        </form>
    }
    .into_inner()
}

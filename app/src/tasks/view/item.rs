//! The list and its rows: a task with its checkbox and actions, or its editor.

use super::{
    editor::{Editor, TaskEditor},
    store::TaskStore,
};
use crate::tasks::model::{StatusFilter, Task};
use leptos::prelude::*;

#[component]
pub(super) fn TaskList(
    store: TaskStore,
    visible: Memo<Vec<Task>>,
    status: Memo<StatusFilter>,
    resume: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    view! {
        <p class="empty" class:hidden=move || !visible.with(Vec::is_empty)>
            {move || match (status.get(), store.counts().all) {
                (_, 0) => "Nothing to do yet. Add your first task above.",
                (StatusFilter::Pending, _) => "Nothing pending. Well done!",
                (StatusFilter::Completed, _) => "No completed tasks yet.",
                (StatusFilter::All, _) => "Nothing here.",
            }}
        </p>
        <ul class="task-list" class:hidden=move || visible.with(Vec::is_empty)>
            <For
                each=move || visible.get()
                key=|t| (t.id.clone(), t.title.clone(), t.completed, t.updated_at.clone())
                let(task)
            >
                <TaskItem task store resume />
            </For>
        </ul>
    }
    .into_any()
}

#[component]
fn TaskItem(
    task: Task,
    store: TaskStore,
    resume: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let editor = Editor::new(&task.id, &task.title, store);
    let id = StoredValue::new(task.id.clone());
    // The editor that was open when the session ended, if it was this task's. Items
    // are made in the browser only, after the tasks load, so this hydrates nothing.
    if resume.with_untracked(|r| r.as_ref().is_some_and(|(open, _)| *open == task.id)) {
        if let Some((_, text)) = resume.try_update(Option::take).flatten() {
            editor.start(text);
        }
    }

    let Task {
        title,
        description,
        completed,
        ..
    } = task;
    view! {
        <li class="task" class:completed=completed class:editing=move || editor.open.get()>
            <input
                type="checkbox"
                class="toggle"
                prop:checked=completed
                on:change=move |_| store.toggle(id.get_value())
                aria-label=format!("Completed: {title}")
            />
            <div class="body shown-idle" on:dblclick=move |_| editor.edit()>
                <span class="title">{title.clone()}</span>
                {description
                    .filter(|d| !d.is_empty())
                    .map(|d| view! { <span class="description">{d}</span> })}
            </div>
            <div class="actions shown-idle">
                <button type="button" class="icon" on:click=move |_| editor.edit()
                    aria-label=format!("Edit {title}")>"Edit"</button>
                <button type="button" class="icon danger" on:click=move |_| store.remove(id.get_value())
                    aria-label=format!("Delete {title}")>"Delete"</button>
            </div>
            <TaskEditor editor />
        </li>
    }
    .into_any()
}

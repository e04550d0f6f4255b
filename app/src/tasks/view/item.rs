//! A list of tasks and its rows: a task with its checkbox and actions, or its editor.
//! A row is made once per task and follows its task as it changes, so the focus and
//! a screen reader's place stay on it.

use super::{
    editor::{Editor, TaskEditor},
    focus::{self, Control},
    store::TaskStore,
};
use crate::tasks::model::Task;
use leptos::prelude::*;

/// What the rows of every list share.
#[derive(Clone, Copy)]
pub(super) struct Rows {
    pub store: TaskStore,
    /// An editor that was open when the session ended: opened again once, after loading.
    pub resume: RwSignal<Option<(String, String)>>,
    /// After a delete by pointer, the row after it and the deleted row's height: that
    /// row keeps its place until the pointer leaves the list, so that nothing slides
    /// under the pointer onto another row's Delete.
    pub settling: RwSignal<Option<(String, i32)>>,
}

#[component]
pub(super) fn TaskList(rows: Rows, visible: Memo<Vec<Task>>, label: &'static str) -> impl IntoView {
    let settling = rows.settling;
    view! {
        <ul
            class="task-list"
            aria-label=label
            class:hidden=move || visible.with(Vec::is_empty)
            on:pointerleave=move |_| settling.set(None)
        >
            <For each=move || visible.get() key=|t| t.id.clone() let(task)>
                <TaskItem task rows />
            </For>
        </ul>
    }
    .into_inner()
    .into_any()
}

#[component]
fn TaskItem(task: Task, rows: Rows) -> impl IntoView {
    let Rows {
        store,
        resume,
        settling,
    } = rows;
    let editor = Editor::new(&task.id, store);
    let id = StoredValue::new(task.id.clone());
    // The editor that was open when the session ended, if it was this task's. Items
    // are made in the browser only, after the tasks load, so this hydrates nothing.
    if resume.with_untracked(|r| r.as_ref().is_some_and(|(open, _)| *open == task.id)) {
        if let Some((_, text)) = resume.try_update(Option::take).flatten() {
            editor.start(text);
        }
    }

    let current = store.watch(task.id.clone());
    let title = move || current.with(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let completed = move || current.with(|t| t.as_ref().is_some_and(|t| t.completed));
    let description = move || {
        current.with(|t| {
            t.as_ref()
                .and_then(|t| t.description.clone())
                .filter(|d| !d.is_empty())
        })
    };
    let act = move |control: Control| {
        let id = id.get_value();
        focus::keep(&id, control);
        if control == Control::Delete {
            store.remove(id);
        } else {
            store.toggle(id);
        }
    };
    view! {
        <li
            class="task"
            data-id=task.id.clone()
            class:completed=completed
            class:editing=move || editor.open.get()
            style:margin-top=move || {
                settling.with(|s| match s {
                    Some((row, height)) if id.with_value(|id| id == row) => format!("{height}px"),
                    _ => String::new(),
                })
            }
        >
            <input
                type="checkbox"
                class="toggle"
                prop:checked=completed
                on:change=move |_| act(Control::Toggle)
                aria-label=move || format!("Completed: {}", title())
            />
            <div class="body shown-idle" on:dblclick=move |_| editor.edit()>
                <span class="title">{title}</span>
                <span class="description" class:hidden=move || description().is_none()>
                    {move || description().unwrap_or_default()}
                </span>
            </div>
            <div class="actions shown-idle">
                <button type="button" class="icon edit-button" on:click=move |_| editor.edit()
                    aria-label=move || format!("Edit {}", title())></button>
                <button
                    type="button"
                    class="icon danger delete-button"
                    on:click=move |ev| {
                        // A click by pointer (not by key): the next row keeps its place.
                        if ev.detail() > 0 {
                            let id = id.get_value();
                            // A row that kept its place keeps the space above it too.
                            let kept = settling.with_untracked(|s| match s {
                                Some((row, height)) if *row == id => *height,
                                _ => 0,
                            });
                            let space = focus::row_height(&id).map(|height| height + kept);
                            settling.set(focus::row_after(&id).zip(space));
                        }
                        act(Control::Delete)
                    }
                    aria-label=move || format!("Delete {}", title())
                ></button>
            </div>
            <TaskEditor editor current />
        </li>
    }
    .into_inner()
    .into_any()
}

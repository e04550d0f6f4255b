//! A task's title editor. The row holds both the task and its editor, and its
//! `editing` class shows one (style/main.css). A title changed on another device while
//! the editor is open is shown beside it, not put in it: Enter saves what was typed,
//! Escape keeps the other.

use super::{
    focus::{self, Control},
    store::TaskStore,
};
use crate::{
    drafts,
    tasks::{model::Task, validate},
};
use leptos::{html, prelude::*};

/// The editor of one row: open or not, the text being typed and what is wrong with it.
#[derive(Clone, Copy)]
pub(super) struct Editor {
    pub open: RwSignal<bool>,
    draft: RwSignal<String>,
    error: RwSignal<Option<String>>,
    input: NodeRef<html::Input>,
    id: StoredValue<String>,
    /// The title when the editor opened.
    base: StoredValue<String>,
    store: TaskStore,
}

impl Editor {
    pub(super) fn new(id: &str, store: TaskStore) -> Self {
        Editor {
            open: RwSignal::new(false),
            draft: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            input: NodeRef::new(),
            id: StoredValue::new(id.to_owned()),
            base: StoredValue::new(String::new()),
            store,
        }
    }

    /// Opens with the task's title.
    pub(super) fn edit(self) {
        if let Some(task) = self.store.find(&self.id.get_value()) {
            self.start(task.title);
        }
    }

    /// Opens with `text`, focused and selected. The text is a draft from the start: a
    /// session that ends, or the task deleted on another device, loses no editor.
    pub(super) fn start(self, text: String) {
        let id = self.id.get_value();
        if let Some(task) = self.store.find(&id) {
            self.base.set_value(task.title);
        }
        drafts::keep_edit(&id, &text);
        self.draft.set(text);
        self.error.set(None);
        self.open.set(true);
        let input = self.input;
        request_animation_frame(move || {
            if let Some(field) = input.get_untracked() {
                let _ = field.focus();
                field.select();
            }
        });
    }

    /// Closes, saving a changed title if `save`; an invalid one keeps it open and says
    /// why. True if it closed.
    fn finish(self, save: bool) -> bool {
        if !self.open.get_untracked() {
            return false;
        }
        if save {
            let text = self.draft.get_untracked().trim().to_owned();
            if let Some(problem) = validate::title_problem(&text) {
                self.error.set(Some(problem.to_owned()));
                return false;
            }
            let unchanged = self
                .store
                .find(&self.id.get_value())
                .is_some_and(|task| task.title == text);
            if !unchanged {
                self.store.rename(self.id.get_value(), text);
                self.open.set(false);
                self.error.set(None);
                return true;
            }
        }
        drafts::forget_edit();
        self.open.set(false);
        self.error.set(None);
        true
    }
}

#[component]
pub(super) fn TaskEditor(editor: Editor, current: Memo<Option<Task>>) -> impl IntoView {
    let Editor {
        open,
        draft,
        error,
        input,
        id,
        base,
        ..
    } = editor;
    let error_id = format!("edit-{}-error", id.get_value());
    // The title now, when another device changed it since the editor opened.
    let elsewhere = move || {
        current.with(|task| {
            task.as_ref()
                .filter(|task| open.get() && base.with_value(|base| *base != task.title))
                .map(|task| task.title.clone())
        })
    };
    view! {
        <div class="body shown-editing">
            <input
                class="edit"
                node_ref=input
                aria-label="Edit title"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=error_id.clone()
                prop:value=move || draft.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    drafts::keep_edit(&id.get_value(), &text);
                    draft.set(text);
                }
                on:keydown=move |ev| {
                    let save = match ev.key().as_str() {
                        "Enter" => true,
                        "Escape" => false,
                        _ => return,
                    };
                    // Closed from the keyboard: the focus goes back to the row's Edit.
                    if editor.finish(save) {
                        focus::keep(&id.get_value(), Control::Edit);
                    }
                }
                on:blur=move |_| {
                    editor.finish(true);
                }
            />
            <p class="field-error" id=error_id aria-live="polite">{move || error.get().unwrap_or_default()}</p>
            <p class="hint elsewhere" role="status" class:hidden=move || elsewhere().is_none()>
                "Changed on another device to “"{move || elsewhere().unwrap_or_default()}
                "”. Enter saves yours; Escape keeps that."
            </p>
        </div>
    }
    .into_inner()
}

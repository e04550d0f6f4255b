//! The message at the bottom of the page: what a change did, with an undo after a
//! delete or a clear, or why the server refused it. A newer message replaces an older
//! one, and each goes by itself after a while; deletes in a row share one message, and
//! its undo brings back every one of them.

use crate::{error::AppError, tasks::model::Task, ui::describe};
use leptos::prelude::*;
use std::time::Duration;

const SHOWN_FOR: Duration = Duration::from_secs(6);

#[derive(Clone, Debug)]
struct Notice {
    serial: u64,
    text: String,
    /// What Undo brings back.
    undo: Vec<Task>,
    error: bool,
    /// A message about deletes, that the next delete adds to.
    deletes: bool,
}

/// The page's one message, shared by whatever has something to say.
#[derive(Clone, Copy)]
pub(super) struct Notices {
    current: RwSignal<Option<Notice>>,
    serial: StoredValue<u64>,
}

impl Notices {
    pub(super) fn new() -> Self {
        Notices {
            current: RwSignal::new(None),
            serial: StoredValue::new(0),
        }
    }

    /// Says what was done; `undo` is what an Undo button would bring back.
    pub(super) fn say(self, text: String, undo: Vec<Task>) {
        self.show(text, undo, false, false);
    }

    /// Says tasks were deleted; while that message shows, the next delete joins it.
    pub(super) fn deleted(self, gone: Vec<Task>) {
        let mut undo = self
            .current
            .with_untracked(|n| n.as_ref().filter(|n| n.deletes).map(|n| n.undo.clone()))
            .unwrap_or_default();
        undo.extend(gone);
        let text = match undo.as_slice() {
            [task] => format!("Deleted “{}”.", task.title),
            all => format!("Deleted {} tasks.", all.len()),
        };
        self.show(text, undo, false, true);
    }

    /// Says why a change was refused. A 401 says nothing here: the session has ended and
    /// the page has already gone to sign in.
    pub(super) fn fail(self, error: AppError) {
        if error != AppError::Unauthorized {
            self.show(
                format!("Not saved: {}", describe(&error)),
                Vec::new(),
                true,
                false,
            );
        }
    }

    pub(super) fn dismiss(self) {
        self.current.set(None);
    }

    fn show(self, text: String, undo: Vec<Task>, error: bool, deletes: bool) {
        // A refusal may be answered after the person has left the page: nothing to show.
        let Some(last) = self.serial.try_get_value() else {
            return;
        };
        let mine = last + 1;
        self.serial.set_value(mine);
        self.current.set(Some(Notice {
            serial: mine,
            text,
            undo,
            error,
            deletes,
        }));
        let current = self.current;
        set_timeout(
            move || {
                // The page may be gone by now.
                if current.try_with_untracked(|n| n.as_ref().map(|n| n.serial)) == Some(Some(mine))
                {
                    current.set(None);
                }
            },
            SHOWN_FOR,
        );
    }
}

/// The message region: announced to screen readers, with its Undo and Dismiss.
#[component]
pub(super) fn NoticeBar(notices: Notices, undo: Callback<Vec<Task>>) -> impl IntoView {
    let notice = notices.current;
    let shown = move || notice.with(Option::is_some);
    let error = move || notice.with(|n| n.as_ref().is_some_and(|n| n.error));
    view! {
        <div class="notice-region" aria-live="polite">
            <div
                class="toast"
                class:hidden=move || !shown()
                class:error=error
                role=move || Some(if error() { "alert" } else { "status" })
            >
                <span>{move || notice.with(|n| n.as_ref().map(|n| n.text.clone()).unwrap_or_default())}</span>
                <button
                    type="button"
                    class="link"
                    class:hidden=move || notice.with(|n| n.as_ref().is_none_or(|n| n.undo.is_empty()))
                    on:click=move |_| {
                        if let Some(tasks) = notice.with_untracked(|n| n.as_ref().map(|n| n.undo.clone())) {
                            undo.run(tasks);
                        }
                    }
                >
                    "Undo"
                </button>
                <button type="button" class="icon" aria-label="Dismiss" on:click=move |_| notices.dismiss()>
                    "×"
                </button>
            </div>
        </div>
    }
    .into_inner()
    .into_any()
}

//! The message at the bottom of the page: what a change did, with an undo after a
//! delete, or why the server refused it. A newer message replaces an older one, and
//! each goes by itself after a while.

use crate::{error::AppError, tasks::model::Task, ui::describe};
use leptos::prelude::*;
use std::time::Duration;

const SHOWN_FOR: Duration = Duration::from_secs(6);

#[derive(Clone, Debug)]
struct Notice {
    serial: u64,
    text: String,
    undo: Option<Task>,
    error: bool,
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

    /// Says what was done; `undo` is the task an Undo button would bring back.
    pub(super) fn say(self, text: String, undo: Option<Task>) {
        self.show(text, undo, false);
    }

    /// Says why a change was refused. A 401 says nothing here: the session has ended and
    /// the page has already gone to sign in.
    pub(super) fn fail(self, error: AppError) {
        if error != AppError::Unauthorized {
            self.show(format!("Not saved: {}", describe(&error)), None, true);
        }
    }

    pub(super) fn dismiss(self) {
        self.current.set(None);
    }

    fn show(self, text: String, undo: Option<Task>, error: bool) {
        let mine = self.serial.get_value() + 1;
        self.serial.set_value(mine);
        self.current.set(Some(Notice {
            serial: mine,
            text,
            undo,
            error,
        }));
        let current = self.current;
        set_timeout(
            move || {
                if current.with_untracked(|n| n.as_ref().map(|n| n.serial)) == Some(mine) {
                    current.set(None);
                }
            },
            SHOWN_FOR,
        );
    }
}

/// The message region: announced to screen readers, with its Undo and Dismiss.
#[component]
pub(super) fn NoticeBar(notices: Notices, undo: Callback<Task>) -> impl IntoView {
    let notice = notices.current;
    let shown = move || notice.with(Option::is_some);
    let error = move || notice.with(|n| n.as_ref().is_some_and(|n| n.error));
    view! {
        <div class="notice-region" aria-live="polite">
            <div
                class="toast"
                class:hidden=move || !shown()
                class:error=error
                role=move || if error() { "alert" } else { "status" }
            >
                <span>{move || notice.with(|n| n.as_ref().map(|n| n.text.clone()))}</span>
                <button
                    type="button"
                    class="link"
                    class:hidden=move || notice.with(|n| n.as_ref().is_none_or(|n| n.undo.is_none()))
                    on:click=move |_| {
                        if let Some(task) = notice.with_untracked(|n| n.as_ref().and_then(|n| n.undo.clone())) {
                            undo.run(task);
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
    .into_any()
}

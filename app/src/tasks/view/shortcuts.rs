//! The page's keyboard shortcuts, and the dialog that lists them (`?`). A shortcut on a
//! task clicks that row's own control, so it does exactly what the pointer would (a
//! delete gets its undo); none fires while typing in a field.
//!
//! The dialog never changes, so the server writes it into the document's shell
//! (`crate::shell`) and the browser bundle carries no code to draw it: it is found by
//! its id and opened.

#[cfg(feature = "hydrate")]
use super::focus::{self, Control};
use leptos::prelude::*;

/// The dialog's id in the shell.
const HELP: &str = "shortcuts";

/// Listens for the shortcuts while the page shows (in the browser: the server has no
/// keyboard).
pub(super) fn listen() {
    #[cfg(feature = "hydrate")]
    listen_in_browser();
}

/// Opens the list of shortcuts.
pub(super) fn open_help() {
    #[cfg(feature = "hydrate")]
    if let Some(dialog) = help() {
        let _ = dialog.show_modal();
    }
}

#[cfg(feature = "hydrate")]
fn help() -> Option<web_sys::HtmlDialogElement> {
    use wasm_bindgen::JsCast;
    document().get_element_by_id(HELP)?.dyn_into().ok()
}

#[cfg(feature = "hydrate")]
fn listen_in_browser() {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        // A modal dialog is open: it has the keyboard (Escape closes it).
        if help().is_some_and(|dialog| dialog.open()) {
            return;
        }
        let key = ev.key();
        let active = document().active_element();
        let field = active.as_ref().map(typed_into).unwrap_or_default();
        if field != Typing::No {
            // Escape leaves the add field; the editor handles its own keys.
            if key == "Escape" && field == Typing::AddField {
                focus::step(0);
            }
            return;
        }
        let row = focus::focused_row();
        let on_toggle = active.is_some_and(|el| el.class_list().contains("toggle"));
        match (key.as_str(), row) {
            ("?", _) => open_help(),
            ("n" | "/", _) => focus::add_field(),
            ("j", _) | ("ArrowDown", Some(_)) => focus::step(1),
            ("k", _) | ("ArrowUp", Some(_)) => focus::step(-1),
            ("x", Some(id)) => focus::press(&id, Control::Toggle),
            ("e", Some(id)) => focus::press(&id, Control::Edit),
            ("Enter", Some(id)) if on_toggle => focus::press(&id, Control::Edit),
            ("Delete" | "Backspace", Some(id)) => focus::press(&id, Control::Delete),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || handle.remove());
}

#[cfg(feature = "hydrate")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Typing {
    #[default]
    No,
    AddField,
    Other,
}

/// Whether keys pressed in `el` are text being typed.
#[cfg(feature = "hydrate")]
fn typed_into(el: &web_sys::Element) -> Typing {
    let text_input = match el.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => !matches!(
            el.get_attribute("type").as_deref(),
            Some("checkbox" | "radio" | "button" | "submit")
        ),
        _ => el.get_attribute("contenteditable").is_some(),
    };
    match (text_input, el.id() == focus::ADD_FIELD) {
        (false, _) => Typing::No,
        (true, true) => Typing::AddField,
        (true, false) => Typing::Other,
    }
}

/// The list of shortcuts, opened with `?` or the tasks page's button; written by the
/// server into the shell of every page.
#[cfg(feature = "ssr")]
#[component]
pub fn ShortcutsHelp() -> impl IntoView {
    view! {
        <dialog class="shortcuts" id=HELP aria-labelledby="shortcuts-heading">
            <h2 id="shortcuts-heading">"Keyboard shortcuts"</h2>
            <dl>
                <dt><kbd>"n"</kbd> " or " <kbd>"/"</kbd></dt>
                <dd>"New task"</dd>
                <dt><kbd>"j"</kbd> " or " <kbd>"↓"</kbd></dt>
                <dd>"Next task"</dd>
                <dt><kbd>"k"</kbd> " or " <kbd>"↑"</kbd></dt>
                <dd>"Previous task"</dd>
                <dt><kbd>"x"</kbd> " or " <kbd>"Space"</kbd></dt>
                <dd>"Complete or reopen"</dd>
                <dt><kbd>"e"</kbd> " or " <kbd>"Enter"</kbd></dt>
                <dd>"Edit"</dd>
                <dt><kbd>"Delete"</kbd> " or " <kbd>"Backspace"</kbd></dt>
                <dd>"Delete (with undo)"</dd>
                <dt><kbd>"Escape"</kbd></dt>
                <dd>"Cancel, close, leave a field"</dd>
                <dt><kbd>"?"</kbd></dt>
                <dd>"This list"</dd>
            </dl>
            <form method="dialog">
                <button type="submit" class="primary">"Close"</button>
            </form>
        </dialog>
    }
}

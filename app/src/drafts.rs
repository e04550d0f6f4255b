//! What a person has typed and not yet saved (a new task, a title being edited), kept
//! in this tab's session storage as they type, so that a session that ends under them
//! (a 401 from any call) loses nothing: after signing in again as the same person, the
//! page puts it back. Each draft remembers whose it is; another account never sees it,
//! and signing out forgets them all.

/// The title and details of the task being added.
pub const NEW_TITLE: &str = "new-title";
pub const NEW_DESCRIPTION: &str = "new-description";
/// The task whose title is being edited, and the text in its editor.
pub const EDIT_ID: &str = "edit-id";
pub const EDIT_TITLE: &str = "edit-title";

#[cfg(feature = "hydrate")]
mod browser {
    use crate::session;

    const PREFIX: &str = "todo.draft.";
    const OWNER: &str = "todo.draft.owner";

    fn storage() -> web_sys::Storage {
        use gloo_storage::Storage;
        gloo_storage::SessionStorage::raw()
    }

    pub fn keep(name: &str, text: &str) {
        let storage = storage();
        if text.is_empty() {
            let _ = storage.remove_item(&format!("{PREFIX}{name}"));
            return;
        }
        let Some(owner) = session::user_id() else {
            return;
        };
        let _ = storage.set_item(OWNER, &owner);
        let _ = storage.set_item(&format!("{PREFIX}{name}"), text);
    }

    pub fn get(name: &str) -> Option<String> {
        let storage = storage();
        let owner = storage.get_item(OWNER).ok().flatten()?;
        if session::user_id().as_deref() != Some(owner.as_str()) {
            return None;
        }
        storage
            .get_item(&format!("{PREFIX}{name}"))
            .ok()
            .flatten()
            .filter(|text| !text.is_empty())
    }

    pub fn forget(name: &str) {
        let _ = storage().remove_item(&format!("{PREFIX}{name}"));
    }

    pub fn forget_all() {
        let storage = storage();
        for name in [
            super::NEW_TITLE,
            super::NEW_DESCRIPTION,
            super::EDIT_ID,
            super::EDIT_TITLE,
        ] {
            forget(name);
        }
        let _ = storage.remove_item(OWNER);
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{forget, forget_all, get, keep};

// Server rendering has no session storage: nothing is kept or found.
#[cfg(not(feature = "hydrate"))]
pub fn keep(_name: &str, _text: &str) {}
#[cfg(not(feature = "hydrate"))]
pub fn get(_name: &str) -> Option<String> {
    None
}
#[cfg(not(feature = "hydrate"))]
pub fn forget(_name: &str) {}
#[cfg(not(feature = "hydrate"))]
pub fn forget_all() {}

/// Keeps the editor's text with the task it belongs to (one editor is open at a time).
pub fn keep_edit(id: &str, text: &str) {
    keep(EDIT_ID, id);
    keep(EDIT_TITLE, text);
}

/// The task and text of an editor that was open when the session ended.
pub fn edit() -> Option<(String, String)> {
    Some((get(EDIT_ID)?, get(EDIT_TITLE)?))
}

pub fn forget_edit() {
    forget(EDIT_ID);
    forget(EDIT_TITLE);
}

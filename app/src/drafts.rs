//! What a person has typed and not yet saved (a new task, a title being edited), kept
//! in this tab's session storage as they type, so that a session that ends under them
//! (a 401 from any call) loses nothing: after signing in again as the same person, the
//! page puts it back. Each draft remembers whose it is; another account never sees it,
//! and signing out forgets them all.

/// The title and details of the task being added (session storage keys).
pub const NEW_TITLE: &str = "todo.draft.new-title";
pub const NEW_DESCRIPTION: &str = "todo.draft.new-description";
/// The task whose title is being edited, and the text in its editor.
pub const EDIT_ID: &str = "todo.draft.edit-id";
pub const EDIT_TITLE: &str = "todo.draft.edit-title";
/// Whose drafts they are: the user id of the session they were typed in.
const OWNER: &str = "todo.draft.owner";

#[cfg(feature = "hydrate")]
mod browser {
    use super::OWNER;
    use crate::session;

    fn storage() -> web_sys::Storage {
        use gloo_storage::Storage;
        gloo_storage::SessionStorage::raw()
    }

    pub fn keep(key: &str, text: &str) {
        let storage = storage();
        if let Some(owner) = session::user_id() {
            let _ = storage.set_item(OWNER, &owner);
            let _ = storage.set_item(key, text);
        }
    }

    pub fn get(key: &str) -> Option<String> {
        let storage = storage();
        let owner = storage.get_item(OWNER).ok().flatten();
        if owner.is_none() || owner != session::user_id() {
            return None;
        }
        storage
            .get_item(key)
            .ok()
            .flatten()
            .filter(|text| !text.is_empty())
    }

    pub fn forget(key: &str) {
        let _ = storage().remove_item(key);
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{forget, get, keep};

// Server rendering has no session storage: nothing is kept or found.
#[cfg(not(feature = "hydrate"))]
pub fn keep(_key: &str, _text: &str) {}
#[cfg(not(feature = "hydrate"))]
pub fn get(_key: &str) -> Option<String> {
    None
}
#[cfg(not(feature = "hydrate"))]
pub fn forget(_key: &str) {}

/// Signing out forgets every draft.
pub fn forget_all() {
    for key in [NEW_TITLE, NEW_DESCRIPTION, EDIT_ID, EDIT_TITLE, OWNER] {
        forget(key);
    }
}

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

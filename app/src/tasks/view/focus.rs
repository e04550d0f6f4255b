//! Where the keyboard focus goes when the list changes under it. A change made from a
//! row (complete, edit, delete; by pointer, key or shortcut) leaves the focus on that
//! row's control if the row still shows, else on the row that took its place, else on
//! the add field: never on the page's body, where a screen reader loses its place.
//!
//! Rows are found in the page by their `data-id`, so this works whether a row stayed,
//! moved to the Completed section or went. The server renders no rows and has no
//! focus: there these do nothing.

/// A row's controls, by their class in the row (`item`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Control {
    Toggle,
    Edit,
    Delete,
}

/// The add field's id.
pub(super) const ADD_FIELD: &str = "new-title";

/// Call just before changing the row of `id`: if the focus is in that row (or the page
/// has lost it), it goes back to `control` of that row once the change shows, or to the
/// nearest row after it (then before it), or to the add field.
pub(super) fn keep(id: &str, control: Control) {
    #[cfg(feature = "hydrate")]
    browser::keep(id, control);
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, control);
}

/// The height of the row of `id` in pixels, as laid out.
pub(super) fn row_height(id: &str) -> Option<i32> {
    #[cfg(feature = "hydrate")]
    return browser::row(id).map(|row| row.offset_height());
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// The id of the row after `id` in the page, if any.
pub(super) fn row_after(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return browser::row_ids()
        .into_iter()
        .skip_while(|row| row != id)
        .nth(1);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

// The keyboard's moves, for `shortcuts` (in the browser only).
#[cfg(feature = "hydrate")]
pub(super) use browser::{add_field, focused_row, press, step};

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Control, ADD_FIELD};
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement};

    const ROWS: &str = "li.task[data-id]";

    fn class(control: Control) -> &'static str {
        match control {
            Control::Toggle => "toggle",
            Control::Edit => "edit-button",
            Control::Delete => "delete-button",
        }
    }

    /// The ids of the rows that show, in the page's order.
    pub(super) fn row_ids() -> Vec<String> {
        let Ok(rows) = document().query_selector_all(ROWS) else {
            return Vec::new();
        };
        (0..rows.length())
            .filter_map(|i| rows.item(i)?.dyn_into::<Element>().ok())
            .filter(|row| row.get_client_rects().length() > 0)
            .filter_map(|row| row.get_attribute("data-id"))
            .collect()
    }

    pub(super) fn row(id: &str) -> Option<HtmlElement> {
        document()
            .query_selector(&format!("li.task[data-id=\"{id}\"]"))
            .ok()
            .flatten()?
            .dyn_into::<HtmlElement>()
            .ok()
    }

    fn control(id: &str, which: Control) -> Option<HtmlElement> {
        row(id)?
            .query_selector(&format!(".{}", class(which)))
            .ok()
            .flatten()?
            .dyn_into::<HtmlElement>()
            .ok()
            // Folded away or hidden: it cannot take the focus.
            .filter(|el| el.get_client_rects().length() > 0)
    }

    /// The id of the row holding the focus, if one does.
    pub(in super::super) fn focused_row() -> Option<String> {
        document()
            .active_element()?
            .closest(ROWS)
            .ok()
            .flatten()?
            .get_attribute("data-id")
    }

    /// Clicks `which` of the row of `id`, as the pointer would.
    pub(in super::super) fn press(id: &str, which: Control) {
        if let Some(el) = control(id, which) {
            el.click();
        }
    }

    /// Focuses the add field.
    pub(in super::super) fn add_field() {
        focus_first(Vec::new());
    }

    /// Focuses the first of `wanted` that shows, else the add field.
    fn focus_first(wanted: Vec<(String, Control)>) {
        for (id, which) in wanted {
            if let Some(el) = control(&id, which) {
                let _ = el.focus();
                return;
            }
        }
        if let Some(field) = document()
            .get_element_by_id(ADD_FIELD)
            .and_then(|el| el.dyn_into::<HtmlElement>().ok())
        {
            let _ = field.focus();
        }
    }

    pub(super) fn keep(id: &str, which: Control) {
        let lost = document()
            .active_element()
            .is_none_or(|el| el.tag_name() == "BODY");
        if !lost && focused_row().as_deref() != Some(id) {
            return;
        }
        let ids = row_ids();
        let at = ids.iter().position(|row| row == id).unwrap_or(ids.len());
        let mut wanted = vec![(id.to_owned(), which)];
        wanted.extend(
            ids.iter()
                .skip(at + 1)
                .map(|row| (row.clone(), Control::Toggle)),
        );
        wanted.extend(
            ids.iter()
                .take(at)
                .rev()
                .map(|row| (row.clone(), Control::Toggle)),
        );
        // After the change has reached the page.
        request_animation_frame(move || focus_first(wanted));
    }

    /// Moves the focus to the row `step` rows away from the focused one (the first row
    /// if none has it; the same row for 0).
    pub(in super::super) fn step(step: isize) {
        let ids = row_ids();
        let next = match focused_row().and_then(|id| ids.iter().position(|row| *row == id)) {
            Some(at) => at.checked_add_signed(step).filter(|i| *i < ids.len()),
            None => (!ids.is_empty()).then_some(0),
        };
        if let Some(id) = next.and_then(|i| ids.get(i)) {
            focus_first(vec![(id.clone(), Control::Toggle)]);
        }
    }
}

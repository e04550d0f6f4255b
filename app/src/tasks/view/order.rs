//! The orders the list offers, and the address of a filter and an order: both live in
//! the URL (`?status=…&sort=…`), so a view can be bookmarked and survives a reload.

use crate::tasks::model::{StatusFilter, Task};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Order {
    Newest,
    Oldest,
    Title,
}

impl Order {
    pub(super) const ALL: [Order; 3] = [Order::Newest, Order::Oldest, Order::Title];

    pub(super) fn parse(value: &str) -> Option<Self> {
        Order::ALL.into_iter().find(|o| o.as_str() == value)
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Order::Newest => "newest",
            Order::Oldest => "oldest",
            Order::Title => "title",
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Order::Newest => "Newest first",
            Order::Oldest => "Oldest first",
            Order::Title => "By title",
        }
    }

    pub(super) fn sort(self, tasks: &mut [Task]) {
        let by_title = (self == Order::Title).then(title_order);
        // One comparator, so one sort in the bundle. RFC 3339 UTC times of one format
        // sort as text; the id breaks ties.
        tasks.sort_unstable_by(|a, b| {
            let by_key = match (&by_title, self) {
                (Some(by_title), _) => by_title(&a.title, &b.title),
                (None, Order::Newest) => b.created_at.cmp(&a.created_at),
                (None, _) => a.created_at.cmp(&b.created_at),
            };
            by_key.then_with(|| match self {
                Order::Newest => b.id.cmp(&a.id),
                _ => a.id.cmp(&b.id),
            })
        });
    }
}

/// The page's address for a filter and an order.
pub(super) fn href(status: StatusFilter, order: Order) -> String {
    format!("/tasks?status={}&sort={}", status.as_str(), order.as_str())
}

/// Titles in the order a person reading them expects: the browser's collation for their
/// language, ignoring case, with accented letters beside their base letter and numbers
/// by value ("Task 9" before "Task 10"). It also keeps Unicode's case tables, 7 KB
/// gzipped, out of the bundle.
#[cfg(feature = "hydrate")]
fn title_order() -> impl Fn(&str, &str) -> Ordering {
    use wasm_bindgen::JsValue;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"sensitivity".into(), &"accent".into());
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &JsValue::TRUE);
    let compare = js_sys::Intl::Collator::new(&js_sys::Array::new(), &options).compare();
    move |a, b| {
        let sign = compare
            .call2(&JsValue::NULL, &a.into(), &b.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        if sign < 0.0 {
            Ordering::Less
        } else if sign > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
}

/// Off the browser (the server renders the list empty; unit tests), case-insensitive.
#[cfg(not(feature = "hydrate"))]
fn title_order() -> impl Fn(&str, &str) -> Ordering {
    |a, b| {
        a.chars()
            .flat_map(char::to_lowercase)
            .cmp(b.chars().flat_map(char::to_lowercase))
    }
}

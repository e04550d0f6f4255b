//! Where a person goes after signing in.

/// Where to go after signing in: `?next=` when it is a page of this site, else the
/// tasks. It is resolved by the browser's own URL parser, as a navigation to it would
/// be (that parser drops tabs and line breaks, reads `\` as `/`): only a result on the
/// origin it was resolved against, outside the API, is kept, and what is kept is that
/// result's path, query and fragment, not the text as given.
pub(super) fn safe_next(next: Option<String>) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(path) = next.as_deref().and_then(same_origin_page) {
        return path;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = next;
    "/tasks".into()
}

#[cfg(feature = "hydrate")]
fn same_origin_page(next: &str) -> Option<String> {
    // Resolved against a stand-in origin: whatever stays on it would stay on ours.
    const HERE: &str = "https://here.invalid";
    let url = web_sys::Url::new_with_base(next, HERE).ok()?;
    let path = url.pathname();
    let not_a_page = ["/api/", "/rpc/", "/pkg/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    (url.origin() == HERE && path.starts_with('/') && !not_a_page)
        .then(|| path + &url.search() + &url.hash())
}

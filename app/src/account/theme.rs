//! The theme a person chose (system, light, dark), applied to the page: kept in local
//! storage so that the shell's first script sets it before anything is painted (no
//! flash of the other theme), and set on `<html data-theme>` at once when it changes.

/// Where the browser keeps the chosen theme.
pub const THEME_KEY: &str = "todo.theme";

/// Runs in the shell's `<head>`, before the body is painted.
pub const EARLY_SCRIPT: &str = "try{var t=localStorage.getItem(\"todo.theme\");if(t===\"light\"||t===\"dark\")document.documentElement.dataset.theme=t}catch(e){}";

/// Applies `theme` here and remembers it for the next page load.
pub fn apply(theme: &str) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        let _ = gloo_storage::LocalStorage::raw().set_item(THEME_KEY, theme);
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = match theme {
                "light" | "dark" => root.set_attribute("data-theme", theme),
                _ => root.remove_attribute("data-theme"),
            };
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = theme;
}

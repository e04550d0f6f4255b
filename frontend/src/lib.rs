//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Release bundles abort on a panic without formatting it (README, Sizes), so the
    // hook that prints panics to the console only exists in debug builds.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Hydration is done: the page's handlers are attached. Tests wait for this mark
    // (end2end/tests/fixtures.ts).
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}

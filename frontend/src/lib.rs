//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Release bundles abort on a panic without formatting it (README, Sizes), so the
    // hook that prints panics to the console only exists in debug builds.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Asynchronous, as `leptos::mount::hydrate_lazy`: a lazy route's page (the
    // account's) hydrates once its chunk of the bundle has loaded.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let body = leptos::prelude::document().body();
        let Some(body) = body else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Hydration is done: the page's handlers are attached. Tests wait for this mark
        // (end2end/tests/fixtures.ts).
        let _ = body.set_attribute("data-hydrated", "");
    });
}

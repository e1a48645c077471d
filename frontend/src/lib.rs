//! The browser entry point: hydrates the server-rendered console.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: route views split into chunks of their own load when their route is first shown.
    leptos::mount::hydrate_lazy(app::App);
    // Lets tests (and scripts) tell when the page has become interactive.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

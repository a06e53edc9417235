//! The tlslab web app. Trunk builds this binary and the worker for wasm32-unknown-unknown
//! (see `index.html` and `Trunk.toml` at the repository root).

fn main() {
    tlslab_web::runner::mark("app-start");
    // Drawn in a task of its own: instantiating the wasm and drawing the page in one task made
    // it 50 ms or more.
    gloo_timers::callback::Timeout::new(0, || {
        yew::Renderer::<tlslab_web::view::app::App>::new().render();
    })
    .forget();
}

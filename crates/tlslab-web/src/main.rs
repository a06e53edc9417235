//! The tlslab web app. Trunk builds this binary and the worker for wasm32-unknown-unknown
//! (see `index.html` and `Trunk.toml` at the repository root).

fn main() {
    tlslab_web::runner::mark("app-start");
    yew::Renderer::<tlslab_web::view::app::App>::new().render();
}

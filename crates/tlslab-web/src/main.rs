//! The tlslab web app. Trunk builds this binary for wasm32-unknown-unknown (see `index.html` and
//! `Trunk.toml` at the repository root).

mod app;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

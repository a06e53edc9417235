//! A DOM event listener that lives as long as the component.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventTarget};
use yew::prelude::*;

/// Calls `handler` with every `kind` event (an `E`) that reaches the target `target` finds when
/// the component mounts, until it unmounts. Like an effect without dependencies it keeps the
/// first render's handler, so the handler should hold handles (dispatchers, refs), not values.
#[hook]
pub fn use_event<E, F>(target: fn() -> Option<EventTarget>, kind: &'static str, handler: F)
where
    E: JsCast + 'static,
    F: Fn(E) + 'static,
{
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn(Event)>::new(move |event: Event| {
            if let Ok(event) = event.dyn_into::<E>() {
                handler(event);
            }
        });
        let target = target();
        if let Some(t) = &target {
            let _ = t.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(t) = target {
                let _ =
                    t.remove_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            }
        }
    });
}

//! The run's settings: the key exchange and the scenario, and folded under "Experiment" the
//! suite, the client's clock, extended master secret and the seed; each change asks for a new
//! run.

use crate::protocol::{ON_PAGE, Suite, protocol_on_page};
use crate::runner;
use crate::state::RunParams;
use tlslab_core::driver::Protocol;
use tlslab_core::scenario::Scenario;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RunFormProps {
    pub params: RunParams,
    /// Asks for a run with these parameters.
    pub start: Callback<RunParams>,
}

#[function_component(RunForm)]
pub fn run_form(props: &RunFormProps) -> Html {
    let seed_input = use_node_ref();
    let params = props.params.clone();
    // Each control asks for a run with one parameter changed.
    let rerun = |change: fn(&mut RunParams, Option<String>)| {
        let start = props.start.clone();
        let params = params.clone();
        Callback::from(move |e: Event| {
            let value = e.target().and_then(|t| {
                t.dyn_ref::<web_sys::HtmlSelectElement>()
                    .map(|s| s.value())
                    .or_else(|| {
                        t.dyn_ref::<web_sys::HtmlInputElement>().map(|i| {
                            if i.type_() == "checkbox" {
                                i.checked().to_string()
                            } else {
                                i.value()
                            }
                        })
                    })
            });
            let mut p = params.clone();
            change(&mut p, value);
            start.emit(p);
        })
    };
    let choose_protocol = rerun(|p, v| {
        *p = p.with_protocol(v.as_deref().and_then(protocol_on_page).unwrap_or_default())
    });
    let choose_scenario = rerun(|p, v| {
        *p = p.with_scenario(v.as_deref().and_then(Scenario::from_id).unwrap_or_default())
    });
    // The empty value is "Negotiate".
    let choose_suite = rerun(|p, v| p.suite = v.as_deref().and_then(Suite::from_name));
    let choose_clock = rerun(|p, v| p.clock = v.as_deref().and_then(date_to_unix));
    let choose_ems = rerun(|p, v| p.ems = v.as_deref() == Some("true"));
    let run_again = {
        let start = props.start.clone();
        let params = params.clone();
        Callback::from(move |_| {
            start.emit(RunParams {
                seed: runner::fresh_seed(),
                ..params.clone()
            })
        })
    };
    let run_seed = {
        let start = props.start.clone();
        let params = params.clone();
        let input = seed_input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let seed = input
                .cast::<web_sys::HtmlInputElement>()
                .and_then(|i| i.value().trim().parse::<u64>().ok());
            if let Some(seed) = seed.filter(|s| *s <= crate::protocol::MAX_SEED) {
                start.emit(RunParams {
                    seed,
                    ..params.clone()
                });
            }
        })
    };
    let reset_clock = {
        let start = props.start.clone();
        let params = params.clone();
        Callback::from(move |_| {
            start.emit(RunParams {
                clock: None,
                ..params.clone()
            })
        })
    };
    let suite = params.suite.map(Suite::name);
    let clock = unix_to_date(params.clock.unwrap_or_else(runner::now));
    // Open from the start when the run departs from the defaults; then the reader's to fold.
    let experimenting = *use_memo((), |_| {
        params.suite.is_some() || params.clock.is_some() || !params.ems
    });
    html! {
        <form class="run" onsubmit={run_seed} aria-label="Run">
            <label>
                <span>{ "Protocol" }</span>
                <select data-control="protocol" onchange={choose_protocol} aria-label="Protocol and key exchange">
                    { for ON_PAGE.iter().map(|p| html! {
                        <option value={p.id()} selected={*p == params.protocol}>{ p.title() }</option>
                    }) }
                </select>
            </label>
            <a class="compare-link" data-action="compare" href={compare_link(&params)}
               title="This scenario and seed under two protocols, side by side">{ "Compare" }</a>
            <label>
                <span>{ "Scenario" }</span>
                <select data-control="scenario" onchange={choose_scenario} aria-label="Scenario">
                    { for Scenario::ALL.iter().filter(|sc| sc.applies_to(params.protocol)).map(|sc| html! {
                        <option value={sc.id()} selected={*sc == params.scenario}>{ sc.title() }</option>
                    }) }
                </select>
            </label>
            <details class="experiment" open={experimenting}>
                <summary data-action="experiment">{ "Experiment" }</summary>
                <div class="experiment-body">
                    <label>
                        <span>{ "Suite" }</span>
                        <select data-control="suite" onchange={choose_suite} aria-label="Cipher suite">
                            <option value="" selected={suite.is_none()}>{ "Negotiate (GCM first)" }</option>
                            { for Suite::of(params.protocol).map(|s| {
                                let name = s.name();
                                let short = ["TLS_RSA_WITH_", "TLS_ECDHE_RSA_WITH_", "TLS_"].iter().fold(name.as_str(), |n, p| n.trim_start_matches(p)).to_string();
                                html! { <option value={name.clone()} selected={suite.as_deref() == Some(name.as_str())}>{ short }</option> }
                            }) }
                        </select>
                    </label>
                    <label>
                        <span>{ "Client clock" }</span>
                        <input type="date" data-control="clock" value={clock} onchange={choose_clock}
                               aria-label="The client's date, used to check certificate validity" />
                    </label>
                    if params.clock.is_some() {
                        <button type="button" data-action="clock-now" onclick={reset_clock} aria-label="Set the client's clock back to now">{ "Now" }</button>
                    }
                    <label class="toggle-label">
                        <input type="checkbox" data-control="ems" checked={params.ems} onchange={choose_ems} />
                        <span>{ if params.protocol == Protocol::Tls13 { "Extended master secret (offered for a TLS 1.2 fallback)" } else { "Extended master secret" } }</span>
                    </label>
                    <label>
                        <span>{ "Seed" }</span>
                        <input data-control="seed" ref={seed_input} inputmode="numeric" size="12"
                               value={params.seed.to_string()} aria-label="Seed" />
                    </label>
                    <button type="submit" data-action="run-seed" title="The same seed gives the same bytes">{ "Run this seed" }</button>
                    <button type="button" data-action="run-again" onclick={run_again}
                            title="A fresh seed: new randoms, new keys, new bytes">{ "New random run" }</button>
                </div>
            </details>
        </form>
    }
}

/// The comparison of this run's protocol with TLS 1.3 (of TLS 1.3 with RSA key exchange), for
/// the same scenario where it applies to both, seed and clock.
fn compare_link(params: &RunParams) -> String {
    let pair = match params.protocol {
        Protocol::Tls13 => [Protocol::Tls12Rsa, Protocol::Tls13],
        other => [other, Protocol::Tls13],
    };
    let look = crate::url::Link::current();
    crate::url::Link {
        theme: look.theme,
        embed: look.embed,
        ..crate::url::Link::comparing(pair, params)
    }
    .query()
}

/// `YYYY-MM-DD` (UTC) for a Unix time, as a date input shows it.
fn unix_to_date(unix: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    String::from(date.to_iso_string())
        .chars()
        .take(10)
        .collect()
}

/// The Unix time of noon UTC on a `YYYY-MM-DD` date (noon keeps the date whatever the zone).
fn date_to_unix(date: &str) -> Option<u64> {
    let ms = js_sys::Date::parse(&format!("{date}T12:00:00Z"));
    (ms.is_finite() && ms >= 0.0).then(|| (ms / 1000.0) as u64)
}

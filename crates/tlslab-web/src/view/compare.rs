//! The comparison view (`compare=tls12-rsa,tls13`): two handshakes of the same scenario, seed
//! and clock side by side (stacked on a phone), stepped together or separately, under a table
//! of what differs. Each side is drawn by the same diagram, sentence and who-knows-what panel
//! as the single view.

use super::chapters::StepSentence;
use super::diagram::Diagram;
use super::knowledge::KnowledgePanel;
use super::link_notice::LinkNotice;
use crate::compare::{CompareAction, CompareModel, CompareParams, Slot, Summary, leak_opens};
use crate::embed::{self, Announcement, Command};
use crate::protocol::{ON_PAGE, RunRequest, pair_on_page, protocol_on_page};
use crate::runner::{self, Runner};
use crate::state::Shared;
use crate::url::Link;
use std::rc::Rc;
use tlslab_core::driver::Protocol;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::RecordKeys;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub link: Rc<Link>,
    pub pair: [Protocol; 2],
}

#[function_component(Compare)]
pub fn compare(props: &CompareProps) -> Html {
    let link = props.link.clone();
    let model = use_reducer(|| {
        CompareModel::new(
            CompareParams {
                pair: props.pair,
                scenario: link.scenario.unwrap_or_default(),
                seed: link.seed.unwrap_or_else(runner::fresh_seed),
                clock: link.clock,
                ems: link.ems.unwrap_or(true),
            },
            link.step.unwrap_or(0),
        )
    });
    let start = use_runs(&model);
    use_commands(&model, &start);
    use_compare_address(&model, &link);

    let m = &*model;
    let dispatch = model.dispatcher();
    let params = m.params.clone();
    let rerun = |change: fn(&CompareParams, &str) -> Option<CompareParams>| {
        let start = start.clone();
        let params = params.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value())
                .unwrap_or_default();
            if let Some(p) = change(&params, &value) {
                start.emit(p);
            }
        })
    };
    let choose_left = rerun(|p, v| Some(p.with_side(0, protocol_on_page(v)?)));
    let choose_right = rerun(|p, v| Some(p.with_side(1, protocol_on_page(v)?)));
    let choose_scenario = rerun(|p, v| {
        Some(CompareParams {
            scenario: Scenario::from_id(v)?,
            ..p.clone()
        })
    });
    let new_seed = {
        let start = start.clone();
        let params = params.clone();
        Callback::from(move |_| {
            start.emit(CompareParams {
                seed: runner::fresh_seed(),
                ..params.clone()
            })
        })
    };
    let together = {
        let d = dispatch.clone();
        let on = m.together;
        Callback::from(move |_| d.dispatch(CompareAction::Together(!on)))
    };
    let mover = |side: Option<usize>, forward: bool| {
        let d = dispatch.clone();
        Callback::from(move |_| d.dispatch(CompareAction::Move { side, forward }))
    };
    let protocol_menu = |which: usize, onchange: Callback<Event>| {
        html! {
            <select data-control={if which == 0 { "compare-left" } else { "compare-right" }} {onchange}
                    aria-label={if which == 0 { "Protocol on the left" } else { "Protocol on the right" }}>
                { for ON_PAGE.iter().map(|p| html! {
                    <option value={p.id()} selected={*p == params.pair[which]}>{ p.title() }</option>
                }) }
            </select>
        }
    };
    let single = |p: Protocol| Link {
        protocol: Some(p),
        scenario: Some(params.scenario),
        seed: Some(params.seed),
        clock: params.clock,
        ems: Some(params.ems),
        theme: link.theme,
        embed: link.embed,
        ..Link::default()
    };
    let longest = m
        .runs
        .iter()
        .filter_map(|r| r.timeline().map(|t| t.steps.len()))
        .max()
        .unwrap_or(0);
    html! {
        <div class="compare" data-panel="compare" data-pair={crate::protocol::pair_id(params.pair)}>
            <header class="toolbar compare-head">
                <div class="brand">
                    <h1>{ format!("{} and {}, side by side", params.pair[0].title(), params.pair[1].title()) }</h1>
                    <p class="lead">{ format!("The same scenario, seed and clock, run twice on this page: once with each protocol. Step both together, or each on its own. Seed {}.", params.seed) }</p>
                </div>
                <form class="run compare-form" aria-label="Compare" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <label><span>{ "Left" }</span>{ protocol_menu(0, choose_left) }</label>
                    <label><span>{ "Right" }</span>{ protocol_menu(1, choose_right) }</label>
                    <label>
                        <span>{ "Scenario" }</span>
                        <select data-control="scenario" onchange={choose_scenario} aria-label="Scenario">
                            { for CompareParams::scenarios(params.pair).map(|sc| html! {
                                <option value={sc.id()} selected={sc == params.scenario}>{ sc.title() }</option>
                            }) }
                        </select>
                    </label>
                    <button type="button" data-action="run-again" onclick={new_seed}>{ "New random run" }</button>
                </form>
            </header>
            <LinkNotice invalid={link.invalid.clone()} />
            <main id="main">
                <SummaryTable runs={m.runs.clone()} leaks={m.leaks.clone()} pair={params.pair} />
                <div class="compare-player" role="group" aria-label="Step both">
                    <label class="toggle-label">
                        <input type="checkbox" data-control="together" checked={m.together} onchange={together} />
                        <span>{ "Step together" }</span>
                    </label>
                    if m.together {
                        <button type="button" data-action="compare-prev" onclick={mover(None, false)} aria-label="Previous step on both sides">{ "◀" }</button>
                        <span data-field="compare-step">{ format!("step {} / {}", m.steps[0].max(m.steps[1]) + 1, longest.max(1)) }</span>
                        <button type="button" data-action="compare-next" onclick={mover(None, true)} aria-label="Next step on both sides">{ "▶" }</button>
                    }
                </div>
                <div class="compare-grid">
                    { for (0..2).map(|side| {
                        let go = {
                            let d = dispatch.clone();
                            Callback::from(move |step| d.dispatch(CompareAction::Go { side: Some(side), step }))
                        };
                        html! {
                            <CompareSide {side} protocol={params.pair[side]} slot={m.runs[side].clone()} step={m.steps[side]}
                                         together={m.together} on_select={go} back={mover(Some(side), false)} forward={mover(Some(side), true)}
                                         alone={single(params.pair[side]).query()} />
                        }
                    }) }
                </div>
            </main>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SideProps {
    side: usize,
    protocol: Protocol,
    slot: Slot,
    step: usize,
    together: bool,
    on_select: Callback<usize>,
    back: Callback<MouseEvent>,
    forward: Callback<MouseEvent>,
    /// The link to this side's run alone, in the single view.
    alone: String,
}

#[function_component(CompareSide)]
fn compare_side(props: &SideProps) -> Html {
    let body = match &props.slot {
        Slot::Waiting => html! { <p class="status" role="status">{ "Running the handshake…" }</p> },
        Slot::Failed(message) => {
            html! { <p class="status error" role="alert">{ format!("The handshake could not run: {message}") }</p> }
        }
        Slot::Ready(t) => html! {
            <>
                if !props.together {
                    <div class="compare-player">
                        <button type="button" data-action="side-prev" onclick={props.back.clone()} aria-label="Previous step on this side">{ "◀" }</button>
                        <span>{ format!("step {} / {}", props.step + 1, t.steps.len()) }</span>
                        <button type="button" data-action="side-next" onclick={props.forward.clone()} aria-label="Next step on this side">{ "▶" }</button>
                    </div>
                }
                <StepSentence timeline={t.clone()} step={props.step} />
                <section class="flow" aria-label={format!("Message flow, {}", props.protocol.title())}>
                    <Diagram timeline={t.clone()} step={props.step} speed={1.0} on_select={props.on_select.clone()} scroll_page={false} />
                </section>
                <details class="compare-knowledge" open=true>
                    <summary>{ format!("Who knows what after step {}", props.step + 1) }</summary>
                    <KnowledgePanel timeline={t.clone()} step={props.step} />
                </details>
            </>
        },
    };
    html! {
        <section class="compare-side" data-side={props.side.to_string()} data-protocol={props.protocol.id()}
                 data-step={props.step.to_string()} aria-label={props.protocol.title()}>
            <h2>
                { props.protocol.title() }
                <a class="alone" href={props.alone.clone()} data-action="open-alone">{ "Open alone" }</a>
            </h2>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SummaryProps {
    runs: [Slot; 2],
    leaks: [Slot; 2],
    pair: [Protocol; 2],
}

/// The table of what differs, one row per question, each cell read from that side's run.
#[function_component(SummaryTable)]
fn summary_table(props: &SummaryProps) -> Html {
    let summaries: Vec<Option<Summary>> = props
        .runs
        .iter()
        .map(|r| r.timeline().map(|t| Summary::of(t)))
        .collect();
    let cell = |side: usize, f: &dyn Fn(&Summary) -> (String, String)| match &summaries[side] {
        Some(s) => {
            let (value, text) = f(s);
            html! { <td data-value={value}>{ text }</td> }
        }
        None => html! { <td>{ "…" }</td> },
    };
    let row = |key: &'static str, title: &'static str, f: &dyn Fn(&Summary) -> (String, String)| {
        html! {
            <tr data-row={key}>
                <th scope="row">{ title }</th>
                { cell(0, f) }
                { cell(1, f) }
            </tr>
        }
    };
    let leak = |side: usize| {
        let kx = match props.pair[side] {
            Protocol::Tls12Rsa => "the premaster was encrypted to it (RFC 5246 §7.4.7.1)",
            Protocol::Tls12Ecdhe => "it only signed the server's share (RFC 8422 §5.4)",
            Protocol::Tls13 => "it only signed the transcript (RFC 8446 §4.4.3)",
        };
        match &props.leaks[side] {
            Slot::Ready(t) if leak_opens(t) => {
                html! { <td data-value="decrypted" class="bad">{ format!("Decrypted: {kx}") }</td> }
            }
            Slot::Ready(_) => {
                html! { <td data-value="not-decrypted" class="ok">{ format!("Nothing decrypted: {kx}") }</td> }
            }
            Slot::Failed(message) => {
                html! { <td data-value="failed">{ format!("Could not run: {message}") }</td> }
            }
            Slot::Waiting => html! { <td>{ "…" }</td> },
        }
    };
    html! {
        <table class="compare-summary" data-panel="compare-summary">
            <caption>{ "What the two runs show" }</caption>
            <thead>
                <tr><th scope="col">{ "" }</th><th scope="col">{ props.pair[0].title() }</th><th scope="col">{ props.pair[1].title() }</th></tr>
            </thead>
            <tbody>
                { row("outcome", "How it ends", &|s| (s.outcome.clone(), s.outcome.clone())) }
                { row("round_trips", "Round trips before the first application byte", &|s| match s.round_trips {
                    Some(n) => (n.to_string(), n.to_string()),
                    None => (String::new(), "none: no application data was sent".into()),
                }) }
                { row("messages", "Messages on the wire (every connection)", &|s| (s.messages.to_string(), s.messages.to_string())) }
                { row("bytes", "Bytes on the wire (every connection, record headers included)", &|s| (s.bytes.to_string(), format!("{} bytes", s.bytes))) }
                { row("encrypted_handshake", "Handshake messages encrypted", &|s| (s.encrypted_handshake.to_string(), s.encrypted_handshake.to_string())) }
                { row("certificate", "The server's certificate", &|s| match s.certificate {
                    Some(RecordKeys::Clear) => ("clear".into(), "in the clear: anyone on the path reads it".into()),
                    Some(_) => ("encrypted".into(), "encrypted (handshake traffic keys)".into()),
                    None => (String::new(), "not sent".into()),
                }) }
                <tr data-row="stolen_key">
                    <th scope="row">{ "A recording, once the server's key is stolen (the stolen-key scenario)" }</th>
                    { leak(0) }
                    { leak(1) }
                </tr>
            </tbody>
        </table>
    }
}

/// Starts the worker once and runs each generation's four handshakes (see `CompareModel`);
/// returns the callback that starts a new generation.
#[hook]
fn use_runs(model: &UseReducerHandle<CompareModel>) -> Callback<CompareParams> {
    let worker = use_mut_ref(|| None::<Runner>);
    let generation = use_mut_ref(|| model.generation);
    let start = {
        let dispatch = model.dispatcher();
        let worker = worker.clone();
        let generation = generation.clone();
        use_callback((), move |params: CompareParams, _| {
            let g = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            dispatch.dispatch(CompareAction::Start(params.clone()));
            send(&worker.borrow(), &dispatch, g, &params);
        })
    };
    {
        let dispatch = model.dispatcher();
        let params = model.params.clone();
        let g = model.generation;
        use_effect_with((), move |_| {
            let d = dispatch.clone();
            let on_finished = move |f: runner::Finished| {
                d.dispatch(CompareAction::Loaded {
                    id: f.id,
                    result: f.result.map(|t| Shared(Rc::new(t))),
                })
            };
            match Runner::new(on_finished) {
                Ok(runner) => *worker.borrow_mut() = Some(runner),
                Err(message) => {
                    for slot in 0..4 {
                        dispatch.dispatch(CompareAction::Loaded {
                            id: g * 4 + slot,
                            result: Err(message.clone()),
                        });
                    }
                }
            }
            send(&worker.borrow(), &dispatch, g, &params);
        });
    }
    start
}

/// The generation's requests: the two runs, then the stolen-key run of each protocol.
fn send(
    worker: &Option<Runner>,
    dispatch: &UseReducerDispatcher<CompareModel>,
    generation: u64,
    p: &CompareParams,
) {
    let Some(worker) = worker else { return };
    let now = p.clock.unwrap_or_else(runner::now);
    let runs = [(p.pair[0], p.scenario), (p.pair[1], p.scenario)];
    let leaks = [
        (p.pair[0], Scenario::StolenKey),
        (p.pair[1], Scenario::StolenKey),
    ];
    for (slot, (protocol, scenario)) in runs.into_iter().chain(leaks).enumerate() {
        let id = generation * 4 + slot as u64;
        let request = RunRequest {
            id,
            seed: p.seed,
            now,
            protocol,
            suite: None,
            scenario,
            ems: p.ems,
        };
        if let Err(message) = worker.run(&request) {
            dispatch.dispatch(CompareAction::Loaded {
                id,
                result: Err(message),
            });
        }
    }
}

/// The address follows the comparison; `<body data-ready>` once both sides are drawn, and the
/// host hears `ready` and each step (of the left side when stepped together).
#[hook]
fn use_compare_address(model: &CompareModel, opening: &Link) {
    let p = &model.params;
    let link = Link {
        compare: Some(p.pair),
        scenario: Some(p.scenario),
        seed: Some(p.seed),
        step: Some(model.steps[0].max(model.steps[1])),
        clock: p.clock,
        ems: Some(p.ems),
        theme: opening.theme,
        embed: opening.embed,
        ..Link::default()
    };
    let ready = model.ready();
    let steps = model
        .runs
        .iter()
        .filter_map(|r| r.timeline().map(|t| t.steps.len()))
        .max()
        .unwrap_or(0);
    let scenario = p.scenario.id();
    use_effect_with((link, ready), |(link, ready)| {
        if *ready {
            link.replace_current();
            crate::hooks::set_body_data("ready", "true");
        }
    });
    use_effect_with((ready, model.generation), move |(ready, _)| {
        if *ready {
            embed::announce(&Announcement::Ready {
                scenario: scenario.into(),
                steps,
            });
        }
    });
}

/// The host's commands in the comparison: `setCompare`, `setScenario`, `goto` (a step, on
/// both sides); the others belong to the single view and are refused with a warning.
#[hook]
fn use_commands(model: &UseReducerHandle<CompareModel>, start: &Callback<CompareParams>) {
    let params = use_mut_ref(|| model.params.clone());
    *params.borrow_mut() = model.params.clone();
    let dispatch = model.dispatcher();
    let start = start.clone();
    crate::hooks::use_host_commands(move |command| {
        let p = params.borrow().clone();
        match command {
            Command::SetCompare { compare, .. } => match pair_on_page(&compare) {
                Some(pair) => start.emit(p.with_pair(pair)),
                None => embed::warn(&format!(
                    "compare needs two protocols of the page: {compare:?}"
                )),
            },
            Command::SetScenario { scenario, .. } => match Scenario::from_id(&scenario) {
                Some(s) if CompareParams::scenarios(p.pair).any(|a| a == s) => {
                    start.emit(CompareParams { scenario: s, ..p })
                }
                _ => embed::warn(&format!(
                    "scenario {scenario:?} does not apply to both protocols"
                )),
            },
            Command::Goto {
                step: Some(step), ..
            } if step >= 1 => dispatch.dispatch(CompareAction::Go {
                side: None,
                step: step - 1,
            }),
            other => embed::warn(&format!("not in the comparison: {other:?}")),
        }
    });
}

//! The scenario and how it ended: what a browser would tell its user, what happened in the
//! protocol, and the alert that ended it (with a way to jump to it).

use super::prose::prose;
use crate::state::{Action, Classroom, Model, Shared};
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::Outcome as End;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutcomeProps {
    pub timeline: Shared,
    pub step: usize,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Outcome)]
pub fn outcome(props: &OutcomeProps) -> Html {
    let classroom = use_context::<Classroom>().unwrap_or_default();
    let t = &props.timeline;
    let scenario = t.scenario;
    let decided = t.decisive_step();
    // Without spoilers (a quiz) the banner, whose title alone may tell the ending, waits for
    // the step that decides the run.
    if !classroom.spoilers && props.step < decided {
        return html! {};
    }
    let verdict = match &t.outcome {
        // Nothing is said about the end before the step that decides it.
        _ if props.step < decided => {
            let d = props.dispatch.clone();
            html! {
                <p class="verdict pending" data-field="outcome" data-value="pending">
                    { format!("Under way: step {} of {}. ", props.step + 1, t.steps.len()) }
                    <button type="button" class="jump" data-action="goto-end"
                            onclick={Callback::from(move |_| { d.dispatch(Action::Go(decided)); super::focus_step(); })}>{ "Show how it ends" }</button>
                </p>
            }
        }
        End::Success => html! {
            <p class="verdict ok" data-field="outcome" data-value="success">{ "Handshake complete, request answered." }</p>
        },
        End::Alert {
            sender,
            description,
            reason,
            step,
        } => {
            let d = props.dispatch.clone();
            let step = *step;
            html! {
                <div class="verdict bad">
                    <p>
                        <span data-field="alert_sender" data-value={super::actor_name(*sender)}>{ super::actor_title(*sender) }</span>
                        { " sends the fatal alert " }
                        <code data-field="alert" data-value={description.clone()}>{ description }</code>
                        { format!(" at step {}.", step + 1) }
                        if props.step != step {
                            <button type="button" class="jump" data-action="goto-alert"
                                    onclick={Callback::from(move |_| { d.dispatch(Action::Go(step)); super::focus_step(); })}>{ "Show it" }</button>
                        }
                    </p>
                    <p class="reason">{ prose(reason, classroom) }</p>
                </div>
            }
        }
        End::Stalled => {
            html! { <p class="verdict bad" data-field="outcome" data-value="stalled">{ "Nobody could make progress." }</p> }
        }
    };
    if let Some(r) = &t.recorded {
        return html! {
            <section class={classes!("outcome", if props.step < decided { Some("pending") } else { matches!(t.outcome, End::Success).then_some("success") })}
                     data-panel="outcome" data-recorded={r.server.clone()} aria-label="Recorded connection">
                <h2>{ format!("Recorded against {}", r.server) }</h2>
                { verdict }
                <details class="explain">
                    <summary>{ "Why" }</summary>
                    <p class="technical">{ format!("A real TCP connection made by tlslab connect to {} (server name {}). Only the client's side was recorded: the server's messages are shown as the client received them, and the server's own computations are not known.", r.server, t.server_name) }</p>
                </details>
            </section>
        };
    }
    let open_files = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::OpenFiles))
    };
    html! {
        <section class={classes!("outcome", if props.step < decided { Some("pending") } else { matches!(t.outcome, End::Success).then_some("success") })}
                 data-panel="outcome" data-scenario={scenario.id()} aria-label="Scenario">
            <h2>{ scenario.title() }</h2>
            { verdict }
            // The scenario's premise stays open for any scenario but the happy path.
            <details class="explain" open={scenario != Scenario::Happy}>
                <summary>{ "Why" }</summary>
                <p class="plain"><strong>{ "What the user sees: " }</strong>{ prose(scenario.plain(t.protocol()), classroom) }</p>
                // The protocol's side of it, for the full view.
                if classroom.shows_details() {
                    <p class="technical"><strong>{ "What happens: " }</strong>{ prose(&scenario.technical_for(t.protocol(), t.negotiated_suite()), classroom) }</p>
                }
                if scenario == Scenario::StolenKey && classroom.shows_details() {
                    <p class="try-it">
                        { if t.protocol() != tlslab_core::driver::Protocol::Tls12Rsa {
                            "Be the observer: download this run's capture and the server's key, and try to decrypt the recording with tshark or Wireshark; then try the key log, which an endpoint wrote. "
                        } else {
                            "Be the observer: download this run's capture and the server's key, and decrypt the recording with tshark or Wireshark. "
                        } }
                        <button type="button" data-action="open-files" data-opens-panel="" onclick={open_files}>{ "Open Files" }</button>
                    </p>
                }
            </details>
        </section>
    }
}

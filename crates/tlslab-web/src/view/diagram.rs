//! The message flow: an SVG sequence diagram with a Client and a Server lane, and a Network
//! lane between them when a scenario puts an observer or an attacker there. Each message is an
//! arrow; protected records are drawn double, alerts in the alert colour, tampering marked on
//! the network lane; the current one travels across and stays highlighted.

use crate::state::Shared;
use tlslab_core::scenario::{NetworkRole, Scenario};
use tlslab_core::timeline::{Actor, Chapter, EventKind, RecordKeys, Step};
use yew::prelude::*;

const WIDTH: f64 = 440.0;
const CLIENT_X: f64 = 70.0;
const NETWORK_X: f64 = 220.0;
const SERVER_X: f64 = 370.0;

fn lane_x(actor: Actor) -> f64 {
    match actor {
        Actor::Client => CLIENT_X,
        Actor::Network => NETWORK_X,
        Actor::Server => SERVER_X,
    }
}
/// Where the lanes begin, below their names.
const LANES_TOP: f64 = 46.0;
const TOP: f64 = 58.0;
const ROW: f64 = 46.0;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub timeline: Shared,
    pub step: usize,
    pub speed: f64,
    /// A message was chosen (clicked, or Enter on it).
    pub on_select: Callback<usize>,
    /// Whether the window may scroll to bring the current message into view (not with two
    /// diagrams on the page: each would pull the window its way).
    #[prop_or(true)]
    pub scroll_page: bool,
    /// Whether the panels around the diagram are drawn, so that the window's first scroll to
    /// the current message is not undone by the page growing (the inspector is drawn after
    /// the first run's diagram, see `workspace`).
    #[prop_or(true)]
    pub settled: bool,
}

/// How a message looks, from its records.
struct Look {
    keys: RecordKeys,
    /// The alert's description, when the message is an alert.
    alert: Option<String>,
    fatal: bool,
    tampered: bool,
}

fn look(t: &Shared, index: usize, step: &Step) -> Look {
    let alert = t.alert_in(index);
    let mut l = Look {
        keys: t.keys_of(index),
        alert: alert.map(|(_, a)| a.description.clone()),
        fatal: alert.is_some_and(|(_, a)| a.is_fatal()),
        tampered: false,
    };
    l.tampered = step
        .events
        .iter()
        .any(|&i| matches!(t.events[i].kind, EventKind::Tampered { .. }));
    l
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let t = &props.timeline;
    let height = TOP + ROW * t.steps.len() as f64 + 20.0;
    let network = t.scenario != Scenario::Happy;
    let tls13 = t.spoke_tls13();
    let flights = t.client_flights();
    let trips = t.round_trips_before_data();
    let network_title = match t.network {
        NetworkRole::Attacker => "Attacker",
        NetworkRole::Observer => "Observer",
    };
    let current_ref = use_node_ref();
    // The name the client asked for (an imported file may hold any; keep the label short).
    let server_sub: String = if t.server_name.chars().count() > 24 {
        t.server_name.chars().take(23).chain(['…']).collect()
    } else {
        t.server_name.clone()
    };

    // Keep the current message in view (see `keep_in_view`).
    let scroller = use_node_ref();
    {
        let current_ref = current_ref.clone();
        let scroller = scroller.clone();
        let positioned = use_mut_ref(|| false);
        let scroll_page = props.scroll_page;
        use_effect_with((props.step, props.settled), move |&(_, settled)| {
            let first =
                settled && !std::mem::replace(&mut *positioned.borrow_mut(), true) && scroll_page;
            // In a task of its own, once the panels rendered with this step have their size.
            gloo_timers::callback::Timeout::new(0, move || {
                keep_in_view(current_ref.cast(), scroller.cast(), first)
            })
            .forget();
        });
    }

    let rows = t.steps.iter().enumerate().map(|(i, s)| {
        let y = TOP + ROW * i as f64 + ROW / 2.0;
        let (x1, x2) = (lane_x(s.from), lane_x(s.to));
        let episode = s.from == s.to;
        let l = look(t, i, s);
        let current = i == props.step;
        let select = props.on_select.reform(move |_: MouseEvent| i);
        let keyboard = {
            let on_select = props.on_select.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    on_select.emit(i);
                }
            })
        };
        let head = if x2 > x1 { x2 - 6.0 } else { x2 + 6.0 };
        let dir = if x2 > x1 { -1.0 } else { 1.0 };
        let arrow = format!("{head},{y} {},{} {},{}", head + dir * 9.0, y - 5.0, head + dir * 9.0, y + 5.0);
        let class = classes!(
            "msg",
            super::actor_name(s.from),
            (l.keys != RecordKeys::Clear).then_some("encrypted"),
            (l.keys == RecordKeys::Handshake).then_some("handshake-keys"),
            l.alert.is_some().then_some("alert"),
            l.fatal.then_some("fatal"),
            current.then_some("current"),
            (i < props.step).then_some("past"),
            (i > props.step).then_some("future"),
        );
        let name = match &l.alert {
            Some(description) => format!("Alert: {description}"),
            None => s.title.clone(),
        };
        // Half-width arrows (to or from the middle lane) have room for the name only; the
        // double line still says "encrypted".
        let full = (x2 - x1).abs() > SERVER_X - CLIENT_X - 1.0;
        let label = format!("{name}{}", match l.keys {
            _ if !full => "",
            RecordKeys::Clear => "",
            RecordKeys::Handshake => " (handshake keys)",
            RecordKeys::Application if tls13 => " (application keys)",
            RecordKeys::Application => " (encrypted)",
        });
        html! {
            <g key={i} class={class} data-step={i.to_string()} data-title={s.title.clone()}
               role="button" tabindex="0" aria-label={if i > props.step { format!("Step {}: not yet reached", i + 1) } else { format!("{label}: step {}, {} to {}, chapter {}", i + 1, super::lane_title(s.from, t.network), super::lane_title(s.to, t.network), s.chapter as u8) }}
               aria-current={current.then_some("step")} onclick={select} onkeydown={keyboard}
               ref={if current { current_ref.clone() } else { NodeRef::default() }}>
                <rect class="hit" x="0" y={(y - ROW / 2.0).to_string()} width={WIDTH.to_string()} height={ROW.to_string()} rx="6" />
                if episode {
                    <rect class="episode" x={(NETWORK_X - 110.0).to_string()} y={(y - 16.0).to_string()} width="220" height="30" rx="8" />
                    <text class="label" x={NETWORK_X.to_string()} y={(y + 4.0).to_string()} text-anchor="middle">{ label.clone() }</text>
                } else {
                if l.keys != RecordKeys::Clear {
                    <line class="shadow" x1={x1.to_string()} y1={(y + 3.0).to_string()} x2={head.to_string()} y2={(y + 3.0).to_string()} />
                }
                <line class="wire" x1={x1.to_string()} y1={y.to_string()} x2={head.to_string()} y2={y.to_string()} pathLength="1" />
                <polygon class="head" points={arrow} />
                if current && observed(t, i) {
                    // A passive observer keeps a copy of what crosses (it reads only what is
                    // in the clear).
                    <g class="copy" aria-hidden="true">
                        <rect x={(NETWORK_X - 16.0).to_string()} y={(y + 6.0).to_string()} width="32" height="14" rx="3" />
                        <text x={NETWORK_X.to_string()} y={(y + 16.5).to_string()} text-anchor="middle">{ "copy" }</text>
                    </g>
                }
                if current {
                    // The message itself, carried along its arrow (CSS moves it: transform only).
                    <circle class={classes!("packet", packet_class(x1, head))} cx={x1.to_string()} cy={y.to_string()} r="5" aria-hidden="true" />
                }
                <text class="label" x={((x1 + x2) / 2.0).to_string()} y={(y - 7.0).to_string()} text-anchor="middle">{ label }</text>
                if l.tampered {
                    <g class="tamper" aria-hidden="true">
                        <circle cx={NETWORK_X.to_string()} cy={(y + 12.0).to_string()} r="7" />
                        <text x={NETWORK_X.to_string()} y={(y + 16.0).to_string()} text-anchor="middle">{ "!" }</text>
                    </g>
                }
                }
            </g>
        }
    });

    html! {
        <div class="diagram-scroll" ref={scroller}>
          <div class="diagram-inner">
            // The lane names stay at the top of the box while it scrolls (a sticky drawing of
            // its own, the same width as the diagram, so the lanes line up).
            <svg class="lane-head" viewBox={format!("0 0 {WIDTH} {LANES_TOP}")}>
                <text class="lane-title client" x={CLIENT_X.to_string()} y="22" text-anchor="middle">{ "Client" }</text>
                <text class="lane-title server" x={SERVER_X.to_string()} y="22" text-anchor="middle">{ "Server" }</text>
                <text class="lane-sub" x={CLIENT_X.to_string()} y="38" text-anchor="middle">{ "browser" }</text>
                <text class="lane-sub" x={SERVER_X.to_string()} y="38" text-anchor="middle">{ server_sub }</text>
                if network {
                    <text class="lane-title network" x={NETWORK_X.to_string()} y="22" text-anchor="middle">{ network_title }</text>
                    <text class="lane-sub" x={NETWORK_X.to_string()} y="38" text-anchor="middle">{ "on the wire" }</text>
                }
            </svg>
            <svg data-diagram="" class={speed_class(props.speed)} viewBox={format!("0 {LANES_TOP} {WIDTH} {}", height - LANES_TOP)} role="group"
                 aria-label="Sequence diagram: client on the left, server on the right" preserveAspectRatio="xMidYMin meet">
                <g class="chapter-bands" aria-hidden="true">
                    // Every other band is shaded, counted by band: with a man in the middle the
                    // chapter numbers jump (6, then 2 for the second handshake).
                    { for chapter_bands(&t.steps).into_iter().enumerate().map(|(band, (chapter, first, len))| {
                        let top = TOP + ROW * first as f64;
                        html! {
                            <g class={classes!("chapter-band", (!band.is_multiple_of(2)).then_some("shaded"))}>
                                <rect x="0" y={top.to_string()} width={WIDTH.to_string()} height={(ROW * len as f64).to_string()} />
                                <text class="chapter-band-label" x={(WIDTH - 6.0).to_string()} y={(top + 13.0).to_string()} text-anchor="end">{ format!("ch. {}", chapter as u8) }</text>
                            </g>
                        }
                    }) }
                </g>
                <line class="lane client" x1={CLIENT_X.to_string()} y1={LANES_TOP.to_string()} x2={CLIENT_X.to_string()} y2={height.to_string()} />
                <line class="lane server" x1={SERVER_X.to_string()} y1={LANES_TOP.to_string()} x2={SERVER_X.to_string()} y2={height.to_string()} />
                if network {
                    <line class="lane network dashed" x1={NETWORK_X.to_string()} y1={LANES_TOP.to_string()} x2={NETWORK_X.to_string()} y2={height.to_string()} />
                }
                { for rows }
                <g class="flights" aria-hidden="true">
                    { for flights.iter().enumerate().map(|(n, &first)| {
                        let top = TOP + ROW * first as f64;
                        html! {
                            <g class="flight">
                                <line class="flight-rule" x1="0" y1={top.to_string()} x2={WIDTH.to_string()} y2={top.to_string()} />
                                <text class="flight-label" x="4" y={(top + 11.0).to_string()}>{ format!("RT {}", n + 1) }</text>
                            </g>
                        }
                    }) }
                </g>
                <g class="step-nums" aria-hidden="true">
                    { for (0..t.steps.len()).map(|i| html! {
                        <text class="step-num" x="14" y={(TOP + ROW * i as f64 + ROW / 2.0 + 4.0).to_string()}>{ i + 1 }</text>
                    }) }
                </g>
            </svg>
            <p class="diagram-legend" data-field="round_trips" data-value={trips.map(|n| n.to_string()).unwrap_or_default()}>
              { legend(tls13, trips) }
            </p>
          </div>
        </div>
    }
}

/// What the lines and marks mean, and how long the client waited to send its request.
fn legend(tls13: bool, trips: Option<usize>) -> String {
    let lines = if tls13 {
        "One line: in the clear. Double dashed: under handshake traffic keys. Double: under application traffic keys."
    } else {
        "One line: in the clear. Double: encrypted under the keys cut from the key block."
    };
    let trips = match trips {
        Some(1) => " RT n: the client's n-th round trip. Its request left after one round trip."
            .to_string(),
        Some(n) => {
            format!(" RT n: the client's n-th round trip. Its request left after {n} round trips.")
        }
        None => " RT n: the client's n-th round trip. It sent no request.".to_string(),
    };
    format!("{lines}{trips}")
}

/// The chapters as bands of consecutive steps: (chapter, first step, how many steps). With a
/// man in the middle a chapter comes back for the second handshake: a band of its own.
fn chapter_bands(steps: &[Step]) -> Vec<(Chapter, usize, usize)> {
    let mut bands: Vec<(Chapter, usize, usize)> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        match bands.last_mut() {
            Some((chapter, _, len)) if *chapter == s.chapter => *len += 1,
            _ => bands.push((s.chapter, i, 1)),
        }
    }
    bands
}

/// Whether a passive observer on the wire recorded something of step `step`.
fn observed(t: &Shared, step: usize) -> bool {
    t.network == NetworkRole::Observer
        && t.scenario != Scenario::Happy
        && t.step_events(step)
            .any(|e| e.actor == Actor::Network && matches!(e.kind, EventKind::Learned(_)))
}

/// The packet's journey, one of four (lanes are 150 apart; the head stops 6 short).
fn packet_class(from: f64, to: f64) -> &'static str {
    match (to > from, (to - from).abs() > NETWORK_X - CLIENT_X) {
        (true, true) => "right-far",
        (true, false) => "right-near",
        (false, true) => "left-far",
        (false, false) => "left-near",
    }
}

/// The travel time of the current message follows the speed (a class, not an inline style:
/// the Content-Security-Policy allows no inline styles).
pub(super) fn speed_class(speed: f64) -> &'static str {
    match speed {
        s if s <= 0.5 => "speed-half",
        s if s <= 1.0 => "speed-1",
        s if s <= 2.0 => "speed-2",
        _ => "speed-4",
    }
}

/// Scrolls the diagram's own box so that the current message is in the part of the box the
/// reader can see, which may end below the window. The page itself is scrolled only when the
/// box cannot scroll far enough, and then on `first` (a deep link into a long run) or on a
/// phone, where the player at the bottom of the window would hide the message; otherwise
/// moving the page would pull the reader away from what they are reading.
fn keep_in_view(row: Option<web_sys::Element>, bx: Option<web_sys::Element>, first: bool) {
    let (Some(row), Some(bx), Some(window)) = (row, bx, web_sys::window()) else {
        return;
    };
    let mut window_height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::MAX);
    // On a phone the player is fixed at the bottom of the window and covers what is under it.
    let player_below = window
        .document()
        .and_then(|d| d.query_selector(".player").ok().flatten())
        .map(|p| p.get_bounding_client_rect())
        .filter(|p| p.bottom() >= window_height - 1.0 && p.top() > window_height / 2.0);
    if let Some(player) = &player_below {
        window_height = player.top();
    }
    let (r, b) = (
        row.get_bounding_client_rect(),
        bx.get_bounding_client_rect(),
    );
    // The sticky lane names cover the top of the box.
    let head = bx
        .query_selector(".lane-head")
        .ok()
        .flatten()
        .map_or(0.0, |h| h.get_bounding_client_rect().height());
    let (visible_top, visible_bottom) = (b.top().max(0.0) + head, b.bottom().min(window_height));
    let top = bx.scroll_top() as f64;
    if r.top() < visible_top {
        bx.set_scroll_top((top - (visible_top - r.top()) - 8.0) as i32);
    } else if r.bottom() > visible_bottom {
        bx.set_scroll_top((top + (r.bottom() - visible_bottom) + 8.0) as i32);
    }
    let below = row.get_bounding_client_rect().bottom() - window_height;
    if (first || player_below.is_some()) && below > 0.0 {
        window.scroll_by_with_x_and_y(0.0, below + 8.0);
    }
}

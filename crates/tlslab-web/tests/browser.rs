//! The app's view logic and components, in headless Chromium (wasm-bindgen-test).
//! Run with `./x test` (it sets CHROMEDRIVER), or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p tlslab-web --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use tlslab_core::driver::{self, Protocol, RunConfig};
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{Chapter, Computation, EventKind, Timeline};
use tlslab_web::protocol::{RunRequest, Suite};
use tlslab_web::state::{Action, Classroom, Level, Model, RunParams, Shared, Tab};
use tlslab_web::url::Link;
use tlslab_web::view::bytes::BytesPanel;
use tlslab_web::view::diagram::Diagram;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const NOW: u64 = 1_795_651_200;

fn timeline() -> Shared {
    thread_local! {
        static T: Rc<Timeline> = Rc::new(driver::run(&RunConfig::new(7, NOW)).expect("demo PKI"));
    }
    Shared(T.with(Rc::clone))
}

fn loaded() -> Rc<Model> {
    let m = Rc::new(Model::new(RunParams::new(7), None));
    let m = reduce(
        m,
        Action::Start {
            id: 1,
            params: RunParams::new(7),
        },
    );
    reduce(
        m,
        Action::Loaded {
            id: 1,
            timeline: timeline(),
            run_ms: 1.0,
        },
    )
}

fn reduce(m: Rc<Model>, a: Action) -> Rc<Model> {
    yew::Reducible::reduce(m, a)
}

#[wasm_bindgen_test]
fn links_parse_and_ignore_what_does_not() {
    let l = Link::parse(
        "?seed=42&step=3&suite=TLS_RSA_WITH_AES_128_CBC_SHA&scenario=mitm&clock=1700000000&ems=0",
    );
    assert_eq!(l.scenario, Some(Scenario::Mitm));
    assert_eq!(l.clock, Some(1_700_000_000));
    assert_eq!(l.ems, Some(false));
    assert_eq!(l.seed, Some(42));
    // The link's step=3 is the third step on screen, index 2.
    assert_eq!(l.step, Some(2));
    assert_eq!(Link::parse("?step=1").step, Some(0));
    assert_eq!(Link::parse("?step=0").invalid, ["step"]);
    assert_eq!(
        l.suite.map(Suite::name).as_deref(),
        Some("TLS_RSA_WITH_AES_128_CBC_SHA")
    );
    let bad = Link::parse(
        "?seed=-1&step=x&suite=TLS_NULL&scenario=nope&ems=maybe&theme=blue&speed=3&bogus=1",
    );
    assert_eq!(
        bad,
        Link {
            invalid: [
                "bogus", "seed", "step", "suite", "scenario", "ems", "theme", "speed"
            ]
            .map(String::from)
            .to_vec(),
            ..Link::default()
        }
    );
    let look = Link::parse("?theme=dark&embed=1&autoplay=1&speed=2");
    assert_eq!(look.theme, tlslab_web::url::Theme::Dark);
    assert!(look.embed && look.autoplay);
    assert_eq!(look.speed, Some(2.0));
    assert!(look.invalid.is_empty());
    assert_eq!(
        Link::parse("?seed=9007199254740992").seed,
        None,
        "above 2^53 - 1"
    );
    assert_eq!(Link::parse(&l.query()), l);
}

#[wasm_bindgen_test]
fn classroom_links_round_trip_and_a_quiz_hides_spoilers() {
    let c = Link::parse("?present=1&level=intro&quiz=1").classroom;
    assert_eq!(
        c,
        Classroom {
            present: true,
            level: Level::Intro,
            quiz: true,
            spoilers: false
        }
    );
    assert!(Link::parse("?quiz=1&spoilers=1").classroom.spoilers);
    assert!(!Link::parse("?spoilers=0").classroom.spoilers);
    assert_eq!(Link::parse("?level=expert").invalid, ["level"]);
    for query in [
        "?present=1&level=intro&quiz=1",
        "?quiz=1&spoilers=1",
        "?spoilers=0",
    ] {
        let l = Link::parse(query);
        assert_eq!(Link::parse(&l.query()), l, "{query}");
    }
    assert_eq!(
        Link::parse("?seed=1").query(),
        "?seed=1",
        "the defaults add nothing"
    );
}

#[wasm_bindgen_test]
fn a_quiz_waits_before_a_question_until_it_is_answered() {
    let m = reduce(
        loaded(),
        Action::Classroom(Classroom {
            quiz: true,
            spoilers: false,
            ..Classroom::default()
        }),
    );
    let questions = tlslab_web::quiz::questions(&timeline());
    let first = questions[0].step;
    // End, a click past it or play stop before the question's step, and ask it.
    for action in [Action::Last, Action::Go(first + 2)] {
        let at = reduce(m.clone(), action);
        assert_eq!((at.step, at.asking), (first - 1, Some(first)));
    }
    let mut at = reduce(m.clone(), Action::Go(first - 1));
    for _ in 0..3 {
        at = reduce(at, Action::Next);
    }
    assert_eq!((at.step, at.asking), (first - 1, Some(first)));
    // Answered, the next step shows; the question is not asked again.
    let at = reduce(reduce(at, Action::Answer(0)), Action::Next);
    assert_eq!((at.step, at.asking), (first, None));
    assert_eq!(at.answers, [(first, 0)]);
    let at = reduce(reduce(at, Action::Prev), Action::Go(first));
    assert_eq!((at.step, at.asking), (first, None));
    // A link or a new run in a quiz starts from the beginning: no question is skipped.
    let mut deep = Model::new(RunParams::new(7), Some(first + 3));
    deep.classroom.quiz = true;
    let deep = reduce(
        reduce(
            Rc::new(deep),
            Action::Start {
                id: 1,
                params: RunParams::new(7),
            },
        ),
        Action::Loaded {
            id: 1,
            timeline: timeline(),
            run_ms: 1.0,
        },
    );
    assert_eq!((deep.step, deep.asking), (first - 1, Some(first)));
    // Play waits for the answer.
    assert!(!reduce(deep, Action::TogglePlay).playing);
    // The intro level shows who knows what instead of the tabs it hides.
    let intro = reduce(
        loaded(),
        Action::Classroom(Classroom {
            level: Level::Intro,
            ..Classroom::default()
        }),
    );
    let intro = reduce(intro, Action::Chapter(Chapter::Premaster));
    assert_eq!(intro.tab, Tab::Knowledge);
}

#[wasm_bindgen_test]
fn the_player_stays_within_the_steps() {
    let m = loaded();
    assert_eq!(m.steps(), 13);
    let m = reduce(m, Action::Prev);
    assert_eq!(m.step, 0);
    let m = reduce(m, Action::Last);
    assert_eq!(m.step, 12);
    let m = reduce(m, Action::Next);
    assert_eq!(m.step, 12);
    let m = reduce(m, Action::Go(99));
    assert_eq!(m.step, 12);
    // Playing from the end starts over; ticking past the end stops.
    let m = reduce(m, Action::TogglePlay);
    assert!(m.playing);
    assert_eq!(m.step, 0);
    // Ticks move by beat: more ticks than steps.
    let mut m = m;
    for _ in 0..100 {
        m = reduce(m, Action::Tick);
    }
    assert_eq!(m.step, 12);
    assert!(!m.playing);
}

#[wasm_bindgen_test]
fn next_and_prev_move_by_beat_then_by_step() {
    // ServerHelloDone (one beat), then ClientKeyExchange (several).
    let m = reduce(loaded(), Action::Go(3));
    assert_eq!(m.beats(), 1);
    let m = reduce(m, Action::Next);
    assert_eq!((m.step, m.beat_index()), (4, 0));
    assert!(m.beats() > 2);
    assert_eq!(m.link_beat(), Some(0));
    let m = reduce(m, Action::Next);
    assert_eq!((m.step, m.beat_index()), (4, 1));
    let m = reduce(reduce(m, Action::Prev), Action::Prev);
    assert_eq!(m.step, 3);
    // A click lands on the step whole: its last beat, which a link names with no beat=.
    let m = reduce(m, Action::Go(4));
    assert_eq!(m.beat_index(), m.beats() - 1);
    assert_eq!(m.link_beat(), None);
}

#[wasm_bindgen_test]
fn chapters_jump_to_their_first_step_and_tab() {
    let m = reduce(loaded(), Action::Chapter(Chapter::Premaster));
    assert_eq!(timeline().steps[m.step].title, "ClientKeyExchange");
    assert_eq!(m.tab, Tab::Premaster);
    let m = reduce(m, Action::Chapter(Chapter::Authentication));
    assert_eq!(timeline().steps[m.step].title, "Certificate");
    assert_eq!(m.tab, Tab::Certificate);
}

#[wasm_bindgen_test]
fn a_reply_for_an_older_request_is_ignored() {
    let m = reduce(
        loaded(),
        Action::Start {
            id: 2,
            params: RunParams::new(8),
        },
    );
    let m = reduce(
        m,
        Action::Loaded {
            id: 1,
            timeline: timeline(),
            run_ms: 1.0,
        },
    );
    assert!(m.run.timeline().is_none(), "still waiting for request 2");
    let m = reduce(
        m,
        Action::Loaded {
            id: 2,
            timeline: timeline(),
            run_ms: 1.0,
        },
    );
    assert!(m.run.timeline().is_some());
}

/// A run request as the page posts it to the worker.
/// A host's message, written as a host page writes it.
fn js(source: &str) -> wasm_bindgen::JsValue {
    js_sys::eval(&format!("({source})")).expect("valid JavaScript")
}

#[wasm_bindgen_test]
fn host_commands_are_read_field_by_field_and_anything_else_is_refused() {
    use tlslab_web::embed::Command;
    let parse = |source: &str| Command::parse(js(source));
    assert_eq!(
        parse("{version: 1, type: 'goto', step: 4}"),
        Ok(Command::Goto {
            step: Some(4),
            chapter: None
        })
    );
    assert_eq!(
        parse("{version: 1, type: 'goto', chapter: 3, step: null}"),
        Ok(Command::Goto {
            step: None,
            chapter: Some(3)
        })
    );
    assert_eq!(parse("{type: 'play', version: 1}"), Ok(Command::Play));
    assert_eq!(
        parse("{version: 1, type: 'setCompare', compare: 'tls12-rsa,tls13'}"),
        Ok(Command::SetCompare {
            compare: "tls12-rsa,tls13".into()
        })
    );
    assert_eq!(
        parse("{version: 1, type: 'setView', present: true, level: 'intro'}"),
        Ok(Command::SetView {
            present: Some(true),
            level: Some("intro".into()),
            quiz: None,
            spoilers: None
        })
    );
    for (source, why) in [
        ("'goto 0'", "expected an object"),
        ("[1]", "expected an object"),
        ("{version: 1}", "missing field `type`"),
        ("{type: 'goto', step: 1}", "missing field `version`"),
        ("{version: 2, type: 'play'}", "unsupported version 2"),
        ("{version: 1, type: 'jump'}", "unknown type `jump`"),
        (
            "{version: 1, type: 'play', step: 2}",
            "unknown field `step` for `play`",
        ),
        (
            "{version: 1, type: 'goto', step: -1}",
            "`step` is not a whole number",
        ),
        (
            "{version: 1, type: 'goto', chapter: 300}",
            "`chapter` is not a whole number",
        ),
        (
            "{version: 1, type: 'goto', step: 1.5}",
            "`step` is not a whole number",
        ),
        (
            "{version: 1, type: 'setScenario'}",
            "missing field `scenario`",
        ),
        (
            "{version: 1, type: 'setProtocol', protocol: 13}",
            "`protocol` is not a string",
        ),
        (
            "{version: 1, type: 'setView', quiz: 'yes'}",
            "`quiz` is not true or false",
        ),
    ] {
        let error = parse(source).expect_err(source);
        assert!(error.contains(why), "{source}: {error}");
    }
}

fn posted(request: &RunRequest) -> wasm_bindgen::JsValue {
    serde_wasm_bindgen::to_value(request).unwrap()
}

#[wasm_bindgen_test]
fn the_worker_runs_the_scenario_and_suite_it_is_asked_for() {
    let request = RunRequest {
        id: 3,
        seed: 7,
        now: NOW,
        protocol: Protocol::Tls12Rsa,
        suite: Suite::from_name("TLS_RSA_WITH_AES_128_CBC_SHA"),
        scenario: Scenario::Expired,
        ems: false,
    };
    let reply = tlslab_web::worker::answer(posted(&request));
    assert_eq!(reply.id, 3);
    let t: Timeline = Timeline::unpack(&reply.result.unwrap().0).unwrap();
    assert_eq!(t.scenario, Scenario::Expired);
    // Left to themselves the peers would agree on GCM.
    let selected = t.events.iter().find_map(|e| match &e.kind {
        EventKind::Computation(Computation::SuiteSelected { cipher_suite, .. }) => {
            Some(cipher_suite.as_str())
        }
        _ => None,
    });
    assert_eq!(selected, Some("TLS_RSA_WITH_AES_128_CBC_SHA"));
}

/// `protocol=` picks the key exchange; without it a link is RSA key exchange, as before. A
/// suite or a scenario of the other protocol is reported, not run.
#[wasm_bindgen_test]
fn links_name_the_protocol_and_refuse_what_does_not_belong_to_it() {
    let l = Link::parse(
        "?protocol=tls12-ecdhe&suite=TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256&scenario=swapped-share",
    );
    assert_eq!(l.protocol, Some(Protocol::Tls12Ecdhe));
    assert_eq!(l.scenario, Some(Scenario::SwappedShare));
    assert!(l.invalid.is_empty(), "{:?}", l.invalid);
    assert_eq!(Link::parse(&l.query()), l);
    let rsa = Link::parse("?suite=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256&scenario=swapped-share");
    assert_eq!((rsa.protocol, rsa.suite, rsa.scenario), (None, None, None));
    assert_eq!(rsa.invalid, ["suite", "scenario"]);
    let ecdhe = Link::parse("?protocol=tls12-ecdhe&scenario=bad-premaster");
    assert_eq!(ecdhe.invalid, ["scenario"]);
    // The default protocol is not written: old links and new ones read the same.
    let params = RunParams::new(5);
    assert!(!Link::to_view(&params, 0, None).query().contains("protocol"));
    let moved = params
        .with_scenario(Scenario::BadPremaster)
        .with_protocol(Protocol::Tls12Ecdhe);
    assert_eq!(
        moved.scenario,
        Scenario::Happy,
        "bad-premaster has no ECDHE meaning"
    );
    assert!(
        Link::to_view(&moved, 0, None)
            .query()
            .contains("protocol=tls12-ecdhe")
    );
}

#[wasm_bindgen_test]
fn the_worker_runs_the_protocol_it_is_asked_for() {
    let request = RunRequest {
        id: 5,
        seed: 7,
        now: NOW,
        protocol: Protocol::Tls12Ecdhe,
        suite: Suite::from_name("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
        scenario: Scenario::StolenKey,
        ems: true,
    };
    let reply = tlslab_web::worker::answer(posted(&request));
    let t: Timeline = Timeline::unpack(&reply.result.unwrap().0).unwrap();
    assert_eq!(t.protocol(), Protocol::Tls12Ecdhe);
    assert_eq!(
        t.negotiated_suite(),
        Some("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")
    );
    // A request without a protocol (a page from before) is RSA key exchange.
    let old = posted(&RunRequest {
        suite: None,
        ..request
    });
    js_sys::Reflect::delete_property(&old.clone().into(), &"protocol".into()).unwrap();
    let t: Timeline = Timeline::unpack(&tlslab_web::worker::answer(old).result.unwrap().0).unwrap();
    assert_eq!(t.protocol(), Protocol::Tls12Rsa);
}

/// The worker used to run the default for what it did not understand: an unknown scenario was
/// the happy path, an unknown suite no restriction at all.
#[wasm_bindgen_test]
fn the_worker_answers_an_unknown_scenario_or_suite_with_an_error() {
    let request = RunRequest {
        id: 4,
        seed: 7,
        now: NOW,
        protocol: Protocol::Tls12Rsa,
        suite: None,
        scenario: Scenario::Happy,
        ems: true,
    };
    for (field, value) in [
        ("scenario", "no-such-scenario"),
        ("suite", "TLS_RSA_WITH_NULL_SHA"),
        ("protocol", "tls13-rsa"),
    ] {
        let message = posted(&request);
        js_sys::Reflect::set(&message, &field.into(), &value.into()).unwrap();
        let reply = tlslab_web::worker::answer(message);
        assert_eq!(reply.id, 4, "{field}: the error names the request");
        let error = reply.result.expect_err(field);
        assert!(error.contains(value), "{field}: {error}");
    }
}

/// Renders `html` into a fresh element and returns it once Yew has drawn it.
async fn render<C>(props: C::Properties) -> web_sys::Element
where
    C: BaseComponent,
{
    let document = document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    // Let the scheduler run.
    gloo_timers::future::TimeoutFuture::new(50).await;
    root
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

#[derive(Properties, PartialEq)]
struct DiagramHost {
    step: usize,
}

#[function_component(DiagramWithModel)]
fn diagram_with_model(props: &DiagramHost) -> Html {
    html! { <Diagram timeline={timeline()} step={props.step} speed={1.0} on_select={Callback::noop()} /> }
}

#[wasm_bindgen_test]
async fn the_diagram_draws_one_arrow_per_message_and_marks_the_current_one() {
    let root = render::<DiagramWithModel>(DiagramHost { step: 4 }).await;
    let steps = root.query_selector_all("g[data-step]").unwrap();
    assert_eq!(steps.length(), 13);
    let current = root
        .query_selector("g[aria-current='step']")
        .unwrap()
        .unwrap();
    assert_eq!(current.get_attribute("data-step").as_deref(), Some("4"));
    assert_eq!(
        current.get_attribute("data-title").as_deref(),
        Some("ClientKeyExchange")
    );
    let encrypted = root.query_selector_all("g.encrypted").unwrap().length();
    assert_eq!(
        encrypted, 6,
        "both Finished, both ApplicationData, both close_notify"
    );
}

#[function_component(BytesHost)]
fn bytes_host() -> Html {
    let model = use_reducer(|| (*loaded()).clone());
    html! { <BytesPanel timeline={timeline()} step={0} plaintext={false} dispatch={model.dispatcher()} /> }
}

#[wasm_bindgen_test]
async fn the_byte_inspector_shows_every_byte_and_annotates_the_random() {
    let root = render::<BytesHost>(()).await;
    let t = timeline();
    let record_len = t.events.iter().find_map(|e| match &e.kind {
        tlslab_core::timeline::EventKind::RecordSent(r) => Some(r.bytes.len()),
        _ => None,
    });
    assert_eq!(
        Some(root.query_selector_all("[data-byte]").unwrap().length() as usize),
        record_len
    );
    let random = root
        .query_selector("[data-field='client_random']")
        .unwrap()
        .unwrap();
    let start: usize = random.get_attribute("data-start").unwrap().parse().unwrap();
    let hex: String = (start..start + 32)
        .map(|i| {
            root.query_selector(&format!("[data-byte='{i}']"))
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(Some(hex), random.get_attribute("data-value"));
}

//! The view state and everything that changes it (Yew's `Reducible`, as in function_todomvc).

use crate::protocol::Suite;
use std::rc::Rc;
use tlslab_core::driver::Protocol;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{Chapter, Timeline};
use yew::Reducible;

/// `Model::beat` for a step's end state (its last beat, whatever their number).
pub const END: usize = usize::MAX;

/// The inspector's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Bytes,
    Certificate,
    Premaster,
    Keys,
    Knowledge,
    Reproduce,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Bytes,
        Tab::Certificate,
        Tab::Premaster,
        Tab::Keys,
        Tab::Knowledge,
        Tab::Reproduce,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Bytes => "bytes",
            Tab::Certificate => "certificate",
            Tab::Premaster => "premaster",
            Tab::Keys => "keys",
            Tab::Knowledge => "knowledge",
            Tab::Reproduce => "reproduce",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Bytes => "Bytes",
            Tab::Certificate => "Certificate",
            Tab::Premaster => "Premaster",
            Tab::Keys => "Keys",
            Tab::Knowledge => "Who knows what",
            Tab::Reproduce => "Reproduce",
        }
    }

    /// The tab that best explains a chapter, chosen when navigating by chapter or playing.
    pub fn for_chapter(chapter: Chapter) -> Tab {
        match chapter {
            Chapter::ClientHello | Chapter::ServerHello => Tab::Bytes,
            Chapter::Authentication => Tab::Certificate,
            Chapter::Premaster => Tab::Premaster,
            Chapter::ClientFinished | Chapter::ServerFinished => Tab::Keys,
            Chapter::ApplicationData => Tab::Bytes,
        }
    }
}

/// A timeline shared by the components; equal when it is the same run.
#[derive(Clone, Debug)]
pub struct Shared(pub Rc<Timeline>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shared {
    type Target = Timeline;
    fn deref(&self) -> &Timeline {
        &self.0
    }
}

/// What a run is made of: everything the URL can hold about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunParams {
    pub seed: u64,
    /// What the client offers (`protocol=`): RSA key exchange unless a link says otherwise.
    pub protocol: Protocol,
    /// The suite the run is restricted to, if any.
    pub suite: Option<Suite>,
    pub scenario: Scenario,
    /// The client's clock (seconds since the Unix epoch); `None` for the browser's clock.
    pub clock: Option<u64>,
    /// Offer the extended master secret (RFC 7627).
    pub ems: bool,
}

impl RunParams {
    pub fn new(seed: u64) -> Self {
        RunParams {
            seed,
            protocol: Protocol::default(),
            suite: None,
            scenario: Scenario::Happy,
            clock: None,
            ems: true,
        }
    }

    /// The same settings for another scenario, with the client's clock back at now: a clock
    /// set to make one scenario's point (a certificate not yet valid) would quietly change
    /// another's outcome (the stolen-key run ending in certificate_expired).
    pub fn with_scenario(&self, scenario: Scenario) -> RunParams {
        RunParams {
            scenario,
            clock: None,
            ..self.clone()
        }
    }

    /// The same settings under another protocol: a suite of the other protocol is dropped,
    /// and a scenario that means nothing there becomes the happy path.
    pub fn with_protocol(&self, protocol: Protocol) -> RunParams {
        RunParams {
            protocol,
            suite: self.suite.filter(|s| s.protocol() == protocol),
            scenario: Some(self.scenario)
                .filter(|s| s.applies_to(protocol))
                .unwrap_or_default(),
            ..self.clone()
        }
    }
}

/// How much the page shows (`level=`): everything, or the story for a first meeting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    #[default]
    Full,
    /// The story, the animation and who knows what; no bytes, keys, recipes, files or RFC
    /// citations.
    Intro,
}

impl Level {
    pub fn id(self) -> &'static str {
        match self {
            Level::Full => "full",
            Level::Intro => "intro",
        }
    }

    pub fn from_id(id: &str) -> Option<Level> {
        match id {
            "full" => Some(Level::Full),
            "intro" => Some(Level::Intro),
            _ => None,
        }
    }
}

/// How the page presents the run to a class (`present=1`, `level=intro`, `quiz=1`,
/// `spoilers=0`). None of it changes the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classroom {
    /// Presenter mode: no settings, large text, the diagram and the step on one screen.
    pub present: bool,
    pub level: Level,
    /// A question before chosen steps (`crate::quiz`).
    pub quiz: bool,
    /// The outcome may be shown before the run reaches it (off by default in a quiz).
    pub spoilers: bool,
}

impl Default for Classroom {
    fn default() -> Self {
        Classroom {
            present: false,
            level: Level::Full,
            quiz: false,
            spoilers: true,
        }
    }
}

impl Classroom {
    /// The tabs this level shows.
    pub fn shows(self, tab: Tab) -> bool {
        self.level == Level::Full || tab == Tab::Knowledge
    }

    /// The engineer's details: Files (downloads, import), the protocol's account of a scenario,
    /// the stolen-key exercise. Not at the intro level.
    pub fn shows_details(self) -> bool {
        self.level == Level::Full
    }

    /// The tab to show instead of `tab` when this level hides it.
    pub fn tab(self, tab: Tab) -> Tab {
        if self.shows(tab) { tab } else { Tab::Knowledge }
    }
}

/// Where the timeline on screen comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Computed in this page from `Model::params`.
    Live,
    /// Opened from a timeline file with this name.
    File { name: String },
}

/// Where the current run is.
#[derive(Clone, Debug, PartialEq)]
pub enum Run {
    Loading,
    Ready { timeline: Shared, run_ms: f64 },
    Failed { message: String },
}

impl Run {
    pub fn timeline(&self) -> Option<&Shared> {
        match self {
            Run::Ready { timeline, .. } => Some(timeline),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub params: RunParams,
    /// The id of the request whose reply is awaited or shown.
    pub request: u64,
    pub run: Run,
    pub step: usize,
    /// The beat within the step (see `crate::beats`); [`END`] for its end state.
    pub beat: usize,
    pub playing: bool,
    /// Playback speed factor (1 = a message every 1.6 s, travelling for 0.5 s).
    pub speed: f64,
    pub tab: Tab,
    /// The reader picked `tab`: playing keeps it rather than choosing one per chapter.
    pub tab_chosen: bool,
    /// Show the decrypted plaintext of a protected record instead of its ciphertext.
    pub plaintext: bool,
    /// A step asked for (by the URL) before the timeline arrived.
    pub wanted_step: Option<usize>,
    /// And a beat in it (`beat=`); without one the link shows the step's end state.
    pub wanted_beat: Option<usize>,
    /// Start playing once the timeline arrives (`autoplay=1`).
    pub autoplay: bool,
    pub source: Source,
    /// Why the last timeline file was refused (shown until dismissed or replaced).
    pub import_error: Option<String>,
    /// The Files panel (downloads, opening a timeline) is open.
    pub files_open: bool,
    /// The Share panel (link and iframe snippet) is open. At most one of the two is.
    pub share_open: bool,
    pub classroom: Classroom,
    /// In a quiz: the step whose question is on screen (the view waits before it).
    pub asking: Option<usize>,
    /// The steps the run's questions come before (`crate::quiz`), worked out once per run, in
    /// a quiz (`None` until then).
    pub question_steps: Option<Vec<usize>>,
    /// The choices made, by the step each question comes before.
    pub answers: Vec<(usize, usize)>,
    /// The inspector has been drawn once. The first run's diagram is drawn one task before
    /// it, so that no single task draws the whole page (see `view::workspace`).
    pub inspector_drawn: bool,
}

impl Model {
    pub fn new(params: RunParams, wanted_step: Option<usize>) -> Self {
        Model {
            params,
            request: 0,
            run: Run::Loading,
            step: 0,
            beat: END,
            playing: false,
            speed: 1.0,
            tab: Tab::Bytes,
            tab_chosen: false,
            plaintext: false,
            wanted_step,
            wanted_beat: None,
            autoplay: false,
            source: Source::Live,
            import_error: None,
            files_open: false,
            share_open: false,
            classroom: Classroom::default(),
            asking: None,
            question_steps: None,
            answers: Vec::new(),
            inspector_drawn: false,
        }
    }

    pub fn steps(&self) -> usize {
        self.run.timeline().map_or(0, |t| t.steps.len())
    }

    fn last(&self) -> usize {
        self.steps().saturating_sub(1)
    }

    /// How many beats the current step has (at least one).
    pub fn beats(&self) -> usize {
        self.run
            .timeline()
            .map_or(1, |t| crate::beats::count(t, self.step))
    }

    /// The beat on screen, from 0.
    pub fn beat_index(&self) -> usize {
        self.beat.min(self.beats() - 1)
    }

    /// The beat a link names: none at the step's last beat (its end state, as a link without
    /// `beat=` shows it).
    pub fn link_beat(&self) -> Option<usize> {
        let beat = self.beat_index();
        (beat + 1 < self.beats()).then_some(beat)
    }

    /// Step `step`, whole (its end state): where a click, a chapter or a link goes.
    fn go(&mut self, step: usize) {
        self.step = step.min(self.last());
        self.beat = END;
        self.plaintext = false;
        self.asking = None;
    }

    /// In a quiz, the steps of the run's questions. Working them out costs a first load about
    /// 13 ms, so only a quiz does it: on arriving at a run, or when a quiz begins.
    fn work_out_questions(&mut self) {
        if self.classroom.quiz && self.question_steps.is_none() {
            self.question_steps = self
                .run
                .timeline()
                .map(|t| crate::quiz::questions(t).iter().map(|q| q.step).collect());
        }
    }

    /// In a quiz, the first step after the current one and up to `target` whose question is
    /// still open.
    fn question_before(&self, target: usize) -> Option<usize> {
        self.question_steps
            .iter()
            .flatten()
            .copied()
            .filter(|_| self.classroom.quiz)
            .find(|&s| s > self.step && s <= target && self.answer(s).is_none())
    }

    /// The choice made for the question before `step`, if it was answered.
    pub fn answer(&self, step: usize) -> Option<usize> {
        self.answers.iter().find(|a| a.0 == step).map(|a| a.1)
    }

    /// A question is on screen and not answered yet: the run waits for it.
    fn waiting(&self) -> bool {
        self.asking.is_some_and(|s| self.answer(s).is_none())
    }

    /// Shows a new timeline at `target` (a link's step, or where the reader was): in a quiz
    /// from the start, so no question is skipped.
    fn arrive(&mut self, target: usize) {
        self.question_steps = None;
        self.work_out_questions();
        self.answers.clear();
        if self.classroom.quiz {
            self.go(0);
        }
        self.go_towards(target);
    }

    /// Goes to step `target` (whole), or stops before an open question on the way forward.
    fn go_towards(&mut self, target: usize) {
        match self.question_before(target) {
            Some(question) => {
                self.go(question - 1);
                self.asking = Some(question);
                self.playing = false;
            }
            None => self.go(target),
        }
    }

    /// The next beat, or the next step's first: whether there was one.
    fn forward(&mut self) -> bool {
        let beat = self.beat_index();
        if beat + 1 < self.beats() {
            self.beat = beat + 1;
            true
        } else if let Some(question) = self.question_before(self.step + 1) {
            self.asking = Some(question);
            false
        } else if self.step < self.last() {
            // Stepping on, a step unfolds from its first beat.
            self.go(self.step + 1);
            self.beat = 0;
            true
        } else {
            false
        }
    }

    /// The previous beat, or the previous step's end state.
    fn back(&mut self) {
        self.asking = None;
        let beat = self.beat_index();
        if beat > 0 {
            self.beat = beat - 1;
        } else if self.step > 0 {
            self.go(self.step - 1);
        }
    }

    fn at_end(&self) -> bool {
        self.step >= self.last() && self.beat_index() + 1 >= self.beats()
    }
}

pub enum Action {
    /// Draw the inspector (once the first run's diagram is on screen).
    DrawInspector,
    /// Run request `id` with these parameters was sent to the worker.
    Start {
        id: u64,
        params: RunParams,
    },
    Loaded {
        id: u64,
        timeline: Shared,
        run_ms: f64,
    },
    Failed {
        id: u64,
        message: String,
    },
    Go(usize),
    /// A beat of the current step, from 0.
    Beat(usize),
    Next,
    Prev,
    First,
    Last,
    TogglePlay,
    Play,
    Pause,
    /// The playback clock ticked.
    Tick,
    Speed(f64),
    Tab(Tab),
    Chapter(Chapter),
    TogglePlaintext,
    /// A timeline file was read and accepted: show it instead of the live run.
    Imported {
        name: String,
        timeline: Shared,
    },
    /// A timeline file was refused; the run on screen stays.
    ImportFailed {
        name: String,
        message: String,
    },
    DismissImportError,
    ToggleFiles,
    OpenFiles,
    ToggleShare,
    /// Escape, or a click outside them: the Files and Share panels close.
    ClosePanels,
    /// Presenter mode on or off.
    Present(bool),
    /// The host page or the reader changed how the run is presented.
    Classroom(Classroom),
    /// The reader chose answer `choice` to the question on screen.
    Answer(usize),
}

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut m = (*self).clone();
        match action {
            Action::DrawInspector => m.inspector_drawn = true,
            Action::Start { id, params } => {
                m.request = id;
                m.params = params;
                m.run = Run::Loading;
                m.playing = false;
                m.source = Source::Live;
                m.asking = None;
            }
            Action::Loaded {
                id,
                timeline,
                run_ms,
            } => {
                if id != m.request {
                    return self; // a reply to a request since replaced
                }
                m.run = Run::Ready { timeline, run_ms };
                let step = m.wanted_step.take().unwrap_or(m.step);
                m.arrive(step);
                // A link shows the beat it names, else the step's end state.
                let beat = m.wanted_beat.take();
                if m.asking.is_none() {
                    m.beat = beat.unwrap_or(END);
                }
                if std::mem::take(&mut m.autoplay) {
                    m.playing = !m.at_end();
                }
            }
            Action::Failed { id, message } => {
                if id == m.request {
                    m.run = Run::Failed { message };
                }
            }
            Action::Go(step) => {
                m.playing = false;
                m.go_towards(step);
            }
            Action::Next => {
                m.forward();
            }
            Action::Prev => m.back(),
            Action::Beat(beat) => {
                m.playing = false;
                m.asking = None;
                m.beat = beat;
            }
            Action::First => m.go(0),
            Action::Last => m.go_towards(m.last()),
            // A question waits for its answer.
            Action::TogglePlay if m.waiting() => {}
            Action::TogglePlay => {
                m.playing = !m.playing && m.steps() > 0;
                if m.playing && m.at_end() {
                    m.go(0);
                }
            }
            Action::Play => {
                if !m.playing {
                    return Self::reduce(self, Action::TogglePlay);
                }
            }
            Action::Pause => m.playing = false,
            Action::Tick => {
                if !m.playing {
                    return self;
                }
                let step = m.step;
                if !m.forward() {
                    m.playing = false;
                } else if m.step != step {
                    let chapter = m
                        .run
                        .timeline()
                        .and_then(|t| t.steps.get(m.step))
                        .map(|s| s.chapter);
                    if let Some(chapter) = chapter.filter(|_| !m.tab_chosen) {
                        m.tab = m.classroom.tab(Tab::for_chapter(chapter));
                    }
                }
            }
            Action::Speed(speed) => m.speed = speed,
            Action::Tab(tab) => {
                m.tab = tab;
                m.tab_chosen = true;
            }
            Action::Chapter(chapter) => {
                let first = m
                    .run
                    .timeline()
                    .and_then(|t| t.steps.iter().position(|s| s.chapter == chapter));
                if let Some(step) = first {
                    m.playing = false;
                    m.go_towards(step);
                    // Stopped before a question, the view stays with the step it shows.
                    if m.step == step {
                        m.tab = m.classroom.tab(Tab::for_chapter(chapter));
                    }
                }
            }
            Action::TogglePlaintext => m.plaintext = !m.plaintext,
            Action::Imported { name, timeline } => {
                // Request ids start at 1: a reply to a live run still computing is ignored.
                m.request = 0;
                m.run = Run::Ready {
                    timeline,
                    run_ms: 0.0,
                };
                m.source = Source::File { name };
                m.import_error = None;
                // Out of the way: the run and its banner are what the reader wants now.
                m.files_open = false;
                m.playing = false;
                m.wanted_step = None;
                m.wanted_beat = None;
                m.autoplay = false;
                m.arrive(0);
            }
            Action::ImportFailed { name, message } => {
                m.import_error = Some(format!("Could not open {name}: {message}"));
            }
            Action::DismissImportError => m.import_error = None,
            Action::ToggleFiles => {
                m.files_open = !m.files_open;
                m.share_open = false;
            }
            Action::OpenFiles => {
                m.files_open = true;
                m.share_open = false;
            }
            Action::ToggleShare => {
                m.share_open = !m.share_open;
                m.files_open = false;
            }
            Action::Present(on) => m.classroom.present = on,
            Action::Classroom(classroom) => {
                m.classroom = classroom;
                m.work_out_questions();
                m.tab = classroom.tab(m.tab);
                if !classroom.quiz {
                    m.asking = None;
                }
            }
            Action::Answer(choice) => {
                if let Some(step) = m.asking.filter(|&s| m.answer(s).is_none()) {
                    m.answers.push((step, choice));
                }
            }
            Action::ClosePanels => {
                m.files_open = false;
                m.share_open = false;
            }
        }
        Rc::new(m)
    }
}

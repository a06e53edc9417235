//! The view state and everything that changes it (Yew's `Reducible`, as in function_todomvc).

use std::rc::Rc;
use tlslab_core::timeline::{Chapter, Timeline};
use yew::Reducible;

/// The inspector's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Bytes,
    Certificate,
    Premaster,
    Keys,
    Knowledge,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Bytes,
        Tab::Certificate,
        Tab::Premaster,
        Tab::Keys,
        Tab::Knowledge,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Bytes => "bytes",
            Tab::Certificate => "certificate",
            Tab::Premaster => "premaster",
            Tab::Keys => "keys",
            Tab::Knowledge => "knowledge",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Bytes => "Bytes",
            Tab::Certificate => "Certificate",
            Tab::Premaster => "Premaster",
            Tab::Keys => "Keys",
            Tab::Knowledge => "Who knows what",
        }
    }

    /// The tab that best explains a chapter, chosen when navigating by chapter or playing.
    pub fn for_chapter(chapter: Chapter) -> Tab {
        match chapter {
            Chapter::ClientHello | Chapter::ServerHello => Tab::Bytes,
            Chapter::Authentication => Tab::Certificate,
            Chapter::Premaster => Tab::Premaster,
            Chapter::ClientFinished | Chapter::ServerFinished => Tab::Keys,
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

/// Where the current run is.
#[derive(Clone, Debug, PartialEq)]
pub enum Run {
    Loading {
        seed: u64,
    },
    Ready {
        seed: u64,
        timeline: Shared,
        run_ms: f64,
    },
    Failed {
        seed: u64,
        message: String,
    },
}

impl Run {
    pub fn seed(&self) -> u64 {
        match self {
            Run::Loading { seed } | Run::Ready { seed, .. } | Run::Failed { seed, .. } => *seed,
        }
    }

    pub fn timeline(&self) -> Option<&Shared> {
        match self {
            Run::Ready { timeline, .. } => Some(timeline),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub run: Run,
    pub step: usize,
    pub playing: bool,
    /// Playback speed factor (1 = a message every 1.6 s, travelling for 0.5 s).
    pub speed: f64,
    pub tab: Tab,
    /// Show the decrypted plaintext of a protected record instead of its ciphertext.
    pub plaintext: bool,
    /// The suite the run is restricted to, if any (IANA name).
    pub suite: Option<String>,
    /// A step asked for (by the URL) before the timeline arrived.
    pub wanted_step: Option<usize>,
}

impl Model {
    pub fn new(seed: u64, suite: Option<String>, wanted_step: Option<usize>) -> Self {
        Model {
            run: Run::Loading { seed },
            step: 0,
            playing: false,
            speed: 1.0,
            tab: Tab::Bytes,
            plaintext: false,
            suite,
            wanted_step,
        }
    }

    pub fn steps(&self) -> usize {
        self.run.timeline().map_or(0, |t| t.steps.len())
    }

    fn last(&self) -> usize {
        self.steps().saturating_sub(1)
    }

    fn go(&mut self, step: usize) {
        self.step = step.min(self.last());
        self.plaintext = false;
    }
}

pub enum Action {
    /// A new run was asked for (seed, suite); the worker is computing it.
    Start {
        seed: u64,
        suite: Option<String>,
    },
    Loaded {
        seed: u64,
        timeline: Shared,
        run_ms: f64,
    },
    Failed {
        seed: u64,
        message: String,
    },
    Go(usize),
    Next,
    Prev,
    First,
    Last,
    TogglePlay,
    /// The playback clock ticked.
    Tick,
    Speed(f64),
    Tab(Tab),
    Chapter(Chapter),
    TogglePlaintext,
}

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut m = (*self).clone();
        match action {
            Action::Start { seed, suite } => {
                m.run = Run::Loading { seed };
                m.suite = suite;
                m.playing = false;
            }
            Action::Loaded {
                seed,
                timeline,
                run_ms,
            } => {
                if seed != m.run.seed() {
                    return self; // a reply to an earlier request
                }
                m.run = Run::Ready {
                    seed,
                    timeline,
                    run_ms,
                };
                let step = m.wanted_step.take().unwrap_or(m.step);
                m.go(step);
            }
            Action::Failed { seed, message } => m.run = Run::Failed { seed, message },
            Action::Go(step) => {
                m.playing = false;
                m.go(step);
            }
            Action::Next => m.go(m.step + 1),
            Action::Prev => m.go(m.step.saturating_sub(1)),
            Action::First => m.go(0),
            Action::Last => m.go(m.last()),
            Action::TogglePlay => {
                m.playing = !m.playing && m.steps() > 0;
                if m.playing && m.step >= m.last() {
                    m.go(0);
                }
            }
            Action::Tick => {
                if !m.playing {
                    return self;
                }
                if m.step >= m.last() {
                    m.playing = false;
                } else {
                    m.go(m.step + 1);
                    if let Some(chapter) = m
                        .run
                        .timeline()
                        .and_then(|t| t.steps.get(m.step))
                        .map(|s| s.chapter)
                    {
                        m.tab = Tab::for_chapter(chapter);
                    }
                }
            }
            Action::Speed(speed) => m.speed = speed,
            Action::Tab(tab) => m.tab = tab,
            Action::Chapter(chapter) => {
                let first = m
                    .run
                    .timeline()
                    .and_then(|t| t.steps.iter().position(|s| s.chapter == chapter));
                if let Some(step) = first {
                    m.playing = false;
                    m.go(step);
                    m.tab = Tab::for_chapter(chapter);
                }
            }
            Action::TogglePlaintext => m.plaintext = !m.plaintext,
        }
        Rc::new(m)
    }
}

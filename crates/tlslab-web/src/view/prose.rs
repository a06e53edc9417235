//! Sentences as the level asks: with their RFC citations (full) or without (intro), and with
//! each glossary term explaining itself on hover, tap or focus ([`prose`]); the glossary list.

use crate::glossary::{self, Piece, TERMS};
use crate::state::{Classroom, Level};
use yew::prelude::*;

/// `text` for the reader at this level, its terms explained.
pub fn prose(text: &str, classroom: Classroom) -> Html {
    let intro = classroom.level == Level::Intro;
    let text = if intro {
        glossary::without_citations(text)
    } else {
        text.to_string()
    };
    let pieces = glossary::pieces(&text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(s) => html! { { s.to_string() } },
            Piece::Term(words, term) => html! {
                // Focusable, so a tap or the keyboard shows the line as the mouse does. The line is
                // drawn from data-tip by the stylesheet, so the sentence's text stays the sentence;
                // screen readers get it as the description, from the glossary list.
                <span class="term" tabindex="0" data-term={term.id} data-tip={line(term, intro)}
                      aria-describedby={format!("term-{}", term.id)}>
                    { words.to_string() }
                </span>
            },
        });
    html! { <>{ for pieces }</> }
}

fn line(term: &glossary::Term, intro: bool) -> String {
    if intro {
        term.text.to_string()
    } else {
        format!("{} ({})", term.text, term.rfc)
    }
}

/// Every term, in one list at the foot of the page (also what the terms' descriptions point to).
#[function_component(Glossary)]
pub fn glossary_list() -> Html {
    let intro = use_context::<Classroom>().unwrap_or_default().level == Level::Intro;
    html! {
        <details class="glossary" id="glossary" data-panel="glossary">
            <summary><h2>{ "Glossary" }</h2></summary>
            <dl>
                { for TERMS.iter().map(|t| html! {
                    <>
                        <dt>{ t.term }</dt>
                        <dd id={format!("term-{}", t.id)}>{ line(t, intro) }</dd>
                    </>
                }) }
            </dl>
        </details>
    }
}

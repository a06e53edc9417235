//! Quiz mode (`quiz=1`): before chosen steps the page asks what will happen next. Each question
//! is written for the run on screen and its answer is read from the run itself: the client's
//! certificate checks, who learned the premaster, the alert that ended it.

use tlslab_core::driver::Protocol;
use tlslab_core::timeline::{Actor, EventKind, Outcome, Timeline, ValueName};

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The step the question comes before: it asks what that step will do.
    pub step: usize,
    /// A stable name for host pages: `certificate`, `premaster` or `alert`.
    pub id: &'static str,
    pub prompt: String,
    pub choices: Vec<String>,
    pub correct: usize,
    /// Why the right answer is right in this run, with its RFC.
    pub why: String,
}

/// The run's questions, in step order.
pub fn questions(t: &Timeline) -> Vec<Question> {
    // TLS 1.3 has no premaster to ask about (`premaster` finds no ClientKeyExchange).
    let mut all: Vec<Question> = [certificate(t), premaster(t), alert(t)]
        .into_iter()
        .flatten()
        // A question waits on the step before its own: the first step has none.
        .filter(|q| q.step > 0)
        .collect();
    all.sort_by_key(|q| q.step);
    all.dedup_by_key(|q| q.step);
    all
}

/// The question asked before `step`, if any.
pub fn question_at(t: &Timeline, step: usize) -> Option<Question> {
    questions(t).into_iter().find(|q| q.step == step)
}

fn lane(t: &Timeline, actor: Actor) -> &'static str {
    crate::view::lane_title(actor, t.network)
}

/// What the client does with the certificate chain it is about to receive.
fn certificate(t: &Timeline) -> Option<Question> {
    let step = t
        .steps
        .iter()
        .position(|s| s.title == "Certificate" && s.to == Actor::Client)?;
    let checks: Vec<_> = t
        .events
        .iter()
        .filter(|e| e.step == step && e.actor == Actor::Client)
        .filter_map(|e| match &e.kind {
            EventKind::CertificateCheck(c) => Some(c),
            _ => None,
        })
        .collect();
    if checks.is_empty() {
        return None;
    }
    let failed = checks.iter().find(|c| !c.passed);
    let host = &t.server_name;
    // The alert itself is the next question's: not named here.
    let why = match failed {
        Some(check) => format!(
            "The client checks the chain and the name before it trusts the key inside (RFC 5280 §6.1, RFC 6125 §6). Here a check fails: {} The client refuses the certificate.",
            check.explanation
        ),
        None => format!(
            "All {} checks pass (RFC 5280 §6.1, RFC 6125 §6): the chain ends at a root in the client's trust store, every certificate is valid on the client's date, and the leaf names {host}. The client carries on with the key inside.",
            checks.len()
        ),
    };
    Some(Question {
        step,
        id: "certificate",
        prompt: format!(
            "The client asked for {host}, and the {} is about to send its certificate chain. What will the client do with it?",
            lane(t, t.steps[step].from).to_ascii_lowercase()
        ),
        choices: vec![
            format!(
                "Accept it: the chain leads to a root it trusts, it is valid on the client's date and it names {host}"
            ),
            "Refuse it, and end the handshake with an alert".into(),
            "Accept whatever arrives: the encryption that follows protects it anyway".into(),
        ],
        correct: if failed.is_some() { 1 } else { 0 },
        why,
    })
}

/// Who will be able to read the premaster secret the client is about to send.
fn premaster(t: &Timeline) -> Option<Question> {
    let step = t
        .steps
        .iter()
        .position(|s| s.title == "ClientKeyExchange" && s.from == Actor::Client)?;
    let receiver = t.steps[step].to;
    let learned = |actor: Actor| {
        t.events.iter().filter_map(move |e| match &e.kind {
            EventKind::Learned(k) if e.actor == actor && k.name == ValueName::Premaster => {
                Some(&k.value)
            }
            _ => None,
        })
    };
    let sent = learned(Actor::Client).next()?;
    let knows = |actor: Actor| learned(actor).any(|v| v == sent);
    let third = [Actor::Server, Actor::Network]
        .into_iter()
        .find(|&a| a != receiver && t.events.iter().any(|e| e.actor == a));
    let to = lane(t, receiver);
    if t.protocol() == Protocol::Tls12Ecdhe {
        return ecdh_premaster(
            step,
            to,
            third.map(|a| (lane(t, a), knows(a))),
            knows(receiver),
        );
    }
    let mut choices = vec![format!(
        "Only the {}: only its private key opens what the certificate's public key locked",
        to.to_ascii_lowercase()
    )];
    if let Some(third) = third {
        choices.push(format!(
            "The {} and the {}",
            to.to_ascii_lowercase(),
            lane(t, third).to_ascii_lowercase()
        ));
    }
    choices.push("Anyone who records the connection: the premaster crosses the wire".into());
    let correct = match (knows(receiver), third.map(knows)) {
        (true, None | Some(false)) => 0,
        (true, Some(true)) => 1,
        // The receiver could not read it (a broken encryption): not a question to ask.
        _ => return None,
    };
    let who = match third.filter(|_| correct == 1) {
        Some(third) => format!(
            "The {} holds the matching private key, and so does the {}: it decrypts the premaster from the bytes it saw.",
            to.to_ascii_lowercase(),
            lane(t, third).to_ascii_lowercase()
        ),
        None => format!(
            "Only the matching private key decrypts it, and in this run only the {} holds it. The bytes on the wire are useless to anyone else.",
            to.to_ascii_lowercase()
        ),
    };
    let why = format!(
        "The client encrypts the premaster with the public key in the certificate it accepted (RSAES-PKCS1-v1_5, RFC 8017 §7.2; RFC 5246 §7.4.7.1). {who}"
    );
    Some(Question {
        step,
        id: "premaster",
        prompt: format!(
            "The client is about to send the premaster secret to the {}. Who will be able to read it?",
            to.to_ascii_lowercase()
        ),
        choices,
        correct,
        why,
    })
}

/// The premaster question of an ECDHE handshake: the client is about to send its share to
/// `to`; `third` is the other lane, if any, and whether it computed the same premaster.
fn ecdh_premaster(
    step: usize,
    to: &str,
    third: Option<(&str, bool)>,
    receiver_knows: bool,
) -> Option<Question> {
    let to = to.to_ascii_lowercase();
    let mut choices = vec![format!(
        "Only the client and the {to}: each holds one of the two private keys"
    )];
    if let Some((third, _)) = third {
        choices.push(format!(
            "The client, the {to} and the {}",
            third.to_ascii_lowercase()
        ));
    }
    choices.push("Anyone who records the connection: both shares cross the wire".into());
    let correct = match (receiver_knows, third.map(|(_, knows)| knows)) {
        (true, None | Some(false)) => 0,
        (true, Some(true)) => 1,
        _ => return None,
    };
    let why = format!(
        "Each side combines its own ephemeral private key with the other's public share (RFC 8422 §5.10). The private keys never cross the wire, so the two shares are useless to anyone else{}.",
        match third {
            Some((third, false)) => format!(
                ", the {} included: it never held one of these private keys",
                third.to_ascii_lowercase()
            ),
            _ => String::new(),
        }
    );
    Some(Question {
        step,
        id: "premaster",
        prompt: format!(
            "The client is about to send its public share to the {to}. Who will be able to compute the premaster?"
        ),
        choices,
        correct,
        why,
    })
}

/// Alerts a reader could expect in a TLS 1.2 handshake gone wrong (RFC 5246 §7.2.2).
const ALERTS: [&str; 7] = [
    "certificate_expired",
    "unknown_ca",
    "bad_record_mac",
    "decrypt_error",
    "handshake_failure",
    "illegal_parameter",
    "bad_certificate",
];

/// Alerts RFC 5246 §7.2.2 would also allow where a certificate is refused (bad_certificate "a
/// certificate was corrupt, contained signatures that did not verify correctly, etc.";
/// certificate_unknown "some other (unspecified) issue"): never offered as wrong there.
const ALSO_RIGHT_FOR_A_CERTIFICATE: [&str; 2] = ["bad_certificate", "certificate_unknown"];

/// Which fatal alert ends the run.
fn alert(t: &Timeline) -> Option<Question> {
    let Outcome::Alert {
        sender,
        description,
        reason,
        step,
    } = &t.outcome
    else {
        return None;
    };
    // The alert answers a certificate the client refused.
    let certificate = t.events.iter().any(|e| {
        e.actor == Actor::Client && matches!(&e.kind, EventKind::CertificateCheck(c) if !c.passed)
    });
    let mut choices: Vec<String> = ALERTS
        .iter()
        .filter(|a| *a != description)
        .filter(|a| !(certificate && ALSO_RIGHT_FOR_A_CERTIFICATE.contains(a)))
        .take(3)
        .map(|a| a.to_string())
        .collect();
    // Where the right one sits depends on the run, not always first.
    let correct = step % 4;
    choices.insert(correct, description.clone());
    Some(Question {
        step: *step,
        id: "alert",
        prompt: format!(
            "The {} is about to end the handshake with a fatal alert. Which one?",
            lane(t, *sender).to_ascii_lowercase()
        ),
        choices,
        correct,
        why: format!(
            "The {} sends {description} ({}): {reason}",
            lane(t, *sender).to_ascii_lowercase(),
            if t.spoke_tls13() {
                "RFC 8446 §6.2"
            } else {
                "RFC 5246 §7.2.2"
            }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlslab_core::driver::{RunConfig, run};
    use tlslab_core::scenario::Scenario;

    /// Each question's id and the right choice's text, for a run of `scenario`.
    fn answers(scenario: Scenario) -> Vec<(&'static str, String)> {
        answers_in(Protocol::Tls12Rsa, scenario)
    }

    fn answers_in(protocol: Protocol, scenario: Scenario) -> Vec<(&'static str, String)> {
        let mut config = RunConfig::new(1, 1_795_651_200);
        config.protocol = protocol;
        config.scenario = scenario;
        let t = run(&config).expect("the demo PKI loads");
        questions(&t)
            .into_iter()
            .map(|q| {
                assert!(q.step < t.steps.len(), "asked before a step that exists");
                (q.id, q.choices[q.correct].clone())
            })
            .collect()
    }

    /// TLS 1.3: the certificate and the alert, from the run; no premaster to ask about.
    #[test]
    fn a_tls13_quiz_asks_of_the_certificate_and_the_alert() {
        let ids: Vec<&str> = answers_in(Protocol::Tls13, Scenario::Expired)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, ["certificate", "alert"]);
        let mut config = RunConfig::new(1, 1_795_651_200);
        config.protocol = Protocol::Tls13;
        config.scenario = Scenario::ForgedCertificateVerify;
        let t = run(&config).expect("the demo PKI loads");
        let alert = questions(&t).into_iter().find(|q| q.id == "alert").unwrap();
        assert_eq!(alert.choices[alert.correct], "decrypt_error");
        assert!(alert.why.contains("RFC 8446 §6.2"), "{}", alert.why);
    }

    #[test]
    fn the_answers_are_read_from_the_run() {
        let happy = answers(Scenario::Happy);
        assert_eq!(happy.len(), 2);
        assert!(happy[0].1.starts_with("Accept it"));
        assert!(happy[1].1.starts_with("Only the server"));

        let mut config = RunConfig::new(1, 1_795_651_200);
        config.scenario = Scenario::Expired;
        let t = run(&config).expect("the demo PKI loads");
        let alert = questions(&t).pop().expect("an alert question");
        assert!(
            !alert.choices.iter().any(|c| c == "bad_certificate"),
            "bad_certificate would also be right for a refused certificate"
        );

        let expired = answers(Scenario::Expired);
        assert_eq!(
            expired[0].1,
            "Refuse it, and end the handshake with an alert"
        );
        assert_eq!(expired[1], ("alert", "certificate_expired".into()));
        assert_eq!(expired.len(), 2, "no premaster is sent");

        // The attacker's root is trusted: the premaster is the attacker's alone.
        let trusted = answers(Scenario::MitmTrusted);
        assert!(trusted[0].1.starts_with("Accept it"));
        assert!(trusted[1].1.starts_with("Only the attacker"));

        // The observer holds a copy of the server's key.
        let stolen = answers(Scenario::StolenKey);
        assert_eq!(stolen[1].1, "The server and the observer");

        let bit_flip = answers(Scenario::BitFlip);
        assert_eq!(bit_flip.last().unwrap().1, "bad_record_mac");
    }

    /// Under ECDHE the stolen key does not help: the premaster is the client's and the
    /// server's alone; a trusted man in the middle shares it with the client instead.
    #[test]
    fn ecdhe_answers_follow_the_key_exchange() {
        let ecdhe = Protocol::Tls12Ecdhe;
        let stolen = answers_in(ecdhe, Scenario::StolenKey);
        assert_eq!(stolen[1].0, "premaster");
        assert!(
            stolen[1].1.starts_with("Only the client and the server"),
            "{stolen:?}"
        );
        let trusted = answers_in(ecdhe, Scenario::MitmTrusted);
        assert!(
            trusted[1].1.starts_with("Only the client and the attacker"),
            "{trusted:?}"
        );
        let swapped = answers_in(ecdhe, Scenario::SwappedShare);
        assert_eq!(swapped.last().unwrap().1, "decrypt_error");
    }

    #[test]
    fn every_scenario_asks_with_a_right_answer_among_distinct_choices() {
        let every = crate::protocol::ON_PAGE.into_iter().flat_map(|p| {
            Scenario::ALL
                .into_iter()
                .filter(move |s| s.applies_to(p))
                .map(move |s| (p, s))
        });
        for (protocol, scenario) in every {
            let mut config = RunConfig::new(7, 1_795_651_200);
            config.protocol = protocol;
            config.scenario = scenario;
            let t = run(&config).expect("the demo PKI loads");
            for q in questions(&t) {
                assert!(q.correct < q.choices.len(), "{scenario:?} {}", q.id);
                let mut distinct = q.choices.clone();
                distinct.sort();
                distinct.dedup();
                assert_eq!(distinct.len(), q.choices.len(), "{scenario:?} {}", q.id);
            }
        }
    }
}

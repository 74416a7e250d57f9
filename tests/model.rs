//! The shipped model on clear cases of every label, in English and Dutch. These pairs were
//! written for this test and appear in no training data (checked against datasets/ when they
//! were written); each is unambiguous under docs/labels.md.

use graham::{Band, Classifier, ClassifierOptions, Label, Pair};
use std::path::Path;

const CASES: &[(&str, &str, &str, Label)] = &[
    // English
    (
        "en",
        "The new bus lanes on Elm Road have cut commute times.",
        "You're a brainless clown. Shut up.",
        Label::DH0,
    ),
    (
        "en",
        "Homework should be banned in primary schools.",
        "What an utter moron. Nobody asked you, idiot.",
        Label::DH0,
    ),
    (
        "en",
        "The minimum wage should rise to 15 dollars.",
        "Of course you'd say that, you've never run a business and you live off your parents.",
        Label::DH1,
    ),
    (
        "en",
        "Nuclear power is the safest energy source we have.",
        "You work for the nuclear lobby, so why would anyone trust a word you say?",
        Label::DH1,
    ),
    (
        "en",
        "Remote work is better for most teams.",
        "Could you please stop typing in ALL CAPS? It reads like you're yelling at everyone.",
        Label::DH2,
    ),
    (
        "en",
        "Electric scooters should be allowed on pavements.",
        "Your tone is so condescending that I can't even engage with this.",
        Label::DH2,
    ),
    (
        "en",
        "Pineapple belongs on pizza.",
        "No, it absolutely does not.",
        Label::DH3,
    ),
    (
        "en",
        "The four-day week would make us more productive.",
        "That's just not true. It wouldn't.",
        Label::DH3,
    ),
    (
        "en",
        "The city should build a new stadium.",
        "Stadiums rarely pay for themselves; the money would do more for residents if it went into schools and housing.",
        Label::DH4,
    ),
    (
        "en",
        "We should switch the whole team to Rust.",
        "Hiring would get much harder and our libraries are all in Python, so we'd spend months rewriting instead of shipping.",
        Label::DH4,
    ),
    (
        "en",
        "Crime has doubled in our town since 2020, according to the council's report.",
        "The council's report says reported crime rose 12%, not doubled; you're quoting the figure for bike theft alone.",
        Label::DH5,
    ),
    (
        "en",
        "Einstein failed maths at school, so grades don't matter.",
        "Einstein never failed maths: his school records show top marks in algebra and geometry.",
        Label::DH5,
    ),
    (
        "en",
        "We must ban the pesticide because it is killing the bees: bee populations crashed right after it was introduced.",
        "Your whole case is the timing, but the crash started three years before the pesticide was approved, and the regions that never used it lost bees just the same. The thing you blame can't be the cause.",
        Label::DH6,
    ),
    (
        "en",
        "We should drop the code review step because it slows us down: reviews add two days to every change.",
        "The two days aren't from reviews: our own dashboard shows the median review takes three hours, and the wait is for the weekly deploy window. Dropping reviews wouldn't speed anything up.",
        Label::DH6,
    ),
    (
        "en",
        "The library is closing early on Fridays from next month.",
        "Thanks for the heads up! Do you know if the weekend hours change too?",
        Label::ND,
    ),
    (
        "en",
        "Cycling to work has made me much fitter.",
        "Same here, I've lost five kilos since I started in March.",
        Label::ND,
    ),
    // Dutch
    (
        "nl",
        "De gemeente moet meer fietsenstallingen bouwen.",
        "Wat ben jij een ongelooflijke sukkel, hou toch je mond.",
        Label::DH0,
    ),
    (
        "nl",
        "We moeten met z'n allen minder vlees eten.",
        "Natuurlijk zeg jij dat, jij werkt zelf bij een milieuclub.",
        Label::DH1,
    ),
    (
        "nl",
        "Het eigen risico moet omlaag.",
        "Kun je misschien normaal schrijven in plaats van alles in hoofdletters te schreeuwen?",
        Label::DH2,
    ),
    (
        "nl",
        "Thuiswerken is beter voor de productiviteit.",
        "Nee, echt niet.",
        Label::DH3,
    ),
    (
        "nl",
        "Er moet een tolweg rond de stad komen.",
        "Dan gaan vrachtwagens gewoon door de woonwijken rijden om de tol te ontwijken, dat maakt het alleen maar onveiliger.",
        Label::DH4,
    ),
    (
        "nl",
        "Volgens het RIVM is de luchtkwaliteit in onze stad de slechtste van het land.",
        "Het RIVM noemt onze stad helemaal niet: in hun rapport staan wij op plaats 23 van de 40 gemeten steden.",
        Label::DH5,
    ),
    (
        "nl",
        "De bibliotheek moet dicht, want er komt toch niemand meer: de bezoekersaantallen zijn gehalveerd.",
        "Die halvering klopt niet: de gemeente telde vorig jaar alleen de hoofdvestiging, terwijl de uitleningen in totaal juist stegen. Er komen dus meer mensen dan ooit, en daarmee valt je reden om te sluiten weg.",
        Label::DH6,
    ),
    (
        "nl",
        "Zaterdag is de markt verplaatst naar het plein bij het station.",
        "Goed om te weten, bedankt! Weet je of de kaasboer er ook staat?",
        Label::ND,
    ),
];

#[test]
fn clear_cases_of_every_label_in_both_languages() {
    let classifier = shipped_model(&ClassifierOptions::default());
    let pairs: Vec<Pair<'_>> = CASES
        .iter()
        .map(|(_, parent, reply, _)| Pair { parent, reply })
        .collect();
    let predictions = classifier.classify(&pairs).unwrap();
    let mut wrong = Vec::new();
    let mut wrong_band = Vec::new();
    for ((lang, _, _, expected), prediction) in CASES.iter().zip(&predictions) {
        let got = prediction.label();
        println!(
            "{lang} expected {expected} got {got} ({:.2})",
            prediction.confidence()
        );
        if got != *expected {
            wrong.push(format!("{lang} {expected} -> {got}"));
        }
        if got.band() != expected.band() {
            wrong_band.push(format!("{lang} {expected} -> {got}"));
        }
    }
    // Clear cases: the coarse band must be right for every one, the exact label for nearly all.
    assert!(wrong_band.is_empty(), "wrong band: {wrong_band:?}");
    assert!(
        wrong.len() * 10 <= CASES.len(),
        "{} of {} wrong: {wrong:?}",
        wrong.len(),
        CASES.len()
    );
}

fn shipped_model(options: &ClassifierOptions) -> Classifier {
    Classifier::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
        options,
    )
    .expect("the shipped model loads")
}

/// A reply's probabilities must not depend on what else is in its batch: the same reply scored
/// alone, beside a long reply (more padding), and in a batch of many gets the same answer. A
/// moderation signal whose verdict changes with the traffic around it could not be trusted.
#[test]
fn a_reply_gets_the_same_probabilities_in_any_batch() {
    let parent = "The library should stay open until midnight during exams.";
    let reply = "No, the late shifts cost more than the handful of students who use them.";
    let long_reply = "Extending the hours would be useful, but the budget figures published last \
        spring show the evening shifts already run over, and the survey found most students \
        leave by ten. "
        .repeat(6);
    let alone = shipped_model(&ClassifierOptions {
        batch_size: 1,
        ..ClassifierOptions::default()
    })
    .classify(&[Pair { parent, reply }])
    .unwrap();
    let mut crowd = vec![Pair { parent, reply }];
    crowd.extend((0..9).map(|_| Pair {
        parent: CASES[0].1,
        reply: &long_reply,
    }));
    crowd.extend(
        CASES
            .iter()
            .map(|(_, parent, reply, _)| Pair { parent, reply }),
    );
    let batched = shipped_model(&ClassifierOptions {
        batch_size: 64,
        max_batch_tokens: 1 << 20,
        ..ClassifierOptions::default()
    })
    .classify(&crowd)
    .unwrap();
    for (a, b) in alone[0].probs.iter().zip(&batched[0].probs) {
        assert!(
            (a - b).abs() < 1e-4,
            "alone {alone:?}\nin a batch {:?}",
            batched[0]
        );
    }
}

fn mixed_reply_predictions() -> Vec<graham::Prediction> {
    let classifier = shipped_model(&ClassifierOptions::default());
    let parent = "Our city's crime rate doubled last year, so we need more police.";
    let mixed = "You absolute clown, the police's own figures show crime fell 4% last year, so your premise is simply false.";
    let clean =
        "The police's own figures show crime fell 4% last year, so the premise is simply false.";
    classifier
        .classify(&[
            Pair {
                parent,
                reply: mixed,
            },
            Pair {
                parent,
                reply: clean,
            },
        ])
        .unwrap()
}

#[test]
fn attacks_are_flagged_even_inside_an_argument() {
    let predictions = mixed_reply_predictions();
    assert!(predictions[0].attack.unwrap() > 0.5, "{:?}", predictions[0]);
    assert!(predictions[1].attack.unwrap() < 0.5, "{:?}", predictions[1]);
    assert_eq!(
        predictions[1].label().band(),
        Band::Argued,
        "{:?}",
        predictions[1]
    );
}

#[test]
#[ignore = "known gap of the shipped model: an insult pulls a mixed reply's level down to DH0/DH1 (see models/README.md)"]
fn mixed_reply_keeps_its_argument_level() {
    let predictions = mixed_reply_predictions();
    assert_eq!(
        predictions[0].label().band(),
        Band::Argued,
        "the argument is still seen: {:?}",
        predictions[0]
    );
}

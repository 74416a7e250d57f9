//! Pairs per second for batch sizes 1, 8 and 32, and the share of time spent outside ONNX
//! (tokenizing, padding, output), on the shipped model with pairs from the example threads.
//! `cargo bench --bench classify`; the numbers are written up in docs/performance.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use graham::classifier::StageTimes;
use graham::formats::{self, Format};
use graham::{Classifier, ClassifierOptions, Thread};
use std::path::Path;

/// Reply/parent texts from the shipped examples, repeated to a fixed workload.
fn example_pairs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/examples");
    let mut pairs = Vec::new();
    for file in ["city-cars.json", "zondagsopening.jsonl"] {
        let path = root.join(file);
        let bytes = std::fs::read(&path).expect("example thread");
        let format = Format::detect(Some(&path), &bytes).expect("format");
        for raw in formats::parse(&bytes, format, file).expect("parse") {
            let thread = Thread::from_raw(raw.expect("thread")).expect("valid thread");
            pairs.extend(
                thread
                    .pairs()
                    .map(|(_, p)| (p.parent.to_string(), p.reply.to_string())),
            );
        }
    }
    pairs.iter().cycle().take(64).cloned().collect()
}

fn bench(c: &mut Criterion) {
    let owned = example_pairs();
    let pairs: Vec<graham::Pair<'_>> = owned
        .iter()
        .map(|(parent, reply)| graham::Pair { parent, reply })
        .collect();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.sample_size(10);
    for batch_size in [1usize, 8, 32] {
        let options = ClassifierOptions {
            batch_size,
            ..ClassifierOptions::default()
        };
        let classifier = Classifier::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
            &options,
        )
        .expect("the shipped model loads");
        let mut times = StageTimes::default();
        group.bench_function(format!("batch {batch_size}"), |b| {
            b.iter(|| {
                classifier
                    .classify_timed(&pairs, &mut times)
                    .expect("classify")
            })
        });
        eprintln!(
            "batch {batch_size}: {:.1}% of the time outside ONNX (tokenize {:?}, prepare {:?}, onnx {:?}, output {:?})",
            times.outside_onnx_share() * 100.0,
            times.tokenize,
            times.prepare,
            times.onnx,
            times.output
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

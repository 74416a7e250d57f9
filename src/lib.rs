//! graham: how well do people disagree?
//!
//! The flow: thread formats in ([`formats`]) -> reply tree ([`thread`]) -> classifier
//! ([`classifier`]: tokenize, batch, ONNX) -> aggregator ([`aggregate`]) -> outputs
//! ([`report`]), used by the faces in [`cli`].

pub mod aggregate;
pub mod batch;
pub mod classifier;
pub mod cli;
pub mod eval;
pub mod formats;
pub mod labels;
pub mod report;
pub mod thread;

pub use classifier::{Classifier, ClassifierOptions, Prediction};
pub use labels::{Band, Label};
pub use thread::{Pair, Thread};

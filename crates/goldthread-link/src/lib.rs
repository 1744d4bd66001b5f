//! Record linkage for goldthread: Fellegi-Sunter probabilistic linkage and
//! deduplication, OR'ed blocking rules, unsupervised training with
//! degeneracy checks, and a privacy-preserving mode on keyed Bloom-filter
//! encodings.
//!
//! The core (normalising, blocking, comparing, training, scoring,
//! assigning) is pure and runs in parallel with rayon; only [`io`] reads and
//! writes files.
//!
//! # Example
//!
//! ```
//! use goldthread_link::{LinkSpec, LinkOptions, Prepared, Table, run};
//!
//! let header = ["first_name", "surname", "dob", "postcode"];
//! let left = Table::from_rows(&header, vec![
//!     ("a1", vec!["William", "Smith", "1950-03-01", "LS1 4AB"]),
//!     ("a2", vec!["Margaret", "Jones", "1961-11-20", "M1 1AE"]),
//! ]);
//! let right = Table::from_rows(&header, vec![
//!     ("b1", vec!["Bill", "Smith", "1950-03-01", "LS1 4AB"]),
//!     ("b2", vec!["Peggy", "Jones", "1961-11-20", "M1 1AE"]),
//! ]);
//! // Infer the fields from the column names, then link.
//! let cols: Vec<String> = header.iter().map(|s| s.to_string()).collect();
//! let spec = LinkSpec::infer(&cols, None).unwrap();
//! let prep = Prepared::link(&spec, &left, &right).unwrap();
//! let mut opts = LinkOptions::default();
//! opts.train.allow_degenerate = true; // two records are too few to train on
//! let out = run(&spec, &prep, &opts).unwrap();
//! for pair in &out.matches {
//!     println!("{} {} {:.3}", prep.id(pair.left), prep.id(pair.right), pair.probability);
//! }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aliases;
pub mod blocking;
pub mod bloom;
pub mod compare;
pub mod error;
pub mod evaluate;
pub mod incremental;
pub mod io;
pub mod model;
pub mod normalize;
#[cfg(feature = "parquet")]
pub mod parquet_io;
pub mod pipeline;
pub mod prepare;
pub mod spec;
pub mod synth;
mod synth_names;
pub mod table;
pub mod train;

pub use error::{BadRow, LinkError, Result};
pub use evaluate::{evaluate, Quality};
pub use incremental::{households, link_incremental, IncrementalOutput};
pub use model::{Explanation, Model, Scorer};
pub use pipeline::{clusters, run, LinkOptions, LinkOutput, ScoredPair};
pub use prepare::Prepared;
pub use spec::{FieldKind, FieldSpec, LinkSpec};
pub use table::Table;
pub use train::TrainOptions;

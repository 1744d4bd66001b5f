//! The vocabulary of goldthread: the identifiers, places and organisations an integrated care
//! system talks about, each built only by parsing so that an invalid value cannot reach the rest
//! of the platform.
//!
//! This crate does no IO and has no async code. The reference geography it ships is compiled in
//! (see [`geography::ReferenceGeography::england_2024`]).
//!
//! It is not the place for storage, HTTP or statistics: those live in `goldthread-store`,
//! `goldthread-server` and `goldthread-stats`.
#![forbid(unsafe_code)]

pub mod audit;
pub mod board;
pub mod directory;
pub mod function;
pub mod geography;
pub mod ids;
pub mod ledger;
pub mod organisation;
pub mod outcomes;
pub mod programme;
pub mod sharing;

pub use ids::{
    FinancialYear, GssCode, GssEntity, Money, NhsNumber, OdsCode, ParseIdError, Postcode,
};

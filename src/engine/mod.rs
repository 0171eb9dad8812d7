//! The pure engine: every decision vitrine makes, with no browser in sight.
//!
//! Nothing here uses web-sys or js-sys, reads the clock, draws random numbers or does
//! I/O; the browser shell passes time and ids in and carries plans out. That keeps
//! every behaviour replayable and testable with plain `cargo test`.

pub mod action;
pub mod affinity;
pub mod attributes;
pub mod bridges;
pub mod bucket;
pub mod catalog;
pub mod channel;
pub mod codec;
pub mod condition;
pub mod config;
pub mod consent;
pub mod consent_config;
pub mod decide;
pub mod delivery;
pub mod diagnostic;
pub mod ecommerce;
pub mod experiment;
pub mod feedback;
pub mod first_swap;
pub mod gates;
/// The config's JSON Schema (native only: the generator and the tests use it).
#[cfg(not(target_arch = "wasm32"))]
pub mod harvest;
pub mod host;
pub mod html_policy;
pub mod json;
pub mod model;
pub mod persist;
pub mod plan;
pub mod profile;
pub mod prompt;
pub mod reader;
pub mod recommend;
pub mod runtime;
pub mod saved_groups;
#[cfg(not(target_arch = "wasm32"))]
pub mod schema;
pub mod search;
pub mod segment;
pub mod sentiment;
pub mod signal;
// Experiment results: natively (tests, and the CLI to come) and in the report part only.
#[cfg(any(not(target_arch = "wasm32"), feature = "report"))]
pub mod stats;
pub mod survey;
pub mod template;
pub mod tracking;
pub mod utf16;
pub mod value;

pub use config::Config;
pub use runtime::Engine;
pub use value::Value;

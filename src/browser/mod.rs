//! The browser shell (wasm32 only): translates between the page and the engine.
//!
//! Listeners turn DOM events into engine signals, the applier turns the engine's
//! plan into DOM changes it can undo, storage persists the engine's partitions.
//! No decision is made here. Every handle (listener, timer, applied change) undoes
//! itself on drop, so stopping vitrine leaves the page as it found it.
//!
//! Three wasm modules are built from it: the runtime (feature `runtime`, the
//! default: `vitrine_core.wasm`), the config validator (feature `validator`:
//! `vitrine_validate.wasm`, `validate` and what it reads with) and the sentiment
//! part (feature `sentiment`); `vitrine report` loads a fourth, the stats (feature
//! `report`). The first swap before the runtime is not wasm:
//! the loader does it in JavaScript (js/start.js, js/first-swap.js).

pub mod allocator;
#[cfg(feature = "runtime")]
pub mod api;
#[cfg(feature = "runtime")]
pub mod applier;
#[cfg(feature = "runtime")]
pub mod call_hook;
#[cfg(feature = "runtime")]
pub mod cmp;
#[cfg(feature = "runtime")]
pub mod engagement;
pub mod error;
#[cfg(feature = "runtime")]
pub mod hashing;
#[cfg(any(feature = "runtime", feature = "validator"))]
pub mod host;
#[cfg(feature = "runtime")]
pub mod input;
#[cfg(any(feature = "runtime", feature = "validator"))]
pub mod json;
#[cfg(feature = "runtime")]
pub mod listener;
pub mod page;
#[cfg(feature = "runtime")]
pub mod redirect;
#[cfg(feature = "runtime")]
pub mod render;
#[cfg(feature = "report")]
pub mod report;
#[cfg(feature = "runtime")]
pub mod sanitize;
#[cfg(any(feature = "runtime", feature = "validator"))]
pub mod selectors;
#[cfg(feature = "sentiment")]
pub mod sentiment;
#[cfg(feature = "runtime")]
pub mod shell;
#[cfg(feature = "runtime")]
pub mod sources;
#[cfg(feature = "runtime")]
pub mod storage;
#[cfg(feature = "validator")]
pub mod validate;
#[cfg(feature = "runtime")]
pub mod visibility;
#[cfg(feature = "runtime")]
pub mod watcher;

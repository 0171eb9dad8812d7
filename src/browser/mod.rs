//! The browser shell (wasm32 only): translates between the page and the engine.
//!
//! Listeners turn DOM events into engine signals, the applier turns the engine's
//! plan into DOM changes it can undo, storage persists the engine's partitions.
//! No decision is made here. Every handle (listener, timer, applied change) undoes
//! itself on drop, so stopping vitrine leaves the page as it found it.

pub mod allocator;
pub mod api;
pub mod applier;
pub mod cmp;
pub mod condition;
pub mod engagement;
pub mod error;
pub mod hashing;
pub mod host;
pub mod input;
pub mod json;
pub mod listener;
pub mod page;
pub mod redirect;
pub mod render;
pub mod sanitize;
pub mod selectors;
pub mod shell;
pub mod sources;
pub mod storage;
pub mod validate;
pub mod visibility;
pub mod watcher;

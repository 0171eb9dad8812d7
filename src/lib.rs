//! vitrine: on-page personalization that runs in the visitor's browser.
//!
//! `engine` is pure Rust and decides everything; `browser` (wasm32 only) is the thin
//! shell that turns page events into signals and plans into DOM changes. This file
//! only wires the two together.

pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod browser;

//! The wasm heap allocator: Talc instead of Rust's default dlmalloc, for a smaller
//! module (measured in docs/architecture.md). vitrine is single-threaded.

#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

//! Test support, native only: with `VITRINE_HARVEST_DIR` set, every config the
//! parser accepts is kept, so the types test can check each config the tests use
//! against the generated `config.d.ts` and `schema.json`.

use super::value::Value;

/// With `VITRINE_HARVEST_DIR` set (by `scripts/test.sh` during `cargo test`), every
/// config the parser accepts is written there, so the types test can check that
/// each of them type-checks against `config.d.ts` and validates against
/// `schema.json` (the configs of the native tests are the parser's own examples).
pub fn harvest(value: &Value) {
    let Some(dir) = std::env::var_os("VITRINE_HARVEST_DIR") else {
        return;
    };
    let text = value.to_json();
    let name = format!("{:016x}.json", fnv64(&text));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(std::path::Path::new(&dir).join(name), text);
}

fn fnv64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

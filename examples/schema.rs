//! Prints the config's JSON Schema (`src/engine/schema.rs`) as pretty JSON:
//! `cargo run -q --example schema > js/schema.json`. `scripts/gen-types.mjs` runs
//! it and also writes the TypeScript types from it.

// The schema is native-only (it never enters the wasm); on wasm32 this example is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use vitrine::engine::schema::config_schema;
    use vitrine::engine::Value;

    /// Two-space indented JSON in the schema's own key order (serde_json's `Value`
    /// would sort the keys); short arrays of scalars stay on one line.
    fn pretty(value: &Value, indent: usize, out: &mut String) {
        let pad = |n: usize| "  ".repeat(n);
        match value {
            Value::Array(items) if items.is_empty() => out.push_str("[]"),
            Value::Object(map) if map.is_empty() => out.push_str("{}"),
            Value::Array(items)
                if items
                    .iter()
                    .all(|i| !matches!(i, Value::Array(_) | Value::Object(_))) =>
            {
                let parts: Vec<String> = items.iter().map(Value::to_json).collect();
                out.push('[');
                out.push_str(&parts.join(", "));
                out.push(']');
            }
            Value::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    pretty(item, indent + 1, out);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push(']');
            }
            Value::Object(map) => {
                out.push_str("{\n");
                for (i, (key, item)) in map.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    out.push_str(&Value::from(key.as_str()).to_json());
                    out.push_str(": ");
                    pretty(item, indent + 1, out);
                    out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push('}');
            }
            scalar => out.push_str(&scalar.to_json()),
        }
    }

    pub fn main() {
        let mut out = String::new();
        pretty(&config_schema(), 0, &mut out);
        println!("{out}");
    }
}

//! In-browser tests (wasm-bindgen-test in headless Chromium): the browser shell's
//! pieces against the real DOM and real localStorage, and the shared condition cases
//! run through the browser's own JSON.parse and number formatting.
#![cfg(target_arch = "wasm32")]

use vitrine::browser::json::from_js;
use vitrine::browser::render::Render;
use vitrine::browser::sanitize::sanitized_fragment;
use vitrine::browser::storage::Storage;
use vitrine::engine::condition::Condition;
use vitrine::engine::diagnostic::{Diagnostics, Path};
use vitrine::engine::saved_groups::SavedGroups;
use vitrine::engine::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Templates read nothing in these tests.
const NO_ATTRIBUTES: Value = Value::Null;

fn render() -> Render<'static> {
    Render::of(&NO_ATTRIBUTES)
}

#[wasm_bindgen_test]
fn shared_condition_cases_through_the_browser() {
    vitrine::browser::host::install_js_host();
    let mut cases = Vec::new();
    for json in [
        include_str!("cases/conditions.json"),
        include_str!("cases/generated.json"),
    ] {
        let parsed = js_sys::JSON::parse(json).unwrap();
        cases.extend(from_js(&parsed).unwrap().as_array().unwrap().to_vec());
    }
    assert!(cases.len() >= 3000);
    for case in &cases {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let mut d = Diagnostics::default();
        let condition = Condition::compile(
            case.get("condition").unwrap(),
            &Path::ROOT,
            &SavedGroups::default(),
            &mut d,
        )
        .unwrap();
        let expected = case.get("expected") == Some(&Value::Bool(true));
        assert_eq!(
            condition.eval(case.get("attributes").unwrap()),
            expected,
            "{name}"
        );
    }
}

#[wasm_bindgen_test]
fn sanitizer_keeps_text_and_safe_markup_only() {
    let doc = document();
    let cases = [
        ("<b>ok</b>", "<b>ok</b>"),
        ("<script>alert(1)</script>after", "after"),
        ("<img src=x onerror=alert(1)>", r#"<img src="x">"#),
        (r#"<a href="javascript:alert(1)">x</a>"#, "<a>x</a>"),
        (r#"<a href=" java&#9;script:alert(1)">x</a>"#, "<a>x</a>"),
        (
            r#"<a href="https://ok.example/" target="_blank">x</a>"#,
            r#"<a href="https://ok.example/" target="_blank" rel="noopener noreferrer">x</a>"#,
        ),
        ("<svg><script>alert(1)</script></svg>text", "text"),
        (
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "",
        ),
        (
            r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>"#,
            "",
        ),
        (
            r#"<div style="background:url(javascript:alert(1))" id="x" class="c">d</div>"#,
            r#"<div class="c">d</div>"#,
        ),
        ("<custom-el>inner <u>u</u></custom-el>", "inner <u>u</u>"),
        ("<!-- c --><p>p</p>", "<p>p</p>"),
        (
            r#"<form action="/x"><button formaction="javascript:alert(1)">b</button></form>"#,
            "",
        ),
        // The inert parser has scripting off, so this stays an attribute: text, not markup.
        (
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
            r#"<p title="&lt;/noscript&gt;&lt;img src=x onerror=alert(1)&gt;"></p>"#,
        ),
    ];
    for (input, expected) in cases {
        let fragment = sanitized_fragment(&doc, input, &render()).unwrap();
        let holder = doc.create_element("div").unwrap();
        holder.append_child(&fragment).unwrap();
        assert_eq!(holder.inner_html(), expected, "input: {input}");
    }
}

#[wasm_bindgen_test]
fn unreadable_storage_is_discarded_with_a_warning() {
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    local
        .set_item("vitrine:personalization", "{broken")
        .unwrap();
    local
        .set_item(
            "vitrine:analytics",
            r#"{"schema":1,"profile":{"clicks":{"x":"many"}}}"#,
        )
        .unwrap();
    local
        .set_item(
            "vitrine:necessary",
            r#"{"schema":1,"consent":{"version":1,"granted":{"personalization":true}}}"#,
        )
        .unwrap();
    local.set_item("unrelated", "kept").unwrap();
    let storage = Storage::detect().unwrap();
    let (partitions, warnings) = storage.read_all();
    assert_eq!(partitions.len(), 1);
    assert_eq!(partitions[0].0, "necessary");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.contains("\"personalization\"") && w.contains("not JSON")));
    assert!(warnings
        .iter()
        .any(|w| w.contains("\"x\" must be a finite number")));
    assert_eq!(local.get_item("vitrine:personalization").unwrap(), None);
    assert_eq!(
        local.get_item("unrelated").unwrap().as_deref(),
        Some("kept")
    );
    storage.clear();
    assert_eq!(storage.keys(), Vec::<String>::new());
    assert_eq!(
        local.get_item("unrelated").unwrap().as_deref(),
        Some("kept")
    );
    local.remove_item("unrelated").unwrap();
}

#[wasm_bindgen_test]
fn js_values_that_are_not_json_are_refused_with_the_browsers_reason() {
    let object = js_sys::Object::new();
    let inner = js_sys::Object::new();
    js_sys::Reflect::set(&inner, &"n".into(), &js_sys::BigInt::from(5u32).into()).unwrap();
    js_sys::Reflect::set(&object, &"a".into(), &inner).unwrap();
    let err = from_js(&object).unwrap_err();
    assert!(
        err.starts_with("not JSON data (") && err.contains("BigInt"),
        "{err}"
    );
    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    assert!(from_js(&cyclic).unwrap_err().contains("circular"));
    // NaN is not JSON: JSON.stringify makes it null.
    let nan = js_sys::Object::new();
    js_sys::Reflect::set(&nan, &"x".into(), &f64::NAN.into()).unwrap();
    assert_eq!(from_js(&nan).unwrap().to_json(), r#"{"x":null}"#);
}

#[wasm_bindgen_test]
fn growthbook_compatibility_cases_with_the_browsers_regexes() {
    vitrine::browser::host::install_js_host();
    let cases = vitrine::engine::json::parse(include_str!("cases/growthbook-compat.json")).unwrap();
    for case in cases.as_array().unwrap() {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let groups = SavedGroups::from_growthbook(case.get("savedGroups").unwrap_or(&Value::Null));
        let condition = Condition::growthbook(case.get("condition").unwrap(), &groups);
        let expected = case.get("expected") == Some(&Value::Bool(true));
        assert_eq!(
            condition.eval(case.get("attributes").unwrap()),
            expected,
            "{name}"
        );
    }
}

#[wasm_bindgen_test]
fn selectors_are_checked_one_list_but_never_merged_across_the_comma() {
    use vitrine::browser::selectors::check_selectors;
    let config = |selectors: &[&str]| {
        let rules: Vec<String> = selectors
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    r#"{{"id": "r{i}", "actions": [{{"op": "hide", "selector": {}}}]}}"#,
                    Value::from(*s).to_json()
                )
            })
            .collect();
        let text = format!(r#"{{"version": 1, "rules": [{}]}}"#, rules.join(","));
        vitrine::engine::Config::parse(&vitrine::engine::json::parse(&text).unwrap()).unwrap()
    };
    let paths = |selectors: &[&str]| -> Vec<String> {
        check_selectors(&config(selectors))
            .into_iter()
            .map(|d| d.path)
            .collect()
    };
    assert!(paths(&["#a", ".b > c", "[data-x=\"1,2\"]", ":is(#d, #e)"]).is_empty());
    // Joined, ":is(#a" (which the browser accepts alone, closing it at the end) and
    // "#b)" (which it refuses) would read as one valid ":is(#a,#b)".
    assert_eq!(
        paths(&[":is(#a", "#b)", "#ok"]),
        ["rules[1].actions[0].selector"]
    );
    assert_eq!(
        paths(&["#ok", "a >", "#fine"]),
        ["rules[1].actions[0].selector"]
    );
}

/// A rules config's text the size of the start benchmark's (1,000 rules).
fn rules_config(rules: usize) -> String {
    let rule = |i: usize| {
        format!(
            r##"{{"id":"r{i}","when":{{"$or":[{{"page.path":"/p/{i}"}},{{"visitor.visits":{{"$gt":{}}}}}]}},"actions":[{{"op":"setText","selector":"#s{i}","text":"t{i}"}}]}}"##,
            i % 7
        )
    };
    let rules: Vec<String> = (0..rules).map(rule).collect();
    format!(r#"{{"version":1,"rules":[{}]}}"#, rules.join(","))
}

#[wasm_bindgen_test]
fn a_config_tree_is_built_in_the_scratch_block_and_gives_it_back_when_dropped() {
    use vitrine::browser::allocator::scratch_state;
    use vitrine::browser::json::{from_text, from_text_once};
    let text = rules_config(1000);
    let tree = from_text_once(&text).unwrap();
    let (block, used, live) = scratch_state();
    assert!(
        live > 10_000,
        "the tree's strings and vectors are in the block: {live}"
    );
    // The block's size (10 bytes per byte of text) holds a whole rules config with
    // a fifth to spare (measured: 7.1 bytes per byte), so none of it fell to the heap.
    assert!(
        used > text.len() && used < block / 10 * 8,
        "{used} of {block}"
    );
    // The same tree as the heap builds.
    assert_eq!(tree, from_text(&text).unwrap());
    drop(tree);
    assert_eq!(scratch_state(), (0, 0, 0));
}

#[wasm_bindgen_test]
fn a_js_string_crosses_as_its_utf8_written_into_the_wasm_memory() {
    use vitrine::browser::json::utf8_of;
    let long_ascii = "a".repeat(5000);
    let cases = [
        String::new(),
        "plain ASCII".to_owned(),
        "é".to_owned(),
        "Olá, 😀 e\u{301} 中文".to_owned(),
        // The first other character late (most of the buffer already used) and
        // astral characters at the very end (four bytes for two units).
        format!("{long_ascii}ção{long_ascii}😀😀"),
        "😀".repeat(3000),
    ];
    for text in cases {
        let js = js_sys::JsString::from(text.as_str());
        let start: String = text.chars().take(20).collect();
        assert_eq!(utf8_of(&js).unwrap(), text.as_bytes(), "{start}");
    }
    // What JSON.stringify never makes (it escapes them): a lone surrogate is the
    // replacement character, as TextEncoder writes it.
    let lone = js_sys::JsString::from_char_code(&[0x61, 0xd800, 0x62]);
    assert_eq!(utf8_of(&lone).unwrap(), "a\u{fffd}b".as_bytes());
}

#[wasm_bindgen_test]
fn a_read_only_config_tree_gives_its_block_back_whole_and_falls_back_to_dropping() {
    use vitrine::browser::allocator::{scratch_read_only, scratch_state};
    use vitrine::browser::json::{from_js_once, from_text, from_text_once};
    use wasm_bindgen::JsCast;
    let text = rules_config(1000);
    let object = js_sys::JSON::parse(&text).unwrap();
    let tree = from_js_once(&object).unwrap();
    assert_eq!(*tree, Ok(from_text(&text).unwrap()));
    assert!(scratch_state().2 > 10_000, "the tree is in the block");
    drop(tree);
    assert_eq!(scratch_state(), (0, 0, 0), "the block went back whole");
    // Something else live in the block: the tree is dropped piece by piece, and
    // what else is live stays.
    let Value::Object(map) = from_text_once(r#"{"keep": "kept"}"#).unwrap() else {
        panic!("an object");
    };
    let kept = map.into_iter().next().unwrap();
    let tree = from_js_once(&object).unwrap();
    drop(tree);
    assert_eq!(scratch_state().2, 2, "the kept key and value only");
    assert_eq!(kept, ("keep".to_owned(), Value::String("kept".into())));
    drop(kept);
    assert_eq!(scratch_state(), (0, 0, 0));
    // A value that did not fit the block (most of it in the heap) is dropped as
    // usual: a hundred of them leave the wasm memory as it was.
    let memory = || {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    let numbers = |n: u32| (0..n).map(|n| n.to_string()).collect::<Vec<_>>();
    // SAFETY (here and below): the closure keeps nothing but its result.
    drop(unsafe { scratch_read_only(64, || numbers(10_000)) });
    let before = memory();
    for _ in 0..100 {
        let spilled = unsafe { scratch_read_only(64, || numbers(10_000)) };
        assert_eq!(spilled[9_999], "9999");
    }
    assert!(
        memory() - before < 1 << 20,
        "grew {} bytes",
        memory() - before
    );
    assert_eq!(scratch_state(), (0, 0, 0));
}

#[wasm_bindgen_test]
fn a_value_moved_out_of_a_scratch_tree_outlives_later_scratch_work() {
    use vitrine::browser::allocator::{scratch, scratch_state};
    use vitrine::browser::json::from_text_once;
    let Value::Object(map) =
        from_text_once(r#"{"keep": "kept across scratch work", "drop": [1, "x"]}"#).unwrap()
    else {
        panic!("an object");
    };
    let mut kept = None;
    for (key, value) in map {
        if let (true, Value::String(s)) = (key == "keep", value) {
            kept = Some(s);
        }
    }
    let mut kept = kept.unwrap();
    // Only the moved string is live: the block stays while it does.
    assert_eq!(scratch_state().2, 1);
    for i in 0..50 {
        let tree = from_text_once(&rules_config(20 + i)).unwrap();
        assert_eq!(
            tree.get("rules")
                .and_then(Value::as_array)
                .map(<[Value]>::len),
            Some(20 + i)
        );
    }
    assert_eq!(kept, "kept across scratch work");
    // Growing it outside a scratch scope moves it to the heap.
    kept.push_str(", then grown");
    assert_eq!(kept, "kept across scratch work, then grown");
    assert_eq!(scratch_state(), (0, 0, 0));
    // A block too small for the work: the rest comes from the heap.
    let numbers = scratch(64, || {
        (0..10_000u32).map(|n| n.to_string()).collect::<Vec<_>>()
    });
    assert_eq!(numbers[9_999], "9999");
    assert_eq!(numbers.iter().map(String::len).sum::<usize>(), 38_890);
    drop(numbers);
    assert_eq!(scratch_state(), (0, 0, 0));
}

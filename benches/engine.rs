//! Native benchmarks of the engine (`npm run bench` / `cargo bench`): validating and
//! compiling a 1,000-rule config, a full evaluation of it, and one click signal
//! followed by re-planning. The in-browser benchmark page and the GrowthBook
//! comparison come with the rule-engine work.
// criterion is a native dev-dependency; for wasm32 (clippy --all-targets) this
// bench is an empty program.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use criterion::Criterion;
    use vitrine::engine::affinity::{Interest, ProductRef};
    use vitrine::engine::config::Config;
    use vitrine::engine::profile::CartItem;
    use vitrine::engine::runtime::Engine;
    use vitrine::engine::signal::{Context, Signal};
    use vitrine::engine::Value;

    fn config_json(rules: usize) -> String {
        let rules: Vec<String> = (0..rules)
            .map(|i| {
                let when = match i % 4 {
                    0 => format!(r#"{{"cart.total": {{"$gte": {}}}}}"#, i % 300),
                    // 10 of the 1,000 rules read clicks (as in the issue's scenario).
                    1 if i % 100 == 1 => format!(r#"{{"clicks.k{}": {{"$gte": 1}}}}"#, i % 10),
                    1 => format!(r#"{{"events.e{}": {{"$gte": 1}}}}"#, i % 10),
                    2 => format!(r#"{{"$or": [{{"page.path": "/p/{i}"}}, {{"visitor.visits": {{"$gt": {}}}}}]}}"#, i % 7),
                    _ => format!(r#"{{"device.type": {{"$in": ["mobile", "desktop"]}}, "cart.count": {{"$lt": {}}}}}"#, i % 5),
                };
                format!(r##"{{"id": "r{i}", "when": {when}, "actions": [{{"op": "setText", "selector": "#s{i}", "text": "t{i}"}}]}}"##)
            })
            .collect();
        format!(r#"{{"version": 1, "rules": [{}]}}"#, rules.join(","))
    }

    /// An engine for `config` with personalization granted.
    fn consented(config: &Value) -> Engine {
        let config = Config::parse(config).unwrap();
        let (mut engine, _) = Engine::new(config, Vec::new(), "id", Context::default(), 0.0);
        engine
            .set_consent(&[("personalization".into(), true)], "api", 0.0)
            .unwrap();
        engine
    }

    fn benches(c: &mut Criterion) {
        let value: Value = serde_json::from_str(&config_json(1000)).unwrap();
        c.bench_function("validate+compile 1000 rules", |b| {
            b.iter(|| Config::parse(black_box(&value)).unwrap())
        });

        let mut engine = consented(&value);
        c.bench_function("full evaluation of 1000 rules", |b| {
            b.iter(|| black_box(engine.plan()))
        });
        let mut now = 1.0;
        c.bench_function("click signal + update, 1000 rules", |b| {
            b.iter(|| {
                now += 1.0;
                engine.signal(Signal::Click { key: "k1".into() }, now);
                black_box(engine.update())
            })
        });
    }

    /// A realistic mix of signals against the demo shop's config: clicks, product
    /// interest, dwell ticks with marked elements, track with props, cart changes.
    fn mixed_signal(i: usize) -> Signal {
        let product = ProductRef::new(
            &format!("p{}", i % 12),
            ["cafes", "chas", "acessorios"][i % 3],
            ["Serra", "Flor", "Hario", "Alto"][i % 4],
        );
        match i % 8 {
            0 => Signal::Click {
                key: format!("cat-{}", ["cafes", "chas", "acessorios"][i % 3]),
            },
            1 => Signal::Interest(vec![(product, Interest::Click)]),
            2 => Signal::Dwell {
                active_ms: 1000.0,
                elements: vec!["hero".into()],
            },
            3 => Signal::Interest(vec![(product, Interest::Dwell(1000.0))]),
            4 => Signal::Track {
                name: format!("e{}", i % 30),
                props: vec![("n".into(), Value::Number((i % 7) as f64))],
            },
            5 => Signal::CartAdd(CartItem {
                id: format!("p{}", i % 12),
                name: "Produto".into(),
                category: "cafes".into(),
                price: 10.0 + (i % 50) as f64,
                quantity: 1,
                ..CartItem::default()
            }),
            6 => Signal::CartRemove {
                id: format!("p{}", (i + 6) % 12),
            },
            _ => Signal::Scroll {
                max_pct: (i % 100) as f64,
            },
        }
    }

    fn shop_engine() -> Engine {
        let json =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/vitrine.json"))
                .unwrap();
        consented(&serde_json::from_str(&json).unwrap())
    }

    fn signal_benches(c: &mut Criterion) {
        let mut engine = shop_engine();
        let mut i = 0;
        c.bench_function("one mixed signal + update (demo shop config)", |b| {
            b.iter(|| {
                i += 1;
                engine.signal(mixed_signal(i), 1000.0 + i as f64);
                black_box(engine.update())
            })
        });
        c.bench_function(
            "10,000 mixed signals + update each (demo shop config)",
            |b| {
                b.iter(|| {
                    let mut engine = shop_engine();
                    for i in 0..10_000 {
                        engine.signal(mixed_signal(i), 1000.0 + i as f64 * 100.0);
                        engine.update();
                    }
                    black_box(engine.take_storage_writes())
                })
            },
        );
        let mut engine = shop_engine();
        for i in 0..10_000 {
            engine.signal(mixed_signal(i), 1000.0 + i as f64 * 100.0);
            engine.update();
        }
        let bytes: usize = engine
            .take_storage_writes()
            .write
            .iter()
            .map(|(c, p)| format!("vitrine:{c}").len() + p.to_value().to_json().len())
            .sum();
        println!(
            "persisted after 10,000 mixed signals: {bytes} bytes (all partitions, keys included)"
        );
    }

    /// A 5,000-product catalog with 20,000 complement pairs, deterministic.
    fn catalog_json(products: usize) -> String {
        let items: Vec<String> = (0..products)
            .map(|i| {
                format!(
                    r#"{{"id": "p{i}", "name": "Produto {i}", "category": "c{}", "brand": "b{}", "price": {}, "tags": ["t{}", "t{}"]}}"#,
                    i % 40,
                    i % 120,
                    10 + (i * 37) % 500,
                    i % 90,
                    (i * 7) % 90
                )
            })
            .collect();
        let pairs: Vec<String> = (0..products * 4)
            .map(|k| {
                format!(
                    r#"["p{}", "p{}", {}]"#,
                    (k * 13) % products,
                    (k * 7919 + 1) % products,
                    1 + k % 9
                )
            })
            .collect();
        let models: Vec<String> = (0..10)
            .map(|m| format!(r#"{{"id": "m{m}", "bias": -2, "weights": {{"cart_count": 0.{m}, "visits": 0.2, "dwell_total_s": 0.01, "affinity_concentration": 1, "channel_email": 0.5}}}}"#))
            .collect();
        format!(
            r##"{{"version": 1, "catalog": {{"products": [{}], "complements": [{}]}}, "models": [{}],
               "rules": [{{"id": "recs", "actions": [{{"op": "recommend", "selector": "#r", "slot": "s",
                 "use": {{"complements": 2, "affinity": 1, "similar": 1, "trending_in_session": 1}}, "count": 8, "maxPerCategory": 2,
                 "template": "<li>{{{{item.name}}}}</li>"}}]}}]}}"##,
            items.join(","),
            pairs.join(","),
            models.join(",")
        )
    }

    fn recommendation_benches(c: &mut Criterion) {
        let value: Value = serde_json::from_str(&catalog_json(5000)).unwrap();
        c.bench_function("validate a 5,000-product catalog (20,000 pairs)", |b| {
            b.iter(|| Config::parse(black_box(&value)).unwrap())
        });
        let mut engine = consented(&value);
        for i in 0..10 {
            engine.signal(
                Signal::CartAdd(CartItem {
                    id: format!("p{}", i * 97),
                    category: format!("c{}", i % 40),
                    price: 10.0,
                    quantity: 1,
                    ..CartItem::default()
                }),
                1.0,
            );
            engine.signal(
                Signal::Interest(vec![(
                    ProductRef::new(&format!("p{}", i * 31), &format!("c{}", i % 3), "b1"),
                    Interest::View,
                )]),
                2.0,
            );
        }
        let vitrine::engine::action::ActionKind::Recommend { slot, .. } =
            engine.config().rules[0].actions[0].kind.clone()
        else {
            unreachable!()
        };
        c.bench_function(
            "recommend 8 of 5,000 products, 10-item cart, 4 recommenders",
            |b| b.iter(|| black_box(engine.recommendations(&slot))),
        );
        c.bench_function("attributes with 10 models scored", |b| {
            b.iter(|| black_box(engine.attributes()))
        });
    }

    pub fn engine() {
        let mut criterion = Criterion::default().configure_from_args();
        benches(&mut criterion);
        signal_benches(&mut criterion);
        recommendation_benches(&mut criterion);
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::engine);

#[cfg(target_arch = "wasm32")]
fn main() {}

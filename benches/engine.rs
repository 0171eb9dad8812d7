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
    use vitrine::engine::config::Config;
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

    fn benches(c: &mut Criterion) {
        let value: Value = serde_json::from_str(&config_json(1000)).unwrap();
        c.bench_function("validate+compile 1000 rules", |b| {
            b.iter(|| Config::parse(black_box(&value)).unwrap())
        });

        let config = Config::parse(&value).unwrap();
        let (mut engine, _) = Engine::new(config, Vec::new(), "id", Context::default(), 0.0);
        engine
            .set_consent(&[("personalization".into(), true)], "api", 0.0)
            .unwrap();
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

    pub fn engine() {
        let mut criterion = Criterion::default().configure_from_args();
        benches(&mut criterion);
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::engine);

#[cfg(target_arch = "wasm32")]
fn main() {}

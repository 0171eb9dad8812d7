//! Property test: incremental evaluation (only rules reading changed attributes
//! are evaluated again) always equals a full evaluation, over random signal
//! sequences. A small xorshift generator keeps it dependency-free and replayable:
//! a failure prints the seed and the step.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::affinity::{Interest, ProductRef};
use vitrine::engine::config::Config;
use vitrine::engine::profile::CartItem;
use vitrine::engine::runtime::Engine;
use vitrine::engine::signal::{Context, Signal};
use vitrine::engine::Value;

const CONFIG: &str = r##"{
  "version": 1,
  "signals": { "clicks": "analytics", "affinity": "analytics", "search": "analytics" },
  "profile": { "abandonment": { "idleSeconds": 2 }, "identity": { "replaceAnonymousId": true }, "search": { "urlParam": "q" } },
  "models": [{ "id": "buy", "bias": -2, "weights": { "cart_count": 0.9, "clicks_total": 0.3, "affinity_concentration": 1, "dwell_page_s": 0.1 } }],
  "segments": [
    { "id": "buyer", "when": { "cart.count": { "$gte": 2 } } },
    { "id": "fan", "when": { "$or": [{ "clicks.k1": { "$gte": 2 } }, { "events.e1": { "$gte": 1 } }] } },
    { "id": "both", "when": { "segments": { "$all": ["buyer", "fan"] } } }
  ],
  "rules": [
    { "id": "c0", "when": { "clicks.k0": { "$gte": 1 } }, "actions": [{ "op": "setText", "selector": "#a", "text": "c0" }] },
    { "id": "c1", "priority": 2, "when": { "clicks.k1": { "$gte": 2 } }, "actions": [{ "op": "setText", "selector": "#a", "text": "c1" }] },
    { "id": "cart", "when": { "cart.total": { "$gte": 100 } }, "actions": [{ "op": "addClass", "selector": "#b", "class": "x" }] },
    { "id": "cart-low", "priority": -1, "when": { "cart.total": { "$lt": 100 }, "cart.count": { "$gte": 1 } }, "actions": [{ "op": "addClass", "selector": "#b", "class": "x" }] },
    { "id": "ev", "when": { "events.e0": { "$gte": 2 } }, "actions": [{ "op": "hide", "selector": "#c" }] },
    { "id": "dw", "when": { "dwell.page_ms": { "$gte": 3000 } }, "actions": [{ "op": "setAttr", "selector": "#d", "name": "title", "value": "t" }] },
    { "id": "seg", "when": { "segments": { "$in": ["both"] } }, "actions": [{ "op": "setText", "selector": "#e", "text": "both" }] },
    { "id": "exp-b", "when": { "experiments.hero": "b" }, "actions": [{ "op": "setText", "selector": "#f", "text": "b" }] },
    { "id": "path", "when": { "page.path": { "$regex": "^/p/" } }, "actions": [{ "op": "setText", "selector": "#g", "text": "p" }] },
    { "id": "mix", "consent": ["analytics", "personalization"], "when": { "$and": [{ "clicks.k2": { "$gte": 1 } }, { "cart.count": { "$gte": 1 } }] },
      "actions": [{ "op": "setText", "selector": "#h", "text": "mix" }] },
    { "id": "found", "when": { "search.last_zero": true }, "actions": [{ "op": "setText", "selector": "#s", "text": "none" }] },
    { "id": "picked", "when": { "search.categories.c1": { "$gte": 1 }, "search.last": { "$ne": "s0" } }, "actions": [{ "op": "setText", "selector": "#t", "text": "c1" }] },
    { "id": "always", "actions": [{ "op": "setAttr", "selector": "#i", "name": "data-v", "value": "1" }] },
    { "id": "trig", "trigger": { "event": "e1" }, "when": { "cart.count": { "$gte": 1 } },
      "actions": [{ "op": "setText", "selector": "#j", "text": "t" }] },
    { "id": "capped", "frequency": { "max": 1, "per": "pageview" }, "when": { "clicks.k0": { "$gte": 1 } },
      "actions": [{ "op": "setText", "selector": "#k", "text": "once" }] },
    { "id": "capped-on-cart", "frequency": { "max": 2, "per": "session" }, "when": { "cart.total": { "$gte": 50 } },
      "actions": [{ "op": "setText", "selector": "#l", "text": "twice" }] },
    { "id": "scrolled", "trigger": { "scroll": 50 }, "actions": [{ "op": "hide", "selector": "#m" }] },
    { "id": "held", "holdout": 0.5, "when": { "events.e0": { "$gte": 1 } }, "actions": [{ "op": "hide", "selector": "#n" }] },
    { "id": "old-friend", "when": { "visitor.days_since_first": { "$gte": 1 } }, "actions": [{ "op": "hide", "selector": "#p" }] },
    { "id": "aff", "when": { "affinity.category.c1": { "$gte": 1.5 } }, "actions": [{ "op": "addClass", "selector": "#q", "class": "aff" }] },
    { "id": "top", "when": { "affinity.top_brand": "b0" }, "actions": [{ "op": "addClass", "selector": "#r", "class": "top" }] },
    { "id": "gone", "when": { "cart.abandoned": true }, "actions": [{ "op": "setText", "selector": "#s", "text": "volte" }] },
    { "id": "vip", "when": { "traits.tier": "gold" }, "actions": [{ "op": "setText", "selector": "#t", "text": "vip" }] },
    { "id": "prop", "when": { "event_props.e1.plan": "pro" }, "actions": [{ "op": "setText", "selector": "#u", "text": "pro" }] },
    { "id": "el", "when": { "dwell.hero_ms": { "$gte": 2000 } }, "actions": [{ "op": "setText", "selector": "#v", "text": "hero" }] },
    { "id": "likely", "when": { "predict.buy": { "$gte": 0.6 } }, "actions": [{ "op": "setText", "selector": "#w", "text": "likely" }] },
    { "id": "sched", "schedule": { "start": "1970-01-01T00:00:30Z", "hours": [9, 17] }, "actions": [{ "op": "hide", "selector": "#o" }] }
  ],
  "experiments": [
    { "id": "hero", "variants": [{ "id": "a" }, { "id": "b", "actions": [{ "op": "setText", "selector": "#a", "text": "exp" }] }] }
  ]
}"##;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn normalized_decisions(values: Vec<Value>) -> Vec<String> {
    values
        .iter()
        .map(|v| v.to_json().replace("\"assigned (sticky)\"", "\"assigned\""))
        .collect()
}

#[test]
fn incremental_equals_full_evaluation() {
    let value: Value = serde_json::from_str(CONFIG).unwrap();
    let config = Config::parse(&value).unwrap();
    let mut updates = 0;
    let mut seen: Vec<String> = Vec::new();
    for seed in 1..=300u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let context = Context::from_page("https://s.example/", "", "", 12, 3, "pt-BR", 1200.0);
        let (mut e, _) = Engine::new(
            config.clone(),
            Vec::new(),
            &format!("visitor-{seed}"),
            context,
            0.0,
        );
        let mut now = 0.0;
        for step in 0..60 {
            // Mostly a second; sometimes hours, so day counts move too.
            now += if rng.below(8) == 0 {
                30_000_000.0
            } else {
                1000.0
            };
            match rng.below(14) {
                0 | 1 => {
                    e.signal(
                        Signal::Click {
                            key: format!("k{}", rng.below(3)),
                        },
                        now,
                    );
                }
                2 | 3 => {
                    let item = CartItem {
                        id: format!("p{}", rng.below(4)),
                        price: (rng.below(80) + 1) as f64,
                        quantity: 1,
                        ..CartItem::default()
                    };
                    e.signal(Signal::CartAdd(item), now);
                }
                4 => {
                    e.signal(
                        Signal::CartRemove {
                            id: format!("p{}", rng.below(4)),
                        },
                        now,
                    );
                }
                5 | 6 => {
                    let plan = ["pro", "free"][rng.below(2) as usize];
                    e.signal(
                        Signal::Track {
                            name: format!("e{}", rng.below(2)),
                            props: vec![("plan".into(), Value::from(plan))],
                        },
                        now,
                    );
                }
                7 => {
                    let elements = if rng.below(2) == 0 {
                        vec!["hero".to_owned()]
                    } else {
                        vec![]
                    };
                    e.signal(
                        Signal::Dwell {
                            active_ms: 1000.0,
                            elements,
                        },
                        now,
                    );
                }
                12 => {
                    let product = ProductRef::new(
                        "x",
                        &format!("c{}", rng.below(3)),
                        &format!("b{}", rng.below(2)),
                    );
                    let interest = [Interest::Click, Interest::View, Interest::Dwell(3000.0)]
                        [rng.below(3) as usize];
                    e.signal(Signal::Interest(vec![(product, interest)]), now);
                }
                13 => {
                    let signal = match rng.below(4) {
                        0 => Signal::ExitIntent,
                        3 => Signal::Search {
                            term: format!("s{}", rng.below(3)),
                            results: [None, Some(0.0), Some(4.0)][rng.below(3) as usize],
                        },
                        1 => Signal::Idle {
                            idle_ms: rng.below(4000) as f64,
                        },
                        _ => Signal::Identify {
                            id: (rng.below(3) != 0).then(|| format!("cust{}", rng.below(2))),
                            traits: vec![(
                                "tier".into(),
                                Value::from(["gold", "silver"][rng.below(2) as usize]),
                            )],
                        },
                    };
                    e.signal(signal, now);
                }
                8 => {
                    let category = if rng.below(2) == 0 {
                        "personalization"
                    } else {
                        "analytics"
                    };
                    e.set_consent(&[(category.into(), rng.below(3) != 0)], "api", now)
                        .unwrap();
                }
                9 => {
                    let path = ["/p/1", "/home", "/busca?q=s1"][rng.below(3) as usize];
                    let url = format!("https://s.example{path}");
                    e.page_view(
                        Context::from_page(&url, "", "", 12, 3, "pt-BR", 1200.0),
                        now,
                    );
                }
                10 => {
                    if rng.below(2) == 0 {
                        e.signal(Signal::CartSet(Vec::new()), now);
                    } else {
                        e.signal(
                            Signal::Scroll {
                                max_pct: rng.below(100) as f64,
                            },
                            now,
                        );
                    }
                }
                _ => {
                    // No signal: several changes may pile up before the next update.
                    continue;
                }
            }
            if rng.below(3) == 0 {
                continue; // let changes accumulate
            }
            e.update();
            updates += 1;
            for rule in e.applied_rules() {
                if !seen.iter().any(|r| r == rule) {
                    seen.push(rule.to_owned());
                }
            }
            let full = e.evaluate();
            assert_eq!(
                e.applied_ops(),
                &full.ops[..],
                "seed {seed}, step {step}: ops differ"
            );
            let all = &full.decisions;
            let full_values = all.iter().map(|d| d.to_value(&config, all)).collect();
            assert_eq!(
                normalized_decisions(e.decision_values()),
                normalized_decisions(full_values),
                "seed {seed}, step {step}: decisions differ"
            );
        }
    }
    assert!(updates > 5000, "only {updates} updates compared");
    // The sequences reach every kind of rule, so the comparison means something.
    for rule in [
        "aff", "top", "gone", "vip", "prop", "el", "mix", "trig", "seg",
    ] {
        assert!(seen.iter().any(|r| r == rule), "rule {rule} never applied");
    }
}

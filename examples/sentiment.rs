//! `cargo run --release --example sentiment -- <en|pt> <sentences.tsv>`: vitrine's
//! label for each sentence of an evaluation file (one per line, in order), then
//! `# per-sentence <µs>`: the median time of one `analyze` call over the file.
//! Used by scripts/bench-sentiment.py, which scores the peers on the same file.
use std::time::Instant;

use vitrine::engine::sentiment::{analyze, Language, Lexicon};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (language, lexicon) = match args.get(1).map(String::as_str) {
        Some("pt") => (Language::Pt, include_str!("../lexicons/pt-br.tsv")),
        _ => (Language::En, include_str!("../lexicons/en.tsv")),
    };
    let lexicon = Lexicon::parse(lexicon);
    let text = std::fs::read_to_string(&args[2]).expect("the sentences file");
    let sentences: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.splitn(3, '\t').nth(2))
        .collect();
    for s in &sentences {
        println!("{}", analyze(s, &lexicon, language).label.as_str());
    }
    let mut rounds: Vec<f64> = (0..25)
        .map(|_| {
            let start = Instant::now();
            for s in &sentences {
                std::hint::black_box(analyze(s, &lexicon, language));
            }
            start.elapsed().as_secs_f64() * 1e6 / sentences.len() as f64
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    println!("# per-sentence {:.2}", rounds[rounds.len() / 2]);
}

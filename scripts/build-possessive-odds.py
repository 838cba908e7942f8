#!/usr/bin/env python3
"""Build possessive-versus-plain odds for stripped forms X+s from word frequencies.

Usage: python3 scripts/build-possessive-odds.py
(pip install wordfreq==3.1.1; run after build-apostrophe-lexicons.py). Writes
rules/lexicons/possessive-odds.txt, lines `FORM DECIBELS`, sorted (byte order) and unique: for each
lower-cased form X+s that a stripped singular possessive X's would look like and that is also a
plain word or an acronym plural (governments, nations, worlds, ceos), whose X is a name that is
no lower-case word (afghanistans, angelos), or whose X is a lower-case noun with a plural that SCOWL
leaves out and wordfreq lists (behaviors, libs), 10 * log10(f(X's) / f(X+s))
with f the wordfreq 3.1.1 English frequency (its 'large' list: Wikipedia, subtitles, news, books,
web text, Twitter, Reddit). A form neither spelling of which wordfreq lists is left out; a spelling
it does not list counts as its smallest listed frequency (zipf 1.0) less a tenth.
repair-apostrophes uses these odds for the form feature of its possessive score, in place of the
sparse counts mined from the fit split (scripts/mine-possessive-stats.py).
"""
import os

from wordfreq import zipf_frequency

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
lex = os.path.join(root, "rules", "lexicons")
words = set(open(os.path.join(lex, "english-words.txt"), encoding="utf-8").read().split())
words_lower = {w.lower() for w in words}
bases = open(os.path.join(lex, "possessive-bases.txt"), encoding="utf-8").read().split()

FLOOR = 0.9
out = {}
for x in bases:
    if not x.isascii() or not x.isalpha():
        continue
    form = x.lower() + "s"
    acronym = len(x) >= 2 and x.isupper()
    # A name that is no lower-case word (Afghanistan, Angelo): before a capitalised word its X+s
    # is a possessive (Afghanistans Maidan) or a name (Angelos Tsiaras); the odds tell which.
    name = x[0].isupper() and not acronym and x.lower() not in words
    # A lower-case noun whose plural SCOWL does not list (behaviors, completions, libs: SCOWL
    # size 50 leaves out many plurals): kept when wordfreq lists the plural, whose odds then tell a
    # plural written far more often than the possessive (session 19).
    unlisted = x.islower() and form not in words_lower
    if form not in words_lower and not acronym and not name and not unlisted:
        continue  # no plain word, no name: decided without odds
    if form in out:
        continue
    poss = zipf_frequency(x.lower() + "'s", "en")
    plain = zipf_frequency(form, "en")
    if poss == 0 and plain == 0:
        continue
    if unlisted and plain == 0:
        continue  # a misspelled plural (countrys): nothing to weigh
    out[form] = round(10 * ((poss or FLOOR) - (plain or FLOOR)))

lines = sorted((f"{f} {d}" for f, d in out.items()), key=lambda s: s.encode())
with open(os.path.join(lex, "possessive-odds.txt"), "w", encoding="utf-8") as fh:
    fh.write("".join(l + "\n" for l in lines))
print(f"possessive-odds.txt: {len(lines)} forms")

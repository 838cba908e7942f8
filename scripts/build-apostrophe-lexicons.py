#!/usr/bin/env python3
"""Build mend's apostrophe lexicons from Debian's wamerican (SCOWL) word list.

Usage: python3 scripts/build-apostrophe-lexicons.py [/usr/share/dict/american-english]
(apt-get install wamerican). Writes, sorted (byte order) and unique:
  rules/lexicons/english-words.txt      every SCOWL word without an apostrophe
  rules/lexicons/possessive-bases.txt   X such that SCOWL lists X's (nouns and names)
  rules/lexicons/apostrophe-words.txt   stripped->restored for contractions and names
                                        (O'Brien, don't, o'clock); a trailing comma marks an
                                        entry whose stripped form is itself a word (its->it's,)
"""
import os
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/american-english"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "rules", "lexicons")

words = [w.strip() for w in open(src, encoding="utf-8") if w.strip()]
# ASCII only: mend compares bytes, and accented SCOWL entries are few.
words = [w for w in words if all(ord(c) < 128 for c in w)]
plain = {w for w in words if "'" not in w}
# 'Tis and 'twas without their leading apostrophe (SCOWL lists neither): plain words, so that
# `Tis true` never becomes `Ti's true` (SCOWL lists Ti's, the symbol of titanium's).
plain |= {"tis", "twas"}
poss = {w[:-2] for w in words if w.endswith("'s") and "'" not in w[:-2]}

# Contractions of the pronouns and 'wh' words that SCOWL does not list (it lists don't, I'm, ...).
extra = []
for p in ["i", "you", "he", "she", "it", "we", "they", "who", "that", "there", "what", "where",
          "here", "how", "when", "why", "this", "everyone", "everybody", "someone", "somebody",
          "nobody", "nothing", "something", "everything"]:
    for suf in ["'s", "'ll", "'d", "'ve", "'re", "'m"]:
        if suf == "'m" and p != "i":
            continue
        if suf == "'re" and p not in ("you", "we", "they", "who", "what", "there", "where", "how", "why", "here"):
            continue
        if suf == "'ve" and p not in ("i", "you", "we", "they", "who", "what", "there", "would", "could", "should"):
            continue
        if suf == "'s" and p in ("i", "you", "we", "they"):
            continue
        w = p + suf
        extra.append("I" + w[1:] if p == "i" else w)
for w in ["would've", "could've", "should've", "might've", "must've", "mightn't", "needn't",
          "y'all", "c'mon", "ma'am", "o'clock", "ain't", "let's", "that'll", "there'll", "what'll",
          "who'll", "it'd", "that'd", "there'd", "who'd", "what'd", "where'd", "how'd", "why'd"]:
    extra.append(w)

# Stripped forms that are everyday words of another language found in English text (German and
# Dutch `im`: `im Dateisystem`): ambiguous, so only a context rule in mend.yml restores them.
FOREIGN = {"im"}
# Stripped forms that are common spellings in their own right (Shiite, Xian) or archaic.
DROP = {"Shi'ite", "Xi'an", "this's", "h'm", "e'er", "ne'er", "o'er"}
apos = {}
for w in words + extra:
    if "'" not in w:
        continue
    # Possessives are the possessive rule's job, except the 's contractions listed in `extra`.
    if w.endswith("'s") and w not in extra:
        continue
    if w.endswith("'"):
        continue
    if w in DROP:
        continue
    stripped = w.replace("'", "")
    if len(stripped) < 2:
        continue
    key = stripped
    ambiguous = stripped in plain or stripped.lower() in plain or stripped.capitalize() in plain or stripped.lower() in FOREIGN
    # Lower-case contractions are looked up lower-case; names keep their case.
    if w[0].islower() or w.startswith("I'"):
        key = stripped.lower()
    prev = apos.get(key)
    if prev and prev[0] != w:
        # Two restorations for one stripped form (he'll/hell'): ambiguous.
        apos[key] = (prev[0], True)
        continue
    apos[key] = (w, ambiguous)

def write(name, lines):
    lines = sorted(set(lines), key=lambda s: s.encode())
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        for l in lines:
            f.write(l + "\n")
    print(f"{name}: {len(lines)} lines")

write("english-words.txt", plain)
write("possessive-bases.txt", poss)
write("apostrophe-words.txt", [f"{k}->{v}{',' if amb else ''}" for k, (v, amb) in apos.items()])

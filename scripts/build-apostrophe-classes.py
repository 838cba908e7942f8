#!/usr/bin/env python3
"""Build word classes for repair-apostrophes' context rules from WordNet 3.0.

Usage: python3 scripts/build-apostrophe-classes.py [/usr/share/wordnet]
(apt-get install wordnet-base; run after build-apostrophe-lexicons.py). Writes
rules/lexicons/apostrophe-classes.txt, lines `CLASS WORD`, sorted (byte order) and unique:
  adverb      words WordNet lists only as adverbs (really, basically, necessarily): after
              `its` such a word means `it's` (its really hard -> it's really hard)
  adjective   words WordNet lists only as adjectives (crazy, painful, unlikely), never as a noun
              or a verb: `its crazy.` -> `it's crazy.`
  noun        words WordNet lists only as nouns (decision, statement), no inflection of a verb:
              a capitalised name + s before one is a possessive (Macrons statement)
  verb-lemma  every base form WordNet lists as a verb (return, set, list, trump): a capitalised
              X+s at a sentence start whose x is a verb is no evidence of a name (`Returns true`)
  verb        base forms WordNet lists only as verbs (ignore, pretend, abdicate), never as a
              noun, an adjective or an adverb: `ill ignore` -> `I'll ignore` (`ill will`,
              `ill effects` stay: will and effect are nouns too)
Only single lower-case ASCII words that SCOWL (rules/lexicons/english-words.txt) also lists.
"""
import os
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
scowl = set(open(os.path.join(root, "rules", "lexicons", "english-words.txt"), encoding="utf-8").read().split())


def index(pos):
    out = set()
    for line in open(os.path.join(src, "index." + pos), encoding="utf-8"):
        if line.startswith(" "):
            continue  # the licence header
        w = line.split(" ", 1)[0]
        if w.isascii() and w.isalpha() and w.islower():
            out.add(w)
    return out


def exceptions(pos):
    # Irregular inflections (verb.exc: `went go`): the inflected form belongs to the class too.
    out = set()
    for line in open(os.path.join(src, pos + ".exc"), encoding="utf-8"):
        w = line.split()[0]
        if w.isascii() and w.isalpha():
            out.add(w)
    return out


noun = index("noun") | exceptions("noun")
verb = index("verb") | exceptions("verb")
adj = index("adj") | exceptions("adj")
adv = index("adv")
lines = []
# Comparatives and superlatives (nearest, least, farther: adv.exc) modify a noun after `its` too.
for w in adv - noun - adj - verb - exceptions("adv"):
    if w in scowl and len(w) >= 2 and not w.endswith("est"):
        lines.append(f"adverb {w}")
for w in adj - noun - verb:
    if w in scowl and len(w) >= 2:
        lines.append(f"adjective {w}")


def verb_form(w):
    # An inflection of a verb (claims, tweeted, filing): such a word may follow a plural.
    if w in verb:
        return True
    for suf, rep in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("d", "")):
        if w.endswith(suf) and len(w) > len(suf) + 2 and w[: -len(suf)] + rep in verb:
            return True
    return False


def plural(w):
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2:-1] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


for w in noun - verb - adj - adv:
    if w in scowl and len(w) >= 3 and not verb_form(w):
        lines.append(f"noun {w}")
        # The regular plural too (laws, findings), when no verb or other word class has it.
        p = plural(w)
        if p in scowl and p not in verb and p not in adj and p not in adv:
            lines.append(f"noun {p}")
for w in index("verb"):
    if w in scowl and len(w) >= 2:
        lines.append(f"verb-lemma {w}")
# Base forms only (index.verb, not verb.exc's inflections).
for w in index("verb") - noun - adj - adv:
    if w in scowl and len(w) >= 3:
        lines.append(f"verb {w}")
lines = sorted(set(lines), key=lambda s: s.encode())
with open(os.path.join(root, "rules", "lexicons", "apostrophe-classes.txt"), "w", encoding="utf-8") as f:
    f.write("".join(l + "\n" for l in lines))
print(f"apostrophe-classes.txt: {len(lines)} lines")

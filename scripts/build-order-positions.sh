#!/bin/sh
# Build restore-order's position-words table (rules/lexicons/order-positions.txt) from the fit
# split of ../shared/corpora/wikinews-en (English Wikinews, CC BY 2.5; the test split is never
# read): for each word, how much earlier than an article's middle its sentences sit. The
# articles are broken into sentences and their body lines found exactly as `mend-eval order`
# does. See rules/SOURCES.md.
#
#   scripts/build-order-positions.sh              # the table in the rules
#   scripts/build-order-positions.sh --dev-sweep  # choose weight-position on the dev fold
#
# --dev-sweep builds a table without the fit split's dev fold ((index / 5) % 4 == 0), then scores
# the dev fold with each weight (the decline test off: the model's ordering alone) and prints
# mean Kendall tau per weight; the weight in rules/mend.yml is the best of them. The decline
# thresholds are then refitted with `mend-eval order --fit --keep-weights` (each fit article
# scored with a table built without it).
set -eu
cd "$(dirname "$0")/.."
[ -n "${MEND_EVAL:-}" ] || swift build -c release --product mend-eval >/dev/null
eval=${MEND_EVAL:-.build/release/mend-eval}
if [ "${1:-}" = "--dev-sweep" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$eval" order --build-positions "$tmp/positions.txt" --hold-out-dev
  ln -s "$PWD/rules/lexicons" "$tmp/lexicons"
  for w in 0 5 10 20 40 60 100 150 200 300; do
    sed -e "s|position-words: lexicons/order-positions.txt|position-words: $tmp/positions.txt|" \
      -e "s/weight-position: .*/weight-position: $w/" rules/mend.yml >"$tmp/rules.yml"
    printf 'weight-position %s: ' "$w"
    "$eval" order --split dev --rules "$tmp/rules.yml" --assume-shuffled | grep '^restored output'
  done
else
  "$eval" order --build-positions rules/lexicons/order-positions.txt
fi

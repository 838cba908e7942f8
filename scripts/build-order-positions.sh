#!/bin/sh
# Build restore-order's position-words table (rules/lexicons/order-positions.txt) from the fit
# split of ../shared/corpora/wikinews-en (English Wikinews, CC BY 2.5; the test split is never
# read): for each word, how much earlier than an article's middle its sentences sit. The
# articles are broken into sentences and their body lines found exactly as `mend-eval order`
# does. See rules/SOURCES.md.
#
#   scripts/build-order-positions.sh              # the table in the rules (shrinkage 50, 3 articles)
#   scripts/build-order-positions.sh --grid       # how the shrinkage, the minimum and the weight were chosen
#   scripts/build-order-positions.sh --dev-sweep  # the model alone on the dev fold, per weight
#
# --grid prints, for each shrinkage K, minimum number of articles M and weight-position w, the
# figure the evaluation reports (mean Kendall tau of the output over shuffled articles, decline
# test applied, its thresholds refitted) on the whole fit split, each article scored with a table
# built without it (leave one out: `mend-eval order --fit --keep-weights`). The rules take the
# (K, M, w) whose mean over w and its two neighbours in the grid is highest (the figure is noisy:
# the decline thresholds move in steps), and then the thresholds that run prints.
#
# --dev-sweep builds a table without the fit split's dev fold ((index / 5) % 4 == 0) and scores
# the dev fold with each weight, the decline test off: the model's ordering alone.
set -eu
cd "$(dirname "$0")/.."
[ -n "${MEND_EVAL:-}" ] || swift build -c release --product mend-eval >/dev/null
eval=${MEND_EVAL:-.build/release/mend-eval}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s "$PWD/rules/lexicons" "$tmp/lexicons"
case "${1:-}" in
--dev-sweep)
  "$eval" order --build-positions "$tmp/positions.txt" --hold-out-dev
  for w in 0 5 10 15 20 40 60 100 150 200 300; do
    sed -e "s|position-words: lexicons/order-positions.txt|position-words: $tmp/positions.txt|" \
      -e "s/weight-position: .*/weight-position: $w/" rules/mend.yml >"$tmp/rules.yml"
    printf 'weight-position %s: ' "$w"
    "$eval" order --split dev --rules "$tmp/rules.yml" --assume-shuffled | grep '^restored output'
  done
  ;;
--grid)
  for k in 5 10 20 50; do
    for m in 3 5 10; do
      line="K=$k M=$m:"
      for w in 3 5 7 10 15 20 30; do
        sed -e "s/weight-position: .*/weight-position: $w/" rules/mend.yml >"$tmp/rules.yml"
        t=$("$eval" order --fit --keep-weights --untouched-target 1.0 --rules "$tmp/rules.yml" \
          --position-shrink "$k" --position-min-articles "$m" | grep '^# mean tau' | grep -o '[0-9.]*$')
        line="$line $w:$t"
      done
      echo "$line"
    done
  done
  ;;
*)
  "$eval" order --build-positions rules/lexicons/order-positions.txt
  ;;
esac

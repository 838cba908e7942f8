#!/bin/sh
# Fit restore-order's weights, neighbour weights and decline thresholds on the corpus's fit split
# (4/5 of ../shared/corpora/wikinews-en), then print them as rules options to paste into
# rules/mend.yml. The test split (every 5th article) is never read here.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product mend-eval
.build/release/mend-eval order --fit --untouched-target 1.0 "$@"

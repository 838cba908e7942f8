#!/usr/bin/env bash
# codespell on the same damaged text as `mend-eval apostrophes` (apostrophes and double quotes
# stripped from the corpus split), scored by the same code, side by side with mend.
# Needs: pip install codespell. Usage: scripts/eval-codespell.sh [test|fit]
set -euo pipefail
split=${1:-test}
cd "$(dirname "$0")/.."
bin=.build/release/mend-eval
[ -x "$bin" ] || bin=.build/debug/mend-eval
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" apostrophes --split "$split" --write-damaged "$tmp/damaged.txt" >/dev/null
version=$(codespell --version)
for dicts in clear,rare clear,rare,informal,usage,names,en-GB_to_en-US; do
  cp "$tmp/damaged.txt" "$tmp/fixed.txt"
  # --write-changes applies only entries with a single correction (as codespell always does).
  codespell --builtin "$dicts" --write-changes --quiet-level 3 "$tmp/fixed.txt" >/dev/null 2>&1 || true
  "$bin" apostrophes --split "$split" --score-file "$tmp/fixed.txt" --label "codespell $version --builtin $dicts"
done
"$bin" apostrophes --split "$split"

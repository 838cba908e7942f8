#!/usr/bin/env bash
# Corpus benchmarks (release build): MB/s of `mend corpus` with --jobs 1 and 2 on a JSONL corpus
# assembled from real wikinews sentences, peak memory, and `mend dedup` on short documents.
#   scripts/bench-corpus.sh [SIZE_MB (default 1000)] [DEDUP_DOCS (default 1000000)]
# Data goes to bench-data/ (gitignored) and is reused when present.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1000}
DOCS=${2:-1000000}
mkdir -p bench-data
swift build -c release --product mend >/dev/null
MEND=.build/release/mend
CORPUS=bench-data/corpus-${SIZE}mb.jsonl
SHORT=bench-data/short-${DOCS}.jsonl
[ -f "$CORPUS" ] || python3 scripts/make-bench-corpus.py --kind corpus --mb "$SIZE" --out "$CORPUS"
[ -f "$SHORT" ] || python3 scripts/make-bench-corpus.py --kind short --docs "$DOCS" --out "$SHORT"
echo "corpus: $CORPUS ($(du -m "$CORPUS" | cut -f1) MB); cores: $(nproc)"

declare -A RATE
for j in 1 2; do
  /usr/bin/time -v "$MEND" corpus "$CORPUS" --jobs "$j" --no-progress --format json \
    --summary bench-data/summary-j$j.json > /dev/null 2> bench-data/time-j$j.txt || true
  RATE[$j]=$(python3 -c "import json;print(json.load(open('bench-data/summary-j$j.json'))['mb_per_s'])")
  MEM=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' bench-data/time-j$j.txt)
  echo "mend corpus --jobs $j: ${RATE[$j]} MB/s, peak RSS ${MEM} MB ($(python3 -c "import json;s=json.load(open('bench-data/summary-j$j.json'));print(s['documents'], 'documents,', s['changed_documents'], 'changed,', s['seconds'], 's')"))"
done
python3 -c "print('speed-up with 2 jobs: %.2fx' % (${RATE[2]} / ${RATE[1]}))"

/usr/bin/time -v "$MEND" dedup "$SHORT" --no-progress --format json --summary bench-data/summary-dedup.json \
  -o bench-data/short-kept.jsonl --removed bench-data/short-removed.jsonl 2> bench-data/time-dedup.txt || true
MEM=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' bench-data/time-dedup.txt)
python3 - "$MEM" "$SHORT" <<'PY'
import json, sys
s = json.load(open("bench-data/summary-dedup.json"))
print(f"mend dedup on {s['documents']} short documents: {s['seconds']:.1f} s, peak RSS {sys.argv[1]} MB, "
      f"{s['duplicates_exact']} exact + {s['duplicates_near']} near duplicates removed, "
      f"{s['boilerplate_lines_removed']} boilerplate lines")
# Against the generator's labels ("copy_of" marks the injected copies).
injected = sum(1 for l in open(sys.argv[2] if len(sys.argv) > 2 else "/dev/null") if '"copy_of"' in l)
removed = tp = 0
for l in open("bench-data/short-removed.jsonl"):
    r = json.loads(l)
    if r["kind"] == "boilerplate":
        continue
    removed += 1
    tp += "copy_of" in r["record"]
print(f"  injected copies {injected}: precision {tp / max(1, removed):.3f}, recall {tp / max(1, injected):.3f} "
      f"(removed documents that are not injected copies are chance overlaps of the recombined sentences)")
PY

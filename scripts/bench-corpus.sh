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

# The corpus machinery alone (read, validate, splice, write; every stage switched off) and the
# default pipeline. MB/s is wall-clock; MB per CPU-second is what a core does when the machine is
# shared (the speed-up of 2 jobs needs a second free core).
{ printf 'version: 1\nextends: default\nstages:\n'
  "$MEND" stages | grep -E '^[a-z0-9-]+:' | cut -d: -f1 | while read -r id; do printf '  - id: %s\n    enabled: false\n' "$id"; done
} > bench-data/no-stages.yml
for variant in io default; do
  declare -A RATE
  RULES=()
  [ "$variant" = io ] && RULES=(--rules bench-data/no-stages.yml)
  for j in 1 2; do
    /usr/bin/time -v "$MEND" corpus "$CORPUS" "${RULES[@]}" --jobs "$j" --no-progress --format json \
      --summary bench-data/summary-$variant-j$j.json > /dev/null 2> bench-data/time-$variant-j$j.txt || true
    RATE[$j]=$(python3 -c "import json;print(json.load(open('bench-data/summary-$variant-j$j.json'))['mb_per_s'])")
    python3 - bench-data/summary-$variant-j$j.json bench-data/time-$variant-j$j.txt "$variant" "$j" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1])); t = open(sys.argv[2]).read()
cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) // 1024
share = re.search(r"Percent of CPU this job got: (\d+)%", t).group(1)
mb = s["bytes_in"] / 1e6
print(f"{sys.argv[3]:>7} --jobs {sys.argv[4]}: {s['mb_per_s']:.1f} MB/s wall ({s['seconds']:.1f} s for {mb:.0f} MB, "
      f"{s['documents']} documents), {mb / cpu:.1f} MB per CPU-second ({cpu:.1f} CPU-s, got {share}% CPU), peak RSS {rss} MB")
PY
  done
  python3 -c "print('%7s speed-up with 2 jobs (wall): %.2fx' % ('$variant', ${RATE[2]} / ${RATE[1]}))"
done

/usr/bin/time -v "$MEND" dedup "$SHORT" --no-progress --format json --summary bench-data/summary-dedup.json \
  -o bench-data/short-kept.jsonl --removed bench-data/short-removed.jsonl 2> bench-data/time-dedup.txt || true
MEM=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' bench-data/time-dedup.txt)
python3 - "$MEM" <<'PY'
import json, sys
s = json.load(open("bench-data/summary-dedup.json"))
print(f"mend dedup on {s['documents']} short documents: {s['seconds']:.1f} s, peak RSS {sys.argv[1]} MB, "
      f"{s['duplicates_exact']} exact + {s['duplicates_near']} near duplicates removed, "
      f"{s['boilerplate_lines_removed']} boilerplate lines")
PY
python3 scripts/score-dedup-bench.py "$SHORT" bench-data/short-removed.jsonl

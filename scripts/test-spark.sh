#!/usr/bin/env bash
# The Spark job (scripts/spark/mend_spark.py, Spark local[2]) against mend on one machine, on a
# small corpus of Wikinews articles with injected exact and near copies, recurring footer lines
# (boilerplate), a blank and a malformed line, records without an id, in two files: the repaired output must be byte-identical to `mend dedup | mend corpus`, and the removed
# records and lines (id, duplicate_of, kind, text) the same set, with the same (source, line) for removed records. Also the repair-only path against `mend corpus`.
# Usage: scripts/test-spark.sh [path/to/mend]   (needs pyspark and a Java runtime)
set -euo pipefail
cd "$(dirname "$0")/.."
mend=$(realpath "${1:-.build/release/mend}")
corpus=../shared/corpora/wikinews-en/wikinews.jsonl
python3 -c 'import pyspark' 2>/dev/null || { echo "spark: pyspark is not installed (pip install pyspark)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 scripts/spark/make-test-corpus.py "$corpus" "$dir/corpus.jsonl"
# Two input files, so that records are named and placed by file and line in each.
mkdir "$dir/in"
head -n 150 "$dir/corpus.jsonl" >"$dir/in/a.jsonl"
tail -n +151 "$dir/corpus.jsonl" >"$dir/in/b.jsonl"
printf 'version: 1\nextends: default\n' >"$dir/rules.yml"

# Reference: one machine. Exit 65 = the malformed line was passed through (expected).
set +e
"$mend" dedup --rules "$dir/rules.yml" --removed "$dir/ref-removed.jsonl" "$dir/in/a.jsonl" "$dir/in/b.jsonl" >"$dir/ref-dedup.jsonl" 2>/dev/null
rc1=$?
"$mend" corpus --field text --rules "$dir/rules.yml" --jobs 1 --no-progress <"$dir/ref-dedup.jsonl" >"$dir/ref-out.jsonl" 2>/dev/null
rc2=$?
"$mend" corpus --field text --rules "$dir/rules.yml" --jobs 1 --no-progress <"$dir/corpus.jsonl" >"$dir/ref-repair.jsonl" 2>/dev/null
rc3=$?
set -e
[ "$rc1 $rc2 $rc3" = "65 65 65" ] || { echo "spark: unexpected reference exit codes $rc1 $rc2 $rc3" >&2; exit 1; }

spark() { python3 scripts/spark/mend_spark.py --master 'local[2]' --mend "$mend" --rules "$dir/rules.yml" \
  --input "$1" --partitions 3 "${@:2}" 2>"$dir/spark.log" || { tail -30 "$dir/spark.log" >&2; exit 1; }; }
spark "$dir/in" --output "$dir/out" --dedup --removed "$dir/removed" --summary "$dir/summary.json"
spark "$dir/corpus.jsonl" --output "$dir/repair"

fail=0
if cat "$dir"/out/part-* | cmp -s - "$dir/ref-out.jsonl"; then echo "spark: dedup + repair output identical to mend dedup | mend corpus ($(wc -l <"$dir/ref-out.jsonl") lines)"
else echo "spark: FAIL dedup + repair output differs from mend dedup | mend corpus"; fail=1; fi
if cat "$dir"/repair/part-* | cmp -s - "$dir/ref-repair.jsonl"; then echo "spark: repair-only output identical to mend corpus ($(wc -l <"$dir/ref-repair.jsonl") lines)"
else echo "spark: FAIL repair-only output differs from mend corpus"; fail=1; fi
python3 - "$dir" <<'PY' || fail=1
import glob, json, sys
d = sys.argv[1]
key = lambda r: (r["id"], r["duplicate_of"], r["kind"], r.get("text"), r.get("source"), r.get("line"))
ref = {key(json.loads(l)) for l in open(d + "/ref-removed.jsonl")}
got = {key(json.loads(l)) for f in sorted(glob.glob(d + "/removed/part-*")) for l in open(f)}
summary = json.load(open(d + "/summary.json"))
boiler = sum(1 for k in ref if k[2] == "boilerplate")
placed = sum(1 for k in ref if k[4] and k[5])
named = sum(1 for k in ref if ".jsonl:" in k[0] or ".jsonl:" in k[1])
print("spark: %d removed records placed by (source, line), %d named FILE:LINE" % (placed, named))
print("spark: removed %d records (%d exact, %d near) and %d boilerplate lines; mend dedup removed %d (%d lines); same (id, duplicate_of, kind, text, source, line): %d"
      % (len(got) - summary["boilerplate_lines_removed"], summary["exact_duplicates"], summary["near_duplicates"],
         summary["boilerplate_lines_removed"], len(ref) - boiler, boiler, len(ref & got)))
if ref != got or len(ref) - boiler < 100 or boiler < 20 or placed != len(ref) - boiler or named < 2:
    print("spark: FAIL removed sets differ: only mend %s, only spark %s" % (sorted(ref - got)[:5], sorted(got - ref)[:5]))
    sys.exit(1)
PY
[ $fail = 0 ] && echo "spark: 3 passed, 0 failed" || { echo "spark: FAILED"; exit 1; }

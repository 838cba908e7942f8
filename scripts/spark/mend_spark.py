#!/usr/bin/env python3
"""Run mend over a JSONL corpus with Apache Spark, beyond one machine.

The same `mend` binary is the map step; Spark only moves records and, for dedup, the small
(band key, record number) pairs. Records keep their input order: partitions are read in order,
each is piped through one `mend` process, and `saveAsTextFile` writes part-00000, part-00001, ...
in order, so `cat OUTPUT/part-*` is the corpus in input order.

  spark-submit scripts/spark/mend_spark.py --mend .build/release/mend --input 'shards/*.jsonl.gz' \
      --output repaired --dedup --removed removed

Steps:
  1. (--dedup) `mend dedup-keys` on every partition gives, for each input line, the record's exact
     hash, MinHash signature and LSH band keys (settings from the rules file's `dedup:` section).
  2. (--dedup) Spark groups records by band key, forms candidate pairs (each record with up to 256
     earlier records of its bucket, as `mend dedup` walks at most 256 per band), checks each pair's
     signature similarity against the threshold, and groups exact hashes. The driver then decides
     keep-first in input order over the (few) candidate records, exactly as `mend dedup` does on one
     machine: a record is an exact duplicate of the first kept record with its hash, else a near
     duplicate of its most similar kept candidate.
  3. (--dedup, when the rules' `dedup:` section has boilerplate on) Spark counts, over the kept
     records, how many contain each line `mend dedup-keys` listed; lines in at least
     boilerplate_min_docs of them are boilerplate, kept in the first record that has them and
     removed from the others by `mend dedup-apply` (the same code as `mend dedup`), each removed
     line going to --removed with the id of that first record.
  4. Kept records (and malformed lines, passed through unchanged) are piped through
     `mend corpus --field ...` (the rules file's stages) and written in order. Removed records go to
     --removed with the id of the record they duplicate.

The binary and the rules folder are shipped to executors with SparkContext.addFile. On a cluster,
build mend with `swift build -c release --static-swift-stdlib` so executors need only libc and the
system ICU (libicu72 on Debian 12).
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

from pyspark import SparkConf, SparkContext, SparkFiles

MAX_WALK = 256  # as DedupIndex.maxChainWalk


def mend_pipe(args, user_rules, ok_codes=(0,), partition_args=None):
    """A mapPartitionsWithIndex function that streams a partition's lines through one mend process.

    partition_args(i), when given, adds arguments for partition i (dedup-keys' --source and
    --first-line)."""

    def run(index, lines):
        exe = SparkFiles.get("mend")
        if not os.access(exe, os.X_OK):
            os.chmod(exe, 0o755)
        env = dict(os.environ)
        env["MEND_RULES_DIR"] = SparkFiles.get("rules")
        cmd = [exe] + args + (partition_args(index) if partition_args else [])
        if user_rules:
            cmd += ["--rules", SparkFiles.get(os.path.basename(user_rules))]
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        err = []

        def feed():
            try:
                for line in lines:
                    p.stdin.write(line.encode("utf-8", "surrogateescape"))
                    p.stdin.write(b"\n")
            except BrokenPipeError:
                pass
            finally:
                try:
                    p.stdin.close()
                except BrokenPipeError:
                    pass

        def drain():
            err.append(p.stderr.read())

        t1 = threading.Thread(target=feed, daemon=True)
        t2 = threading.Thread(target=drain, daemon=True)
        t1.start()
        t2.start()
        for out in p.stdout:
            yield out.rstrip(b"\n").decode("utf-8", "surrogateescape")
        rc = p.wait()
        t1.join()
        t2.join()
        if rc not in ok_codes:
            raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), rc, err[0].decode("utf-8", "replace")[-2000:]))
        if err and err[0]:
            sys.stderr.write(err[0].decode("utf-8", "replace"))

    return run


def expand_inputs(sc, spec):
    """The input files, in order: each comma-separated path, glob or directory of --input, as
    Hadoop lists them (a directory's files sorted by name, skipping _ and . files as textFile does)."""
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    files = []
    for part in spec.split(","):
        path = jvm.org.apache.hadoop.fs.Path(part)
        fs = path.getFileSystem(conf)
        statuses = fs.globStatus(path)
        if not statuses:
            raise SystemExit("mend spark: no input matches %s" % part)
        for st in statuses:
            if st.isDirectory():
                kids = [c.getPath() for c in fs.listStatus(st.getPath())
                        if c.isFile() and not c.getPath().getName().startswith(("_", "."))]
                files.extend(sorted(k.toString() for k in kids))
            else:
                files.append(st.getPath().toString())
    return files


def display_name(uri):
    """A local file's path as mend prints it (file:/a/b -> /a/b); other URIs as they are."""
    return uri[len("file:"):] if uri.startswith("file:/") else uri


def read_sources(sc, spec, min_partitions):
    """All input lines as one RDD whose partitions each hold lines of one file, in input order,
    with, for partition i, source[i] (the file) and first_line[i] (its first line's number in it)."""
    files = expand_inputs(sc, spec)
    per_file = -(-min_partitions // len(files)) if min_partitions else None
    rdds, source = [], []
    for f in files:
        rdd = sc.textFile(f, minPartitions=per_file) if per_file else sc.textFile(f)
        rdds.append(rdd)
        source.extend([display_name(f)] * rdd.getNumPartitions())
    lines = sc.union(rdds) if len(rdds) > 1 else rdds[0]
    counts = dict(lines.mapPartitionsWithIndex(lambda i, it: [(i, sum(1 for _ in it))]).collect())
    first_line, line = [], 1
    for i in range(len(source)):
        if i > 0 and source[i] != source[i - 1]:
            line = 1
        first_line.append(line)
        line += counts.get(i, 0)
    return lines, source, first_line


def similarity(a, b):
    """Fraction of equal MinHash values (8 hex digits each), as MinHasher.similarity."""
    n = len(a) // 8
    eq = sum(1 for i in range(0, len(a), 8) if a[i:i + 8] == b[i:i + 8])
    return eq / max(1, n)


def candidate_pairs(kv):
    """(later, earlier) pairs inside one band bucket: each record with up to MAX_WALK earlier ones."""
    members = sorted(kv[1])
    for i, b in enumerate(members):
        for a in members[max(0, i - MAX_WALK):i]:
            yield (b, a)


def decide(exact_groups, edges):
    """Keep-first decisions in input order, as `mend dedup` makes them on one machine.

    exact_groups: {record: exact hash} for records whose hash occurs more than once.
    edges: {record: [(earlier record, similarity)]} for pairs at or above the threshold.
    Returns {record: (duplicate_of, kind, similarity)}.
    """
    removed = {}
    exact_kept = {}
    for n in sorted(set(exact_groups) | set(edges)):
        h = exact_groups.get(n)
        if h is not None and h in exact_kept:
            removed[n] = (exact_kept[h], "exact", 1.0)
            continue
        best = None
        for a, sim in edges.get(n, ()):
            if a in removed:
                continue
            if best is None or sim > best[1] or (sim == best[1] and a > best[0]):
                best = (a, sim)
        if best is not None:
            removed[n] = (best[0], "near", best[1])
            continue
        if h is not None:
            exact_kept.setdefault(h, n)
    return removed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="JSONL file(s), a directory or a glob (.gz read transparently)")
    ap.add_argument("--output", required=True, help="output directory (part-NNNNN files in input order)")
    ap.add_argument("--mend", default=".build/release/mend", help="the mend binary to ship")
    ap.add_argument("--rules-dir", default="rules", help="the bundled rules folder to ship")
    ap.add_argument("--rules", help="a user rules file (may say `extends: default`)")
    ap.add_argument("--field", action="append", help="JSONL field(s) to repair and compare (default: text)")
    ap.add_argument("--id-field", default="id")
    ap.add_argument("--dedup", action="store_true", help="remove exact and near-duplicate records first")
    ap.add_argument("--removed", help="output directory for removed records (with --dedup)")
    ap.add_argument("--no-repair", action="store_true", help="only dedup; records are written as they were")
    ap.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    ap.add_argument("--partitions", type=int, default=0, help="minimum input partitions")
    ap.add_argument("--gzip", action="store_true", help="gzip the output part files")
    ap.add_argument("--summary", help="write the summary JSON here")
    a = ap.parse_args()
    fields = a.field or ["text"]
    field_args = [x for f in fields for x in ("--field", f)]

    conf = SparkConf().setAppName("mend").set("spark.ui.showConsoleProgress", "false")
    if a.master:
        conf.setMaster(a.master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    sc.addFile(os.path.abspath(a.mend))
    sc.addFile(os.path.abspath(a.rules_dir), recursive=True)
    if a.rules:
        sc.addFile(os.path.abspath(a.rules))
    started = time.time()
    codec = "org.apache.hadoop.io.compress.GzipCodec" if a.gzip else None

    summary = {"records": 0, "exact_duplicates": 0, "near_duplicates": 0, "boilerplate_lines_removed": 0, "malformed": 0}
    if a.dedup:
        lines, source, first_line = read_sources(sc, a.input, a.partitions)
        # Each partition's records are named and reported at their place in their own file.
        keys = lines.mapPartitionsWithIndex(mend_pipe(
            ["dedup-keys", "--jobs", "1", "--id-field", a.id_field] + field_args, a.rules,
            partition_args=lambda i: ["--source", source[i], "--first-line", str(first_line[i])]))
        places = lines.mapPartitionsWithIndex(
            lambda i, it: ((source[i], first_line[i] + k) for k, _ in enumerate(it)))
        # zip checks that every partition gave exactly one key line per input line.
        indexed = (lines.zip(keys).zip(places).zipWithIndex()
                   .map(lambda t: (t[1], t[0][0][0], json.loads(t[0][0][1]), t[0][1])))
        indexed.cache()
        docs = indexed.filter(lambda t: "skip" not in t[2])
        summary["records"] = docs.count()
        summary["malformed"] = indexed.filter(lambda t: t[2].get("skip") == "malformed").count()
        first = docs.first() if summary["records"] else None
        threshold = first[2]["threshold"] if first else 1.0

        exact = docs.filter(lambda t: t[2]["exact"] is not None).map(lambda t: (t[2]["exact"], t[0]))
        exact_groups = dict(
            exact.groupByKey().filter(lambda kv: len(kv[1]) > 1)
            .flatMap(lambda kv: [(n, kv[0]) for n in kv[1]]).collect())

        sigs = docs.filter(lambda t: t[2]["sig"] is not None).map(lambda t: (t[0], t[2]["sig"]))
        buckets = docs.flatMap(lambda t: [((b, k), t[0]) for b, k in enumerate(t[2]["bands"])]).groupByKey()
        pairs = buckets.filter(lambda kv: len(kv[1]) > 1).flatMap(candidate_pairs).distinct()
        checked = (pairs.join(sigs)                                   # (b, (a, sig_b))
                   .map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))     # (a, (b, sig_b))
                   .join(sigs)                                        # (a, ((b, sig_b), sig_a))
                   .map(lambda kv: (kv[1][0][0], kv[0], similarity(kv[1][0][1], kv[1][1])))
                   .filter(lambda e: e[2] >= threshold))
        edges = {}
        for b, a_, sim in checked.collect():
            edges.setdefault(b, []).append((a_, sim))
        removed = decide(exact_groups, edges)
        summary["exact_duplicates"] = sum(1 for v in removed.values() if v[1] == "exact")
        summary["near_duplicates"] = sum(1 for v in removed.values() if v[1] == "near")
        gone = sc.broadcast(removed)
        if a.removed:
            targets = sc.broadcast({v[0] for v in removed.values()})
            dup_ids = sc.broadcast(dict(
                indexed.filter(lambda t: t[0] in targets.value and "id" in t[2])
                .map(lambda t: (t[0], t[2]["id"])).collect()))

            def side(t):
                n, line, key, (src, line_no) = t
                dup, kind, sim = gone.value[n]
                # The record's own bytes and its place, as `mend dedup --removed` writes them.
                return ('{"id":%s,"duplicate_of":%s,"kind":"%s","similarity":%.3f,"source":%s,"line":%d,"record":%s}'
                        % (json.dumps(key["id"], ensure_ascii=False), json.dumps(dup_ids.value.get(dup), ensure_ascii=False),
                           kind, sim, json.dumps(src, ensure_ascii=False), line_no, line))

            removed_rdd = indexed.filter(lambda t: t[0] in gone.value).map(side)
        kept_docs = indexed.filter(lambda t: t[0] not in gone.value)
        min_docs = first[2].get("min_docs") if first else None
        if min_docs:
            # Boilerplate: lines that at least min_docs kept documents contain; every document but
            # the first that has such a line loses it (`mend dedup-apply` removes it exactly as
            # `mend dedup` does and reports it as an R line for the side file).
            boiler = dict(
                kept_docs.filter(lambda t: "skip" not in t[2])
                .flatMap(lambda t: [(h, (1, t[0])) for h in t[2].get("lines", ())])
                .reduceByKey(lambda x, y: (x[0] + y[0], min(x[1], y[1])))
                .filter(lambda kv: kv[1][0] >= min_docs)
                .map(lambda kv: (kv[0], kv[1][1])).collect())
            firsts = sc.broadcast(set(boiler.values()))
            first_ids = dict(indexed.filter(lambda t: t[0] in firsts.value).map(lambda t: (t[0], t[2]["id"])).collect())
            boiler_ids = sc.broadcast({h: first_ids[n] for h, n in boiler.items()})
            bfirst = sc.broadcast(boiler)

            def directive(t):
                n, line, key, _ = t
                drop = {h: boiler_ids.value[h] for h in key.get("lines", ()) if h in bfirst.value and bfirst.value[h] != n}
                if not drop:
                    return "\t" + line
                # The record's name as dedup-keys gave it (FILE:LINE when it has no id field).
                return json.dumps(dict(drop, id=key["id"]), ensure_ascii=False) + "\t" + line

            applied = kept_docs.map(directive).mapPartitionsWithIndex(
                mend_pipe(["dedup-apply", "--id-field", a.id_field] + field_args, a.rules))
            applied.cache()
            kept = applied.filter(lambda l: l.startswith("K\t")).map(lambda l: l[2:])
            boiler_removed = applied.filter(lambda l: l.startswith("R\t")).map(lambda l: l[2:])
            summary["boilerplate_lines_removed"] = boiler_removed.count()
            if a.removed:
                removed_rdd = sc.union([removed_rdd, boiler_removed])
        else:
            kept = kept_docs.map(lambda t: t[1])
        if a.removed:
            removed_rdd.saveAsTextFile(a.removed, codec)
    else:
        kept = sc.textFile(a.input, minPartitions=a.partitions) if a.partitions else sc.textFile(a.input)
    if a.no_repair:
        out = kept
    else:
        # Exit 65 means malformed lines were passed through unchanged (reported on stderr).
        out = kept.mapPartitionsWithIndex(mend_pipe(["corpus", "--jobs", "1", "--no-progress"] + field_args, a.rules, ok_codes=(0, 65)))
    out.saveAsTextFile(a.output, codec)
    summary["seconds"] = round(time.time() - started, 2)
    text = json.dumps(summary)
    if a.summary:
        with open(a.summary, "w") as f:
            f.write(text + "\n")
    print("mend spark: " + text, file=sys.stderr)
    sc.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Test the hooks of .pre-commit-hooks.yaml with the real pre-commit framework (from PyPI):
# a scratch git repository uses this checkout (its working tree, committed to a snapshot repo)
# as the hook repository; a commit of a file that needs repair must be blocked by mend-check,
# mend-fix must repair it, and the repaired file must then commit.
# pre-commit builds mend itself (`swift build -c release` in its cache): the first run takes
# minutes. Set PRE_COMMIT_HOME to keep that cache between runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
say() { printf '== %s\n' "$*"; }

# 1. pre-commit from PyPI, in its own virtualenv.
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q pre-commit
PC="$WORK/venv/bin/pre-commit"
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$WORK/pc-home}"
export GIT_AUTHOR_NAME=mend-test GIT_AUTHOR_EMAIL=mend@test GIT_COMMITTER_NAME=mend-test GIT_COMMITTER_EMAIL=mend@test

# 2. The hook repository: a snapshot of this checkout (tracked and untracked, not ignored files).
HOOKS="$WORK/hooks-repo"
mkdir -p "$HOOKS"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$HOOKS/")
git -C "$HOOKS" init -q
git -C "$HOOKS" add -A
git -C "$HOOKS" commit -qm snapshot
REV=$(git -C "$HOOKS" rev-parse HEAD)

# 3. A dataset repository with the hook installed.
DATA="$WORK/dataset"
mkdir -p "$DATA"
git -C "$DATA" init -q
cat > "$DATA/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $HOOKS
    rev: $REV
    hooks:
      - id: mend-check
YAML
printf 'Clean text, nothing to repair.\n' > "$DATA/clean.txt"
git -C "$DATA" add -A
(cd "$DATA" && "$PC" install -q 2>/dev/null || "$PC" install)
say "first commit (clean files; pre-commit builds mend now)"
git -C "$DATA" commit -qm "clean" || { echo "FAIL: a clean commit was blocked"; exit 1; }

say "a commit that needs repair must be blocked"
printf 'The caf\xc3\x83\xc2\xa9 on Moscow\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s square &amp; more\n' > "$DATA/damaged.txt"
git -C "$DATA" add damaged.txt
if git -C "$DATA" commit -m "damaged" > "$WORK/blocked.log" 2>&1; then
  cat "$WORK/blocked.log"; echo "FAIL: the commit was not blocked"; exit 1
fi
cat "$WORK/blocked.log"
grep -q "damaged.txt" "$WORK/blocked.log" || { echo "FAIL: the hook output does not name the file"; exit 1; }
grep -q "^+The café on Moscow’s square & more" "$WORK/blocked.log" || { echo "FAIL: no diff of the repair"; exit 1; }

say "mend-fix repairs the file in place (and stops the commit so it can be re-staged)"
cat > "$DATA/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $HOOKS
    rev: $REV
    hooks:
      - id: mend-fix
YAML
git -C "$DATA" add .pre-commit-config.yaml
if git -C "$DATA" commit -m "damaged" > "$WORK/fix.log" 2>&1; then
  cat "$WORK/fix.log"; echo "FAIL: the fix hook did not stop the commit"; exit 1
fi
cat "$WORK/fix.log"
[ "$(cat "$DATA/damaged.txt")" = "The café on Moscow’s square & more" ] || { echo "FAIL: not repaired: $(cat "$DATA/damaged.txt")"; exit 1; }
git -C "$DATA" add damaged.txt
git -C "$DATA" commit -qm "repaired" || { echo "FAIL: the repaired file does not commit"; exit 1; }

say "timing: mend --check on 5 small files through the installed hook binary"
MEND=$(ls "$PRE_COMMIT_HOME"/repo*/swift_env-default/.build/release/mend | head -1)
for i in 1 2 3 4 5; do printf 'Line %s is clean.\n' "$i" > "$WORK/s$i.txt"; done
start=$(date +%s%N)
"$MEND" --check "$WORK"/s*.txt
end=$(date +%s%N)
echo "mend --check on 5 small files: $(( (end - start) / 1000000 )) ms"
echo "precommit: 3 passed, 0 failed"

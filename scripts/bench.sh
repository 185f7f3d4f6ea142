#!/usr/bin/env bash
# Import benchmark: winnow import of the 665k LLaVA-mix-like file against Python's bare
# json.load of the same file, side by side in one run; then the scoring benchmark over the
# 665k + 234k generated items (BENCH_SCORE=0 skips it). Release build; see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(swift build -c release --show-bin-path)/winnow"
DATA="${BENCH_DATA:-bench-data}"
mkdir -p "$DATA"
[ -f "$DATA/llava_mix.json" ] || "$BIN" bench generate --out "$DATA"
FILE="$DATA/llava_mix.json"
DB="$DATA/bench.sqlite"
measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$DATA/time.txt" "$@" > /dev/null
  read -r wall rss user sys < "$DATA/time.txt"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { printf "%-28s wall %7.1f s   cpu %7.1f s   peak RSS %8.0f MB\n", l, w, u + s, r / 1024 }'
}
echo "file: $FILE ($(du -m "$FILE" | cut -f1) MB), machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure "python3 json.load" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$FILE"
rm -f "$DB" "$DB-wal" "$DB-shm"
measure "winnow import (empty store)" "$BIN" import "$FILE" --db "$DB" --no-score
measure "winnow import (unchanged)" "$BIN" import "$FILE" --db "$DB" --no-score
if [ "${BENCH_SCORE:-1}" != 0 ]; then
  echo "scoring (winnow bench score: every text scorer, duplicates, image reuse), load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$BIN" bench score --dir "$DATA"
fi

#!/usr/bin/env bash
# Checks that two builds of backlog give byte-identical results: runs every shipped scenario
# and the W1 and W2 workloads with both engines on 1 and 2 threads, writing --out folders with
# each binary, and compares the folders (docs/performance.md, "How to measure": every speed
# change must keep every output the same).
#
# Usage: benches/same-outputs.sh BEFORE AFTER   (paths of two backlog binaries)
# Prints each run whose folders differ and exits 1 if any does, 2 on bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: benches/same-outputs.sh BEFORE AFTER (two backlog binaries)" >&2
  exit 2
fi
before=$1 after=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

differ=0 runs=0
for file in scenarios/*.toml benches/workloads/w1-*.toml benches/workloads/w2-metering.toml; do
  replications=3
  case $file in benches/*) replications=1 ;; esac
  for engine in auto event-loop; do
    for threads in 1 2; do
      rm -rf "$out/before" "$out/after"
      for side in before after; do
        binary=$before
        [ "$side" = after ] && binary=$after
        "$binary" run "$file" --replications "$replications" --threads "$threads" \
          --engine "$engine" --quiet --out "$out/$side" >/dev/null
      done
      runs=$((runs + 1))
      if ! diff -r -q "$out/before" "$out/after" >"$out/diff"; then
        echo "differ: $file --engine $engine --threads $threads"
        head -5 "$out/diff"
        differ=1
      fi
    done
  done
done
if [ "$differ" = 0 ]; then
  echo "same outputs in all $runs runs"
fi
exit "$differ"

#!/usr/bin/env bash
# Runs the reference workloads W1 (M/M/5, one million customers) and W2 (metering x100)
# in backlog and, side by side on the same machine, in SimPy and Ciw using the peer scripts
# in ../shared/peers (when present), then prints customers per second and the ratios.
#
# Usage: benches/compare-peers.sh [--runs N] [--simpy-w2-scale S] [--ciw]
#   --runs N            runs per measurement; the median is reported (default 3)
#   --simpy-w2-scale S  scale of W2 for SimPy (default 10; 100 takes about 7 minutes)
#   --ciw               also run Ciw (slow: about 40 s for W1)
# Environment: PEERS_PYTHON, a Python with simpy (and ciw) installed
#   (default $HOME/peers-venv/bin/python; see ../shared/peers/README.md to install).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
simpy_scale=10
with_ciw=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --simpy-w2-scale) simpy_scale=$2; shift 2 ;;
    --ciw) with_ciw=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
python=${PEERS_PYTHON:-$HOME/peers-venv/bin/python}
peers=../shared/peers

cargo build --release --locked --quiet
backlog=target/release/backlog

# median_of CMD...: runs CMD $runs times; prints "median_seconds peak_rss_kb fastest_seconds"
# (the fastest run is the least disturbed by other work on a shared machine). Times come from
# bash's own clock around the bare command: wrapping it in /usr/bin/time and date adds 5-7 ms
# of process starts, a fifth of W1's time; peak memory comes from one more run under
# /usr/bin/time.
median_of() {
  local times=() record start end
  for _ in $(seq "$runs"); do
    start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    end=$EPOCHREALTIME
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
  done
  record=$(mktemp)
  /usr/bin/time -f "%M" -o "$record" "$@" >/dev/null 2>&1
  local rss; rss=$(tail -1 "$record")
  rm -f "$record"
  printf '%s\n' "${times[@]}" | sort -n | awk -v rss="$rss" '{a[NR]=$1} END {printf "%s %s %s\n", a[int((NR+1)/2)], rss, a[1]}'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "backlog: $($backlog --version)"
echo

read -r w1_s w1_kb w1_min <<<"$(median_of "$backlog" run benches/workloads/w1-mmc.toml --quiet)"
w1_n=$("$backlog" run benches/workloads/w1-mmc.toml --quiet --format json | grep -m1 -A1 '"processed"' | tail -1 | tr -dc '0-9.')
read -r w1e_s w1e_kb w1e_min <<<"$(median_of "$backlog" run benches/workloads/w1-mmc.toml --quiet --engine event-loop)"
read -r w1s_s w1s_kb w1s_min <<<"$(median_of "$backlog" run benches/workloads/w1-mmc.toml --quiet --threads 1)"
read -r w2_s w2_kb w2_min <<<"$(median_of "$backlog" run benches/workloads/w2-metering.toml --quiet)"
w2_n=3270000
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
echo "W1 backlog: ${w1_s} s (fastest ${w1_min} s), peak ${w1_kb} KB, $(rate "$w1_n" "$w1_s") customers/s (whole process)"
echo "   on one thread: ${w1s_s} s (fastest ${w1s_min} s); with --engine event-loop: ${w1e_s} s (fastest ${w1e_min} s), peak ${w1e_kb} KB"
echo "W2 backlog: ${w2_s} s (fastest ${w2_min} s), peak ${w2_kb} KB, $(rate "$w2_n" "$w2_s") people/s (whole process)"

if [ ! -d "$peers" ] || ! "$python" -c 'import simpy' 2>/dev/null; then
  echo
  echo "SimPy comparison skipped: need $peers and a Python with simpy (set PEERS_PYTHON)."
  exit 0
fi
echo
read -r s1_s s1_kb s1_min <<<"$(cd "$peers" && median_of "$python" mmc_simpy.py -n 1000000 --seed 1)"
echo "W1 SimPy:   ${s1_s} s (fastest ${s1_min} s), peak ${s1_kb} KB, $(rate 1000000 "$s1_s") customers/s"
echo "W1 ratio (customers per second, backlog / SimPy): $(awk -v a="$w1_n" -v b="$w1_s" -v c="$s1_s" 'BEGIN { printf "%.0fx", (a / b) / (1000000 / c) }') median, $(awk -v a="$w1_n" -v b="$w1_min" -v c="$s1_min" 'BEGIN { printf "%.0fx", (a / b) / (1000000 / c) }') fastest"
echo "   on one thread: $(awk -v a="$w1_n" -v b="$w1s_s" -v c="$s1_s" 'BEGIN { printf "%.0fx", (a / b) / (1000000 / c) }') median; event loop: $(awk -v a="$w1_n" -v b="$w1e_s" -v c="$s1_s" 'BEGIN { printf "%.0fx", (a / b) / (1000000 / c) }') median"
w2p_n=$((32700 * simpy_scale))
read -r s2_s s2_kb s2_min <<<"$(cd "$peers" && median_of "$python" metering_simpy.py --scale "$simpy_scale" --seed 1)"
echo "W2 SimPy at x${simpy_scale}: ${s2_s} s (fastest ${s2_min} s), peak ${s2_kb} KB, $(rate "$w2p_n" "$s2_s") people/s"
echo "W2 ratio (people per second, backlog x100 / SimPy x${simpy_scale}): $(awk -v a="$w2_n" -v b="$w2_s" -v c="$w2p_n" -v d="$s2_s" 'BEGIN { printf "%.0fx", (a / b) / (c / d) }') median, $(awk -v a="$w2_n" -v b="$w2_min" -v c="$w2p_n" -v d="$s2_min" 'BEGIN { printf "%.0fx", (a / b) / (c / d) }') fastest"
if [ "$with_ciw" = 1 ] && "$python" -c 'import ciw' 2>/dev/null; then
  read -r c1_s c1_kb c1_min <<<"$(cd "$peers" && median_of "$python" mmc_ciw.py -n 1000000 --seed 1)"
  echo "W1 Ciw:     ${c1_s} s (fastest ${c1_min} s), peak ${c1_kb} KB, $(rate 1000000 "$c1_s") customers/s"
  echo "W1 ratio (backlog / Ciw): $(awk -v a="$w1_n" -v b="$w1_s" -v c="$c1_s" 'BEGIN { printf "%.0fx", (a / b) / (1000000 / c) }')"
fi

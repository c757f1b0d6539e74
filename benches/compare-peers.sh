#!/usr/bin/env bash
# Measures backlog side by side with the hand-written reference programs (benches/reference)
# and SimPy (benches/peers; W2 from ../shared/peers), in ONE interleaved run: every round runs
# every program once, in turn, so that a busy stretch of the machine falls on all of them alike.
# Prints people per second (people who arrived, whole process, median of the rounds), the ratio
# to SimPy on the same workload and the ratio to the reference program.
#
# Usage: benches/compare-peers.sh [--runs N] [--w3] [--instructions] [--no-simpy]
#                                 [--simpy-horizon-days D] [--simpy-w2-scale S] [--simpy-w4-scale S]
#   --runs N                rounds; medians and fastest are reported (default 3)
#   --w3                    also W3: the built-in scenario, 1,000 replications, 1 and 2 threads
#   --instructions          instead of timing, run each backlog workload (default threads; W3
#                           at 20 replications) and reference once under valgrind
#                           --tool=callgrind and print instructions per person
#   --no-simpy              leave SimPy out
#   --simpy-horizon-days D  horizon of SimPy's W1 runs (default 222222, as the workloads:
#                           about 8-20 s each on a quiet machine); people/s hardly depends on it
#   --simpy-w2-scale S      scale of W2 for SimPy (default 10; 100 takes about 7 minutes)
#   --simpy-w4-scale S      scale of W4 (the court network) for SimPy (default 0.1: 1 million
#                           people; 1 is the whole 10 million)
# W4's programs also get their peak memory (GNU time's maximum resident set) from one more run.
# Environment: PEERS_PYTHON, a Python with simpy (default $HOME/peers-venv/bin/python). Install:
#   python3 -m venv ~/peers-venv && ~/peers-venv/bin/pip install simpy==4.1.2 numpy
#   (numpy only for W2, whose script is ../shared/peers/metering_simpy.py).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
with_w3=0
instructions=0
with_simpy=1
simpy_horizon=222222
simpy_w2_scale=10
simpy_w4_scale=0.1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --w3) with_w3=1; shift ;;
    --instructions) instructions=1; shift ;;
    --no-simpy) with_simpy=0; shift ;;
    --simpy-horizon-days) simpy_horizon=$2; shift 2 ;;
    --simpy-w2-scale) simpy_w2_scale=$2; shift 2 ;;
    --simpy-w4-scale) simpy_w4_scale=$2; shift 2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
for tool in jq awk; do
  command -v "$tool" >/dev/null || { echo "compare-peers.sh needs $tool" >&2; exit 2; }
done
python=${PEERS_PYTHON:-$HOME/peers-venv/bin/python}
shared_peers=../shared/peers

cargo build --release --locked --quiet
backlog=target/release/backlog
reference=$(cargo bench --locked --quiet --no-run --bench reference --message-format=json |
  jq -r 'select(.reason == "compiler-artifact" and .target.name == "reference") | .executable')

# Each program: a label, its workload, what it is (backlog, heap, recursion, simpy), the
# reference it is compared with (heap, recursion or -), how its people are counted (json:
# backlog's `joined` times replications; arrived: an `arrived:` line; metering: the JSON line of
# metering_simpy.py), and its command.
labels=() workloads=() roles=() refs=() counts=() commands=()
add() {
  labels+=("$1") workloads+=("$2") roles+=("$3") refs+=("$4") counts+=("$5")
  shift 5
  commands+=("$(printf '%q ' "$@")")
}
w=benches/workloads
run_w1=("$backlog" run "$w/w1-mmc.toml" --quiet --format json)
add "W1, default engine (direct recursion), 2 threads" w1 backlog recursion json "${run_w1[@]}" --threads 2
add "W1, default engine, 1 thread" w1 backlog recursion json "${run_w1[@]}" --threads 1
add "W1, --engine event-loop, 2 threads" w1 backlog heap json "${run_w1[@]}" --engine event-loop --threads 2
add "W1, --engine event-loop, 1 thread" w1 backlog heap json "${run_w1[@]}" --engine event-loop --threads 1
add "W1, reference heap loop" w1 heap - arrived "$reference" --bench --model w1-heap
add "W1, reference direct recursion" w1 recursion - arrived "$reference" --bench --model w1-recursion
add "W1, reference heap loop with backlog's books" w1 books - arrived "$reference" --bench --model w1-heap-books
for variant in patience priority; do
  run_v=("$backlog" run "$w/w1-$variant.toml" --quiet --format json --engine event-loop)
  add "W1 with $variant, event loop, 1 thread" "$variant" backlog heap json "${run_v[@]}" --threads 1
  add "W1 with $variant, event loop, 2 threads" "$variant" backlog heap json "${run_v[@]}" --threads 2
  add "W1 with $variant, reference heap loop" "$variant" heap - arrived "$reference" --bench --model "w1-$variant-heap"
done
add "W2 x100, 2 threads" w2 backlog - json "$backlog" run "$w/w2-metering.toml" --quiet --format json --threads 2
add "W2 x100, 1 thread" w2 backlog - json "$backlog" run "$w/w2-metering.toml" --quiet --format json --threads 1
add "W4 court network, 2 threads" w4 backlog - network "$backlog" run "$w/w4-court.toml" --quiet --format json --threads 2
add "W4 court network, 1 thread" w4 backlog - network "$backlog" run "$w/w4-court.toml" --quiet --format json --threads 1
if [ "$with_w3" = 1 ]; then
  w3_replications=1000
  if [ "$instructions" = 1 ]; then w3_replications=20; fi
  add "W3, $w3_replications replications, 2 threads" w3 backlog - json "$backlog" run --quiet --format json --replications "$w3_replications" --threads 2
  add "W3, $w3_replications replications, 1 thread" w3 backlog - json "$backlog" run --quiet --format json --replications "$w3_replications" --threads 1
fi

# count_people KIND FILE: the people who arrived, from a program's output.
count_people() {
  case "$1" in
    json) jq '.joined.mean * .replications | round' "$2" ;;
    network) jq '.network.end_to_end.joined.mean * .replications | round' "$2" ;;
    arrived) awk '/^arrived:/ { print $2 }' "$2" ;;
    metering) sed -n 's/^JSON //p' "$2" | jq .arrivals ;;
  esac
}
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ "$instructions" = 1 ]; then
  command -v valgrind >/dev/null || { echo "--instructions needs valgrind" >&2; exit 2; }
  echo "Instructions (valgrind --tool=callgrind, whole process, all threads), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $machine; $($backlog --version)"
  echo
  echo "| run | people | instructions | per person |"
  echo "|---|---|---|---|"
  for i in "${!labels[@]}"; do
    # One run per workload and engine: the default number of threads (2), as in the docs.
    case "${labels[$i]}" in *"1 thread") continue ;; esac
    eval "valgrind --tool=callgrind --callgrind-out-file=/dev/null ${commands[$i]}" >"$out/run" 2>"$out/err"
    collected=$(awk '/Collected :/ { print $NF }' "$out/err")
    people=$(count_people "${counts[$i]}" "$out/run")
    awk -v l="${labels[$i]}" -v p="$people" -v c="$collected" \
      'BEGIN { printf "| %s | %d | %.1f M | %.0f |\n", l, p, c / 1e6, c / p }'
  done
  exit 0
fi

if [ "$with_simpy" = 1 ]; then
  if ! "$python" -c 'import simpy' 2>/dev/null; then
    echo "SimPy is missing: no Python with simpy at $python, so the SimPy columns stay empty."
    echo "  Install it outside the repository: python3 -m venv ~/peers-venv &&"
    echo "  ~/peers-venv/bin/pip install simpy==4.1.2 numpy   (or set PEERS_PYTHON)"
    echo
  else
    add "W1, SimPy" w1 simpy - arrived "$python" benches/peers/w1_simpy.py --horizon-days "$simpy_horizon"
    add "W1 with patience, SimPy" patience simpy - arrived "$python" benches/peers/w1_patience_simpy.py --horizon-days "$simpy_horizon"
    add "W1 with priority, SimPy" priority simpy - arrived "$python" benches/peers/w1_priority_simpy.py --horizon-days "$simpy_horizon"
    add "W4 x$simpy_w4_scale, SimPy" w4 simpy - arrived "$python" benches/peers/w4_court_simpy.py --scale "$simpy_w4_scale"
    if [ -f "$shared_peers/metering_simpy.py" ] && "$python" -c 'import numpy' 2>/dev/null; then
      add "W2 x$simpy_w2_scale, SimPy" w2 simpy - metering "$python" "$shared_peers/metering_simpy.py" --scale "$simpy_w2_scale" --seed 1
    else
      echo "W2 in SimPy left out: needs $shared_peers/metering_simpy.py and numpy in $python."
      echo
    fi
  fi
fi

# The rounds: every program once per round, in turn. Times come from bash's own clock around
# the bare command (wrapping it in /usr/bin/time adds milliseconds of process starts).
for round in $(seq "$runs"); do
  echo "round $round of $runs" >&2
  for i in "${!labels[@]}"; do
    start=$EPOCHREALTIME
    eval "${commands[$i]}" >"$out/run.$i" 2>"$out/err.$i" || {
      echo "failed: ${labels[$i]}" >&2
      cat "$out/err.$i" >&2
      exit 1
    }
    end=$EPOCHREALTIME
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }' >>"$out/times.$i"
  done
done

# Median and fastest seconds, people, people/s of each program.
declare -A rate simpy_rate ref_rate
for i in "${!labels[@]}"; do
  people[i]=$(count_people "${counts[$i]}" "$out/run.$i")
  median[i]=$(sort -n "$out/times.$i" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  fastest[i]=$(sort -n "$out/times.$i" | head -1)
  rate[$i]=$(awk -v n="${people[$i]}" -v s="${median[$i]}" 'BEGIN { printf "%.0f", n / s }')
  case "${roles[$i]}" in
    simpy) simpy_rate[${workloads[$i]}]=${rate[$i]} ;;
    heap | recursion | books) ref_rate[${workloads[$i]}.${roles[$i]}]=${rate[$i]} ;;
  esac
done

echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $machine; $($backlog --version);"
echo "$runs interleaved rounds; whole process; people who arrived per second of the median run."
echo
echo "| run | people | median s (fastest) | people/s | vs SimPy | vs the reference |"
echo "|---|---|---|---|---|---|"
for i in "${!labels[@]}"; do
  vs_simpy=${simpy_rate[${workloads[$i]}]:-}
  vs_ref=${ref_rate[${workloads[$i]}.${refs[$i]}]:-}
  awk -v l="${labels[$i]}" -v p="${people[$i]}" -v m="${median[$i]}" -v f="${fastest[$i]}" \
    -v r="${rate[$i]}" -v s="$vs_simpy" -v ref="$vs_ref" -v role="${roles[$i]}" 'BEGIN {
      rate = r >= 1e6 ? sprintf("%.1f M", r / 1e6) : sprintf("%.0f", r)
      vs_s = (s == "" || role == "simpy") ? "" : sprintf("%.0fx", r / s)
      vs_r = ref == "" ? "" : sprintf("%.2fx", r / ref)
      printf "| %s | %d | %.3f (%.3f) | %s | %s | %s |\n", l, p, m, f, rate, vs_s, vs_r
    }'
done

# Speed-ups from the second thread, on the medians.
echo
for pair in "W1, default engine" "W1, --engine event-loop" "W1 with patience, event loop" \
  "W1 with priority, event loop" "W2 x100" "W4 court network" "W3"; do
  one="" two=""
  for i in "${!labels[@]}"; do
    case "${labels[$i]}" in
      "$pair"*"1 thread") one=${median[$i]} ;;
      "$pair"*"2 threads") two=${median[$i]} ;;
    esac
  done
  if [ -n "$one" ] && [ -n "$two" ]; then
    awk -v l="$pair" -v a="$one" -v b="$two" 'BEGIN { printf "%s: 1 -> 2 threads %.2fx\n", l, a / b }'
  fi
done

# The event loop against the heap loop that keeps backlog's books (histogram, daily counts).
if [ -n "${ref_rate[w1.books]:-}" ]; then
  echo
  for i in "${!labels[@]}"; do
    case "${labels[$i]}" in
      "W1, --engine event-loop"*)
        awk -v l="${labels[$i]}" -v r="${rate[$i]}" -v b="${ref_rate[w1.books]}" \
          'BEGIN { printf "%s against the heap loop with backlog'"'"'s books: %.2fx\n", l, r / b }' ;;
    esac
  done
fi

# Peak memory (maximum resident set) of one run of each W4 program, by GNU time.
if command -v /usr/bin/time >/dev/null; then
  echo
  for i in "${!labels[@]}"; do
    [ "${workloads[$i]}" = w4 ] || continue
    eval "/usr/bin/time -f '%M' ${commands[$i]}" >/dev/null 2>"$out/mem.$i"
    awk -v l="${labels[$i]}" -v p="${people[$i]}" 'END { printf "%s: peak memory %.0f MB, %.0f bytes per person\n", l, $1 / 1024, $1 * 1024 / p }' "$out/mem.$i"
  done
fi

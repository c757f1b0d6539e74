#!/usr/bin/env bash
# Drives a backlog search (target or fit) on Slurm, round by round: while the search needs
# another round, submits a job array of N shards of it and waits for it; then prints the
# search's results (a fit's folder goes to WORK_DIR/results).
#
#   deploy/slurm/search.sh target|fit SCENARIO N WORK_DIR [flags of backlog target or fit…]
#
# The rounds are kept in WORK_DIR/rounds, so the driver can be stopped and started again: it
# resumes at the first round that is not complete. Run it where `sbatch` works (a login node,
# under tmux or nohup), or as a small job of its own: sbatch --wrap "deploy/slurm/search.sh …".
# Set BACKLOG to the backlog binary when it is not on the PATH, and SBATCH_PARTITION (or any
# other SBATCH_* variable) to choose where the rounds run.
set -euo pipefail
if [ "$#" -lt 4 ] || { [ "$1" != target ] && [ "$1" != fit ]; }; then
  echo "usage: $0 target|fit SCENARIO N WORK_DIR [flags of backlog target or fit…]" >&2
  exit 2
fi
command="$1"
scenario="$2"
n="$3"
work="$4"
shift 4
here="$(cd "$(dirname "$0")" && pwd)"
backlog="${BACKLOG:-backlog}"
mkdir -p "$work/logs"
results=()
if [ "$command" = fit ]; then results=(--out "$work/results" --force); fi
round=0
while true; do
  # The coordinator: the results once every round is in (exit code 0); 3 while one waits.
  status=0
  "$backlog" "$command" "$scenario" --quiet --rounds "$work/rounds" "${results[@]}" "$@" \
    > "$work/result.txt" 2> "$work/logs/coordinator.log" || status=$?
  if [ "$status" -eq 0 ]; then break; fi
  if [ "$status" -ne 3 ]; then
    cat "$work/logs/coordinator.log" >&2
    exit "$status"
  fi
  round=$((round + 1))
  echo "== submission $round: $(tail -n 1 "$work/logs/coordinator.log" | sed "s/^error: //")" >&2
  sbatch --wait --quiet --array="0-$((n - 1))" --output="$work/logs/round-$round-shard-%a.log" \
    "$here/round.sbatch" "$n" "$command" "$scenario" "$work/rounds" "$@"
done
cat "$work/result.txt"

#!/usr/bin/env bash
# Submits a sharded backlog run, sweep or comparison to Slurm: a job array of N shards, then a
# merge job that runs when all of them have succeeded. Prints the two job ids.
#
#   deploy/slurm/submit.sh run|sweep|compare SCENARIO N WORK_DIR [flags of backlog run, sweep or compare…]
#
# A comparison's other scenarios follow among the flags (compare A.toml 4 work B.toml …).
# Shards go to WORK_DIR/shards/shard-K, the merged results to WORK_DIR/results. Set BACKLOG to
# the backlog binary when it is not on the PATH of the compute nodes, and SBATCH_PARTITION
# (or any other SBATCH_* variable) to choose where the jobs run.
set -euo pipefail
if [ "$#" -lt 4 ] || { [ "$1" != run ] && [ "$1" != sweep ] && [ "$1" != compare ]; }; then
  echo "usage: $0 run|sweep|compare SCENARIO N WORK_DIR [flags of backlog run, sweep or compare…]" >&2
  exit 2
fi
command="$1"
scenario="$2"
n="$3"
work="$4"
shift 4
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work/shards" "$work/logs"
array=$(sbatch --parsable --array="0-$((n - 1))" --output="$work/logs/shard-%a.log" \
  "$here/shard.sbatch" "$n" "$command" "$scenario" "$work/shards" "$@")
merge=$(sbatch --parsable --dependency="afterok:$array" --output="$work/logs/merge.log" \
  "$here/merge.sbatch" "$work/shards" "$work/results")
echo "$array $merge"

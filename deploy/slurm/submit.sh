#!/usr/bin/env bash
# Submits a sharded backlog run to Slurm: a job array of N shards, then a merge job that runs
# when all of them have succeeded. Prints the two job ids.
#
#   deploy/slurm/submit.sh SCENARIO N WORK_DIR [backlog run flags…]
#
# Shards go to WORK_DIR/shards/shard-K, the merged results to WORK_DIR/results. Set BACKLOG to
# the backlog binary when it is not on the PATH of the compute nodes, and SBATCH_PARTITION
# (or any other SBATCH_* variable) to choose where the jobs run.
set -euo pipefail
if [ "$#" -lt 3 ]; then
  echo "usage: $0 SCENARIO N WORK_DIR [backlog run flags…]" >&2
  exit 2
fi
scenario="$1"
n="$2"
work="$3"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work/shards" "$work/logs"
array=$(sbatch --parsable --array="0-$((n - 1))" --output="$work/logs/shard-%a.log" \
  "$here/shard.sbatch" "$n" "$scenario" "$work/shards" "$@")
merge=$(sbatch --parsable --dependency="afterok:$array" --output="$work/logs/merge.log" \
  "$here/merge.sbatch" "$work/shards" "$work/results")
echo "$array $merge"

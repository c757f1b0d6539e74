#!/usr/bin/env bash
# Tests the Slurm recipe for real: starts a one-node Slurm cluster on this machine (munged,
# slurmctld and slurmd, with a minimal slurm.conf in a temporary folder; no cgroups), submits
# a sweep of the built-in what-if scenario's quota as a job array of 4 shards with submit.sh,
# waits for it and its merge job, and checks that the merged folder is byte for byte the one
# the unsharded sweep writes (every point's results folder, sweep.csv, sweep.json, the chart).
# Then it drives a target search in rounds of 2 shards with search.sh and checks its answer
# against the unsharded search's. It stops the daemons it started, by their pid, and removes
# its folder.
#
#   deploy/slurm/test-local.sh [BACKLOG_BINARY]
#
# SHARDS (default 4), REPLICATIONS (default 12) and HORIZON_DAYS (default 120) size the sweep
# (COMMAND=run shards a run of the default scenario instead); the wall times of the sharded
# work (submission to merged folder) and of the unsharded one are printed, for
# docs/scale-out.md.
# Debian's slurm-wlm and munge are installed when missing (with sudo when not root). The
# daemons listen on 127.0.0.1 ports 16817 and 16818 and run as the current user.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
backlog="$(realpath "${1:-$root/target/debug/backlog}")"
shards="${SHARDS:-4}"

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "== installing slurm-wlm and munge"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge > /dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/backlog-slurm.XXXXXX")"
chmod 755 "$work"
pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [ "$status" -ne 0 ]; then
    echo "failed; the daemons' logs:" >&2
    tail -n 20 "$work"/*.log "$work"/munge/*.log "$work"/run/logs/*.log "$work"/search/logs/*.log 2>/dev/null >&2 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# munge: a fresh key, its socket in the temporary folder.
m="$work/munge"
mkdir -p "$m"
chmod 700 "$m"
head -c 1024 /dev/urandom > "$m/munge.key"
chmod 400 "$m/munge.key"
munged --force --key-file="$m/munge.key" --socket="$m/munge.socket" --pid-file="$m/munged.pid" \
  --log-file="$m/munged.log" --seed-file="$m/munged.seed"
pids+=("$(cat "$m/munged.pid")")

host="$(hostname -s)"
user="$(id -un)"
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=backlogtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$m/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -i
for _ in $(seq 1 50); do [ -s "$work/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmctld.pid")")
slurmd
for _ in $(seq 1 50); do [ -s "$work/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmd.pid")")
for _ in $(seq 1 100); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 0.2; done
sinfo -h -o %T | grep -qx idle || { echo "the node did not come up" >&2; exit 1; }

# The work, sharded through Slurm and merged there.
command="${COMMAND:-sweep}"
flags=(--replications "${REPLICATIONS:-12}" --set "run.horizon_days=${HORIZON_DAYS:-120}")
if [ "$command" = sweep ]; then
  scenario=policy-what-if
  flags+=(--param ports.san_ysidro.capacity.quota_per_day --values 60,100,140)
else
  scenario=tijuana-2018
fi
started=$(date +%s%N)
read -r array merge < <(BACKLOG="$backlog" "$here/submit.sh" "$command" "$scenario" "$shards" "$work/run" "${flags[@]}")
echo "== submitted $shards shards of a $command (job $array) and their merge (job $merge)"
for _ in $(seq 1 600); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 0.2
done
sharded=$((($(date +%s%N) - started) / 1000000))
if [ ! -d "$work/run/results" ]; then
  echo "the merge wrote no results" >&2
  cat "$work"/run/logs/*.log >&2 || true
  exit 1
fi

# The same work on one machine, unsharded: every file must be the same, byte for byte.
started=$(date +%s%N)
"$backlog" "$command" "$scenario" --quiet "${flags[@]}" --out "$work/single" > /dev/null
single=$((($(date +%s%N) - started) / 1000000))
diff -r "$work/single" "$work/run/results"
echo "== the merge of $shards shards of a $command run by Slurm is byte for byte the unsharded $command"
echo "   wall time: $sharded ms through Slurm ($shards shards and the merge), $single ms unsharded"

# A target search in rounds of 2 shards, driven by search.sh: the same answer as unsharded.
search=(--param ports.port.capacity.quota_per_day --metric wait_mean --at-most 5 -r 4 --format json)
started=$(date +%s%N)
BACKLOG="$backlog" "$here/search.sh" target deterministic 2 "$work/search" "${search[@]}" > "$work/search.json"
searched=$((($(date +%s%N) - started) / 1000000))
"$backlog" target deterministic --quiet "${search[@]}" > "$work/search-single.json"
diff "$work/search-single.json" "$work/search.json"
rounds=$(find "$work/search/rounds" -maxdepth 1 -name 'round-*' | wc -l)
echo "== a target search of $rounds rounds in 2 shards each, driven through Slurm by search.sh, gives the unsharded answer"
echo "   wall time: $searched ms through Slurm"

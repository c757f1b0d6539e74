#!/usr/bin/env bash
# Redraws the chart gallery in docs/img/ from the shipped scenarios:
#
#   bash docs/make-gallery.sh
#
# Every image is made by the commands below and nothing else, so anyone can check or redo it.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet
backlog="${CARGO_TARGET_DIR:-target}/release/backlog"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
img=docs/img
mkdir -p "$img"

# The built-in scenario (Tijuana 2018), as shipped: every chart.
"$backlog" run --quiet --out "$work/tijuana" --charts > /dev/null
for kind in backlog waits quoted outcomes; do
  cp "$work/tijuana/$kind.png" "$img/tijuana-$kind.png"
done

# CBP One 2023: the backlog.
"$backlog" run scenarios/cbp-one-2023.toml --quiet --out "$work/cbp-one" > /dev/null
"$backlog" chart "$work/cbp-one" --kind backlog --format png --out "$work/cbp-one-charts" > /dev/null
cp "$work/cbp-one-charts/backlog.png" "$img/cbp-one-backlog.png"

# A comparison: the Tijuana scenario with 30, 60 (as shipped) and 100 people a day
# signing the list besides the caravan (the assumption its comments say to sweep).
for rate in 30 100; do
  sed "s/^people_per_day = 60 /people_per_day = $rate /" scenarios/tijuana-2018.toml > "$work/tijuana-$rate.toml"
  grep -q "^people_per_day = $rate " "$work/tijuana-$rate.toml"
  "$backlog" run "$work/tijuana-$rate.toml" --quiet --out "$work/tijuana-$rate" > /dev/null
done
"$backlog" chart --compare "$work/tijuana-30" "$work/tijuana" "$work/tijuana-100" \
  --labels "30 a day sign the list,60 a day (as shipped),100 a day" \
  --kind backlog --format png --out "$work/compare" \
  --title "How many people sign the list decides whether it ever clears" > /dev/null
cp "$work/compare/compare-backlog.png" "$img/tijuana-compare-backlog.png"

# A sweep: the what-if scenario (100 a day all year) at other daily quotas, and the chart of
# the 90th-percentile wait against the quota that `sweep --out` draws.
"$backlog" sweep scenarios/policy-what-if.toml --quiet --out "$work/sweep" --chart-metric wait_p90 \
  --param ports.san_ysidro.capacity.quota_per_day --values 60,80,100,150,200,300 > /dev/null
cp "$work/sweep/sweep.png" "$img/policy-what-if-sweep.png"

ls -l "$img"

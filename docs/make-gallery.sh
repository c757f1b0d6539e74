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

# Remain in Mexico 2019, a network (the port, MPP returns and hearings, screening): how people
# moved through it, and each list.
"$backlog" run scenarios/mpp-2019.toml --quiet --out "$work/mpp" --charts > /dev/null
for kind in flows nodes; do
  cp "$work/mpp/$kind.png" "$img/mpp-2019-$kind.png"
done

# CBP One 2023: the backlog.
"$backlog" run scenarios/cbp-one-2023.toml --quiet --out "$work/cbp-one" > /dev/null
"$backlog" chart "$work/cbp-one" --kind backlog --format png --out "$work/cbp-one-charts" > /dev/null
cp "$work/cbp-one-charts/backlog.png" "$img/cbp-one-backlog.png"

# A comparison: the Tijuana scenario with 30, 73 (as fitted) and 110 people a day signing the
# list besides the caravan (the rate its comments say to sweep).
for rate in 30 110; do
  "$backlog" run --quiet --set "streams.background.people_per_day=$rate" --out "$work/tijuana-$rate" > /dev/null
done
"$backlog" chart --compare "$work/tijuana-30" "$work/tijuana" "$work/tijuana-110" \
  --labels "30 a day sign the list,73 a day (as fitted),110 a day" \
  --kind backlog --format png --out "$work/compare" \
  --title "How many people sign the list decides whether it ever clears" > /dev/null
cp "$work/compare/compare-backlog.png" "$img/tijuana-compare-backlog.png"

# The back-test: the Tijuana scenario's fitted unknowns against the recorded counts they were
# fitted to (the command that fitted them; see docs/scenarios.md).
"$backlog" fit scenarios/tijuana-2018.toml --quiet --observed scenarios/observed/tijuana-2018.csv \
  --param classes.all.patience_days.mean --range 20:400 \
  --param streams.caravan.join_share --range 0.2:1 \
  --param streams.background.people_per_day --range 20:150 \
  --param ports.san_ysidro.list_numbers.first --range 1:3000 \
  -r 40 --out "$work/fit" > /dev/null
cp "$work/fit/backtest.png" "$img/backtest-tijuana-2018.png"

# A sweep: the what-if scenario (100 a day all year) at other daily quotas, and the chart of
# the 90th-percentile wait against the quota that `sweep --out` draws.
"$backlog" sweep scenarios/policy-what-if.toml --quiet --out "$work/sweep" --chart-metric wait_p90 \
  --param ports.san_ysidro.capacity.quota_per_day --values 60,80,100,150,200,300 > /dev/null
cp "$work/sweep/sweep.png" "$img/policy-what-if-sweep.png"

# report.html in headless Chromium at 1280 and 390 pixels wide, as its browser test loads it
# (a short run of the Tijuana scenario, the pointer over the first chart); needs chromium.
cargo test --locked --quiet --test integration the_report_works_in_a_browser > /dev/null
for width in 1280 390; do
  cp "${CARGO_TARGET_DIR:-target}/browser-test/report-$width.png" "$img/report-$width.png"
done

ls -l "$img"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/harness-test.sh: the VM suite's runner cannot pass on fewer kernels than it supports.
# A lab whose kernels.list lacks a series (as a fresh machine's first setup once left 5.10 out)
# must make tests/vm/run.sh fail, and pass only when VNS_ALLOW_SKIP=1 is given by hand.
# No VM boots: the fake lab has no kernel images, so every kernel is skipped before booting.
# Ends with "N passed, N failed".
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
t=$(mktemp -d)
# (run.sh's background builder tries the fake kernels and leaves their build locks)
trap 'rm -rf "$t" "$REPO"/build/vm/*-vnsfake*.build-lock' EXIT
p=0 f=0
ok() { echo "PASS $1"; p=$((p + 1)); }
ko() { echo "FAIL $1: $2"; f=$((f + 1)); }

mkdir -p "$t/lab"
printf '4.19 4.19.0-vnsfake\n6.1 6.1.0-vnsfake\n6.12 6.12.0-vnsfake\n6.1-arm64 6.1.0-vnsfake-arm64\n' \
  > "$t/lab/kernels.list"
run() { VNS_LAB=$t/lab KDIR=$t/none "$REPO/tests/vm/run.sh" --suite 00-smoke "$@" > "$t/out" 2>&1; }

run; rc=$?
[ $rc = 1 ] && ok harness/missing_series_fails || ko harness/missing_series_fails "exit $rc, expected 1"
grep -q '^SKIP 5\.10: not in ' "$t/out" && ok harness/missing_series_named ||
  ko harness/missing_series_named "$(grep '^SKIP' "$t/out" | tr '\n' ';')"
n=$(grep -c '^SKIP ' "$t/out")
[ "$n" = 6 ] && ok harness/every_series_checked || ko harness/every_series_checked "$n SKIP lines, expected 6"
# the arm64 series are among the default ones (make check runs them)
grep -q '^SKIP 5\.10-arm64: not in ' "$t/out" && ok harness/default_has_arm64 ||
  ko harness/default_has_arm64 "$(grep '^SKIP' "$t/out" | tr '\n' ';')"
grep -q 'set VNS_ALLOW_SKIP=1 to accept' "$t/out" && ok harness/says_how ||
  ko harness/says_how "no hint in: $(tail -n 2 "$t/out" | tr '\n' ';')"

VNS_ALLOW_SKIP=1 run; rc=$?
[ $rc = 0 ] && ok harness/allow_skip_by_hand || ko harness/allow_skip_by_hand "exit $rc, expected 0"

# the arm64 series by name (make vm-arm64): a missing one is named and fails like an x86 one
run 5.10-arm64 6.1-arm64; rc=$?
[ $rc = 1 ] && grep -q '^SKIP 5\.10-arm64: not in ' "$t/out" && ok harness/missing_arm64_series_named ||
  ko harness/missing_arm64_series_named "exit $rc: $(grep '^SKIP' "$t/out" | tr '\n' ';')"

VNS_SERIES="6.1" run; rc=$?
n=$(grep -c '^SKIP ' "$t/out")
[ $rc = 1 ] && [ "$n" = 1 ] && ok harness/series_override || ko harness/series_override "exit $rc, $n skips"

echo "$p passed, $f failed"
[ $f = 0 ]

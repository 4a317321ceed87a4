#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/check.sh: make check's steps, in order, each timed ("check: STEP: N s", and the
# total), stopping at the first that fails:
#   scripts/lab-setup.sh (a failure stops the check unless VNS_ALLOW_SKIP=1), then
#   tests/harness-test.sh, make unit, make service-check, tests/docs-test.sh, make pkg-check,
#   make build-el7, make vm.
# Beside the steps before make vm (which leave a CPU idle much of the time: the package test's
# VM, the linking of the unit tests), `tests/vm/run.sh --build-only` builds the module of
# every lab kernel, the arm64 programs and the L2 guest (nice, log in build/vm/prebuild.log);
# make vm, started when the steps are done, rebuilds them incrementally (each build holds its
# kernel's lock, which make vm's waits for) instead of building them beside its first VMs.
set -u
cd "$(dirname "$0")/.." || exit 1
t0=$(date +%s)
pre=
trap '[ -n "$pre" ] && kill "$pre" 2>/dev/null' EXIT

step() {
  local t rc
  t=$(date +%s)
  echo "check: $*"
  "$@"; rc=$?
  if [ $rc = 0 ]; then echo "check: $*: $(( $(date +%s) - t )) s"
  else echo "check: $*: $(( $(date +%s) - t )) s, status $rc"; fi
  return $rc
}

step scripts/lab-setup.sh || [ "${VNS_ALLOW_SKIP:-0}" = 1 ] || exit 1
mkdir -p build/vm
tests/vm/run.sh --build-only > build/vm/prebuild.log 2>&1 &
pre=$!
echo "check: tests/vm/run.sh --build-only in the background (build/vm/prebuild.log)"
for s in "tests/harness-test.sh" "make unit" "make service-check" "tests/docs-test.sh" \
         "make pkg-check" "make build-el7"; do
  # shellcheck disable=SC2086  # a command line
  step $s || exit 1
done
# (make vm starts without waiting for them: its builds wait for their own kernel's only)
# (run.sh prints its "built" lines once all are done; until then, its build directory has a
# .rc file, 0 when it built, for each finished build)
n=$(grep -c '^run.sh: built ' build/vm/prebuild.log)
[ "$n" != 0 ] || n=$(cat build/vm/.build.$pre/*.rc 2>/dev/null | grep -c '^0$')
echo "check: the background builds so far: $n done"
step make vm; rc=$?
wait "$pre"; pre=
echo "check: total $(( $(date +%s) - t0 )) s"
exit $rc

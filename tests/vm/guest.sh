#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/vm/guest.sh [--suite NAME[,NAME...]]   — runs inside the test VM (tests/vm/run.sh boots it).
#
# Runs every tests/vm/scenarios/*.sh in order (or only the suites named, comma-separated:
# "NAME", "NN-NAME" or a file name), each under `timeout` in its own process group, with this environment:
#   VNS_KO       the module built for this kernel (read-only over 9p)
#   VNS_CLI      cli/vnetscope            VNS_REPO     the repository (read-only)
#   VNS_OUT      /mnt, host-visible and writable (the host's build/vm/<kver>/)
#   VNS_KVER     uname -r                 VNS_TESTBIN  build/tests (helper test binaries)
#   VNS_SCENARIO the scenario's name (file name without .sh)
# A scenario's output goes to $VNS_OUT/logs/<scenario>.log and to the console; its result lines
# are collected in $VNS_OUT/results.txt, plus a FAIL line when it times out
# (VNS_SCENARIO_TIMEOUT, default 600 s), exits nonzero without reporting a FAIL, or reports
# nothing; a scenario whose header has a line "# vns-vm: timeout=S" gets S seconds instead
# ("# vns-vm: nested": tests/vm/run.sh boots for tests/vm/l2.sh and sets VNS_L2, the L2 guest's
# files). Between scenarios the module is unloaded and leftover network namespaces are removed.
# A heartbeat line goes to the console every minute. At the end: the kernel log goes to $VNS_OUT/dmesg.txt, and "GUEST-DONE" is printed.
# With VNS_KO2 (a second build of the module) and VNS_KO2_TAG (its kprobe argument access, e.g.
# "regs": the forced-fallback build), the scenarios run a second time with VNS_KO=$VNS_KO2 after
# the first pass: a check that /proc/vnetscope/status says kprobe_args=$VNS_KO2_TAG, then every
# scenario (or those of VNS_KO2_SUITE, a --suite list) as "=== TAG/NAME", its log in $VNS_OUT/logs/TAG/, its result lines prefixed "TAG/"
# (e.g. "FAIL regs/drops/udp4_count: ..."), so that a failure names the build.
# Exit status: 0 if nothing failed, 1 otherwise.
set -u
suite=
if [ "${1:-}" = --suite ]; then suite=${2:?guest.sh: --suite needs a name}; fi

here=$(cd "$(dirname "$0")" && pwd)
export VNS_REPO=${VNS_REPO:-$(cd "$here/../.." && pwd)}
export VNS_OUT=${VNS_OUT:-/mnt}
VNS_KVER=$(uname -r); export VNS_KVER
export VNS_KO=${VNS_KO:-}
export VNS_CLI=${VNS_CLI:-$VNS_REPO/cli/vnetscope}
export VNS_TESTBIN=${VNS_TESTBIN:-$VNS_REPO/build/tests}
TMO=${VNS_SCENARIO_TIMEOUT:-600}
. "$here/lib.sh"

results=$VNS_OUT/results.txt
mkdir -p "$VNS_OUT/logs"
: > "$results"
note() { echo "$*" | tee -a "$results"; }

scenarios=()
for f in "$here"/scenarios/*.sh; do
  [ -f "$f" ] || continue
  n=$(basename "$f" .sh)
  if [ -n "$suite" ]; then
    case ",$suite," in *",$n,"*|*",$n.sh,"*|*",${n#[0-9][0-9]-},"*) ;; *) continue;; esac
  fi
  scenarios+=("$f")
done
if [ ${#scenarios[@]} -eq 0 ]; then
  note "FAIL guest: no scenario matches '${suite:-*}' in $here/scenarios"
fi

echo "guest: $VNS_KVER, ${#scenarios[@]} scenario(s), module ${VNS_KO:-none}"
# A heartbeat on the console: the host (scripts/vmrun.sh) stops a guest whose console stays
# silent for VNS_VM_SILENCE seconds, and a quiet scenario must not look like a hung kernel.
# Every 20 s: tests/vm/run.sh tells a hung nested boot after 75 s of silence.
(while sleep 20; do echo "guest: alive, uptime $(cut -d' ' -f1 /proc/uptime) s"; done) &
heartbeat=$!
# run_pass PREFIX: every scenario with the module $VNS_KO; PREFIX ("" or "TAG/") names the pass
run_pass() {
local pfx=$1 f log t0 stmo spid tpid rc ns
mkdir -p "$VNS_OUT/logs/$pfx"
for f in "${scenarios[@]}"; do
  export VNS_SCENARIO
  VNS_SCENARIO=$(basename "$f" .sh)
  log=$VNS_OUT/logs/$pfx$VNS_SCENARIO.log
  echo "=== $pfx$VNS_SCENARIO"
  t0=$(date +%s)
  : > "$log"
  # its own timeout, from a header line "# vns-vm: ... timeout=S" (tests/vm/run.sh)
  stmo=$(sed -n 's/^# vns-vm: *//p' "$f" | head -n 1 | tr ' ' '\n' | sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p')
  stmo=${stmo:-$TMO}
  # timeout makes its own process group: on timeout it kills the whole scenario.
  (cd /tmp && exec timeout -k 10 "$stmo" bash "$f" </dev/null >"$log" 2>&1) &
  spid=$!
  tail -n +1 -s 0.3 -f --pid=$spid "$log" 2>/dev/null &
  tpid=$!
  wait $spid; rc=$?
  wait $tpid 2>/dev/null
  kill -TERM -- -$spid 2>/dev/null     # whatever the scenario left running in its group

  grep -E '^(PASS|FAIL|SKIP) ' "$log" | sed -E "s#^(PASS|FAIL|SKIP) #\1 $pfx#" >> "$results"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    note "FAIL $pfx$VNS_SCENARIO: timed out after ${stmo}s"
  elif [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$log"; then
    note "FAIL $pfx$VNS_SCENARIO: died with status $rc (last output: $(grep -v '^ *$' "$log" | tail -n 1))"
  elif ! grep -qE '^(PASS|FAIL|SKIP) ' "$log"; then
    note "FAIL $pfx$VNS_SCENARIO: reported no result"
  fi
  echo "=== $pfx$VNS_SCENARIO: status $rc, $(( $(date +%s) - t0 )) s"

  # Isolation for the next scenario.
  if [ -n "$VNS_KO" ]; then
    unload_vns >/dev/null 2>&1 || note "FAIL $pfx$VNS_SCENARIO: left the module loaded and busy"
  fi
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do ip netns del "$ns" 2>/dev/null; done
done
}
run_pass ""
# The second build: first, that it is the build it says (its status line), then every scenario.
if [ -n "${VNS_KO2:-}" ]; then
  tag=${VNS_KO2_TAG:?guest.sh: VNS_KO2 needs VNS_KO2_TAG}
  VNS_KO=$VNS_KO2
  echo "=== $tag: the scenarios again with $VNS_KO"
  if load_vns >/dev/null; then
    st=$(grep -m1 '^version=' /proc/vnetscope/status 2>/dev/null)     # the module's line
    case " $st " in
      *" kprobe_args=$tag "*) note "PASS $tag/kprobe_args";;
      *) note "FAIL $tag/kprobe_args: /proc/vnetscope/status says '$st', want kprobe_args=$tag";;
    esac
    unload_vns >/dev/null 2>&1
  else
    note "FAIL $tag/load_vns: insmod $VNS_KO"
  fi
  if [ -n "${VNS_KO2_SUITE+set}" ]; then
    all=("${scenarios[@]}") scenarios=()
    for f in "${all[@]}"; do
      n=$(basename "$f" .sh)
      case ",$VNS_KO2_SUITE," in *",$n,"*) scenarios+=("$f");; esac
    done
  fi
  run_pass "$tag/"
fi
kill "$heartbeat" 2>/dev/null

dmesg > "$VNS_OUT/dmesg.txt" 2>&1
p=$(grep -c '^PASS ' "$results"); f=$(grep -c '^FAIL ' "$results"); s=$(grep -c '^SKIP ' "$results")
echo "guest: $p passed, $f failed, $s skipped"
echo "GUEST-DONE"
[ "$f" -eq 0 ]

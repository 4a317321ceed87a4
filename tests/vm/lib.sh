# SPDX-License-Identifier: GPL-2.0
# tests/vm/lib.sh — helpers for the VM scenarios (tests/vm/scenarios/*.sh); source it.
#
# A scenario runs as root inside the test VM (see tests/vm/guest.sh for its environment:
# VNS_KO VNS_CLI VNS_REPO VNS_OUT VNS_KVER VNS_TESTBIN VNS_SCENARIO) and reports on stdout:
#   PASS <name>
#   FAIL <name>: <why>
#   SKIP <name>: <why>
# Names are single words; prefix them with the scenario's topic (e.g. "drops/udp_count").
# Reporting helpers return 0 on PASS/SKIP and 1 on FAIL, so `check ... || return` works; do not
# `set -e` in a scenario unless you want it to stop at the first FAIL. A scenario that exits
# nonzero without having reported a FAIL, or that times out, is counted as a failure.
# Command output that helpers show is indented, so it never reads as a result line.

VNS_SPLAT_RE='BUG:|WARNING:|Oops|Call Trace|Call trace:|refcount_t|UBSAN:|KASAN:|Kernel panic'
_VNS_NETNS=""

pass() { echo "PASS $1"; }
skip() { echo "SKIP $1: ${2:-skipped}"; }
fail() { echo "FAIL $1: ${2:-failed}"; return 1; }

# Print stdin indented (to show command output under a result line).
_vns_indent() { sed -e 's/^/    | /' | tail -n 20; }

# bench_rounds FULL CHECK: how many rounds a measurement repeats: FULL under VNS_BENCH=full
# (`make bench`), CHECK in `make check`, where the checks need one round and the figure is only
# printed. A scenario's own override goes in front: ROUNDS=${VNS_X_ROUNDS:-$(bench_rounds 3 1)}.
bench_rounds() { if [ "${VNS_BENCH:-}" = full ]; then echo "$1"; else echo "$2"; fi; }

# check NAME CMD [ARG...]: PASS if CMD exits 0, else FAIL with its status and output.
check() {
  local name=$1 out rc; shift
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq 0 ]; then pass "$name"; return 0; fi
  fail "$name" "'$*' exited with status $rc"
  [ -n "$out" ] && printf '%s\n' "$out" | _vns_indent
  return 1
}

# expect_eq NAME GOT WANT: string equality.
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# expect_range NAME GOT LO HI: LO <= GOT <= HI, numerically (integers or decimals).
expect_range() {
  local name=$1 got=$2 lo=$3 hi=$4
  if ! [[ $got =~ ^-?[0-9]+([.][0-9]+)?$ ]]; then
    fail "$name" "got '$got', want a number in [$lo, $hi]"; return
  fi
  if awk -v g="$got" -v l="$lo" -v h="$hi" 'BEGIN { exit !(g + 0 >= l + 0 && g + 0 <= h + 0) }'; then
    pass "$name"
  else
    fail "$name" "got $got, want [$lo, $hi]"
  fi
}

# netns_pair NS1 NS2 VETH1 VETH2 IP1/NN IP2/NN
# Two network namespaces joined by a veth pair (VETH1 in NS1, VETH2 in NS2), addressed (IPv4 or
# IPv6; IPv6 without DAD so it is usable at once), all links up including lo. Returns nonzero
# and says why on stderr if any step fails. cleanup_netns removes them.
netns_pair() {
  local ns1=$1 ns2=$2 v1=$3 v2=$4 a1=$5 a2=$6 ns
  [ $# -eq 6 ] || { echo "netns_pair: want NS1 NS2 VETH1 VETH2 IP1/NN IP2/NN" >&2; return 2; }
  for ns in "$ns1" "$ns2"; do
    ip netns add "$ns" || { echo "netns_pair: cannot create netns $ns" >&2; return 1; }
    _VNS_NETNS="$_VNS_NETNS $ns"
    ip -n "$ns" link set lo up || return 1
  done
  ip link add "$v1" netns "$ns1" type veth peer name "$v2" netns "$ns2" ||
    { echo "netns_pair: cannot create veth $v1/$v2" >&2; return 1; }
  _vns_addr "$ns1" "$v1" "$a1" && _vns_addr "$ns2" "$v2" "$a2" || return 1
  ip -n "$ns1" link set "$v1" up && ip -n "$ns2" link set "$v2" up
}
_vns_addr() {
  local extra=""
  case $3 in *:*) extra=nodad;; esac
  # shellcheck disable=SC2086
  ip -n "$1" addr add "$3" dev "$2" $extra ||
    { echo "netns_pair: cannot add $3 to $2 in $1" >&2; return 1; }
}

# cleanup_netns [NS...]: delete the given namespaces, or all that netns_pair made.
cleanup_netns() {
  local ns list=${*:-$_VNS_NETNS}
  for ns in $list; do ip netns del "$ns" 2>/dev/null; done
  [ $# -gt 0 ] || _VNS_NETNS=""
  return 0
}

# The module's name as the kernel knows it (/proc/modules, rmmod).
vns_modname() {
  local n
  n=$(modinfo -F name "$VNS_KO" 2>/dev/null)
  [ -n "$n" ] || { n=${VNS_KO##*/}; n=${n%.ko}; n=${n//-/_}; }
  echo "$n"
}

# load_vns [PARAM=VALUE...]: insmod $VNS_KO; a FAIL (named <scenario>/load_vns) if it won't load.
load_vns() {
  local out
  if [ -z "${VNS_KO:-}" ] || [ ! -f "$VNS_KO" ]; then
    fail "${VNS_SCENARIO:-vm}/load_vns" "no module at '${VNS_KO:-}'"; return 1
  fi
  if ! out=$(insmod "$VNS_KO" "$@" 2>&1); then
    fail "${VNS_SCENARIO:-vm}/load_vns" "insmod $VNS_KO $*: $out"
    dmesg | tail -n 10 | _vns_indent
    return 1
  fi
}

# unload_vns: rmmod the module if it is loaded, retrying a few times while it is busy.
unload_vns() {
  local name out
  name=$(vns_modname)
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    grep -q "^$name " /proc/modules || return 0
    out=$(rmmod "$name" 2>&1) && return 0
    case $out in *[Bb]usy*|*"in use"*) sleep 0.5;; *) break;; esac
  done
  fail "${VNS_SCENARIO:-vm}/unload_vns" "rmmod $name: $out"
}

# dmesg_clean [NAME]: PASS if the kernel log has no splat so far, else FAIL with its first line.
dmesg_clean() {
  local name=${1:-${VNS_SCENARIO:-vm}/dmesg_clean} line
  line=$(dmesg | grep -m1 -E "$VNS_SPLAT_RE")
  if [ -z "$line" ]; then pass "$name"; return 0; fi
  fail "$name" "kernel splat: $line"
  dmesg | grep -A 20 -m1 -F -- "$line" | _vns_indent
  return 1
}

# have CMD...: true if every command exists (use with skip).
have() {
  local c
  for c; do command -v "$c" >/dev/null 2>&1 || return 1; done
}

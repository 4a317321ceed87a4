#!/bin/bash
# tests/vm/run.sh [--suite NAME[,NAME...]] [KVER|SERIES...]      (make check runs it after lab-setup)
#
# SPDX-License-Identifier: GPL-2.0
# For each kernel — by default every series, $VNS_SERIES or
# "4.19 5.10 6.12 6.1 6.1-arm64 5.10-arm64" (in that order so that VNS_VM_JOBS=2's two streams,
# every second kernel each, take about the same time: 4.19 6.12 6.1-arm64 | 5.10 6.1 5.10-arm64), each
# looked up in $VNS_LAB/kernels.list (written by scripts/lab-setup.sh) — builds the module
# (scripts/build-kmod.sh; the next kernel's builds in the background while a VM runs), boots
# the kernel once (scripts/vmrun.sh) and runs tests/vm/guest.sh in it: every
# tests/vm/scenarios/*.sh in order, or only the suites named ("smoke", "00-smoke", "cpu,overhead").
# The scenarios marked "# vns-vm: nested" (a KVM guest inside the VM) run in a second boot of
# the kernel, after the others (see below).
# Kernels run one after the other (VNS_VM_JOBS=2: two at a time, make check's default); everything
# a run leaves is in build/vm/<kver>/: console.log, results.txt, dmesg.txt, logs/<scenario>.log,
# build.log; the nested boot's in build/vm/<kver>/nested/ (with l2-console.log, the nested
# guest's console).
#
# arm64 kernels (series N-arm64; qemu-system-aarch64 under TCG, see scripts/vmrun.sh) run only
# the scenarios marked "# vns-vm: arm64", with the CLI and test programs cross-built into
# build/arm64/cli and build/arm64/tests (against the arm64 root, scripts/lab-setup.sh), and
# VNS_ARM64=1 in the guest (a scenario may take a lighter load there, same assertions). The
# same boot runs them with the module's normal build, then those also marked "arm64-regs"
# again with the forced-fallback build (scripts/build-kmod.sh with VNS_KPROBE_ARGS=regs:
# kprobe arguments read from the arch registers instead of regs_get_kernel_argument(), which is
# all that differs between the two builds: the scenarios whose collectors read kprobe
# arguments), their results named "regs/..." (tests/vm/guest.sh's VNS_KO2).
#
# Prints per kernel "<kver>: N passed, N failed, N skipped (T s)", and last "N passed, N failed"
# over all kernels. A kernel splat, a timeout, a scenario or guest that died, or a module that
# does not build counts as a failure. A kernel whose image or headers are missing, or a series
# that is not in kernels.list, is skipped ("SKIP <kver>: <why>"). Exit status: 1 if anything
# failed, or if a kernel was skipped and VNS_ALLOW_SKIP is not 1; 2 on a usage error.
#
# Environment: VNS_LAB (default /var/cache/vns-lab), VNS_ALLOW_SKIP, VNS_SCENARIO_TIMEOUT
# (per scenario, default 420 s), VNS_VM_TIMEOUT (per boot; default from the scenario count),
# VNS_VM_BUDGET (seconds for the whole run: a boot gets at most what is left of it, and a boot
# reached with less than 120 s left fails as "out of time"; default none; make check sets 4000),
# VNS_NESTED_SMP (vCPUs of the nested scenarios' boot, default 1), VNS_VIRT_BUSY (the L1 kernels,
# by series or release, on which 98-virt runs its part 3, busy poll inside the L2 guest: default
# 6.12; "all", or VNS_BENCH=full, on every one), VNS_COST_BPF (likewise, the kernels on which
# 81-cost runs its bpftrace configs: default 6.12; VNS_BENCH_BPF, when given, decides for all),
# and what scripts/vmrun.sh
# takes (VNS_APPEND, VNS_QEMU_OPTS, VNS_VM_MEM, VNS_VM_SMP, VNS_VM_HUB: default 1 here,
# VNS_VM_HUB=0 for a guest with the user-networking NIC only).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
LAB=${VNS_LAB:-/var/cache/vns-lab}
LIST=$LAB/kernels.list
SPLAT_RE='BUG:|WARNING:|Oops|Call Trace|Call trace:|refcount_t|UBSAN:|KASAN:|Kernel panic'
STMO=${VNS_SCENARIO_TIMEOUT:-420}

usage() { sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
suite='' args=() build_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --suite) [ $# -ge 2 ] || usage; suite=$2; shift 2;;
    --suite=*) suite=${1#--suite=}; shift;;
    --build-only) build_only=1; shift;;
    -h|--help) usage;;
    -*) echo "run.sh: unknown option $1" >&2; usage;;
    *) args+=("$1"); shift;;
  esac
done

# --- the scenarios ---
# A scenario's header may say what it needs from the boot, in a line "# vns-vm: WORD...":
#   nested     a nested guest under KVM (tests/vm/l2.sh); tests/vm/l2-build.sh builds the L2
#              guest's files first (build/l2/, its log in build/vm/l2-build.log)
#   timeout=S  its own timeout instead of VNS_SCENARIO_TIMEOUT (tests/vm/guest.sh reads it too)
#   arm64      it runs on the arm64 kernels too (else x86 only)
#   arm64-regs and again there with the forced-fallback build (its probes read kprobe arguments)
# The nested scenarios run in a boot of their own, after the others' (build/vm/<kver>/nested/):
# qemu's -cpu max (TCG emulates AMD SVM, so kvm_amd loads), one vCPU (VNS_NESTED_SMP), and
# TCG's multi-threaded loop, which with one vCPU is one thread. Single-threaded TCG's
# round-robin loop over two vCPUs, which the other scenarios need (see below), stalls a nested
# guest for minutes at a time (its boot stops at random points, idle); one vCPU cannot race
# live code patching across vCPUs, which is why the other boot is single-threaded.
plain=() nest=() a64=() a64r=() plain_tmo=0 nest_tmo=0 a64_tmo=0
for f in "$REPO"/tests/vm/scenarios/*.sh; do
  [ -f "$f" ] || continue
  n=$(basename "$f" .sh)
  if [ -n "$suite" ]; then
    case ",$suite," in *",$n,"*|*",$n.sh,"*|*",${n#[0-9][0-9]-},"*) ;; *) continue;; esac
  fi
  tags=$(sed -n 's/^# vns-vm: *//p' "$f" | head -n 1)
  # shellcheck disable=SC2086  # a word list
  t=$(printf '%s\n' $tags | sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p')
  case " $tags " in
    *" nested "*) nest+=("$n"); nest_tmo=$((nest_tmo + ${t:-$STMO} + 20));;
    *) plain+=("$n"); plain_tmo=$((plain_tmo + ${t:-$STMO} + 20));;
  esac
  case " $tags " in *" arm64 "*) a64+=("$n"); a64_tmo=$((a64_tmo + ${t:-$STMO} + 20));; esac
  case " $tags " in *" arm64-regs "*) a64r+=("$n"); a64_tmo=$((a64_tmo + ${t:-$STMO} + 20));; esac
done
if [ $(( ${#plain[@]} + ${#nest[@]} )) -eq 0 ]; then
  echo "run.sh: no scenario matches '${suite:-*}' in tests/vm/scenarios" >&2; exit 2
fi
nested=0; [ ${#nest[@]} -gt 0 ] && nested=1
list() { local IFS=,; echo "$*"; }

# --- the kernels: "<kver>" or "!<what>" when a series cannot be resolved ---
# Without arguments, every supported series: one that lab-setup did not put in the list is
# skipped, and a skip fails the run (unless VNS_ALLOW_SKIP=1), so a fresh machine whose setup
# missed a kernel cannot pass on fewer kernels.
kernels=()
if [ ${#args[@]} -eq 0 ]; then
  # shellcheck disable=SC2206
  args=(${VNS_SERIES:-4.19 5.10 6.12 6.1 6.1-arm64 5.10-arm64})
fi
for a in "${args[@]}"; do
  kv=$(awk -v s="$a" '$1 == s { print $2; exit }' "$LIST" 2>/dev/null)
  if [ -n "$kv" ]; then kernels+=("$kv")
  elif [[ $a =~ ^[0-9]+\.[0-9]+(-arm64)?$ ]]; then kernels+=("!$a")   # a series lab-setup has not set up
  else kernels+=("$a"); fi
done

# VNS_VM_JOBS=2: two streams of kernels side by side (each a run.sh of its own over every second
# kernel, one VM each: single-threaded TCG keeps a VM on one core), the first stream printed as it
# runs, the second after it; then the sum over both.
if [ "${VNS_VM_JOBS:-1}" -ge 2 ] && [ ${#args[@]} -ge 2 ] && [ "$build_only" = 0 ]; then
  sa=() sb=() i=0
  for a in "${args[@]}"; do
    if [ $((i % 2)) -eq 0 ]; then sa+=("$a"); else sb+=("$a"); fi
    i=$((i + 1))
  done
  ob=$REPO/build/vm/stream-b.$$.out
  mkdir -p "$REPO/build/vm"
  VNS_VM_JOBS=1 "$0" ${suite:+--suite "$suite"} "${sb[@]}" > "$ob" 2>&1 &
  pb=$!
  VNS_VM_JOBS=1 "$0" ${suite:+--suite "$suite"} "${sa[@]}" | tee "$ob.a"
  ra=${PIPESTATUS[0]}
  wait $pb; rb=$?
  sed '$d' "$ob"
  pa=$(tail -n1 "$ob.a") pb2=$(tail -n1 "$ob")
  num() { echo "$1" | awk -v f="$2" '/^[0-9]+ passed, [0-9]+ failed$/ { print $f; exit } END { if (!NR) print 0 }'; }
  tp=$(( $(num "$pa" 1) + $(num "$pb2" 1) ))
  tf=$(( $(num "$pa" 3) + $(num "$pb2" 3) ))
  rm -f "$ob" "$ob.a"
  echo "$tp passed, $tf failed"
  if [ "$ra" -eq 2 ] || [ "$rb" -eq 2 ]; then exit 2; fi
  if [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ]; then exit 0; fi
  exit 1
fi

total_p=0 total_f=0 skipped=()
# The modules of every kernel are built one after the other in the background (nice), so that
# while a kernel's VM runs on one core (single-threaded TCG) the next kernel's module builds on
# the other; each kernel waits for its own. Results in $BLD/<kver>.{ko,log,rc}.
BLD=$REPO/build/vm/.build.$$
mkdir -p "$BLD"
# With a nested scenario, the L2 guest's files are built after the first kernel's module.
is_arm64() { [ "$(cat "$LAB/$1/arch" 2>/dev/null)" = arm64 ]; }
A64=$REPO/build/arm64
(
  l2=$nested cross=1
  for kv in "${kernels[@]}"; do
    [ "${kv#!}" = "$kv" ] || continue
    # (one build per kernel at a time in this tree: another run may be building it too)
    VNS_SELFTEST=1 flock "$REPO/build/vm/$kv.build-lock" nice -n 10 \
      "$REPO/scripts/build-kmod.sh" "$kv" > "$BLD/$kv.ko" 2> "$BLD/$kv.log"
    rc=$?
    if [ $rc = 0 ] && is_arm64 "$kv"; then
      # the forced-fallback build (its failure fails the kernel, but the normal build still
      # runs), and (once) the cross-built CLI and test programs
      VNS_SELFTEST=1 VNS_KPROBE_ARGS=regs flock "$REPO/build/vm/$kv.build-lock" nice -n 10 \
        "$REPO/scripts/build-kmod.sh" "$kv" > "$BLD/$kv.regs.ko" 2> "$BLD/$kv.regs.log"
      rr=$?
      if [ $rr = 0 ] && cmp -s "$BLD/$kv.ko" "$BLD/$kv.regs.ko"; then
        echo "run.sh: scripts/build-kmod.sh ignored VNS_KPROBE_ARGS=regs (the same .ko as the normal build)" >> "$BLD/$kv.regs.log"
        rr=1
      fi
      echo $rr > "$BLD/$kv.regs.rc"
      if [ $cross = 1 ]; then
        cross=0
        { flock "$A64.lock" make -s -C "$REPO/cli" CROSS_COMPILE=aarch64-linux-gnu- \
            SYSROOT="$LAB/arm64-root" O="$A64/cli" &&
          flock "$A64.lock" make -s -C "$REPO/tests/vm" CROSS_COMPILE=aarch64-linux-gnu- \
            SYSROOT="$LAB/arm64-root" BUILD="$A64/tests"; } >> "$BLD/$kv.log" 2>&1 || rc=$?
      fi
    fi
    echo $rc > "$BLD/$kv.rc"
    if [ "$l2" = 1 ] && ! is_arm64 "$kv"; then      # (arm64 kernels run no nested scenario)
      l2=0
      "$REPO/tests/vm/l2-build.sh" "$REPO/build/l2" > "$REPO/build/vm/l2-build.log" 2>&1 ||
        rm -f "$REPO/build/l2/initrd.gz"        # the scenario fails: no stale guest
      echo done > "$BLD/l2.rc"
    fi
  done
) &
builder=$!
trap 'kill $builder 2>/dev/null; rm -rf "$BLD"' EXIT
if [ "$build_only" = 1 ]; then
  # --build-only: the builds above and nothing else, for the ones a later run makes again
  # incrementally (make check starts it beside the steps before the VMs; each build holds its
  # kernel's lock, which the later run's waits for). Status 1 if one failed.
  wait $builder
  rc=0
  for kv in "${kernels[@]}"; do
    [ "${kv#!}" = "$kv" ] || continue
    for b in "$kv" "$kv.regs"; do
      [ -e "$BLD/$b.rc" ] || continue
      if [ "$(cat "$BLD/$b.rc")" = 0 ]; then echo "run.sh: built $b"
      else echo "run.sh: $b: the build failed:"; tail -n 20 "$BLD/$b.log" | sed 's/^/  | /'; rc=1; fi
    done
  done
  exit $rc
fi

q() { printf '%q' "$1"; }
# on_kernels LIST: is $kv in LIST (series names as in kernels.list, or releases; "all": every
# kernel)? Always with VNS_BENCH=full. For what check runs on one kernel only, being the same
# work on every one (VNS_VIRT_BUSY, VNS_COST_BPF).
on_kernels() {
  [ "${VNS_BENCH:-}" = full ] && return 0
  case " $1 " in
    *" all "*|*" $kv "*|*" $(awk -v k="$kv" '$2 == k { print $1; exit }' "$LIST" 2>/dev/null) "*) return 0;;
  esac
  return 1
}
# boot_kernel KIND OUTDIR SCENARIOS TIMEOUT: one boot of $kv running SCENARIOS (comma-separated)
# with tests/vm/guest.sh; adds to p, f, s and extra. Status 1 when the run is out of time.
boot_kernel() {
  local kind=$1 bout=$2 names=$3 tmo=$4 gcmd tb rc boot r cur during left l
  local tcg=${VNS_TCG_THREAD-single} smp=${VNS_VM_SMP:-2} hub=${VNS_VM_HUB-1} qopts=${VNS_QEMU_OPTS:-}
  local silence=${VNS_VM_SILENCE:-300}
  if [ "$deadline" -gt 0 ]; then
    left=$(( deadline - $(date +%s) ))
    if [ "$left" -lt 120 ]; then
      extra+=("FAIL $kv: out of time (VNS_VM_BUDGET=${VNS_VM_BUDGET}s spent) before the $kind boot")
      return 1
    fi
    [ "$left" -lt "$tmo" ] && tmo=$left
  fi
  gcmd="VNS_KO=$(q "$ko") VNS_REPO=$(q "$REPO") VNS_OUT=/mnt VNS_SCENARIO_TIMEOUT=$STMO"
  if [ "$kind" = arm64 ]; then
    gcmd+=" VNS_CLI=$(q "$A64/cli/vnetscope") VNS_TESTBIN=$(q "$A64/tests") VNS_ARM64=1"
    [ -n "$ko2" ] && gcmd+=" VNS_KO2=$(q "$ko2") VNS_KO2_TAG=regs VNS_KO2_SUITE=$(q "$(list "${a64r[@]}")")"
  else
    gcmd+=" VNS_CLI=$(q "$REPO/cli/vnetscope") VNS_TESTBIN=$(q "$REPO/build/tests")"
  fi
  # the cost benchmark's settings (tests/vm/bench.sh, `make bench`), when given; its bpftrace
  # configs (a bpftrace start is 5-30 s under TCG) on the kernels of VNS_COST_BPF only
  for v in VNS_BENCH VNS_BENCH_N VNS_BENCH_ROUNDS VNS_BENCH_BPF; do
    [ -n "${!v:-}" ] && gcmd+=" $v=$(q "${!v}")"
  done
  [ -z "${VNS_BENCH_BPF:-}" ] && ! on_kernels "${VNS_COST_BPF:-6.12}" && gcmd+=" VNS_BENCH_BPF=0"
  # qemu 7.2's multi-threaded TCG mishandles the kernel's live code patching (text_poke_bp) when
  # a static key flips under load: 6.12 dies with "Oops: int3" at the kfree_skb tracepoint's
  # static branch, vnetscope loaded or not (tests/vm/tcg-int3.sh reproduces it with tracefs
  # alone), and 4.19 livelocks with a CPU trapping on a stale int3 while the other waits in
  # text_poke_bp's IPI. Single-threaded TCG does not show it, so the suite runs with it.
  # Two more NICs on a qemu hub (an e1000 and a virtio-net) for the scenarios that need real
  # devices on both ends (97-rx); the first NIC stays the user-networking one.
  if [ "$kind" = nested ]; then
    gcmd+=" VNS_L2=$(q "$REPO/build/l2")"
    # 98-virt's part 3 (virt-busy: the virtio collector inside L2, whose kernel and module are
    # the same whatever L1 runs) on the L1 kernels of VNS_VIRT_BUSY only
    on_kernels "${VNS_VIRT_BUSY:-6.12}" && gcmd+=" VNS_VIRT_BUSY=1"
    tcg=multi smp=${VNS_NESTED_SMP:-1} hub=0
    case " $qopts " in *" -cpu "*) ;; *) qopts="-cpu max $qopts";; esac
    # a hung L1 (below) is told after 75 s of silence, not vmrun's 300: guest.sh's heartbeat
    # comes every 20 s whatever the scenario does
    silence=${VNS_VM_SILENCE:-75}
  fi
  gcmd+=" bash $(q "$REPO/tests/vm/guest.sh") --suite $(q "$names")"
  tb=$(date +%s)
  VNS_VM_HUB=$hub VNS_TCG_THREAD=$tcg VNS_VM_SMP=$smp VNS_QEMU_OPTS=$qopts VNS_VM_SILENCE=$silence \
    VNS_VM_SHARE="$REPO ${VNS_VM_SHARE:-}" "$REPO/scripts/vmrun.sh" -o "$bout" "$kv" "$gcmd" "$tmo" 2>&1 |
    tee "$bout/vmrun.out" | grep --line-buffered -E '^(PASS|FAIL|SKIP) |^vmrun: ' | sed -u 's/^/  /'
  rc=${PIPESTATUS[0]}
  boot=$(( $(date +%s) - tb ))
  [ "$kind" = nested ] && echo "  ($kv: the nested boot took ${boot}s)"

  r=$bout/results.txt
  # The scenario that was running when the guest went down, if any: its results so far count.
  cur=$(awk '/^=== / { if ($NF == "s") cur = ""; else cur = $2 } END { print cur }' "$bout/console.log" 2>/dev/null)
  during=
  if [ -n "$cur" ] && [ -f "$bout/logs/$cur.log" ]; then
    during=" (during $cur)"
    # (a second pass's scenario, "TAG/NAME": its results are named TAG/...)
    pfx=; case $cur in */*) pfx=${cur%/*}/;; esac
    grep -E '^(PASS|FAIL|SKIP) ' "$bout/logs/$cur.log" | sed -E "s#^(PASS|FAIL|SKIP) #\1 $pfx#" >> "$r"
  fi
  if [ -f "$r" ]; then
    p=$((p + $(grep -c '^PASS ' "$r"))); f=$((f + $(grep -c '^FAIL ' "$r"))); s=$((s + $(grep -c '^SKIP ' "$r")))
  fi
  case $rc in
    97) extra+=("FAIL $kv: $(grep -m1 '^vmrun: kernel splat' "$bout/vmrun.out")$during");;
    98) extra+=("FAIL $kv: $(grep -m1 '^vmrun: no exit marker' "$bout/vmrun.out" || echo 'no exit marker'), VM ran ${boot}s$during");;
    *)
      if ! grep -q '^GUEST-DONE' "$bout/console.log"; then
        extra+=("FAIL $kv: tests/vm/guest.sh died (status $rc)")
      elif [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$r" 2>/dev/null; then
        extra+=("FAIL $kv: tests/vm/guest.sh exited with status $rc")
      fi
      if l=$(grep -m1 -E "$SPLAT_RE" "$bout/dmesg.txt" 2>/dev/null); then
        extra+=("FAIL $kv: kernel splat in dmesg: $l")
      fi;;
  esac
  return 0
}

deadline=0
[ "${VNS_VM_BUDGET:-0}" -gt 0 ] && deadline=$(( $(date +%s) + VNS_VM_BUDGET ))
for kv in "${kernels[@]}"; do
  if [ "${kv#!}" != "$kv" ]; then
    kv=${kv#!}
    echo "SKIP $kv: not in $LIST (scripts/lab-setup.sh $kv)"; skipped+=("$kv"); continue
  fi
  why=
  if ! [ -e "$LAB/$kv/boot/vmlinuz-$kv" ] && ! [ -e "/boot/vmlinuz-$kv" ]; then
    why="no kernel image ($LAB/$kv/boot/vmlinuz-$kv)"
  elif ! [ -f "${KDIR:-/usr/src/linux-headers-$kv}/Makefile" ]; then
    why="no headers (${KDIR:-/usr/src/linux-headers-$kv})"
  fi
  if [ -n "$why" ]; then echo "SKIP $kv: $why"; skipped+=("$kv"); continue; fi

  out=$REPO/build/vm/$kv
  # One run per kernel at a time in this tree (another one would delete our output dir).
  mkdir -p "$REPO/build/vm"
  exec 8>"$REPO/build/vm/$kv.lock"
  flock -n 8 || { echo "run.sh: $kv: waiting for another run in this tree"; flock 8; }
  rm -rf "$out"; mkdir -p "$out"
  t0=$(date +%s)
  p=0 f=0 s=0 extra=()
  echo "--- $kv"

  while ! [ -s "$BLD/$kv.rc" ] && kill -0 $builder 2>/dev/null; do sleep 1; done
  if [ "$nested" = 1 ] && ! is_arm64 "$kv"; then
    while ! [ -s "$BLD/l2.rc" ] && kill -0 $builder 2>/dev/null; do sleep 1; done
  fi
  cp "$BLD/$kv.ko" "$out/ko.txt" 2>/dev/null; cp "$BLD/$kv.log" "$out/build.log" 2>/dev/null
  if [ "$(cat "$BLD/$kv.rc" 2>/dev/null)" != 0 ]; then
    f=1
    echo "FAIL $kv: the module does not build (build/vm/$kv/build.log):"
    grep -E 'error|Error|warning: ' "$out/build.log" | head -n 20 | sed 's/^/    /'
    tail -n 5 "$out/build.log" | sed 's/^/    /'
    echo "$kv: $p passed, $f failed, $s skipped ($(( $(date +%s) - t0 )) s)"
    total_f=$((total_f + f)); exec 8>&-; continue
  fi
  ko=$(grep -m1 '/vnetscope\.ko$' "$out/ko.txt" || head -n 1 "$out/ko.txt")
  ko2=
  if is_arm64 "$kv"; then
    cp "$BLD/$kv.regs.ko" "$out/ko-regs.txt" 2>/dev/null
    cp "$BLD/$kv.regs.log" "$out/build-regs.log" 2>/dev/null
    if [ "$(cat "$BLD/$kv.regs.rc" 2>/dev/null)" = 0 ]; then
      ko2=$(grep -m1 '/vnetscope\.ko$' "$out/ko-regs.txt")
    else
      extra+=("FAIL $kv: the forced-fallback module (VNS_KPROBE_ARGS=regs) does not build: $(tail -n 1 "$out/build-regs.log" 2>/dev/null) (build/vm/$kv/build-regs.log)")
    fi
  fi

  # one boot for the plain scenarios, one for the nested ones (in nested/); an arm64 kernel:
  # one boot for its scenarios, both builds
  kinds="plain nested"; is_arm64 "$kv" && kinds=arm64
  for kind in $kinds; do
    if [ "$kind" = arm64 ]; then
      [ ${#a64[@]} -gt 0 ] || { echo "  (no arm64 scenario among '${suite:-*}')"; continue; }
      bout=$out names=$(list "${a64[@]}") btmo=$((180 + a64_tmo))
    elif [ "$kind" = plain ]; then
      [ ${#plain[@]} -gt 0 ] || continue
      bout=$out names=$(list "${plain[@]}") btmo=$((180 + plain_tmo))
    else
      [ ${#nest[@]} -gt 0 ] || continue
      bout=$out/nested names=$(list "${nest[@]}") btmo=$((180 + nest_tmo))
      mkdir -p "$bout"
    fi
    sp=$p sf=$f ss=$s sx=${#extra[@]}
    boot_kernel "$kind" "$bout" "$names" "${VNS_VM_TIMEOUT:-$btmo}" || break
    # The nested boot once more when its guest went silent (vmrun's hang check): under TCG's
    # emulation of AMD SVM the whole L1 guest has stopped, no heartbeat either, right after
    # starting L2, in 2 of about 25 nested boots here, with nothing in its log. A hang the module
    # caused would hang again. The hung boot's files stay in nested.hung/, and the line says so.
    if [ "$kind" = nested ] && [ "${VNS_NESTED_RETRY:-1}" = 1 ] && [ ${#extra[@]} -gt "$sx" ] &&
       [[ ${extra[-1]} == *"vmrun: no exit marker: the guest hung"* ]]; then
      echo "  RETRY $kv: ${extra[-1]#FAIL "$kv": }: booting the nested scenarios once more (the hung boot: ${bout#"$REPO"/}.hung/)"
      p=$sp f=$sf s=$ss extra=("${extra[@]:0:sx}")
      rm -rf "$bout.hung"; mv "$bout" "$bout.hung"; mkdir -p "$bout"
      boot_kernel "$kind" "$bout" "$names" "${VNS_VM_TIMEOUT:-$btmo}" || break
    fi
  done
  f=$((f + ${#extra[@]}))
  echo "$kv: $p passed, $f failed, $s skipped ($(( $(date +%s) - t0 )) s)"
  if [ "$f" -gt 0 ]; then
    for r in "$out/results.txt" "$out/nested/results.txt"; do
      [ -f "$r" ] && grep '^FAIL ' "$r"
    done | sed 's/^/  /'
    printf '%s\n' "${extra[@]}" | sed '/^$/d; s/^/  /'
    for c in "$out/console.log" "$out/nested/console.log"; do
      [ -f "$c" ] || continue
      echo "  --- last 30 console lines (${c#"$REPO"/}):"
      tail -n 30 "$c" | sed 's/^/  | /'
    done
  fi
  total_p=$((total_p + p)); total_f=$((total_f + f))
  exec 8>&-
done

rc=0
[ "$total_f" -eq 0 ] || rc=1
if [ ${#skipped[@]} -gt 0 ]; then
  if [ "${VNS_ALLOW_SKIP:-0}" = 1 ]; then echo "run.sh: skipped kernels: ${skipped[*]} (allowed by VNS_ALLOW_SKIP=1)"
  else echo "run.sh: skipped kernels: ${skipped[*]} (set VNS_ALLOW_SKIP=1 to accept)"; rc=1; fi
fi
echo "$total_p passed, $total_f failed"
exit $rc

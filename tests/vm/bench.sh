#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/vm/bench.sh — the cost benchmark (issue 14); runs inside the test VM, as a scenario does
# (tests/vm/guest.sh's environment; tests/vm/scenarios/81-cost.sh runs it, `make bench` too).
#
# What one probe hit costs, per event, in the same boot: in-kernel loops of the test-only
# module vns_fixtures (its "bench" knob: the loop's own time, no syscall, no network stack) run
# with nothing attached, then with each handler attached, in interleaved rounds (every config
# once per round, in order); per config the minimum and the median over the rounds of the
# loop's ns per event, the fastest chunk of 100 events, the time added to "nothing", and
# ratios of added times:
#   drop  N skbs freed by kfree_skb() in vns_fixture_bench_drop (N skb:kfree_skb): nothing, the
#         floor collector's empty tracepoint handler, drops matching (proto=udp sport=1111),
#         drops not matching (proto=tcp), tun (listens on kfree_skb; the skb is not a TUN's),
#         bpftrace's `@[kstack, args->location] = count()`
#   stage N calls of vns_fixture_stage(skb): nothing, the floor's empty kprobe, the latency
#         collector's PHY_RX handler on a followed packet (src=10.99.0.1 proto=udp) and on one
#         its filter refuses (proto=tcp), bpftrace's per-skb delta histogram, an empty bpftrace
#         kprobe (VNS_BENCH=full only: it checks nothing, and one more bpftrace start is 5-7 s
#         under TCG)
#   stack N calls of vns_fixture_stack(DEPTH), DEPTH 8 16 32: nothing, the floor's kprobe that
#         saves DEPTH frames (vns_stack_save(), as the drop collector's capture does), and at
#         depth 8 bpftrace's `@[kstack(8)] = count()`
# Every config is checked to have run its handler: the hits, flows, stack frames and counters
# that N events must give (PASS/FAIL lines, as a scenario's); a figure of a probe that did not
# fire is no figure. bpftrace runs where it works (a run of `BEGIN { exit() }` first); where it
# does not, its configs are left out and the reason is printed ("bpftrace: unavailable (...)").
#
# Environment: VNS_BENCH_N (default 20000), VNS_BENCH_ROUNDS (default 5), VNS_BENCH_BPF (1:
# the bpftrace configs where bpftrace runs, the default; 0: none), VNS_BENCH_DEPTHS (default
# "8 16 32"). Output: $VNS_OUT/bench.txt (the table, with kernel, date, N and rounds),
# $VNS_OUT/bench-raw.txt (per config and round: loop, config, round, ns per event of the loop
# and of its fastest chunk, both x1000), and lines
#   MEASURE cost loop=L config=C n=N rounds=R min_ns=.. med_ns=.. best_ns=.. added_med_ns=.. ...
# Only counts are checked, never a time: under TCG the figures are the emulator's (every probe
# hit's price is inflated, and not uniformly), to be read as ratios within one run.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/vns.sh"
T=cost
N=${VNS_BENCH_N:-20000}
ROUNDS=${VNS_BENCH_ROUNDS:-5}
BPF=${VNS_BENCH_BPF:-1}
DEPTHS=${VNS_BENCH_DEPTHS:-8 16 32}
FIX_KO=$(dirname "$VNS_KO")/../tests/fixtures/vns_fixtures.ko
FX=/sys/kernel/debug/vns_fixtures
RAW=$VNS_OUT/bench-raw.txt
OUTF=$VNS_OUT/bench.txt
BPFLOG=$VNS_OUT/logs/${VNS_SCENARIO:-bench}-bpftrace

[ -f "$FIX_KO" ] || { fail $T/fixtures "no fixtures module at $FIX_KO"; exit 1; }
rmmod vns_fixtures 2>/dev/null
insmod "$FIX_KO" || { fail $T/fixtures_load "insmod $FIX_KO"; exit 1; }
[ -f $FX/bench ] || { fail $T/fixtures_bench "$FX/bench missing"; exit 1; }
load_vns || exit 1
grep -q 'collector=floor' $VNS_PROC/status ||
  { fail $T/floor_build "no floor collector (VNS_SELFTEST=y)"; exit 1; }

# --- bpftrace: does it run here? ---
bpf_ok=0 bpf_why=
if [ "$BPF" != 1 ]; then
  bpf_why="not asked for (VNS_BENCH_BPF=$BPF)"
elif ! have bpftrace; then
  bpf_why="no bpftrace"
else
  mkdir -p "$VNS_OUT/logs"
  if out=$(timeout 120 bpftrace -e 'BEGIN { exit(); }' 2>&1); then
    bpf_ok=1
  else
    bpf_why="bpftrace -e 'BEGIN { exit(); }': $(printf '%s\n' "$out" | grep -v '^ *$' | head -n 1)"
  fi
fi
[ "$bpf_ok" = 1 ] && echo "bpftrace: $(bpftrace --version 2>&1)" ||
  echo "bpftrace: unavailable ($bpf_why)"

# --- one run of a loop ---
# loop KIND [DEPTH]: runs the fixture's loop of N events; sets NS to its ns per event over the
# whole loop and BEST to that of its fastest chunk (of 100 events), both x1000 (integers: ns
# with three decimals)
loop() {
  local ns chunk best
  echo "$1 $N${2:+ $2}" > $FX/bench || { fail $T/bench_write "'$1 $N $2' refused"; return 1; }
  ns=$(view_get $FX/bench ns kind="$1") chunk=$(view_get $FX/bench chunk kind="$1")
  best=$(view_get $FX/bench best kind="$1")
  NS=$(( ns * 1000 / N )) BEST=$(( best * 1000 / chunk ))
}

# bpf_start PROG: bpftrace running PROG (with a BEGIN that says when its probes are attached:
# bpftrace attaches every probe before it runs BEGIN), its output in $BPFOUT; 1 if it did not
# get there within 180 s
bpf_start() {
  BPFOUT=$BPFLOG-$((++bpf_runs)).txt
  local t0 _
  t0=$(date +%s%N)
  bpftrace -B line -e "BEGIN { printf(\"vns-ready\\n\"); } $1" > "$BPFOUT" 2>&1 &
  BPFPID=$!
  for _ in $(seq 1800); do
    grep -q '^vns-ready' "$BPFOUT" && break
    kill -0 $BPFPID 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q '^vns-ready' "$BPFOUT"; then
    fail $T/bpftrace_start "bpftrace did not attach: $(grep -v '^ *$' "$BPFOUT" | tail -n 1)"
    kill -INT $BPFPID 2>/dev/null; wait $BPFPID 2>/dev/null
    return 1
  fi
  echo "bpftrace: attached in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}
# bpf_stop: SIGINT, which makes bpftrace print its maps and exit; killed if it has not within
# 120 s (BPFKILLED=1; seen once in 28 runs on 6.1 under TCG, and its maps are then lost)
bpf_stop() {
  local t0 _
  t0=$(date +%s)
  BPFKILLED=0
  kill -INT $BPFPID 2>/dev/null
  while kill -0 $BPFPID 2>/dev/null && [ $(( $(date +%s) - t0 )) -lt 120 ]; do sleep 0.2; done
  if kill -0 $BPFPID 2>/dev/null; then
    echo "INFO bpftrace $BPFOUT: still running 120 s after SIGINT, killed"
    kill -KILL $BPFPID 2>/dev/null
    BPFKILLED=1
  fi
  wait $BPFPID 2>/dev/null
  echo "bpftrace: stopped in $(( $(date +%s) - t0 )) s"
}
# bpf_count FRAME: the sum of the counts of the map entries whose key (a stack) has FRAME
bpf_count() {
  awk -v f="$1" '/^@\[/ { has = 0 } index($0, f) { has = 1 }
    /\]: [0-9]+$/ { if (has) s += $NF; has = 0 } END { print s + 0 }' "$BPFOUT"
}
# bpf_hist_total: the sum of a printed histogram's counts
bpf_hist_total() {
  awk '/^\[/ && NF >= 2 { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/ && $(i-1) ~ /\)$|\]$/) { s += $i; break } }
    END { print s + 0 }' "$BPFOUT"
}

pstat() { view_get $VNS_PROC/status "$2" collector="$1"; }
phits() { view_get $VNS_PROC/probes hits collector="$1" probe="$2"; }
pstate() { view_get $VNS_PROC/probes state collector="$1" probe="$2"; }

# run_config LOOP CONFIG ROUND [DEPTH]: set CONFIG up, run LOOP, check that its handler ran N
# times, tear it down; appends "LOOP CONFIG ROUND NS" to $RAW. A config that cannot run
# (bpftrace) records nothing.
run_config() {
  local lp=$1 cf=$2 rd=$3 d=${4:-} kind=$1 name got h0
  name=$lp${d:+$d}/$cf
  [ "$lp" = stack ] || d=
  case $cf in
    nothing) ;;
    floor) ctl enable floor || { fail $T/$name/enable "enable floor"; return 1; };;
    drops) ctl enable drops proto=udp sport=1111;;
    drops_nomatch) ctl enable drops proto=tcp;;
    tun) ctl enable tun;;
    latency) ctl enable latency src=10.99.0.1 proto=udp;;
    latency_filtered) ctl enable latency proto=tcp;;
    bpftrace)
      case $lp in
        drop) bpf_start 'tracepoint:skb:kfree_skb { @[kstack, args->location] = count(); }';;
        stage) bpf_start 'kprobe:vns_fixture_stage { $t = nsecs; $p = @ts[arg0]; if ($p) { @h = hist(($t - $p) / 1000); } @ts[arg0] = $t; }';;
        stack) bpf_start 'kprobe:vns_fixture_stack { @[kstack(8)] = count(); }';;
      esac || return 1;;
    bpftrace_empty) bpf_start 'kprobe:vns_fixture_stage { }' || return 1;;
  esac
  # the probes' hits count from the module's load: the loop's are the difference
  h0=0
  case $lp/$cf in
    stack/floor) h0=$(pstat floor stacks);;
    stage/latency*) h0=$(phits latency vns_fixture_stage);;
  esac
  loop "$kind" $d || return 1
  echo "$lp${d:+$d} $cf $rd $NS $BEST" >> "$RAW"
  echo "$lp${d:+$d} $cf round $rd: $((NS / 1000)) ns/event, best chunk $((BEST / 1000))"
  # did the handler run N times?
  case $lp/$cf in
    */nothing) ;;
    # the empty handlers count nothing themselves: attached, and the probe layer's hits if it
    # counts them
    drop/floor)
      expect_eq $T/$name/attached_$rd "$(pstate floor kfree_skb)" attached
      echo "INFO $name: probe hits $(phits floor kfree_skb)";;
    stage/floor)
      expect_eq $T/$name/attached_$rd "$(pstate floor vns_fixture_stage)" attached
      echo "INFO $name: probe hits $(phits floor vns_fixture_stage)";;
    stack/floor)
      expect_eq $T/$name/hits_$rd "$(( $(pstat floor stacks) - h0 )) $(pstat floor frames)" "$N $d";;
    drop/drops)
      got=$(view_sum $VNS_PROC/drops proto=udp src=10.99.0.1 dst=10.99.0.2 sport=1111 dport=2222 \
              'stack~vns_fixture_bench_drop+' dev=lo)
      expect_eq $T/$name/counted_$rd "$got" "$N";;
    drop/drops_nomatch)
      # (+ whatever else the VM dropped meanwhile)
      got=$(pstat drops filtered)
      expect_range $T/$name/filtered_$rd "$got" "$N" $((N + 50))
      expect_eq $T/$name/none_kept_$rd "$(view_count $VNS_PROC/drops)" 0;;
    drop/tun)
      expect_eq $T/$name/attached_$rd "$(pstate tun kfree_skb)" attached;;
    stage/latency)
      got="$(( $(phits latency vns_fixture_stage) - h0 )) $(pstat latency tracked) $(pstat latency filtered)"
      got+=" $(pstat latency hops_dropped)"
      expect_eq $T/$name/followed_$rd "$got" "$N 1 0 $((N - 16))";;
    stage/latency_filtered)
      # (+ packets the VM received meanwhile: PHY_RX of any device is a start stage)
      expect_eq $T/$name/hits_$rd "$(( $(phits latency vns_fixture_stage) - h0 )) $(pstat latency tracked)" "$N 0"
      expect_range $T/$name/filtered_$rd "$(pstat latency filtered)" "$N" $((N + 50));;
    drop/bpftrace) ;;
    stage/bpftrace) ;;
    stack/bpftrace) ;;
  esac
  case $cf in
    nothing) ;;
    floor) ctl disable floor;;
    drops|drops_nomatch) ctl disable drops;;
    tun) ctl disable tun;;
    latency|latency_filtered) ctl disable latency;;
    bpftrace|bpftrace_empty)
      bpf_stop
      if [ "$BPFKILLED" = 1 ]; then
        skip $T/$name/counted_$rd "bpftrace did not exit on SIGINT: no maps to count"; return 0
      fi
      case $lp in
        drop)
          got=$(bpf_count vns_fixture_bench_drop+)
          if [ "$got" = 0 ] && ! grep -q 'vns_fixture_bench_drop+' "$BPFOUT"; then
            # 4.19: bpftrace's kstack of the tracepoint ends at kfree_skb, the caller missing
            echo "INFO $name: bpftrace's stacks lack the caller: $(grep -c '^@\[' "$BPFOUT") keys"
            expect_range $T/$name/counted_$rd "$(bpf_count kfree_skb+)" "$N" $((N + 50))
          else
            expect_eq $T/$name/counted_$rd "$got" "$N"
          fi;;
        stage) [ $cf = bpftrace ] &&
                 expect_eq $T/$name/deltas_$rd "$(bpf_hist_total)" $((N - 1));;
        stack) expect_eq $T/$name/counted_$rd "$(bpf_count vns_fixture_stack+)" "$N";;
      esac;;
  esac
}

DROP_CFG="nothing floor drops drops_nomatch tun"
STAGE_CFG="nothing floor latency latency_filtered"
if [ "$bpf_ok" = 1 ]; then
  DROP_CFG+=" bpftrace"; STAGE_CFG+=" bpftrace"
  [ "${VNS_BENCH:-}" = full ] && STAGE_CFG+=" bpftrace_empty"
fi
bpf_runs=0
: > "$RAW"
loop drop; loop stage; loop stack 8          # warm up: caches, the skb slabs
t0=$(date +%s)
for rd in $(seq "$ROUNDS"); do
  for cf in $DROP_CFG; do run_config drop $cf "$rd"; done
  for cf in $STAGE_CFG; do run_config stage $cf "$rd"; done
  for d in $DEPTHS; do
    for cf in nothing floor; do run_config stack $cf "$rd" "$d"; done
    [ "$bpf_ok" = 1 ] && [ "$d" = "${DEPTHS%% *}" ] && run_config stack bpftrace "$rd" "$d"
  done
  echo "round $rd done, $(( $(date +%s) - t0 )) s"
done

# --- the table ---
# per (loop, config), over the rounds: the minimum and the median of the loop's ns per event,
# and the minimum of its fastest chunk's ("best": the run least disturbed by the emulator's
# host, whose other work a wall clock inside the guest counts too); added = config - nothing
# (of the same loop and statistic); /floor and /bpf: added over the floor's and over
# bpftrace's added (of that loop; stack loops: bpftrace's kstack(8) at depth 8)
{
  echo "# vnetscope cost benchmark: kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'), N=$N, rounds=$ROUNDS"
  echo "# ns per event of the fixture's loop (vns_fixtures bench): min and median over the rounds"
  echo "# of the whole loop's mean, best: the fastest chunk of 100 over all rounds; add_*: minus"
  echo "# nothing's; /floor, /bpf: added over the floor's, over bpftrace's (_b: best, _m: median)"
  [ "$bpf_ok" = 1 ] || echo "# bpftrace: unavailable ($bpf_why)"
  awk -v n="$N" -v rounds="$ROUNDS" '
    { k = $1 SUBSEP $2; c = ++cnt[k]; v[k, c] = $4 / 1000; b[k, c] = $5 / 1000
      if (!(k in seen)) { seen[k] = 1; order[++no] = k } }
    function med(k,   a, i, j, c, t) {
      c = cnt[k]; for (i = 1; i <= c; i++) a[i] = v[k, i]
      for (i = 2; i <= c; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
    }
    function mn(k, arr,   i, m) { m = -1; for (i = 1; i <= cnt[k]; i++) if (m < 0 || arr[k, i] < m) m = arr[k, i]; return m }
    function ratio(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "-" }
    END {
      for (i = 1; i <= no; i++) { k = order[i]; MIN[k] = mn(k, v); MED[k] = med(k); BEST[k] = mn(k, b) }
      printf "%-8s %-17s %9s %9s %9s %9s %9s %7s %7s %7s %7s\n", "loop", "config", "min_ns", "med_ns",
        "best_ns", "add_med", "add_best", "/floor_m", "/floor_b", "/bpf_m", "/bpf_b"
      for (i = 1; i <= no; i++) {
        k = order[i]; split(k, p, SUBSEP); lp = p[1]; cf = p[2]
        z = lp SUBSEP "nothing"; fl = lp SUBSEP "floor"; bp = lp SUBSEP "bpftrace"
        if (!(bp in MED) && lp ~ /^stack/) { bp = "stack8" SUBSEP "bpftrace"; bz = "stack8" SUBSEP "nothing" } else bz = z
        ad = MED[k] - MED[z]; ab = BEST[k] - BEST[z]
        fd = (fl in MED) ? MED[fl] - MED[z] : 0; fb = (fl in MED) ? BEST[fl] - BEST[z] : 0
        bd = (bp in MED) ? MED[bp] - MED[bz] : 0; bb = (bp in MED) ? BEST[bp] - BEST[bz] : 0
        r1 = r2 = r3 = r4 = "-"
        if (cf != "nothing") { r1 = ratio(ad, fd); r2 = ratio(ab, fb); r3 = ratio(ad, bd); r4 = ratio(ab, bb) }
        printf "%-8s %-17s %9.1f %9.1f %9.1f %9.1f %9.1f %7s %7s %7s %7s\n", lp, cf, MIN[k], MED[k], BEST[k],
          ad, ab, r1, r2, r3, r4
        if (cf != "nothing")
          printf "MEASURE cost loop=%s config=%s n=%d rounds=%d min_ns=%.1f med_ns=%.1f best_ns=%.1f added_med_ns=%.1f added_best_ns=%.1f per_floor_med=%s per_floor_best=%s per_bpftrace_med=%s per_bpftrace_best=%s\n",
            lp, cf, n, rounds, MIN[k], MED[k], BEST[k], ad, ab, r1, r2, r3, r4 > "/dev/stderr"
      }
    }' "$RAW"
} > "$OUTF" 2> "$OUTF.measure"
cat "$OUTF"
cat "$OUTF.measure"; rm -f "$OUTF.measure"
echo "bench: $(( $(date +%s) - t0 )) s for $ROUNDS rounds"

unload_vns
rmmod vns_fixtures
dmesg_clean $T/dmesg_clean

# SPDX-License-Identifier: GPL-2.0
# tests/vm/virt-vhostpoll.sh: vhost-net's busy polling (issue 13, the vhost collector's
# busy_loops / busy_ns), on the nested guest of tests/vm/l2.sh started with L2_POLL_US (qemu's
# poll-us=: each virtqueue's VHOST_SET_VRING_BUSYLOOP_TIMEOUT); source after l2.sh, call
# virt_vhostpoll T after scenario 1 of 98-virt (the guest's pings), whose vhost view is
# $VNS_OUT/virt-vhost.txt.
#
# With a busy-loop timeout, vhost-net busy-polls each time a run finds its side empty: handle_rx
# when the TUN socket has nothing more (vhost_net_rx_peek_head_len), handle_tx when the ring
# has nothing more (get_tx_bufs); a loop ends at the timeout, on new work for the worker, or on
# new data, after which the run goes on and polls again when empty again.  A ping is one
# packet each way every 0.2 s: nothing new comes within a poll of the same virtqueue, so every
# run of a virtqueue that carried pings ends with exactly one loop:
#   - busy_loops == runs_kick + runs_net, on each virtqueue that ran (2 queue pairs x RX/TX);
#   - the status view's busy_loops is their sum;
#   - where the module times the loops (vhost_net_busy_poll(), 4.20+): 0 < busy_ns, and each
#     loop lies inside its run, so busy_ns is at most the runs' time (the time histogram's upper
#     bounds, in us, + 1 us a run); on 4.19 (the loop inlined) busy_ns is "-";
#   - `vnetscope vhost` shows the same loops in its BUSY column and in --json.

# _vp_hist_max_ns FIELD_VALUE: the most a histogram "low-high:count,..." (us) can hold, in ns
_vp_hist_max_ns() {
  echo "$1" | tr ',' '\n' | awk -F'[-:]' 'NF == 3 { s += $3 * ($2 + 1) } END { printf "%d\n", s * 1000 }'
}

virt_vhostpoll() {
  local t=$1 f=$VNS_OUT/virt-vhost.txt id dir loops runs ns max n=0 sum=0 cli
  if [ -z "${L2_POLL_US:-}" ]; then
    skip $t/vhostpoll "the guest runs without poll-us (L2_POLL_US)"
    return 0
  fi
  info "vhost busy polling, poll-us=$L2_POLL_US: $(pstate vhost vhost_net_busy_poll) vhost_net_busy_poll, $(pstate vhost vhost_can_busy_poll) vhost_can_busy_poll"
  # 4.19 inlines the loop (vhost_can_busy_poll() per iteration); 4.20+ has vhost_net_busy_poll()
  case $(uname -r) in
    4.19.*) expect_eq $t/busy_probe "$(pstate vhost vhost_can_busy_poll)" attached;;
    *) expect_eq $t/busy_probe "$(pstate vhost vhost_net_busy_poll)" attached;;
  esac
  # (a here-string, not <(...): the test VM has no /dev/fd)
  while read -r id dir; do
    [ -n "$id" ] || continue
    loops=$(view_get $f busy_loops id=$id dir=$dir)
    runs=$(( $(view_get $f runs_kick id=$id dir=$dir) + $(view_get $f runs_net id=$id dir=$dir) ))
    ns=$(view_get $f busy_ns id=$id dir=$dir)
    info "vhost $id $dir: runs $runs, busy-poll loops $loops, busy_ns $ns"
    expect_eq $t/busy_loops_${dir}_$n "$loops" "$runs"
    expect_range $t/busy_runs_${dir}_$n "$runs" 1 1000000
    if [ "$ns" = - ]; then
      expect_eq $t/busy_ns_unknown_$n "$(uname -r | cut -d. -f1-2)" 4.19
    else
      max=$(_vp_hist_max_ns "$(view_get $f time_hist_us id=$id dir=$dir)")
      info "vhost $id $dir: busy ${ns} ns of at most ${max} ns of runs"
      expect_range $t/busy_ns_${dir}_$n "$ns" 1 "$max"
    fi
    sum=$((sum + ${loops:-0}))
    n=$((n + 1))
  done <<< "$(awk '$1 ~ /^id=/ { split($1, a, "="); split($2, b, "="); print a[2], b[2] }' $f)"
  # (a virtqueue has a record once it ran: both directions of the 2 queue pairs, or of the
  # pairs the pings' flows hashed to)
  expect_range $t/busy_queues "$n" 2 4
  expect_eq $t/busy_status "$(view_get $VNS_OUT/views/$VNS_SCENARIO-ping-status.txt busy_loops collector=vhost)" "$sum"
  # the CLI: BUSY per virtqueue, the same loops
  "$VNS_CLI" vhost --no-enable > $VNS_OUT/virt-vhost-busy-cli.txt 2>&1
  "$VNS_CLI" vhost --json --no-enable > $VNS_OUT/virt-vhost-busy-cli.json 2>&1
  sed 's/^/    | /' $VNS_OUT/virt-vhost-busy-cli.txt
  cli=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(q.get("busy_loops", 0) for q in d["virtqueues"]))' $VNS_OUT/virt-vhost-busy-cli.json)
  expect_range $t/busy_cli_json "$cli" "$sum" 100000000
  expect_eq $t/busy_cli_col "$(head -1 $VNS_OUT/virt-vhost-busy-cli.txt | awk '{ print $(NF - 1), $NF }')" "BUSY BUSY_US"
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64
# 20-cli: the vnetscope command against the real module: status, enable/disable/reset, drops
# (text, JSON, --interval deltas), and its errors (bad values, not permitted, not loaded) with
# their exit statuses (2 usage, 3 not loaded, 4 not permitted).
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=cli
CLI=$VNS_CLI
J=$VNS_OUT/cli.json

# python3 -c EXPR over the JSON document in $J (one document per line; $1 picks the line)
jq_py() { python3 -c "import json,sys; docs=[json.loads(l) for l in open('$J')]; d=docs[${2:-0}]; print($1)"; }

# --- not loaded: one line with the modprobe hint, exit 3 --------------------------------------
out=$($CLI status 2>&1); rc=$?
expect_eq $T/not_loaded_rc $rc 3
expect_eq $T/not_loaded_hint "$(echo "$out" | grep -c 'modprobe vnetscope')" 1
expect_eq $T/not_loaded_one_line "$(echo "$out" | wc -l)" 1

load_vns || exit 1
$CLI status > $VNS_OUT/cli-status-off.txt
expect_eq $T/status_off "$(grep -c '^collector drops: off' $VNS_OUT/cli-status-off.txt)" 1

# --- enable with a filter, make drops, read them back ------------------------------------------
check $T/enable $CLI enable drops --proto udp --dport 9 --src-ip 127.0.0.0/8
udp_send 127.0.0.1 40100 127.0.0.1 9 25
udp_send 127.0.0.1 40101 127.0.0.1 10 5          # filtered out
$CLI drops --json > $J
expect_eq $T/json_flow_count "$(jq_py "sum(e['count'] for e in d['entries'] if e['flow']['sport']==40100)")" 25
expect_eq $T/json_only_matching "$(jq_py "sorted(set((e['flow']['proto'], e['flow']['dport'], e['flow']['family']) for e in d['entries']))")" "[('udp', 9, 'ipv4')]"
expect_eq $T/json_dev "$(jq_py "sorted(set(e['dev'] for e in d['entries']))")" "['lo']"
expect_eq $T/json_stack "$(jq_py "all(any(f.startswith('__udp4_lib_rcv+') for f in e['stack']) for e in d['entries'])")" True
expect_eq $T/json_lost "$(jq_py "d['lost']")" 0
if has_reasons; then
  expect_eq $T/json_reason "$(jq_py "sorted(set(e['reason'] for e in d['entries']))")" "['NO_SOCKET']"
else
  expect_eq $T/json_reason_null "$(jq_py "sorted(set(str(e['reason']) for e in d['entries']))")" "['None']"
fi
$CLI drops > $VNS_OUT/cli-drops.txt
expect_eq $T/text_rank1 "$(grep -cE '^#1 Count: [0-9]+ \[device: lo\]' $VNS_OUT/cli-drops.txt)" 1
expect_eq $T/text_flow "$(grep -c '^ *udp 127.0.0.1:40100 -> 127.0.0.1:9$' $VNS_OUT/cli-drops.txt)" \
  "$(jq_py "len([e for e in d['entries'] if e['flow']['sport']==40100])")"
expect_eq $T/text_stack "$(grep -c '^ *__udp4_lib_rcv+0x' $VNS_OUT/cli-drops.txt)" \
  "$(jq_py "len(d['entries'])")"

$CLI status --json > $J
expect_eq $T/status_json "$(jq_py "[(c['name'], c['state'], c['filter'].get('dport'), c['filter'].get('proto')) for c in d['collectors'] if c['state'] == 'on']")" "[('drops', 'on', 9, 'udp')]"
expect_eq $T/status_probe "$(jq_py "[(p['name'], p['type'], p['state']) for p in d['collectors'][0]['probes']]")" "[('kfree_skb', 'tracepoint', 'attached')]"
expect_eq $T/status_filtered "$(jq_py "d['collectors'][0]['counters']['filtered'] >= 5")" True

# --- --interval: deltas add up to exactly what was sent during the reports ----------------------
coproc DROPS { $CLI drops --interval 1 --count 3 --json; }
read -r first <&"${DROPS[0]}"
udp_send 127.0.0.1 40102 127.0.0.1 9 30
cat <&"${DROPS[0]}" > $J
wait $DROPS_PID 2>/dev/null
expect_eq $T/interval_reports "$(wc -l < $J)" 2
expect_eq $T/interval_delta_sum "$(python3 -c "
import json
print(sum(e['count'] for l in open('$J') for e in json.loads(l)['entries'] if e['flow']['sport']==40102))")" 30

# --- reset, disable -----------------------------------------------------------------------------
check $T/reset $CLI reset drops
$CLI drops --json > $J
expect_eq $T/reset_empty "$(jq_py "len(d['entries'])")" 0
check $T/disable $CLI disable drops
expect_eq $T/disabled "$($CLI status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["collectors"][0]["state"])')" off

# --- errors: one line naming the bad value, exit 2, never reaching the kernel -----------------
bad() {  # bad NAME WANT_IN_MESSAGE ARGS...
  local name=$1 want=$2 out rc; shift 2
  out=$($CLI "$@" 2>&1); rc=$?
  if [ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *"$want"* ]]; then pass "$T/$name"
  else fail "$T/$name" "rc=$rc out='$out'"; fi
}
bad bad_port 70000 drops --dport 70000
bad bad_addr 10.0.0.300 enable drops --src-ip 10.0.0.300
bad bad_prefix /40 enable drops --dst-ip 10.0.0.0/40
bad bad_proto foo enable drops --proto foo
bad bad_dev xxxxxxxxxxxxxxxxxx enable drops --dev xxxxxxxxxxxxxxxxxx
bad bad_collector nosuch enable nosuch
bad bad_command frobnicate frobnicate
bad bad_option --bogus drops --bogus
for sub in status probes enable disable reset drops softirqs timers irqoff latency tun vhost kvm \
    virtio vmpath start stop; do
  check $T/help_$sub $CLI $sub --help
  expect_eq $T/help_exit_$sub "$($CLI $sub --help | grep -c '^Exit status: 0 success, 1 runtime error, 2 usage error, 3 the module$')" 1
done
# every collector by name, kvm and virtio too (their probes wait for their modules)
for c in kvm virtio; do
  check $T/enable_$c $CLI enable $c
  expect_eq $T/on_$c "$($CLI status --json | python3 -c "import json, sys
print([x['state'] for x in json.load(sys.stdin)['collectors'] if x['name'] == '$c'])")" "['on']"
  check $T/disable_$c $CLI disable $c
  check $T/reset_$c $CLI reset $c
done
expect_eq $T/help_exit_top "$($CLI --help | grep -c '^Exit status: 0 success, 1 runtime error, 2 usage error, 3 the module$')" 1
# --- exit statuses a script can tell apart: 4 not permitted --------------------------------
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $CLI status 2>&1); rc=$?
expect_eq $T/eperm_rc $rc 4
expect_eq $T/eperm_msg "$(echo "$out" | grep -c 'permission denied')" 1

dmesg_clean $T/dmesg_clean

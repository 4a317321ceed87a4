#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# tests/vm/vmpath-check.py JSON TUN VHOST KVM DEV PID WORKERS DROPS
#
# Checks one report of `vnetscope vmpath --dev DEV --json` (the file JSON) against the text
# views read at the same moment (TUN, VHOST, KVM: copies of /proc/vnetscope/{tun,vhost,kvm}),
# for the VM of qemu PID whose vhost-net workers are WORKERS (thread ids, comma-separated) and
# whose port had DROPS drops in the drop collector.  Prints one line per check,
# "NAME GOT WANT", for the scenario's expect_eq: the queues of DEV and their sockets, each
# queue's counters, the virtqueues joined to each queue (socket, worker, qemu's pid, counters),
# the GSIs of that qemu's VM, the drops.
import json
import sys


def view(path):
    recs = []
    with open(path) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            recs.append(dict(w.split('=', 1) for w in line.split() if '=' in w))
    return recs


def out(name, got, want):
    print(name, str(got).replace(' ', ','), str(want).replace(' ', ','))


js, tunf, vhf, kvmf, dev, pid, workers, drops = sys.argv[1:9]
with open(js) as f:
    r = json.loads(f.readline())
tun = [q for q in view(tunf) if q.get('dev') == dev]
vh = view(vhf)
kvm = [g for g in view(kvmf) if g.get('type') == 'gsi' and g.get('pid') == pid]
workers = sorted(workers.split(','))
drop_keys = ('ring_full', 'no_queue', 'filter', 'other')

out('dev', r.get('dev'), dev)
out('queues', ' '.join(str(q['queue']) for q in r['queues']),
    ' '.join(sorted((q['queue'] for q in tun), key=int)))
seen_workers = set()
for q in r['queues']:
    n = 'queue%d' % q['queue']
    t = [x for x in tun if x['queue'] == str(q['queue'])]
    if len(t) != 1:
        out(n + '_in_tun_view', len(t), 1)
        continue
    t = t[0]
    out(n + '_sock', '%08x' % q['sock'] if q.get('sock') is not None else '-', t['sock'])
    out(n + '_to_guest', q['to_guest'], t['tx_packets'])
    out(n + '_from_guest', q['from_guest'], t['rx_packets'])
    out(n + '_dropped', q['dropped'], sum(int(t['drop_' + k]) for k in drop_keys))
    for k in drop_keys:
        out(n + '_drop_' + k, q['drops'][k], t['drop_' + k])
    out(n + '_ring_size', q.get('ring_size'), t['ring_size'])
    out(n + '_fill_max', q.get('fill_max'), t['fill_max'])
    # the virtqueues that serve this queue's socket: one RX, one TX, one worker, qemu's pid
    vqs = sorted(q['vhost'], key=lambda v: v['dir'])
    out(n + '_vhost_dirs', ' '.join(v['dir'] for v in vqs), 'rx tx')
    out(n + '_vhost_one_worker', len(set(v['worker'] for v in vqs)), 1)
    for v in vqs:
        m = '%s_vhost_%s' % (n, v['dir'])
        w = [x for x in vh if x['dir'] == v['dir'] and x['sock'] == t['sock']]
        if len(w) != 1:
            out(m + '_in_vhost_view', len(w), 1)
            continue
        w = w[0]
        out(m + '_qemu_pid', v.get('qemu_pid'), pid)
        out(m + '_worker', v['worker'], w['worker'])
        out(m + '_worker_is_vhost_thread', str(v['worker']) in workers, True)
        seen_workers.add(str(v['worker']))
        for k in ('packets', 'bytes', 'runs_kick', 'runs_net', 'signals', 'suppressed', 'empty'):
            out('%s_%s' % (m, k), v[k], w[k])
out('workers', ' '.join(sorted(seen_workers)), ' '.join(workers))
vms = r.get('vms') or []
out('vms', ' '.join(str(v['pid']) for v in vms), pid)
got = sorted((g['gsi'], g['wakeups'], g['fast_ok'], g['slow']) for v in vms for g in v['gsis'])
want = sorted((int(g['gsi']), int(g['wakeups_in']), int(g['fast_ok']), int(g['slow'])) for g in kvm)
out('gsis', ' '.join('%d:%d/%d/%d' % g for g in got), ' '.join('%d:%d/%d/%d' % g for g in want))
out('drops', r.get('drops'), drops)

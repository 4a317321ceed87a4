#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""middump.py: start a VNS_CMD_DROP_GET dump, read its first batch, then hold the dump open
(the module is mid-dump) until stdin closes; then finish reading and report.  Prints
"started N" after the first batch and "done TOTAL" (or "error ERRNO") at the end."""
import struct, sys

from vnsnl import NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, VNS_CMD_DROP_GET
from vnsnl import messages, msg, open_family

s, fam = open_family(rcvbuf=4096)
if fam is None:
    sys.exit("middump: no family")
s.send(msg(fam, VNS_CMD_DROP_GET, NLM_F_REQUEST | NLM_F_DUMP))
total, first = 0, True
while True:
    buf = s.recv(1 << 16)
    done = False
    for typ, p in messages(buf):
        if typ == NLMSG_DONE:
            done = True
        elif typ == NLMSG_ERROR:
            print("error", -struct.unpack_from('i', p)[0], flush=True)
            sys.exit(1)
        else:
            total += 1
    if first:
        print("started", total, flush=True)
        sys.stdin.read()          # hold the dump open
        first = False
    if done:
        break
print("done", total, flush=True)

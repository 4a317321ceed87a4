#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bigdump.py: dump VNS_CMD_DROP_GET reading with 4096-byte recv() calls (so the kernel's dump
skbs stay one page) and print "msgs N truncated T count_of_truncated C frames_of_truncated F"
or "error ERRNO" when the dump fails, in an NLMSG_ERROR or in NLMSG_DONE (EMSGSIZE = 90: a
record that did not fit)."""
import struct, sys

from vnsnl import NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, VNS_CMD_DROP_GET
from vnsnl import attrs, messages, msg, open_family

VNS_A_DROP, VNS_A_TRUNCATED = 9, 20
VNS_DROP_A_COUNT, VNS_DROP_A_STACK = 2, 9

s, fam = open_family(recvlen=4096)      # no recv() larger than a page
if fam is None:
    sys.exit("bigdump: no family")
s.send(msg(fam, VNS_CMD_DROP_GET, NLM_F_REQUEST | NLM_F_DUMP))
n = trunc = count = frames = 0
while True:
    done = False
    for typ, p in messages(s.recv(4096)):
        if typ == NLMSG_DONE:
            # the dump's end carries its error, if it failed (EMSGSIZE: a record did not fit)
            err = -struct.unpack_from('i', p)[0] if len(p) >= 4 else 0
            if err:
                print("error", err, flush=True)
                sys.exit(0)
            done = True
        elif typ == NLMSG_ERROR:
            print("error", -struct.unpack_from('i', p)[0], flush=True)
            sys.exit(0)
        else:
            n += 1
            top = dict(attrs(p[4:]))
            if VNS_A_TRUNCATED in top:
                trunc += 1
                rec = dict(attrs(top.get(VNS_A_DROP, b'')))
                if VNS_DROP_A_COUNT in rec:
                    count += struct.unpack_from('Q', rec[VNS_DROP_A_COUNT])[0]
                if VNS_DROP_A_STACK in rec:
                    frames += sum(1 for _ in attrs(rec[VNS_DROP_A_STACK]))
    if done:
        break
print("msgs %d truncated %d count_of_truncated %d frames_of_truncated %d" % (n, trunc, count, frames),
      flush=True)

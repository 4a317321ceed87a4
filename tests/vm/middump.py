#!/usr/bin/env python3
"""middump.py: start a VNS_CMD_DROP_GET dump, read its first batch, then hold the dump open
(the module is mid-dump) until stdin closes; then finish reading and report.  Prints
"started N" after the first batch and "done TOTAL" (or "error ERRNO") at the end."""
import os, socket, struct, sys

NETLINK_GENERIC, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID = 16, 16, 3, 1
CTRL_ATTR_FAMILY_NAME, NLM_F_REQUEST, NLM_F_DUMP, NLMSG_ERROR, NLMSG_DONE = 2, 1, 0x300, 2, 3
VNS_CMD_DROP_GET = 3


def msg(fam, cmd, flags, attrs=b''):
    body = struct.pack('BBH', cmd, 1, 0) + attrs
    return struct.pack('IHHII', 16 + len(body), fam, flags, 1, 0) + body


def nla(t, data):
    ln = 4 + len(data)
    return struct.pack('HH', ln, t) + data + b'\0' * ((4 - ln % 4) % 4)


def messages(buf):
    off = 0
    while off + 16 <= len(buf):
        ln, typ = struct.unpack_from('IH', buf, off)
        yield typ, buf[off + 16:off + ln]
        off += (ln + 3) & ~3


s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.send(msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST, nla(CTRL_ATTR_FAMILY_NAME, b'vnetscope\0')))
fam = None
for typ, p in messages(s.recv(65536)):
    off = 4
    while off + 4 <= len(p):
        ln, t = struct.unpack_from('HH', p, off)
        if t == CTRL_ATTR_FAMILY_ID:
            fam = struct.unpack_from('H', p, off + 4)[0]
        off += (ln + 3) & ~3
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

#!/usr/bin/env python3
"""bigdump.py: dump VNS_CMD_DROP_GET reading with 4096-byte recv() calls (so the kernel's dump
skbs stay one page) and print "msgs N truncated T count_of_truncated C frames_of_truncated F"
or "error ERRNO" when the dump fails, in an NLMSG_ERROR or in NLMSG_DONE (EMSGSIZE = 90: a
record that did not fit)."""
import socket, struct, sys

NETLINK_GENERIC, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID = 16, 16, 3, 1
CTRL_ATTR_FAMILY_NAME, NLM_F_REQUEST, NLM_F_DUMP, NLMSG_ERROR, NLMSG_DONE = 2, 1, 0x300, 2, 3
VNS_CMD_DROP_GET, VNS_A_DROP, VNS_A_TRUNCATED = 3, 9, 20
VNS_DROP_A_COUNT, VNS_DROP_A_STACK = 2, 9


def msg(fam, cmd, flags, attrs=b''):
    body = struct.pack('BBH', cmd, 1, 0) + attrs
    return struct.pack('IHHII', 16 + len(body), fam, flags, 1, 0) + body


def nla(t, data):
    ln = 4 + len(data)
    return struct.pack('HH', ln, t) + data + b'\0' * ((4 - ln % 4) % 4)


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from('HH', buf, off)
        if ln < 4:
            break
        yield t & 0x3fff, buf[off + 4:off + ln]
        off += (ln + 3) & ~3


def messages(buf):
    off = 0
    while off + 16 <= len(buf):
        ln, typ = struct.unpack_from('IH', buf, off)
        yield typ, buf[off + 16:off + ln]
        off += (ln + 3) & ~3


s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
s.send(msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST, nla(CTRL_ATTR_FAMILY_NAME, b'vnetscope\0')))
fam = None
for typ, p in messages(s.recv(4096)):
    for t, d in attrs(p[4:]):
        if t == CTRL_ATTR_FAMILY_ID:
            fam = struct.unpack_from('H', d)[0]
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

# SPDX-License-Identifier: GPL-2.0
"""vnsnl.py: the generic-netlink pieces the VM's Python helpers share (middump.py, bigdump.py):
build a request, walk messages and attributes, resolve the vnetscope family."""
import socket, struct

NETLINK_GENERIC, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID = 16, 16, 3, 1
CTRL_ATTR_FAMILY_NAME, NLM_F_REQUEST, NLM_F_DUMP, NLMSG_ERROR, NLMSG_DONE = 2, 1, 0x300, 2, 3
VNS_CMD_DROP_GET = 3


def msg(fam, cmd, flags, attrs=b''):
    body = struct.pack('BBH', cmd, 1, 0) + attrs
    return struct.pack('IHHII', 16 + len(body), fam, flags, 1, 0) + body


def nla(t, data):
    ln = 4 + len(data)
    return struct.pack('HH', ln, t) + data + b'\0' * ((4 - ln % 4) % 4)


def attrs(buf):
    """(type, payload) of each attribute in buf, the nested flag cleared"""
    off = 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from('HH', buf, off)
        if ln < 4:
            break
        yield t & 0x3fff, buf[off + 4:off + ln]
        off += (ln + 3) & ~3


def messages(buf):
    """(type, payload after the netlink header) of each message in buf"""
    off = 0
    while off + 16 <= len(buf):
        ln, typ = struct.unpack_from('IH', buf, off)
        yield typ, buf[off + 16:off + ln]
        off += (ln + 3) & ~3


def open_family(rcvbuf=None, recvlen=65536):
    """a generic-netlink socket and the vnetscope family's id (None if not registered).
    recvlen: the recv() size of the lookup; the kernel sizes later dump skbs after the largest
    recv() the socket made (netlink's max_recvmsg_len)"""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.send(msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST,
               nla(CTRL_ATTR_FAMILY_NAME, b'vnetscope\0')))
    fam = None
    for _, p in messages(s.recv(recvlen)):
        for t, d in attrs(p[4:]):
            if t == CTRL_ATTR_FAMILY_ID:
                fam = struct.unpack_from('H', d)[0]
    return s, fam

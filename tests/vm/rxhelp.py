#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers of tests/vm/scenarios/97-rx.sh (python3's standard library only).

rxhelp.py gro IFACE [on|off]
    Prints the interface's GRO setting ("on"/"off"), after setting it when
    asked (the ethtool ioctl: the guest has no ethtool).
rxhelp.py forge-read SPORT DPORT COUNT
    Sends COUNT UDP datagrams ::1 SPORT -> ::1 DPORT to a socket that never
    reads them (payload: a big-endian sequence number from 1, then 12 bytes),
    then COUNT AF_UNIX datagrams holding the same IPv6/UDP packets, forged
    byte for byte, and reads those. Prints COUNT.
rxhelp.py forge-drop SPORT DPORT COUNT
    COUNT AF_UNIX datagrams holding a forged IPv6/UDP packet ::1 SPORT ->
    ::1 DPORT, each sent to a peer that is gone: the kernel drops each skb
    (kfree_skb). Prints how many sends failed.
"""
import ctypes
import fcntl
import socket
import struct
import sys
import time

SIOCETHTOOL = 0x8946
ETHTOOL_GGRO = 0x2b
ETHTOOL_SGRO = 0x2c
LO6 = socket.inet_pton(socket.AF_INET6, "::1")


def ethtool(name, cmd, data=0):
    val = ctypes.create_string_buffer(struct.pack("II", cmd, data), 8)
    ifr = struct.pack("16sQ16x", name.encode(), ctypes.addressof(val))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
    return struct.unpack("II", val.raw)[1]


def payload(seq):
    return struct.pack(">I", seq) + b"x" * 12


def forged(sport, dport, seq):
    """The IPv6/UDP packet a socket sends ::1 sport -> ::1 dport"""
    data = payload(seq)
    udp = struct.pack(">HHHH", sport, dport, 8 + len(data), 0) + data
    ip6 = struct.pack(">IHBB", 6 << 28, len(udp), 17, 64) + LO6 + LO6
    return ip6 + udp


def main(argv):
    if len(argv) >= 3 and argv[1] == "gro":
        if len(argv) == 4:
            ethtool(argv[2], ETHTOOL_SGRO, argv[3] == "on")
        print("on" if ethtool(argv[2], ETHTOOL_GGRO) else "off")
        return 0
    if len(argv) == 5 and argv[1] == "forge-read":
        sport, dport, count = int(argv[2]), int(argv[3]), int(argv[4])
        rx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        rx.bind(("::1", dport))
        tx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        tx.bind(("::1", sport))
        for seq in range(1, count + 1):
            tx.sendto(payload(seq), ("::1", dport))
        time.sleep(0.1)
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        for seq in range(1, count + 1):
            a.send(forged(sport, dport, seq))
            b.recv(2048)
        print(count)
        return 0
    if len(argv) == 5 and argv[1] == "forge-drop":
        sport, dport, count = int(argv[2]), int(argv[3]), int(argv[4])
        failed = 0
        for seq in range(1, count + 1):
            a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
            b.close()
            try:
                a.send(forged(sport, dport, seq))
            except OSError:
                failed += 1
            a.close()
        print(failed)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tapreader.py IFNAME DPORT: attach to (create) the TAP device IFNAME, print "ready", then read
every frame the kernel transmits on it until stdin closes; print "frames N udp M", M being the
IPv4 UDP datagrams to DPORT.  The fd keeps the TAP's carrier up, so tun_net_xmit runs."""
import fcntl, os, select, struct, sys

TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000


def main():
    name, dport = sys.argv[1], int(sys.argv[2])
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI))
    print('ready', flush=True)
    frames = udp = 0
    stdin = sys.stdin.fileno()
    while True:
        r, _, _ = select.select([fd, stdin], [], [])
        if fd in r:
            f = os.read(fd, 65536)
            frames += 1
            # Ethernet, IPv4, UDP, destination port
            if len(f) >= 38 and f[12:14] == b'\x08\x00' and f[23] == 17:
                ihl = (f[14] & 0x0f) * 4
                if struct.unpack('!H', f[14 + ihl + 2:14 + ihl + 4])[0] == dport:
                    udp += 1
            continue
        if not os.read(stdin, 4096):
            break
    # drain what is queued
    os.set_blocking(fd, False)
    try:
        while True:
            f = os.read(fd, 65536)
            frames += 1
            if len(f) >= 38 and f[12:14] == b'\x08\x00' and f[23] == 17:
                ihl = (f[14] & 0x0f) * 4
                if struct.unpack('!H', f[14 + ihl + 2:14 + ihl + 4])[0] == dport:
                    udp += 1
    except BlockingIOError:
        pass
    print('frames %d udp %d' % (frames, udp), flush=True)


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tapvnet.py IFNAME NQUEUES [tap|tun]: create the multi-queue TAP (or, with "tun", L3 TUN)
IFNAME with NQUEUES queues (one fd each, IFF_MULTI_QUEUE | IFF_NO_PI | IFF_VNET_HDR: each frame
written begins with a struct virtio_net_hdr),
print "ready", then for each line "Q GOOD BAD" read from stdin write GOOD good frames and then
BAD bad ones on queue Q's fd, and print "Q <good written> <bad refused with EINVAL>".  A good
frame has a header with no GSO; a bad one a header whose gso_type (0x7f) no kernel knows, which
TUN's tun_get_user() refuses (virtio_net_hdr_to_skb() fails: -EINVAL, rx_frame_errors).  Both
carry a broadcast Ethernet frame of the local experimental EtherType 0x88b5 (no protocol takes
it); on a TUN, an IPv4 packet 198.51.100.9 -> 198.51.100.2 of the experimental protocol 253.  Exits when stdin closes: closing the fds deletes the TAP (it is not persistent)."""
import errno, fcntl, os, struct, sys

TUNSETIFF = 0x400454ca
IFF_TUN, IFF_TAP, IFF_NO_PI, IFF_MULTI_QUEUE, IFF_VNET_HDR = 0x0001, 0x0002, 0x1000, 0x0100, 0x4000
ETH_FRAME = b'\xff' * 6 + b'\x02\x00\x00\x00\x00\x09' + b'\x88\xb5' + bytes(46)


def ip_packet():
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, 0, 0, 64, 253, 0,
                      bytes([198, 51, 100, 9]), bytes([198, 51, 100, 2]))
    csum = sum(struct.unpack('!10H', hdr))
    csum = (csum & 0xffff) + (csum >> 16)
    csum = ~((csum & 0xffff) + (csum >> 16)) & 0xffff
    return hdr[:10] + struct.pack('!H', csum) + hdr[12:] + bytes(8)


# struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset (x86: LE)
GOOD = struct.pack('<BBHHHH', 0, 0, 0, 0, 0, 0)
BAD = struct.pack('<BBHHHH', 0, 0x7f, 0, 1000, 0, 0)


def main():
    name, nq = sys.argv[1], int(sys.argv[2])
    tun = len(sys.argv) > 3 and sys.argv[3] == 'tun'
    frame = ip_packet() if tun else ETH_FRAME
    fds = []
    for _ in range(nq):
        fd = os.open('/dev/net/tun', os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack(
            '16sH', name.encode(),
            (IFF_TUN if tun else IFF_TAP) | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_VNET_HDR))
        fds.append(fd)
    print('ready', flush=True)
    for line in sys.stdin:
        q, good, bad = (int(w) for w in line.split())
        ok = refused = 0
        for _ in range(good):
            if os.write(fds[q], GOOD + frame) == len(GOOD + frame):
                ok += 1
        for _ in range(bad):
            try:
                os.write(fds[q], BAD + frame)
            except OSError as e:
                if e.errno == errno.EINVAL:
                    refused += 1
        print('%d %d %d' % (q, ok, refused), flush=True)


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tapguest.py: a small program acting as the guest of a VM, on a TAP device.

usage: tapguest.py --tap NAME --mac MAC --ip A/N [--peer B] [--peer-mac MAC] [--count N]
                   [--interval-ms X] [--answer K] [--id ID] [--timeout S]

It opens (creates) the TAP device NAME (IFF_TAP | IFF_NO_PI), prints "ready", and waits until
the host sets the link up (IFF_UP; a bridge or an OVS port can be set up meanwhile). From
then on it behaves as a host with Ethernet address MAC and IPv4 address A, as a VM's network
stack would on the other side of its TAP:
  - it answers ARP requests for A;
  - it answers ICMP echo requests to A (counted in "answered");
  - with --peer B it resolves B by ARP (a request every second; or --peer-mac gives it), then
    sends N ICMP echo requests to B, ICMP id ID (default 0x7673), sequence numbers 1..N, one
    every X ms (default 200), and counts the distinct echo replies it gets ("received").
It stops when every request has its reply (or 2 s after the last request, or --timeout S
after it started, default 30) and it has answered K requests (--answer, default 0), closes
the TAP (which then disappears) and prints one line:
    sent=N received=M answered=K
With an IPv6 address A (and peer B) it does the same in ICMPv6: it answers neighbour
solicitations for A and echo requests to A, and pings B, whose Ethernet address --peer-mac
must then give (it sends no solicitation of its own).
Exit status: 0 if M == N and at least --answer requests were answered, 1 otherwise, 2 on a
usage error or when the TAP cannot be opened. Frames it does not know (other protocols) are
ignored. Run it as root.
"""
import argparse
import fcntl
import ipaddress
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000
SIOCGIFFLAGS, IFF_UP = 0x8913, 0x1
ETH_P_IP, ETH_P_ARP, ETH_P_IPV6 = 0x0800, 0x0806, 0x86dd
IPPROTO_ICMPV6 = 58
BROADCAST = b'\xff' * 6
PAYLOAD = bytes(range(56))          # 56 bytes of data, as ping sends


def csum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac_bytes(text):
    b = bytes(int(x, 16) for x in text.split(':'))
    if len(b) != 6:
        raise ValueError(text)
    return b


def eth(dst, src, proto, payload):
    return dst + src + struct.pack('!H', proto) + payload


def arp(op, sha, spa, tha, tpa):
    """An Ethernet/IPv4 ARP packet: op 1 request, 2 reply."""
    return struct.pack('!HHBBH6s4s6s4s', 1, ETH_P_IP, 6, 4, op, sha, spa, tha, tpa)


def ipv4_icmp(src, dst, ident, icmp_type, icmp_id, seq, data):
    """An IPv4 packet carrying an ICMP echo request (type 8) or reply (type 0)."""
    icmp = struct.pack('!BBHHH', icmp_type, 0, 0, icmp_id, seq) + data
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), ident, 0, 64, 1, 0, src, dst)
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + icmp


def ipv6_icmp(src, dst, icmp_type, body, hlim=64):
    """An IPv6 packet carrying the ICMPv6 message icmp_type with body (after the checksum)."""
    icmp = struct.pack('!BBH', icmp_type, 0, 0) + body
    pseudo = src + dst + struct.pack('!I3xB', len(icmp), IPPROTO_ICMPV6)
    icmp = icmp[:2] + struct.pack('!H', csum(pseudo + icmp)) + icmp[4:]
    return struct.pack('!IHBB16s16s', 6 << 28, len(icmp), IPPROTO_ICMPV6, hlim, src, dst) + icmp


class Guest:
    def __init__(self, a):
        self.a = a
        self.mac = mac_bytes(a.mac)
        iface = ipaddress.ip_interface(a.ip)
        self.ip = iface.ip.packed
        self.peer = ipaddress.ip_address(a.peer).packed if a.peer else None
        if a.peer and ipaddress.ip_address(a.peer) not in iface.network:
            raise ValueError('--peer %s is not in %s' % (a.peer, iface.network))
        self.peer_mac = mac_bytes(a.peer_mac) if a.peer_mac else None
        self.v6 = iface.version == 6
        if self.v6 and a.peer and not a.peer_mac:
            raise ValueError('--peer with an IPv6 address needs --peer-mac')
        self.sent = 0
        self.replied = set()        # sequence numbers that got their reply
        self.answered = 0
        self.ident = 0              # IPv4 identification of the packets sent

    def open_tap(self):
        self.fd = os.open('/dev/net/tun', os.O_RDWR)
        fcntl.ioctl(self.fd, TUNSETIFF, struct.pack('16sH', self.a.tap.encode(), IFF_TAP | IFF_NO_PI))
        os.set_blocking(self.fd, False)

    def link_up(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            r = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack('16sH', self.a.tap.encode(), 0))
        finally:
            s.close()
        return struct.unpack('16sH', r[:18])[1] & IFF_UP

    def send(self, frame):
        try:
            os.write(self.fd, frame)
        except OSError as e:        # e.g. EIO while the link is down: a lost frame, as on a wire
            print('tapguest: write: %s' % e, file=sys.stderr)

    def send_ip(self, dst_mac, dst, icmp_type, icmp_id, seq, data):
        """An echo request or reply, in IPv4 (types 8, 0) or IPv6 (the same, mapped)."""
        if self.v6:
            t6 = {8: 128, 0: 129}[icmp_type]
            self.send(eth(dst_mac, self.mac, ETH_P_IPV6,
                          ipv6_icmp(self.ip, dst, t6, struct.pack('!HH', icmp_id, seq) + data)))
            return
        self.ident = (self.ident + 1) & 0xffff
        self.send(eth(dst_mac, self.mac, ETH_P_IP,
                      ipv4_icmp(self.ip, dst, self.ident, icmp_type, icmp_id, seq, data)))

    def receive6(self, f):
        """An IPv6 frame: neighbour solicitations for our address, echo requests and replies."""
        if len(f) < 14 + 40 + 8 or f[14] >> 4 != 6 or f[20] != IPPROTO_ICMPV6:
            return
        plen = struct.unpack('!H', f[18:20])[0]
        src, dst = f[22:38], f[38:54]
        icmp = f[54:54 + plen]
        pseudo = src + dst + struct.pack('!I3xB', len(icmp), IPPROTO_ICMPV6)
        if len(icmp) < 8 or csum(pseudo + icmp) != 0:
            return
        icmp_type = icmp[0]
        if icmp_type == 135 and len(icmp) >= 24 and icmp[8:24] == self.ip:
            # neighbour advertisement: solicited, override, with our link-layer address
            body = struct.pack('!I', 0x60000000) + self.ip + struct.pack('!BB', 2, 1) + self.mac
            to = src if src != b'\0' * 16 else ipaddress.ip_address('ff02::1').packed
            self.send(eth(f[6:12], self.mac, ETH_P_IPV6, ipv6_icmp(self.ip, to, 136, body, 255)))
            return
        if dst != self.ip:
            return
        icmp_id, seq = struct.unpack('!HH', icmp[4:8])
        if icmp_type == 128:
            self.send_ip(f[6:12], src, 0, icmp_id, seq, icmp[8:])
            self.answered += 1
        elif icmp_type == 129 and src == self.peer and icmp_id == self.a.id and 1 <= seq <= self.sent:
            self.replied.add(seq)

    def receive(self, f):
        """Handles one frame from the host."""
        if len(f) < 14:
            return
        proto = struct.unpack('!H', f[12:14])[0]
        if self.v6:
            # ours, or IPv6 multicast (a solicitation goes to the solicited-node group)
            if proto == ETH_P_IPV6 and (f[0:6] == self.mac or f[0:2] == b'\x33\x33'):
                self.receive6(f)
            return
        if f[0:6] not in (self.mac, BROADCAST):
            return
        if proto == ETH_P_ARP and len(f) >= 42:
            _, ptype, _, _, op, sha, spa, _, tpa = struct.unpack('!HHBBH6s4s6s4s', f[14:42])
            if ptype != ETH_P_IP:
                return
            if op == 1 and tpa == self.ip:
                self.send(eth(sha, self.mac, ETH_P_ARP, arp(2, self.mac, self.ip, sha, spa)))
            if spa == self.peer and self.peer_mac is None:
                self.peer_mac = sha             # a reply, or a request from the peer itself
            return
        if proto != ETH_P_IP or len(f) < 34 or f[14] >> 4 != 4 or f[23] != 1:
            return
        ihl = (f[14] & 0x0f) * 4
        total = struct.unpack('!H', f[16:18])[0]
        src, dst = f[26:30], f[30:34]
        icmp = f[14 + ihl:14 + total]
        if dst != self.ip or len(icmp) < 8 or csum(icmp) != 0:
            return
        icmp_type, _, _, icmp_id, seq = struct.unpack('!BBHHH', icmp[:8])
        if icmp_type == 8:          # echo request: the same id, sequence and data back
            self.send_ip(f[6:12], src, 0, icmp_id, seq, icmp[8:])
            self.answered += 1
        elif icmp_type == 0 and src == self.peer and icmp_id == self.a.id and 1 <= seq <= self.sent:
            self.replied.add(seq)

    def run(self):
        a = self.a
        start = time.monotonic()
        deadline = start + a.timeout
        while not self.link_up():
            if time.monotonic() > deadline:
                print('tapguest: %s never came up' % a.tap, file=sys.stderr)
                return
            time.sleep(0.05)
        count = a.count
        next_arp = next_ping = time.monotonic()
        last_ping = None
        while True:
            now = time.monotonic()
            if now > deadline:
                break
            done_pinging = self.sent == count and (
                len(self.replied) == count or (last_ping is not None and now > last_ping + 2))
            if done_pinging and self.answered >= a.answer:
                break
            if self.peer and self.peer_mac is None and now >= next_arp:
                self.send(eth(BROADCAST, self.mac, ETH_P_ARP, arp(1, self.mac, self.ip, b'\0' * 6, self.peer)))
                next_arp = now + 1
            if self.peer_mac is not None and self.sent < count and now >= next_ping:
                self.sent += 1
                self.send_ip(self.peer_mac, self.peer, 8, a.id, self.sent, PAYLOAD)
                last_ping = now
                next_ping = now + a.interval_ms / 1000
            r, _, _ = select.select([self.fd], [], [], 0.02)
            while r:
                try:
                    f = os.read(self.fd, 65536)
                except BlockingIOError:
                    break
                self.receive(f)


def main():
    p = argparse.ArgumentParser(description='A VM guest on a TAP device: answers ARP and '
                                'pings, pings a peer, counts the replies.')
    p.add_argument('--tap', required=True, help='TAP device to open (created if missing)')
    p.add_argument('--mac', required=True, help="the guest's Ethernet address")
    p.add_argument('--ip', required=True, help="the guest's IPv4 or IPv6 address and prefix, A/N")
    p.add_argument('--peer', help='address to ping (in the same subnet)')
    p.add_argument('--peer-mac', help="the peer's Ethernet address (default: ARP; IPv6 needs it)")
    p.add_argument('--count', type=int, default=5, help='echo requests to send to --peer (default 5)')
    p.add_argument('--interval-ms', type=int, default=200, help='between requests (default 200)')
    p.add_argument('--answer', type=int, default=0,
                   help='echo requests to answer before it stops (default 0)')
    p.add_argument('--id', type=lambda s: int(s, 0), default=0x7673, help='ICMP id (default 0x7673)')
    p.add_argument('--timeout', type=float, default=30, help='seconds in all (default 30)')
    a = p.parse_args()
    if not a.peer:
        a.count = 0             # nothing to ping: a guest that only answers
    try:
        g = Guest(a)
        g.open_tap()
    except (ValueError, OSError) as e:
        print('tapguest: %s' % e, file=sys.stderr)
        return 2
    print('ready', flush=True)
    g.run()
    os.close(g.fd)
    print('sent=%d received=%d answered=%d' % (g.sent, len(g.replied), g.answered), flush=True)
    return 0 if len(g.replied) == a.count and g.answered >= a.answer else 1


sys.exit(main())

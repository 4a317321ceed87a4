#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tapmq.py IFNAME NQUEUES READ: create the multi-queue TAP IFNAME with NQUEUES queues (one fd
each, IFF_MULTI_QUEUE), print "ready", then read the frames the kernel transmits on the queues
listed in READ (comma-separated indices, "" for none) until stdin closes; the other queues
are held but never read, so that their tx rings fill.  At the end (after draining the read
queues) print one line "q<N>=<frames>" per read queue, space-separated, and exit: closing the
fds deletes the TAP (it is not persistent)."""
import fcntl, os, select, struct, sys

TUNSETIFF, IFF_TAP, IFF_NO_PI, IFF_MULTI_QUEUE = 0x400454ca, 0x0002, 0x1000, 0x0100


def main():
    name, nq = sys.argv[1], int(sys.argv[2])
    read = [int(q) for q in sys.argv[3].split(',') if q] if len(sys.argv) > 3 else []
    fds = []
    for _ in range(nq):
        fd = os.open('/dev/net/tun', os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF,
                    struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE))
        fds.append(fd)
    print('ready', flush=True)
    frames = {q: 0 for q in read}
    byfd = {fds[q]: q for q in read}
    stdin = sys.stdin.fileno()
    while True:
        r, _, _ = select.select(list(byfd) + [stdin], [], [])
        for fd in r:
            if fd == stdin:
                continue
            try:
                os.read(fd, 65536)
                frames[byfd[fd]] += 1
            except OSError:     # the TAP was deleted under us: stop reading it
                del byfd[fd]
        if stdin in r and not os.read(stdin, 4096):
            break
    for fd, q in byfd.items():
        os.set_blocking(fd, False)
        try:
            while True:
                os.read(fd, 65536)
                frames[q] += 1
        except OSError:
            pass
    print(' '.join('q%d=%d' % (q, frames[q]) for q in read), flush=True)


main()

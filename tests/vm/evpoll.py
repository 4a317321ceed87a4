#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""evpoll.py FILE: open the events file FILE and, until stdin closes, keep polling it while the
module goes: one thread blocks in poll() (it reports how long after "ready" it was woken and
with what), the main loop registers the file in a new epoll instance every 2 ms and keeps them
all, so that some registrations come while vnetscope unloads.  Prints "ready", then at the end
"regs N pollhup H blocked_woke W" (W: the blocked poll() returned: 1, or 0), then closes the
epoll instances (an entry left in a freed wait queue would crash here) and exits."""
import os, resource, select, sys, threading, time

path = sys.argv[1]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
woke = []


def blocked():
    p = select.poll()
    p.register(fd, select.POLLIN)
    ev = p.poll()                    # no timeout: only the unload wakes it
    woke.append(ev)


t = threading.Thread(target=blocked, daemon=True)
t.start()
print("ready", flush=True)
eps, hup = [], 0
stdin = sys.stdin.fileno()
os.set_blocking(stdin, False)
while True:
    try:
        if os.read(stdin, 4096) == b'':
            break
    except BlockingIOError:
        pass
    if len(eps) < hard - 64:
        ep = select.epoll()
        try:
            ep.register(fd, select.EPOLLIN)
        except OSError:
            ep.close()
        else:
            eps.append(ep)
            if any(e & select.EPOLLHUP for _, e in ep.poll(0)):
                hup += 1
    time.sleep(0.002)
t.join(1)
print("regs %d pollhup %d blocked_woke %d" % (len(eps), hup, 1 if woke else 0), flush=True)
for ep in eps:
    ep.close()
os.close(fd)

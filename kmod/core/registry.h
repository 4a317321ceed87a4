/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry: the one list a collector is added to, one line each, in the
 * order views, status and netlink dumps list them.  VNS_COLLECTOR(name)
 * stands for struct vns_collector vns_<name>_collector (defined in its file
 * under collectors/).  It is included twice, with a VNS_COLLECTOR() that
 * declares them (core/collector.h) and one that lists them in
 * vns_collectors[] (core/collector.c: the transports find collectors
 * there, never by name); hence no include guard.
 */
VNS_COLLECTOR(drops)
VNS_COLLECTOR(softirqs)
VNS_COLLECTOR(timers)
VNS_COLLECTOR(irqoff)
VNS_COLLECTOR(latency)
VNS_COLLECTOR(tun)
VNS_COLLECTOR(vhost)
VNS_COLLECTOR(kvm)
VNS_COLLECTOR(virtio)
#ifdef VNS_SELFTEST
VNS_COLLECTOR(selftest)
VNS_COLLECTOR(floor)
#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collectors, each defined in its own file under collectors/, for the
 * registry in core/collector.c (its only includer: the transports find
 * collectors through vns_collectors[], never by name).
 */
#ifndef _VNS_CORE_REGISTRY_H
#define _VNS_CORE_REGISTRY_H

#include "collector.h"

extern struct vns_collector vns_drops_collector;
extern struct vns_collector vns_softirqs_collector;
extern struct vns_collector vns_timers_collector;
extern struct vns_collector vns_irqoff_collector;
extern struct vns_collector vns_latency_collector;
extern struct vns_collector vns_selftest_collector;	/* VNS_SELFTEST */

#endif /* _VNS_CORE_REGISTRY_H */

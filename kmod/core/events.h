/* SPDX-License-Identifier: GPL-2.0 */
/* Details records (events), out through per-CPU rings (core/events.c) */
#ifndef _VNS_CORE_EVENTS_H
#define _VNS_CORE_EVENTS_H

#include <linux/types.h>

struct file;
struct poll_table_struct;
struct vns_collector;

#define VNS_EVENT_REC_MAX	4096	/* bytes per record, at most */
#define VNS_EVENT_LINE_MAX	4096	/* bytes per line, '\n' included */

/*
 * One set of per-CPU rings of fixed-size records, owned by the collector
 * that runs a details mode (latency).  Every record starts with a u64
 * time (ktime_get_ns()), which orders them.  alloc() and free() under
 * vns_lock, from the collector's alloc/free or while its handlers run (a
 * details mode turned on or off live): alloc() publishes the rings last,
 * free() unpublishes them first and waits for the handlers.  @per_cpu is
 * rounded up to a power of two.  The pollable "events" file (debugfs and
 * procfs) prints each record with the owner's event_show(), one line per
 * event, oldest first, and VNS_CMD_EVENT_GET sends each with its
 * event_fill(); free() drops the records not read yet.
 */
int vns_events_alloc(const struct vns_collector *c, unsigned int per_cpu,
		     size_t rec_size);
void vns_events_free(void);
/*
 * Handlers, with interrupts disabled: a record to fill on this CPU's ring,
 * then vns_event_commit().  NULL when the ring is full (counted as lost)
 * or there are no rings.
 */
void *vns_event_reserve(void);
void vns_event_commit(void);
/* Records dropped because a ring was full, since alloc */
u64 vns_events_lost(void);
/* Bytes vns_events_alloc(c, @per_cpu, @rec_size) takes */
u64 vns_events_size(unsigned int per_cpu, size_t rec_size);

/*
 * The events reader holds the reader slot: one at a time (-EBUSY), none
 * once the module is going (-ENODEV).  open()/close(): the events file
 * (views/events.c), from open to close.  round_begin()/round_end(): one
 * round of a VNS_CMD_EVENT_GET dump by netlink socket @portid in @net: the
 * socket gets a lease that each round renews; other sockets and the events
 * file get -EBUSY while it is fresh (VNS_EV_LEASE after the owner's last
 * round) and unlease() (the owner's socket closed) did not end it.
 * take(): moves records into @dst (@len bytes, at least VNS_EVENT_REC_MAX),
 * oldest first; *@owner formats them.  send(): hands the oldest records
 * one by one to @put (at most @max), each consumed only when @put returned
 * 0; the first one @put refuses stays (returns the number sent).  count():
 * the records waiting.  ready(): a record waits or the module is going
 * (closed()).  wait(): blocks until ready() or a signal (-ERESTARTSYS).
 * poll_wait(): a poller joins the wait queue, unless the module is going
 * (returns true: it did not join).  shutdown(): module exit, before the
 * files go: wakes every reader and poller for good, and no poller joins
 * after it.
 */
typedef int (*vns_event_put_t)(void *arg, const struct vns_collector *owner,
			       const void *rec);

int vns_events_open(void);
void vns_events_close(void);
int vns_events_round_begin(u32 portid, const void *net);
void vns_events_round_end(void);
void vns_events_unlease(u32 portid, const void *net);
unsigned int vns_events_take(void *dst, size_t len, size_t *rec_size,
			     const struct vns_collector **owner);
unsigned int vns_events_send(vns_event_put_t put, void *arg, unsigned int max);
unsigned int vns_events_count(void);
bool vns_events_ready(void);
bool vns_events_closed(void);
int vns_events_wait(void);
bool vns_events_poll_wait(struct file *file, struct poll_table_struct *pt);
void vns_events_shutdown(void);

#endif /* _VNS_CORE_EVENTS_H */

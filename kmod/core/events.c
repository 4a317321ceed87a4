// SPDX-License-Identifier: GPL-2.0
/*
 * Details records: per-CPU single-producer, single-consumer rings of
 * fixed-size records (include/vns/ring.h), filled by probe handlers and
 * read through the events file (views/events.c).
 *
 * Producer: a handler on its own CPU with interrupts disabled, alone on its
 * ring.  It never allocates, sleeps, spins or locks: a full ring counts the
 * record as lost.  It wakes readers through an irq_work (irq_work_queue()
 * is safe in any context, wake_up() is not), and only when one waits.
 * init_irq_work(), irq_work_queue() and irq_work_sync() are the same from
 * 3.5 to 6.12 (irq_work_queue() returned void before 3.17: the result is
 * not used), so they need no compat.
 *
 * Consumer: the one reader, which holds the reader slot: the events file
 * (from open to close, its reads serialised by the file's mutex) or the
 * netlink socket that dumps VNS_CMD_EVENT_GET (a lease, renewed by each
 * dump round of its owner: another socket gets -EBUSY until the lease is
 * VNS_EV_LEASE old or its owner's socket is closed, and only the round in
 * progress reads the rings, so a dump never read again holds nothing).
 * The slot's spinlock orders one reader's consumption of the rings before
 * the next reader's look at them.  It finds the rings under RCU, so
 * that vns_events_free() may run while a reader polls or blocks: the rings
 * go away after a grace period, a blocked reader keeps waiting for the next
 * set (records not yet read when the collector is disabled are dropped).
 *
 * Module exit calls vns_events_shutdown() before it removes the files:
 * blocked readers wake up and get end of file, pollers get POLLHUP, so
 * that the removal, which waits for file operations in progress, never
 * waits on a reader.
 */
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <vns/ring.h>

#include "collector.h"
#include "events.h"
#include "probe.h"

struct vns_events {
	u32 per_cpu;			/* records per ring, a power of two */
	u32 rec_size;
	const struct vns_collector *owner;
	struct vns_ring *ring[];	/* nr_cpu_ids; data follows each */
};

static struct vns_events __rcu *vns_ev;
static DECLARE_WAIT_QUEUE_HEAD(vns_ev_wait);
static struct irq_work vns_ev_work;
static bool vns_ev_closed;
static DECLARE_RWSEM(vns_ev_poll_sem);	/* pollers joining; see poll_wait() */

/* The reader slot */
#define VNS_EV_LEASE	(2 * HZ)
static DEFINE_SPINLOCK(vns_ev_slot);
static bool vns_ev_file;		/* the events file is open */
static bool vns_ev_round;		/* a dump round reads the rings */
static u32 vns_ev_portid;		/* the lease's socket; 0: none */
static const void *vns_ev_net;		/* and its namespace */
static unsigned long vns_ev_until;	/* jiffies: fresh until then */

/* In hard interrupt context, soon after a commit */
static void vns_ev_wake(struct irq_work *w)
{
	wake_up_interruptible_poll(&vns_ev_wait, EPOLLIN | EPOLLRDNORM);
}

static void vns_ev_release(struct vns_events *ev)
{
	int cpu;

	for_each_possible_cpu(cpu)
		vfree(ev->ring[cpu]);
	kfree(ev);
}

/* One CPU's ring: its header, then its records */
static size_t vns_ev_ring_size(unsigned int per_cpu, size_t rec_size)
{
	return ALIGN(sizeof(struct vns_ring), 8) +
	       (size_t)roundup_pow_of_two(per_cpu) * ALIGN(rec_size, 8);
}

u64 vns_events_size(unsigned int per_cpu, size_t rec_size)
{
	return struct_size((struct vns_events *)NULL, ring, nr_cpu_ids) +
	       (u64)num_possible_cpus() * vns_ev_ring_size(per_cpu, rec_size);
}

int vns_events_alloc(const struct vns_collector *c, unsigned int per_cpu,
		     size_t rec_size)
{
	struct vns_events *ev;
	size_t hdr = ALIGN(sizeof(struct vns_ring), 8), size;
	int cpu;

	lockdep_assert_held(&vns_lock);
	if (WARN_ON(rcu_access_pointer(vns_ev) || !per_cpu || !rec_size ||
		    rec_size > VNS_EVENT_REC_MAX || !c->event_fill ||
		    !c->event_show))
		return -EINVAL;
	size = vns_ev_ring_size(per_cpu, rec_size);
	per_cpu = roundup_pow_of_two(per_cpu);
	rec_size = ALIGN(rec_size, 8);
	ev = kzalloc(struct_size(ev, ring, nr_cpu_ids), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	ev->per_cpu = per_cpu;
	ev->rec_size = rec_size;
	ev->owner = c;
	for_each_possible_cpu(cpu) {
		struct vns_ring *r = vzalloc_node(size, cpu_to_node(cpu));

		if (!r) {
			vns_ev_release(ev);
			return -ENOMEM;
		}
		vns_ring_init(r, (u8 *)r + hdr, per_cpu, rec_size);
		ev->ring[cpu] = r;
	}
	init_irq_work(&vns_ev_work, vns_ev_wake);
	rcu_assign_pointer(vns_ev, ev);
	return 0;
}

/*
 * Handlers may still run (a details mode turned off live), readers may be
 * in read() or poll(): unpublish, then wait for the handlers that may hold
 * the rings (they find them with rcu_dereference_sched(), preemption off:
 * vns_sync_handlers() is a sched grace period on every kernel, which
 * synchronize_rcu() is not before 4.20), for the wake-up they may have
 * queued, and for the readers (rcu_read_lock()).
 */
void vns_events_free(void)
{
	struct vns_events *ev;

	lockdep_assert_held(&vns_lock);
	ev = rcu_dereference_protected(vns_ev, lockdep_is_held(&vns_lock));
	if (!ev)
		return;
	RCU_INIT_POINTER(vns_ev, NULL);
	vns_sync_handlers();
	irq_work_sync(&vns_ev_work);
	synchronize_rcu();		/* readers looking at the rings */
	vns_ev_release(ev);
}

void *vns_event_reserve(void)
{
	struct vns_events *ev = rcu_dereference_sched(vns_ev);

	if (!ev)
		return NULL;
	return vns_ring_reserve(ev->ring[smp_processor_id()]);
}

void vns_event_commit(void)
{
	struct vns_events *ev = rcu_dereference_sched(vns_ev);

	if (!ev)
		return;
	vns_ring_commit(ev->ring[smp_processor_id()]);
	/*
	 * The record before the look at the waiters; pairs with the barrier
	 * between a reader's enqueueing and its look at the rings
	 * (prepare_to_wait(), vns_events_poll_wait()).
	 */
	smp_mb();
	/* the barrier above makes this lockless look safe */
	if (waitqueue_active(&vns_ev_wait))
		irq_work_queue(&vns_ev_work);
}

u64 vns_events_lost(void)
{
	struct vns_events *ev;
	u64 n = 0;
	int cpu;

	rcu_read_lock();
	ev = rcu_dereference(vns_ev);
	if (ev)
		for_each_possible_cpu(cpu)
			n += vns_ring_lost(ev->ring[cpu]);
	rcu_read_unlock();
	return n;
}

/* ---- the reader ---- */

/* Under vns_ev_slot */
static bool vns_ev_leased(void)
{
	return vns_ev_portid && time_before(jiffies, vns_ev_until);
}

int vns_events_open(void)
{
	int err = 0;

	spin_lock(&vns_ev_slot);
	if (vns_ev_closed)
		err = -ENODEV;
	else if (vns_ev_file || vns_ev_round || vns_ev_leased())
		err = -EBUSY;
	else
		vns_ev_file = true;
	spin_unlock(&vns_ev_slot);
	return err;
}

void vns_events_close(void)
{
	spin_lock(&vns_ev_slot);
	vns_ev_file = false;
	spin_unlock(&vns_ev_slot);
}

int vns_events_round_begin(u32 portid, const void *net)
{
	int err = 0;

	spin_lock(&vns_ev_slot);
	if (vns_ev_closed)
		err = -ENODEV;
	else if (vns_ev_file || vns_ev_round)
		err = -EBUSY;
	else if (vns_ev_leased() &&
		 (vns_ev_portid != portid || vns_ev_net != net))
		err = -EBUSY;
	if (!err) {
		vns_ev_portid = portid;
		vns_ev_net = net;
		vns_ev_round = true;
	}
	spin_unlock(&vns_ev_slot);
	return err;
}

void vns_events_round_end(void)
{
	spin_lock(&vns_ev_slot);
	vns_ev_round = false;
	vns_ev_until = jiffies + VNS_EV_LEASE;
	spin_unlock(&vns_ev_slot);
}

void vns_events_unlease(u32 portid, const void *net)
{
	spin_lock(&vns_ev_slot);
	if (vns_ev_portid == portid && vns_ev_net == net)
		vns_ev_portid = 0;
	spin_unlock(&vns_ev_slot);
}

bool vns_events_closed(void)
{
	return READ_ONCE(vns_ev_closed);
}

/* Is there a record in any ring (or is the module going)? */
bool vns_events_ready(void)
{
	struct vns_events *ev;
	bool ready = false;
	int cpu;

	if (READ_ONCE(vns_ev_closed))
		return true;
	rcu_read_lock();
	ev = rcu_dereference(vns_ev);
	if (ev)
		for_each_possible_cpu(cpu)
			if (vns_ring_count(ev->ring[cpu])) {
				ready = true;
				break;
			}
	rcu_read_unlock();
	return ready;
}

int vns_events_wait(void)
{
	return wait_event_interruptible(vns_ev_wait, vns_events_ready());
}

/*
 * A poller joins the wait queue only while the module is not going, and
 * shutdown marks it going under the write side: a poller that saw it live
 * is in the queue before shutdown's wake-up, and none joins after it (an
 * epoll entry added then would outlive the queue, module memory).
 */
bool vns_events_poll_wait(struct file *file, struct poll_table_struct *pt)
{
	bool closed;

	down_read(&vns_ev_poll_sem);
	closed = READ_ONCE(vns_ev_closed);
	if (!closed)
		poll_wait(file, &vns_ev_wait, pt);
	up_read(&vns_ev_poll_sem);
	/* enqueued before the look at the rings: see vns_event_commit() */
	smp_mb();
	return closed;
}

static int vns_ev_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The ring whose oldest record is the oldest, and that record; NULL: none */
static struct vns_ring *vns_ev_oldest(struct vns_events *ev, const void **rec)
{
	struct vns_ring *best = NULL;
	const void *r;
	int cpu;

	*rec = NULL;
	for_each_possible_cpu(cpu) {
		r = vns_ring_peek(ev->ring[cpu]);
		if (r && (!*rec || vns_ev_cmp(r, *rec) < 0)) {
			best = ev->ring[cpu];
			*rec = r;
		}
	}
	return best;
}

/*
 * Move records out of the rings into @dst (@len bytes), oldest first: each
 * step takes the ring whose oldest record is the oldest, then the batch is
 * sorted by time (records of one ring are in the order their packets
 * completed, not started).  Returns the number taken; *@rec_size and
 * *@owner (the collector that made them) describe them.
 */
unsigned int vns_events_take(void *dst, size_t len, size_t *rec_size,
			     const struct vns_collector **owner)
{
	struct vns_events *ev;
	unsigned int n = 0, max;

	rcu_read_lock();
	ev = rcu_dereference(vns_ev);
	if (!ev)
		goto out;
	*rec_size = ev->rec_size;
	*owner = ev->owner;
	for (max = len / ev->rec_size; n < max; n++) {
		const void *oldest;
		struct vns_ring *best = vns_ev_oldest(ev, &oldest);

		if (!best)
			break;
		memcpy((u8 *)dst + (size_t)n * ev->rec_size, oldest,
		       ev->rec_size);
		vns_ring_consume(best);
	}
	if (n > 1)
		sort(dst, n, ev->rec_size, vns_ev_cmp, NULL);
out:
	rcu_read_unlock();
	return n;
}

unsigned int vns_events_send(vns_event_put_t put, void *arg, unsigned int max)
{
	struct vns_events *ev;
	unsigned int n = 0;

	rcu_read_lock();
	ev = rcu_dereference(vns_ev);
	for (; ev && n < max; n++) {
		const void *oldest;
		struct vns_ring *best = vns_ev_oldest(ev, &oldest);

		if (!best || put(arg, ev->owner, oldest))
			break;
		vns_ring_consume(best);
	}
	rcu_read_unlock();
	return n;
}

unsigned int vns_events_count(void)
{
	struct vns_events *ev;
	unsigned int n = 0;
	int cpu;

	rcu_read_lock();
	ev = rcu_dereference(vns_ev);
	if (ev)
		for_each_possible_cpu(cpu)
			n += vns_ring_count(ev->ring[cpu]);
	rcu_read_unlock();
	return n;
}

/*
 * Module exit, before the files go: readers blocked in read() return end
 * of file, and pollers are woken with POLLHUP (and POLLFREE: epoll lets go
 * of the wait queue).  Then wait for the woken pollers to leave the wait
 * queue, which is module memory.
 */
void vns_events_shutdown(void)
{
	unsigned int i;

	down_write(&vns_ev_poll_sem);
	spin_lock(&vns_ev_slot);
	WRITE_ONCE(vns_ev_closed, true);
	spin_unlock(&vns_ev_slot);
	up_write(&vns_ev_poll_sem);
	/* closed before the wake-ups: a reader that wakes sees it */
	smp_mb();
	wake_up_all(&vns_ev_wait);
	wake_up_poll(&vns_ev_wait, EPOLLHUP | POLLFREE);
	/* the woken leave the queue (under its lock) within milliseconds */
	for (i = 0; i < 250 && waitqueue_active(&vns_ev_wait); i++)
		msleep(20);
	/* after 5 s: a poller that never ran again; say so */
	if (waitqueue_active(&vns_ev_wait))
		pr_warn("events: a reader is still waiting at unload\n");
	/* the last one out may still hold the queue's lock */
	spin_lock_irq(&vns_ev_wait.lock);
	spin_unlock_irq(&vns_ev_wait.lock);
	synchronize_rcu();
}

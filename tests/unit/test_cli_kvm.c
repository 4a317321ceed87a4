// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the kvm and
 * virtio reports built from synthetic dumps: parsing, order, growth,
 * filters, text and JSON (kvm.c, virtio.c), and their options.
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "cmd.h"
#include "kvm.h"
#include "virtio.h"

#define KVM_TEXT_300 \
	"VM a1, qemu pid 300: KVM_RUN 70, vCPU kicks 50, slow MSIs 2\n" \
	"    GSI   WAKEUPS   SIGNALS      FAST   FAST OK      SLOW   SET_IRQ  FAST AVG  SLOW AVG\n" \
	"     24         3         3         3         3         0         0   4.000us         -\n" \
	"     25        12        12        12        10         2         4   4.000us         -\n"
#define KVM_JSON_300_24 \
	"{\"vms\":[{\"vm\":161,\"pid\":300,\"runs\":70,\"kicks\":50,\"msi_slow\":2,\"gsis\":[{\"gsi\":24,\"wakeups\":3,\"wakeups_in\":3,\"fast\":3,\"fast_ok\":3,\"slow\":0,\"set_irq\":0,\"wakeups_hup\":0,\"lat_lost\":0,\"fast_lat\":{\"count\":3,\"sum_ns\":12000,\"max_ns\":5000,\"buckets\":[{\"low_ns\":4096,\"high_ns\":8191,\"count\":3}]},\"slow_lat\":{\"count\":0,\"sum_ns\":0,\"max_ns\":0,\"buckets\":[]}}]}]}"
#define VIO_TEXT_ALL \
	"DEV         VDEV   VQ NAME         IRQ  POLL IRQ POLL BUSY  POLL OTH  BUSY%   PACKETS  PKT/P      IRQS  NONE% REFILL NOBODY\n" \
	"eth0           0    0 input.0       25        80        20         0  20.0%       300    3.0       100  25.0%      0      0\n" \
	"-              0    1 output.0      26         0         0         0   0.0%         0    0.0        10   0.0%      0      0\n" \
	"eth1           1    0 input.0       30         1         0         0   0.0%         1    1.0         1   0.0%      0      0\n" \
	"-              -    - -             11         0         0         0   0.0%         0    0.0         0   0.0%      0      1\n"
#define VIO_TEXT_ETH0 \
	"DEV         VDEV   VQ NAME         IRQ  POLL IRQ POLL BUSY  POLL OTH  BUSY%   PACKETS  PKT/P      IRQS  NONE% REFILL NOBODY\n" \
	"eth0           0    0 input.0       25        80        20         0  20.0%       300    3.0       100  25.0%      0      0\n" \
	"-              0    1 output.0      26         0         0         0   0.0%         0    0.0        10   0.0%      0      0\n"
#define VIO_JSON_ETH1 \
	"{\"queues\":[{\"dev\":\"eth1\",\"vdev\":1,\"vq\":0,\"name\":\"input.0\",\"irq\":30,\"polls_softirq\":1,\"polls_busy\":0,\"polls_other\":0,\"packets\":1,\"packets_busy\":0,\"polls_full\":0,\"irqs\":1,\"irq_none\":0,\"refill_fail\":0,\"nobody_cared\":0,\"hist\":{\"count\":1,\"sum_packets\":1,\"max_packets\":9,\"buckets\":[{\"low_packets\":0,\"high_packets\":1,\"count\":1}]}}]}"

/* ------------------------------------------------------------------- kvm */

struct tkvm {
	u64 vm;
	u32 pid;		/* 0: not sent */
	u32 gsi;		/* ~0: the VM's record */
	u64 wakeups, in, fast, ok, slow, set_irq, msi, kicks, runs;
	u64 fhist[16];		/* ns */
};

static int add_kvm(struct vns_kvm *k, const struct tkvm *t)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_KVM);
	nla_put_u64(msg, VNS_KVM_A_VM, t->vm);
	if (t->pid)
		nla_put_u32(msg, VNS_KVM_A_PID, t->pid);
	if (t->gsi != ~0U) {
		nla_put_u32(msg, VNS_KVM_A_GSI, t->gsi);
		nla_put_u64(msg, VNS_KVM_A_WAKEUPS, t->wakeups);
		nla_put_u64(msg, VNS_KVM_A_WAKEUPS_IN, t->in);
		nla_put_u64(msg, VNS_KVM_A_WAKEUPS_HUP, 0);
		nla_put_u64(msg, VNS_KVM_A_FAST, t->fast);
		nla_put_u64(msg, VNS_KVM_A_FAST_OK, t->ok);
		nla_put_u64(msg, VNS_KVM_A_SLOW, t->slow);
		nla_put_u64(msg, VNS_KVM_A_SET_IRQ, t->set_irq);
		nla_put_u64(msg, VNS_KVM_A_LAT_LOST, 0);
		put_hist(msg, VNS_KVM_A_LAT_FAST, 4000 * t->ok, 5000,
			 t->fhist, 16);
		put_hist(msg, VNS_KVM_A_LAT_SLOW, 0, 0, t->fhist, 0);
	} else {
		nla_put_u64(msg, VNS_KVM_A_MSI, t->msi);
		nla_put_u64(msg, VNS_KVM_A_KICKS, t->kicks);
		nla_put_u64(msg, VNS_KVM_A_RUNS, t->runs);
	}
	nla_put_u32(msg, 200, 1);	/* unknown: ignored */
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_kvm_add(k, tb);
	nlmsg_free(msg);
	return ret;
}

static const struct tkvm t_vm_a = {
	.vm = 0xa1, .pid = 300, .gsi = ~0U, .msi = 2, .kicks = 50, .runs = 70,
};
static const struct tkvm t_gsi_a25 = {
	.vm = 0xa1, .pid = 300, .gsi = 25, .wakeups = 12, .in = 12,
	.fast = 12, .ok = 10, .slow = 2, .set_irq = 4,
	.fhist = { [11] = 4, [12] = 6 },
};
static const struct tkvm t_gsi_a24 = {
	.vm = 0xa1, .pid = 300, .gsi = 24, .wakeups = 3, .in = 3,
	.fast = 3, .ok = 3, .fhist = { [12] = 3 },
};
static const struct tkvm t_vm_b = {
	.vm = 0xb2, .pid = 200, .gsi = ~0U, .kicks = 1, .runs = 1,
};

static void kvm_read(struct vns_kvm *k, const struct tkvm *a25)
{
	memset(k, 0, sizeof(*k));
	CHECK_INT(add_kvm(k, a25), 0);
	CHECK_INT(add_kvm(k, &t_vm_b), 0);
	CHECK_INT(add_kvm(k, &t_gsi_a24), 0);
	CHECK_INT(add_kvm(k, &t_vm_a), 0);
	vns_kvm_sort(k);
}

static void test_kvm(void)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct vns_kvm k, prev;
	struct nl_msg *msg;
	struct tkvm t;
	FILE *f;

	kvm_read(&k, &t_gsi_a25);
	CHECK_INT(k.n, 4);
	if (k.n != 4)
		goto out;
	CHECK(k.r[0].pid == 200 && k.r[0].is_vm, "pid 200's VM first");
	CHECK(k.r[1].is_vm && k.r[2].gsi == 24 && k.r[3].gsi == 25,
	      "the VM before its GSIs, by number");
	CHECK(k.r[3].c[VNS_KVM_A_FAST_OK] == 10 && k.r[3].fast.count == 10,
	      "GSI 25's counters");

	f = out_open();
	vns_kvm_print(&k, 300, -1);
	CHECK_STR(out_close(f), KVM_TEXT_300);
	f = out_open();
	vns_kvm_print(&k, 301, -1);
	CHECK_STR(out_close(f), "no KVM data for pid 301\n");
	CHECK_STR(JSON_DOC(vns_kvm_print(&k, 300, 24)), KVM_JSON_300_24);

	/* growth: 5 more signals on GSI 25, all fast */
	prev = k;
	t = t_gsi_a25;
	t.wakeups += 5;
	t.in += 5;
	t.fast += 5;
	t.ok += 5;
	t.fhist[11] += 5;
	kvm_read(&k, &t);
	vns_kvm_delta(&k, &prev);
	CHECK(k.r[3].c[VNS_KVM_A_WAKEUPS_IN] == 5 &&
	      k.r[3].c[VNS_KVM_A_FAST_OK] == 5 && k.r[3].c[VNS_KVM_A_SLOW] == 0 &&
	      k.r[3].fast.count == 5, "GSI 25 grew by 5");
	CHECK(k.r[2].c[VNS_KVM_A_WAKEUPS] == 0 && k.r[1].c[VNS_KVM_A_RUNS] == 0,
	      "the rest did not grow");
	vns_kvm_free(&prev);
	vns_kvm_free(&k);

	/* a reset in between: counted anew */
	kvm_read(&prev, &t);
	kvm_read(&k, &t_gsi_a25);
	vns_kvm_delta(&k, &prev);
	CHECK_INT(k.r[3].c[VNS_KVM_A_WAKEUPS_IN], 12);
	vns_kvm_free(&prev);

	/* no VM: a bad message */
	msg = nlmsg_alloc();
	n = nla_nest_start(msg, VNS_A_KVM);
	nla_put_u32(msg, VNS_KVM_A_GSI, 1);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	CHECK_INT(vns_kvm_add(&k, tb), -EBADMSG);
	nlmsg_free(msg);
	CHECK_INT(k.n, 4);
out:
	vns_kvm_free(&k);
}

static const struct run_case kvm_cases[] = {
	{ { "kvm", "--pid", "0" }, VNS_EXIT_USAGE, NULL },
	{ { "kvm", "--pid", "12x" }, VNS_EXIT_USAGE, NULL },
	{ { "kvm", "--gsi", "-1" }, VNS_EXIT_USAGE, NULL },
	{ { "kvm", "--interval", "0" }, VNS_EXIT_USAGE, NULL },
	{ { "kvm", "extra" }, VNS_EXIT_USAGE, NULL },
};

static const struct run_case virtio_cases[] = {
	{ { "virtio", "--dev", "aaaaaaaaaaaaaaaaaaaaa" }, VNS_EXIT_USAGE, NULL },
	{ { "virtio", "--queue", "q" }, VNS_EXIT_USAGE, NULL },
	{ { "virtio", "--dev" }, VNS_EXIT_USAGE, NULL },
};

/* ---------------------------------------------------------------- virtio */

struct tvio {
	const char *dev, *name;
	u32 vdev, index, irq;	/* ~0: not sent */
	u64 soft, busy, other, packets, pbusy, irqs, none, refill, nobody;
	u64 hist[8];
};

static void put_u32_opt(struct nl_msg *msg, int type, u32 v)
{
	if (v != ~0U)
		nla_put_u32(msg, type, v);
}

static int add_vio(struct vns_virtio *v, const struct tvio *t)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_VIRTIO);
	if (t->dev)
		nla_put_string(msg, VNS_VIRTIO_A_DEV, t->dev);
	put_u32_opt(msg, VNS_VIRTIO_A_VDEV, t->vdev);
	put_u32_opt(msg, VNS_VIRTIO_A_VQ_INDEX, t->index);
	if (t->name)
		nla_put_string(msg, VNS_VIRTIO_A_VQ_NAME, t->name);
	put_u32_opt(msg, VNS_VIRTIO_A_IRQ, t->irq);
	nla_put_u64(msg, VNS_VIRTIO_A_POLL_SOFTIRQ, t->soft);
	nla_put_u64(msg, VNS_VIRTIO_A_POLL_BUSY, t->busy);
	nla_put_u64(msg, VNS_VIRTIO_A_POLL_OTHER, t->other);
	nla_put_u64(msg, VNS_VIRTIO_A_PACKETS, t->packets);
	nla_put_u64(msg, VNS_VIRTIO_A_PACKETS_BUSY, t->pbusy);
	nla_put_u64(msg, VNS_VIRTIO_A_POLL_FULL, 0);
	put_hist(msg, VNS_VIRTIO_A_HIST, t->packets, 9, t->hist, 8);
	nla_put_u64(msg, VNS_VIRTIO_A_IRQS, t->irqs);
	nla_put_u64(msg, VNS_VIRTIO_A_IRQ_NONE, t->none);
	nla_put_u64(msg, VNS_VIRTIO_A_REFILL_FAIL, t->refill);
	nla_put_u64(msg, VNS_VIRTIO_A_NOBODY_CARED, t->nobody);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_virtio_add(v, tb);
	nlmsg_free(msg);
	return ret;
}

static const struct tvio t_in0 = {
	.dev = "eth0", .name = "input.0", .vdev = 0, .index = 0, .irq = 25,
	.soft = 80, .busy = 20, .packets = 300, .pbusy = 30, .irqs = 100,
	.none = 25, .hist = { [0] = 20, [1] = 40, [3] = 40 },
};
static const struct tvio t_out0 = {
	.name = "output.0", .vdev = 0, .index = 1, .irq = 26, .irqs = 10,
};
static const struct tvio t_in1 = {
	.dev = "eth1", .name = "input.0", .vdev = 1, .index = 0, .irq = 30,
	.soft = 1, .packets = 1, .irqs = 1, .hist = { [0] = 1 },
};
static const struct tvio t_bad = {
	.vdev = ~0U, .index = ~0U, .irq = 11, .nobody = 1,
};

static void vio_read(struct vns_virtio *v, const struct tvio *in0)
{
	memset(v, 0, sizeof(*v));
	CHECK_INT(add_vio(v, &t_in1), 0);
	CHECK_INT(add_vio(v, &t_out0), 0);
	CHECK_INT(add_vio(v, &t_bad), 0);
	CHECK_INT(add_vio(v, in0), 0);
	vns_virtio_sort(v);
}

static void test_virtio(void)
{
	struct vns_virtio v, prev;
	struct tvio t;
	FILE *f;

	vio_read(&v, &t_in0);
	CHECK_INT(v.n, 4);
	if (v.n != 4)
		goto out;
	CHECK(v.q[0].vdev == 0 && v.q[0].index == 0 && v.q[1].index == 1 &&
	      v.q[2].vdev == 1 && v.q[3].vdev == VNS_VIRTIO_NONE,
	      "by virtio device, then queue");
	CHECK_STR(v.q[0].name, "input.0");

	f = out_open();
	vns_virtio_print(&v, NULL, -1);
	CHECK_STR(out_close(f), VIO_TEXT_ALL);
	f = out_open();
	vns_virtio_print(&v, "eth0", -1);
	CHECK_STR(out_close(f), VIO_TEXT_ETH0);
	f = out_open();
	vns_virtio_print(&v, "eth0", 1);
	CHECK_STR(out_close(f), "no virtio data for eth0\n");
	CHECK_STR(JSON_DOC(vns_virtio_print(&v, "eth1", 0)), VIO_JSON_ETH1);

	prev = v;
	t = t_in0;
	t.busy += 10;
	t.packets += 40;
	t.pbusy += 40;
	t.hist[2] += 10;
	t.irqs += 3;
	t.none += 3;
	vio_read(&v, &t);
	vns_virtio_delta(&v, &prev);
	CHECK(v.q[0].c[VNS_VIRTIO_A_POLL_BUSY] == 10 &&
	      v.q[0].c[VNS_VIRTIO_A_POLL_SOFTIRQ] == 0 &&
	      v.q[0].c[VNS_VIRTIO_A_PACKETS] == 40 &&
	      v.q[0].c[VNS_VIRTIO_A_IRQ_NONE] == 3 && v.q[0].hist.count == 10,
	      "input.0 grew");
	CHECK_INT(v.q[1].c[VNS_VIRTIO_A_IRQS], 0);
	vns_virtio_free(&prev);
out:
	vns_virtio_free(&v);
}

/* ------------------------------------------- virtio: a send queue's stops */

#define VIO_TEXT_TXQ \
	"DEV         VDEV   VQ NAME         IRQ  POLL IRQ POLL BUSY  POLL OTH  BUSY%   PACKETS  PKT/P      IRQS  NONE% REFILL NOBODY     XMITS   STOPS   WAKES\n" \
	"eth0           0    0 input.0       25        80        20         0  20.0%       300    3.0       100  25.0%      0      0         -       -       -\n" \
	"eth0           0    1 output.0      26         0         0         0   0.0%         0    0.0        10   0.0%      0      0       601       2       2\n"

static int add_vio_txq(struct vns_virtio *v, u64 xmits, u64 stops, u64 wakes)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_VIRTIO);
	nla_put_string(msg, VNS_VIRTIO_A_DEV, "eth0");
	nla_put_u32(msg, VNS_VIRTIO_A_VDEV, 0);
	nla_put_u32(msg, VNS_VIRTIO_A_VQ_INDEX, 1);
	nla_put_string(msg, VNS_VIRTIO_A_VQ_NAME, "output.0");
	nla_put_u32(msg, VNS_VIRTIO_A_IRQ, 26);
	nla_put_u64(msg, VNS_VIRTIO_A_IRQS, 10);
	nla_put_u64(msg, VNS_VIRTIO_A_XMITS, xmits);
	nla_put_u64(msg, VNS_VIRTIO_A_TX_STOPS, stops);
	nla_put_u64(msg, VNS_VIRTIO_A_TX_WAKES, wakes);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_virtio_add(v, tb);
	nlmsg_free(msg);
	return ret;
}

static void test_virtio_txq(void)
{
	struct vns_virtio v, prev;
	FILE *f;

	memset(&v, 0, sizeof(v));
	CHECK_INT(add_vio_txq(&v, 601, 2, 2), 0);
	CHECK_INT(add_vio(&v, &t_in0), 0);
	vns_virtio_sort(&v);
	f = out_open();
	vns_virtio_print(&v, "eth0", -1);
	CHECK_STR(out_close(f), VIO_TEXT_TXQ);
	CHECK(strstr(JSON_DOC(vns_virtio_print(&v, "eth0", 0)),
		     "\"irqs\":10,\"irq_none\":null,\"refill_fail\":null,\"nobody_cared\":null,\"xmits\":601,\"tx_stops\":2,\"tx_wakes\":2,"),
	      "JSON: a send queue's counters: %s",
	      JSON_DOC(vns_virtio_print(&v, "eth0", 0)));
	/* a queue without them (a module before them): no key, "-" */
	CHECK(!strstr(JSON_DOC(vns_virtio_print(&v, "eth0", 0)),
		      "\"polls_full\":0,\"irqs\":100,\"irq_none\":25,\"refill_fail\":0,\"nobody_cared\":0,\"xmits\""),
	      "JSON: no xmits key where absent");
	prev = v;
	memset(&v, 0, sizeof(v));
	CHECK_INT(add_vio_txq(&v, 650, 3, 3), 0);
	CHECK_INT(add_vio(&v, &t_in0), 0);
	vns_virtio_sort(&v);
	vns_virtio_delta(&v, &prev);
	CHECK(v.q[1].c[VNS_VIRTIO_A_XMITS] == 49 &&
	      v.q[1].c[VNS_VIRTIO_A_TX_STOPS] == 1 &&
	      v.q[1].c[VNS_VIRTIO_A_TX_WAKES] == 1, "output.0 grew");
	vns_virtio_free(&prev);
	vns_virtio_free(&v);
}

int main(void)
{
	test_kvm();
	test_virtio();
	test_virtio_txq();
	RUN_CASES(cmd_kvm, kvm_cases);
	RUN_CASES(cmd_virtio, virtio_cases);
	check_read_help(cmd_kvm, "kvm");
	check_read_help(cmd_virtio, "virtio");
	free(memout_buf);
	return vns_test_done();
}

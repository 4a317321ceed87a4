// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vnetscope vmpath without the kernel module: the join of
 * vhost virtqueues to one port's TUN queues by socket, of VMs by qemu's
 * pid, the drops on the port, and the options (vmpath.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "vmpath.h"

static struct vns_tunq tq(const char *dev, u32 queue, u32 sock)
{
	struct vns_tunq q;

	memset(&q, 0, sizeof(q));
	snprintf(q.dev, sizeof(q.dev), "%s", dev);
	q.queue = queue;
	q.present = 1U << VNS_TUN_A_QUEUE;
	if (sock) {
		q.sock = sock;
		q.present |= 1U << VNS_TUN_A_SOCK;
	}
	return q;
}

static struct vns_vhq vq(u32 sock, u32 pid, u8 dir)
{
	struct vns_vhq q;

	memset(&q, 0, sizeof(q));
	q.dir = dir;
	if (sock) {
		q.sock = sock;
		q.present |= 1U << VNS_VHOST_A_SOCK;
	}
	if (pid) {
		q.qemu_pid = pid;
		q.present |= 1U << VNS_VHOST_A_QEMU_PID;
	}
	return q;
}

static void test_join(void)
{
	/* tap0 has queues 0 and 1 (sockets 11, 12); tap1 queue 0 (21) */
	struct vns_tunq t[] = {
		tq("tap0", 0, 11), tq("tap0", 1, 12), tq("tap1", 0, 21),
		tq("tap2", 0, 0),
	};
	/* rx+tx of socket 11 (qemu 100), rx of 12 (100), 21 (200), none */
	struct vns_vhq v[] = {
		vq(11, 100, VNS_VHOST_RX), vq(11, 100, VNS_VHOST_TX),
		vq(12, 100, VNS_VHOST_RX), vq(21, 200, VNS_VHOST_RX),
		vq(0, 300, VNS_VHOST_RX), vq(12, 0, VNS_VHOST_TX),
	};
	struct vns_tun tun = { .q = t, .n = VNS_ARRAY_SIZE(t) };
	struct vns_vhost vh = { v, VNS_ARRAY_SIZE(v) };
	bool *mine;

	CHECK_INT(vns_vmpath_mine(&tun, &vh, "tap0", &mine), 0);
	CHECK(mine[0] && mine[1] && mine[2] && !mine[3] && !mine[4] &&
	      mine[5], "tap0: the virtqueues of sockets 11 and 12");
	CHECK(vns_vmpath_pid_seen(&vh, mine, 100), "tap0: qemu 100");
	CHECK(!vns_vmpath_pid_seen(&vh, mine, 200), "tap0: not qemu 200");
	CHECK(!vns_vmpath_pid_seen(&vh, mine, 0), "tap0: no pid 0");
	free(mine);

	CHECK_INT(vns_vmpath_mine(&tun, &vh, "tap1", &mine), 0);
	CHECK(!mine[0] && !mine[2] && mine[3] && !mine[5], "tap1: socket 21");
	CHECK(vns_vmpath_pid_seen(&vh, mine, 200), "tap1: qemu 200");
	free(mine);

	/* a device whose queues have no socket seen serves no virtqueue */
	CHECK_INT(vns_vmpath_mine(&tun, &vh, "tap2", &mine), 0);
	CHECK(!mine[0] && !mine[1] && !mine[2] && !mine[3] && !mine[4] &&
	      !mine[5], "tap2: none");
	free(mine);

	/* no virtqueues at all */
	vh.n = 0;
	CHECK_INT(vns_vmpath_mine(&tun, &vh, "tap0", &mine), 0);
	free(mine);
}

static void test_drops(void)
{
	struct vns_drop d[3];
	struct vns_drop_view view[3];

	memset(d, 0, sizeof(d));
	d[0].dev = "tap0";
	d[1].dev = "eth0";
	d[2].dev = NULL;		/* no device */
	view[0] = (struct vns_drop_view){ &d[0], 7, 0 };
	view[1] = (struct vns_drop_view){ &d[1], 5, 1 };
	view[2] = (struct vns_drop_view){ &d[2], 3, 2 };
	CHECK(vns_vmpath_drops(view, 3, "tap0") == 7, "drops on tap0");
	CHECK(vns_vmpath_drops(view, 3, "tap1") == 0, "drops on tap1");
	CHECK(vns_vmpath_drops(view, 0, "tap0") == 0, "no drops");
}

static struct vns_vmpath_args args;

static int parse(int argc, char **argv)
{
	return vns_vmpath_parse(&args, argc, argv);
}

static void test_args(void)
{
	CHECK_INT(run(parse, "vmpath", "--dev", "tap0", NULL), -1);
	CHECK(!strcmp(args.dev, "tap0") && !strcmp(args.read.name, "tun") &&
	      !args.read.no_enable, "vmpath --dev tap0");
	CHECK_INT(run(parse, "vmpath", "--dev", "vnet3", "--interval", "0.5",
		      "--count", "3", "--json", "--no-enable", NULL), -1);
	CHECK(!strcmp(args.dev, "vnet3") && args.read.interval == 0.5 &&
	      args.read.count == 3 && args.read.json && args.read.no_enable,
	      "vmpath: all options");
	CHECK_INT(run(parse, "vmpath", NULL), VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: vmpath needs --dev IFNAME (the VM's TUN/TAP port)\n");
	CHECK_INT(run(parse, "vmpath", "--dev", "", NULL), VNS_EXIT_USAGE);
	CHECK_STR(cap_out, "vnetscope: invalid device name ''\n");
	CHECK_INT(run(parse, "vmpath", "--dev", "a-name-too-long-for-it", NULL),
		  VNS_EXIT_USAGE);
	CHECK_INT(run(parse, "vmpath", "--dev", "tap0", "--queue", "1", NULL),
		  VNS_EXIT_USAGE);
	CHECK_INT(run(parse, "vmpath", "--dev", "tap0", "extra", NULL),
		  VNS_EXIT_USAGE);
	CHECK_INT(run(parse, "vmpath", "--dev", "tap0", "--count", "2", NULL),
		  VNS_EXIT_USAGE);
	check_read_help(parse, "vmpath");
	CHECK(strstr(cap_out, "Usage: vnetscope vmpath --dev IFNAME"),
	      "vmpath --help");
}

int main(void)
{
	test_join();
	test_drops();
	test_args();
	free(memout_buf);
	return vns_test_done();
}

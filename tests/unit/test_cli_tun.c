// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the tun and
 * vhost reports built from synthetic dumps: parsing, the join of a vhost
 * virtqueue to its TUN queue, growth, filters, text and JSON, options
 * (tun.c, vhost.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "tun.h"
#include "vhost.h"

struct ttun {
	const char *dev;
	u32 ifindex, queue, sock, ring;
	u64 tx, txb, full, other, rx, rxb, vhost, write, tcp4;
	u64 stops, wakes, bad;
	u64 fill[8];
};

static void put_pair(struct nl_msg *msg, int type, u8 key, u64 count)
{
	struct nlattr *n = nla_nest_start(msg, type);

	nla_put_u8(msg, VNS_TUN_DROP_A_CAUSE, key);
	nla_put_u64(msg, VNS_TUN_DROP_A_COUNT, count);
	nla_nest_end(msg, n);
}

static int add_tun(struct vns_tun *t, const struct ttun *q)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_TUN);
	nla_put_u32(msg, VNS_TUN_A_IFINDEX, q->ifindex);
	nla_put_string(msg, VNS_TUN_A_DEV, q->dev);
	nla_put_u32(msg, VNS_TUN_A_QUEUE, q->queue);
	if (q->sock)
		nla_put_u32(msg, VNS_TUN_A_SOCK, q->sock);
	nla_put_u64(msg, VNS_TUN_A_TX_PACKETS, q->tx);
	nla_put_u64(msg, VNS_TUN_A_TX_BYTES, q->txb);
	if (q->full)
		put_pair(msg, VNS_TUN_A_DROP, VNS_TUN_DROP_RING_FULL, q->full);
	if (q->other)
		put_pair(msg, VNS_TUN_A_DROP, VNS_TUN_DROP_OTHER, q->other);
	put_pair(msg, VNS_TUN_A_DROP, 77, 5);	/* unknown cause: ignored */
	if (q->ring) {
		nla_put_u32(msg, VNS_TUN_A_RING_SIZE, q->ring);
		put_hist(msg, VNS_TUN_A_FILL_HIST, q->tx, q->ring, q->fill, 8);
	}
	nla_put_u64(msg, VNS_TUN_A_RX_PACKETS, q->rx);
	nla_put_u64(msg, VNS_TUN_A_RX_BYTES, q->rxb);
	nla_put_u64(msg, VNS_TUN_A_RX_VHOST, q->vhost);
	nla_put_u64(msg, VNS_TUN_A_RX_WRITE, q->write);
	if (q->stops || q->wakes || q->bad) {
		nla_put_u64(msg, VNS_TUN_A_STOPS, q->stops);
		nla_put_u64(msg, VNS_TUN_A_WAKES, q->wakes);
		nla_put_u64(msg, VNS_TUN_A_BAD_VNET_HDR, q->bad);
	}
	if (q->rx - q->tcp4)
		put_pair(msg, VNS_TUN_A_GSO, VNS_TUN_GSO_NONE, q->rx - q->tcp4);
	if (q->tcp4)
		put_pair(msg, VNS_TUN_A_GSO, VNS_TUN_GSO_TCPV4, q->tcp4);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_tun_add(t, tb);
	nlmsg_free(msg);
	return ret;
}

static const struct ttun t_tap1 = {
	.dev = "tap0", .ifindex = 5, .queue = 1, .tx = 3, .txb = 300,
	.other = 1,
};

static const struct ttun t_tap0 = {
	.dev = "tap0", .ifindex = 5, .queue = 0, .sock = 0xabcd1234,
	.ring = 256, .tx = 20, .txb = 1960, .full = 2, .rx = 22,
	.rxb = 2000, .vhost = 22, .tcp4 = 2, .fill = { [0] = 18, [1] = 2 },
	.stops = 1, .wakes = 2, .bad = 3,
};

static void tun_read(struct vns_tun *t, u64 more)
{
	struct ttun q = t_tap0;

	memset(t, 0, sizeof(*t));
	CHECK_INT(add_tun(t, &t_tap1), 0);
	q.tx += more;
	q.txb += more * 100;
	q.fill[0] += more;
	q.full += more;
	q.stops += more;
	q.wakes += more;
	q.bad += more;
	CHECK_INT(add_tun(t, &q), 0);
	vns_tun_sort(t);
}

static void test_tun(void)
{
	struct vns_tun_args a = { .queue = -1 };
	struct vns_tun t, prev;
	FILE *f;

	tun_read(&t, 0);
	CHECK_INT(t.n, 2);
	if (t.n != 2)
		goto out;
	CHECK(t.q[0].queue == 0 && t.q[1].queue == 1, "queues in order");
	CHECK(t.q[0].drops[VNS_TUN_DROP_RING_FULL] == 2 &&
	      t.q[0].gso[VNS_TUN_GSO_TCPV4] == 2 &&
	      t.q[0].gso[VNS_TUN_GSO_NONE] == 20 && t.q[0].fill.count == 20 &&
	      t.q[0].fill.max == 256, "queue 0 parsed");
	CHECK(t.q[1].drops[VNS_TUN_DROP_OTHER] == 1 && !t.q[1].ring_size,
	      "queue 1 parsed");
	CHECK(t.q[0].stops == 1 && t.q[0].wakes == 2 &&
	      t.q[0].bad_vnet_hdr == 3 && !t.q[1].stops && !t.q[1].wakes &&
	      !t.q[1].bad_vnet_hdr, "stops, wakes, bad headers parsed");

	a.queue = 0;
	f = out_open();
	vns_tun_print(&t, &a);
	CHECK_STR(out_close(f),
		  "DEV          QUEUE     SOCK    TX_PKTS     TX_BYTES RING_FULL NO_QUEUE   FILTER    OTHER  RING FILL_MAX    RX_PKTS     RX_BYTES   RX_VHOST   RX_WRITE  STOPS  WAKES BAD_HDR\n"
		  "tap0             0 abcd1234         20         1960         2        0        0        0   256      256         22         2000         22          0      1      2       3\n"
		  "                   GSO from the reader: none 20 tcpv4 2\n");
	a.queue = -1;
	a.dev = "tap9";
	f = out_open();
	vns_tun_print(&t, &a);
	CHECK(strstr(out_close(f), "\nno TUN/TAP queue seen that matches\n"),
	      "no match");
	a.dev = NULL;
	a.queue = 1;
	CHECK_STR(JSON_DOC(vns_tun_print(&t, &a)),
		  "{\"queues\":[{\"dev\":\"tap0\",\"ifindex\":5,\"queue\":1,"
		  "\"sock\":null,\"tx_packets\":3,\"tx_bytes\":300,"
		  "\"drops\":{\"ring_full\":0,\"no_queue\":0,\"filter\":0,"
		  "\"other\":1},\"ring_size\":null,\"fill_max\":null,"
		  "\"rx_packets\":0,\"rx_bytes\":0,\"rx_vhost\":0,"
		  "\"rx_write\":0,\"stops\":0,\"wakes\":0,\"bad_vnet_hdr\":0,"
		  "\"gso\":{\"none\":0,\"tcpv4\":0,\"tcpv6\":0,"
		  "\"other\":0},\"fill_hist\":null}]}");

	/* growth: 5 more packets and ring-full drops on queue 0 */
	prev = t;
	tun_read(&t, 5);
	vns_tun_delta(&t, &prev);
	CHECK(t.q[0].tx_packets == 5 && t.q[0].tx_bytes == 500 &&
	      t.q[0].drops[VNS_TUN_DROP_RING_FULL] == 5 &&
	      t.q[0].rx_packets == 0 && t.q[0].fill.count == 5 &&
	      t.q[1].tx_packets == 0 && t.q[1].drops[VNS_TUN_DROP_OTHER] == 0,
	      "delta");
	CHECK(t.q[0].stops == 5 && t.q[0].wakes == 5 &&
	      t.q[0].bad_vnet_hdr == 5, "delta of stops, wakes, bad headers");
	vns_tun_free(&prev);
	/* a reset (counts went down): the current values */
	tun_read(&prev, 5);
	vns_tun_free(&t);
	tun_read(&t, 0);
	vns_tun_delta(&t, &prev);
	CHECK(t.q[0].tx_packets == 20, "reset");
	vns_tun_free(&prev);
out:
	vns_tun_free(&t);
}

/* A drop event as the kernel sends it; @fill < 0: ring unknown */
static int add_ev(struct vns_tun *t, u64 ns, u32 queue, long fill,
		  const struct vns_flow_info *fi)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_TUN_EVENT);
	nla_put_u64(msg, VNS_TUN_EV_A_TIME_NS, ns);
	nla_put_u64(msg, VNS_TUN_EV_A_AGE_NS, 2500000);
	nla_put_u32(msg, VNS_TUN_EV_A_CPU, 1);
	nla_put_u8(msg, VNS_TUN_EV_A_CAUSE, VNS_TUN_DROP_RING_FULL);
	nla_put_u32(msg, VNS_TUN_EV_A_IFINDEX, 5);
	nla_put_string(msg, VNS_TUN_EV_A_DEV, "tap0");
	nla_put_u32(msg, VNS_TUN_EV_A_NETNS, 4026531840U);
	nla_put_u32(msg, VNS_TUN_EV_A_QUEUE, queue);
	if (fill >= 0) {
		nla_put_u32(msg, VNS_TUN_EV_A_FILL, (u32)fill);
		nla_put_u32(msg, VNS_TUN_EV_A_RING_SIZE, 500);
	}
	if (fi)
		put_flow(msg, VNS_TUN_EV_A_FLOW, fi);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_tun_add(t, tb);
	nlmsg_free(msg);
	return ret;
}

static void test_tun_events(void)
{
	struct vns_flow_info fi = ports(flow(VNS_AF_INET, 17, "10.0.9.1",
					     "10.0.9.2"), 5000, 9);
	const struct vns_tun_info info = {
		.has_events = true, .events_lost = 7, .event_capacity = 256,
	};
	struct vns_tun_args a = { .queue = -1, .events = true };
	struct vns_tun t, prev;
	FILE *f;

	memset(&t, 0, sizeof(t));
	CHECK_INT(add_ev(&t, 12000000001ULL, 1, 500, &fi), 0);
	CHECK_INT(add_ev(&t, 12000000002ULL, 0, -1, NULL), 0);
	CHECK_INT(t.nev, 2);
	CHECK_INT(t.n, 0);
	if (t.nev != 2)
		goto out;
	CHECK(t.ev[0].has_fill && t.ev[0].fill == 500 &&
	      t.ev[0].ring_size == 500 && t.ev[0].has_flow &&
	      t.ev[0].net == 4026531840U && !t.ev[1].has_fill &&
	      !t.ev[1].has_flow, "events parsed");
	a.queue = 1;
	f = out_open();
	vns_tun_print_events(&t, &info, &a);
	CHECK_STR(out_close(f),
		  "TIME(s)                   AGE(ms) DEV          QUEUE  CPU CAUSE       FILL/RING  FLOW\n"
		  "12.000000001                2.500 tap0             1    1 ring_full     500/500  udp 10.0.9.1:5000 -> 10.0.9.2:9\n"
		  "events lost (overwritten): 7, kept per CPU: 256\n");
	a.queue = 0;
	CHECK_STR(JSON_DOC(vns_tun_print_events(&t, &info, &a)),
		  "{\"events\":[{\"time_ns\":12000000002,\"age_ns\":2500000,"
		  "\"dev\":\"tap0\",\"ifindex\":5,\"netns\":4026531840,"
		  "\"queue\":0,\"cpu\":1,\"cause\":\"ring_full\","
		  "\"fill\":null,\"ring_size\":null,\"flow\":null}],"
		  "\"events_lost\":7,\"event_capacity\":256}");
	a.queue = 3;
	f = out_open();
	vns_tun_print_events(&t, &info, &a);
	CHECK(strstr(out_close(f), "no TUN/TAP drop event that matches\n"),
	      "no event matches");

	/* an interval: only the events after the previous read's newest */
	prev = t;
	memset(&t, 0, sizeof(t));
	CHECK_INT(add_ev(&t, 12000000002ULL, 0, -1, NULL), 0);
	CHECK_INT(add_ev(&t, 13000000000ULL, 1, 499, &fi), 0);
	vns_tun_delta(&t, &prev);
	CHECK(t.nev == 1 && t.ev[0].ns == 13000000000ULL, "new events only");
	vns_tun_free(&prev);

	/* malformed: no time */
	{
		struct nlattr *tb[VNS_A_MAX + 1], *n;
		struct nl_msg *msg = nlmsg_alloc();

		n = nla_nest_start(msg, VNS_A_TUN_EVENT);
		nla_put_u32(msg, VNS_TUN_EV_A_IFINDEX, 5);
		nla_nest_end(msg, n);
		msg_tb(msg, tb);
		CHECK_INT(vns_tun_add(&t, tb), -EBADMSG);
		nlmsg_free(msg);
	}
	CHECK(vns_tun_ring_why(VNS_TUN_RING_ENABLE) == NULL &&
	      vns_tun_ring_why(VNS_TUN_RING_VHOST) == NULL &&
	      strstr(vns_tun_ring_why(VNS_TUN_RING_NO_TUN), "not loaded"),
	      "ring state texts");
out:
	vns_tun_free(&t);
}

struct tvh {
	u32 id, worker, qemu, sock;
	u8 dir;
	u64 kick, net, pkts, bytes, sig, sup, empty;
	u64 ph[8];
	bool no_sig;		/* the module has no eventfd probe */
	bool gone;		/* the device was released */
};

static int add_vh(struct vns_vhost *v, const struct tvh *q)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_VHOST);
	nla_put_u32(msg, VNS_VHOST_A_ID, q->id);
	nla_put_u8(msg, VNS_VHOST_A_DIR, q->dir);
	nla_put_u32(msg, VNS_VHOST_A_WORKER, q->worker);
	if (q->qemu)
		nla_put_u32(msg, VNS_VHOST_A_QEMU_PID, q->qemu);
	if (q->sock)
		nla_put_u32(msg, VNS_VHOST_A_SOCK, q->sock);
	nla_put_u64(msg, VNS_VHOST_A_RUNS_KICK, q->kick);
	nla_put_u64(msg, VNS_VHOST_A_RUNS_NET, q->net);
	nla_put_u64(msg, VNS_VHOST_A_PACKETS, q->pkts);
	nla_put_u64(msg, VNS_VHOST_A_BYTES, q->bytes);
	put_hist(msg, VNS_VHOST_A_PKT_HIST, q->pkts, 2, q->ph, 8);
	if (!q->no_sig) {
		nla_put_u64(msg, VNS_VHOST_A_SIGNALS, q->sig);
		nla_put_u64(msg, VNS_VHOST_A_SUPPRESSED, q->sup);
	}
	nla_put_u64(msg, VNS_VHOST_A_EMPTY, q->empty);
	nla_put_u64(msg, VNS_VHOST_A_EMPTY_RACED, 0);
	if (q->gone)
		nla_put_flag(msg, VNS_VHOST_A_GONE);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_vhost_add(v, tb);
	nlmsg_free(msg);
	return ret;
}

static const struct tvh t_rx = {
	.id = 0x11, .dir = VNS_VHOST_RX, .worker = 812, .qemu = 800,
	.sock = 0xabcd1234, .net = 20, .pkts = 20, .bytes = 2040, .sig = 20,
	.empty = 20, .ph = { [0] = 20 },
};

static const struct tvh t_tx = {
	.id = 0x11, .dir = VNS_VHOST_TX, .worker = 812, .qemu = 800,
	.sock = 0xabcd1234, .kick = 10, .pkts = 22, .bytes = 2200, .sup = 3,
	.empty = 10, .ph = { [0] = 8, [1] = 2 },
};

static const struct tvh t_other = {
	.id = 0x22, .dir = VNS_VHOST_RX, .worker = 901, .kick = 1,
};

static void test_vhost(void)
{
	struct vns_vhost_args a = { .pid = -1, .queue = -1 };
	struct vns_vhost v, prev;
	struct vns_tun t;
	struct tvh q;
	FILE *f;

	memset(&v, 0, sizeof(v));
	CHECK_INT(add_vh(&v, &t_tx), 0);
	CHECK_INT(add_vh(&v, &t_other), 0);
	CHECK_INT(add_vh(&v, &t_rx), 0);
	vns_vhost_sort(&v);
	CHECK_INT(v.n, 3);
	if (v.n != 3)
		goto out;
	CHECK(v.q[0].id == 0x22 && v.q[1].dir == VNS_VHOST_RX &&
	      v.q[2].dir == VNS_VHOST_TX, "order: qemu pid, worker, dir");
	tun_read(&t, 0);

	a.pid = 800;
	f = out_open();
	vns_vhost_print(&v, &t, &a);
	CHECK_STR(out_close(f),
		  "ID       DIR  WORKER    QEMU     SOCK TUN            RUNS_KICK  RUNS_NET    PACKETS        BYTES  PKT/RUN   SIGNALS SUPPRESSED    EMPTY    RACED\n"
		  "00000011 rx      812     800 abcd1234 tap0/0                 0        20         20         2040      1.0        20          0       20        0\n"
		  "00000011 tx      812     800 abcd1234 tap0/0                10         0         22         2200      2.2         0          3       10        0\n");
	/* by the TUN queue served; without the tun dump, none matches */
	a.pid = -1;
	a.dev = "tap0";
	a.queue = 0;
	f = out_open();
	vns_vhost_print(&v, &t, &a);
	CHECK(strstr(out_close(f), "\n00000011 tx "), "--dev --queue");
	vns_tun_free(&t);
	f = out_open();
	vns_vhost_print(&v, &t, &a);
	CHECK(strstr(out_close(f), "\nno vhost-net virtqueue seen that matches\n"),
	      "--dev without the tun collector");
	a.dev = NULL;
	a.queue = -1;
	a.pid = 9999;
	CHECK_STR(JSON_DOC(vns_vhost_print(&v, &t, &a)),
		  "{\"virtqueues\":[]}");
	a.pid = -1;
	CHECK(strstr(JSON_DOC(vns_vhost_print(&v, &t, &a)),
		     "{\"id\":\"00000022\",\"dir\":\"rx\",\"worker\":901,"
		     "\"qemu_pid\":null,\"sock\":null,\"runs_kick\":1,"),
	      "JSON: %s", JSON_DOC(vns_vhost_print(&v, &t, &a)));

	/* signals unknown (no eventfd probe): "-" and null, never 0 */
	prev = v;
	memset(&v, 0, sizeof(v));
	q = t_tx;
	q.no_sig = true;
	q.gone = true;
	CHECK_INT(add_vh(&v, &q), 0);
	f = out_open();
	vns_vhost_print(&v, &t, &a);
	CHECK(strstr(out_close(f),
		     "         -          -       10        0 gone\n"),
	      "signals unknown, gone: text");
	CHECK(strstr(JSON_DOC(vns_vhost_print(&v, &t, &a)),
		     "\"signals\":null,\"suppressed\":null,"),
	      "signals unknown: JSON: %s", JSON_DOC(vns_vhost_print(&v, &t, &a)));
	CHECK(strstr(JSON_DOC(vns_vhost_print(&v, &t, &a)), "\"gone\":true"),
	      "gone: JSON");
	vns_vhost_free(&v);
	v = prev;

	/* growth */
	prev = v;
	memset(&v, 0, sizeof(v));
	q = t_tx;
	q.kick += 2;
	q.pkts += 4;
	q.bytes += 400;
	q.ph[1] += 2;
	CHECK_INT(add_vh(&v, &q), 0);
	vns_vhost_delta(&v, &prev);
	CHECK(v.q[0].runs_kick == 2 && v.q[0].packets == 4 &&
	      v.q[0].bytes == 400 && v.q[0].pkts.count == 2 &&
	      v.q[0].pkts.buckets[1] == 2, "delta");
	vns_vhost_free(&prev);
out:
	vns_vhost_free(&v);
}

static union {
	struct vns_tun_args tun;
	struct vns_vhost_args vhost;
} args;

static int parse(int argc, char **argv)
{
	if (!strcmp(argv[0], "tun"))
		return vns_tun_parse(&args.tun, argc, argv);
	return vns_vhost_parse(&args.vhost, argc, argv);
}

static void test_args(void)
{
	CHECK_INT(run(parse, "tun", NULL), -1);
	CHECK(!args.tun.dev && args.tun.queue == -1 &&
	      !strcmp(args.tun.read.name, "tun"), "tun: no options");
	CHECK_INT(run(parse, "tun", "--dev", "tap0", "--queue", "3",
		      "--interval", "1", "--count", "2", "--hist", "--json",
		      "--no-enable", NULL), -1);
	CHECK(!strcmp(args.tun.dev, "tap0") && args.tun.queue == 3 &&
	      args.tun.hist && args.tun.read.json && args.tun.read.no_enable &&
	      args.tun.read.interval == 1 && args.tun.read.count == 2,
	      "tun: all options");
	CHECK_INT(run(parse, "tun", "--events", "--queue", "1", NULL), -1);
	CHECK(args.tun.events && args.tun.queue == 1, "tun --events");
	CHECK_INT(run(parse, "tun", "--queue", "65536", NULL), VNS_EXIT_USAGE);
	CHECK_STR(cap_out, "vnetscope: invalid queue '65536' (0..65535)\n");
	CHECK_INT(run(parse, "tun", "--dev", "a-name-too-long-for-it", NULL),
		  VNS_EXIT_USAGE);
	CHECK_INT(run(parse, "tun", "--pid", "1", NULL), VNS_EXIT_USAGE);
	CHECK_INT(run(parse, "tun", "--help", NULL), VNS_EXIT_OK);
	CHECK(strstr(cap_out, "Usage: vnetscope tun "), "tun --help");

	CHECK_INT(run(parse, "vhost", "--pid", "800", "--dev", "tap0",
		      "--queue", "0", NULL), -1);
	CHECK(args.vhost.pid == 800 && !strcmp(args.vhost.dev, "tap0") &&
	      args.vhost.queue == 0 && !strcmp(args.vhost.read.name, "vhost"),
	      "vhost: options");
	CHECK_INT(run(parse, "vhost", "--pid", "0", NULL), VNS_EXIT_USAGE);
	CHECK_STR(cap_out, "vnetscope: invalid pid '0'\n");
	CHECK_INT(run(parse, "vhost", "extra", NULL), VNS_EXIT_USAGE);
	CHECK_INT(run(parse, "vhost", "--count", "2", NULL), VNS_EXIT_USAGE);
	CHECK_INT(run(parse, "vhost", "--help", NULL), VNS_EXIT_OK);
	CHECK(strstr(cap_out, "Usage: vnetscope vhost "), "vhost --help");
}

/* ----------------------------------------------- vhost: busy-poll loops */

static int add_vh_busy(struct vns_vhost *v, const struct tvh *q, u64 loops,
		       const u64 *ns)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_VHOST);
	nla_put_u32(msg, VNS_VHOST_A_ID, q->id);
	nla_put_u8(msg, VNS_VHOST_A_DIR, q->dir);
	nla_put_u32(msg, VNS_VHOST_A_WORKER, q->worker);
	nla_put_u64(msg, VNS_VHOST_A_RUNS_KICK, q->kick);
	nla_put_u64(msg, VNS_VHOST_A_RUNS_NET, q->net);
	nla_put_u64(msg, VNS_VHOST_A_PACKETS, q->pkts);
	nla_put_u64(msg, VNS_VHOST_A_EMPTY, q->empty);
	nla_put_u64(msg, VNS_VHOST_A_BUSY_LOOPS, loops);
	if (ns)
		nla_put_u64(msg, VNS_VHOST_A_BUSY_NS, *ns);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_vhost_add(v, tb);
	nlmsg_free(msg);
	return ret;
}

static void test_vhost_busy(void)
{
	struct vns_vhost_args a = { .pid = -1, .queue = -1 };
	struct vns_vhost v, prev;
	u64 ns = 2500000;
	const char *out;
	FILE *f;

	memset(&v, 0, sizeof(v));
	CHECK_INT(add_vh_busy(&v, &t_tx, 10, &ns), 0);
	CHECK_INT(add_vh_busy(&v, &t_rx, 20, NULL), 0);
	vns_vhost_sort(&v);
	f = out_open();
	vns_vhost_print(&v, NULL, &a);
	out = out_close(f);
	CHECK(strstr(out, "    EMPTY    RACED     BUSY    BUSY_US\n"), "header: %s",
	      out);
	/* 4.19: loops without their time ("-") */
	CHECK(strstr(out, "       20        0       20          -\n"), "rx: %s", out);
	CHECK(strstr(out, "       10        0       10       2500\n"), "tx: %s", out);
	CHECK(strstr(JSON_DOC(vns_vhost_print(&v, NULL, &a)),
		     "\"busy_loops\":10,\"busy_ns\":2500000"), "JSON: busy");
	CHECK(!strstr(JSON_DOC(vns_vhost_print(&v, NULL, &a)),
		      "\"busy_loops\":20,\"busy_ns\""), "JSON: no busy_ns");
	prev = v;
	memset(&v, 0, sizeof(v));
	ns = 4000000;
	CHECK_INT(add_vh_busy(&v, &t_tx, 14, &ns), 0);
	vns_vhost_delta(&v, &prev);
	CHECK(v.q[0].busy_loops == 4 && v.q[0].busy_ns == 1500000,
	      "busy grew");
	vns_vhost_free(&prev);
	vns_vhost_free(&v);
}

int main(void)
{
	test_tun();
	test_tun_events();
	test_vhost();
	test_vhost_busy();
	test_args();
	free(memout_buf);
	return vns_test_done();
}

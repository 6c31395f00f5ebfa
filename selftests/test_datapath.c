// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_datapath.c - unit tests of the fast path through BPF_PROG_TEST_RUN.
 *
 * Every case is one row of cases[]: a frame, the state seeded on top of a
 * standard switch, the hook it runs at, and what must come of it - the
 * verdict, drop and event counters, LEARN upcalls in the ring buffer, the
 * per-port counters, and the frames that come out of each port.  Maps are
 * emptied between cases.  The process stays on one CPU, as the learn token
 * bucket is per CPU.  The two objects share their maps as xvsd makes them
 * (loader/objpin.c): the XDP object's maps are pinned in a private
 * directory, and the TC object is pointed at the pins before it loads.
 *
 * What the kernel's test_run lets us express:
 *  - Input shorter than 14 bytes is refused (-EINVAL), metadata or not.
 *    XDP takes a frame whose Ethernet header is not (all) in the linear
 *    part: xdp_md.data_end sets the linear length, the rest is fragments.
 *  - xdp_md.ingress_ifindex and __sk_buff.ifindex must name real devices,
 *    so every port is a veth of the namespace below.
 *  - A plain XDP run returns XDP_REDIRECT without sending, and a live run
 *    (BPF_F_TEST_XDP_LIVE_FRAMES) sends but reports no verdict: each XDP
 *    case runs plain for the verdict and the counters, then once live for
 *    what comes out (XDP_PASS frames go up the ingress port's stack).
 *  - A TC run returns TC_ACT_REDIRECT without redirecting (the target
 *    shows in the tx counters, the skb's mark comes back in ctx_out), but
 *    the copies bpf_clone_redirect() makes really go: TC floods are seen,
 *    and a copy meets the TC hooks a case attaches (.egress) for real.
 *
 * Topology, in a network namespace of our own (gone when we exit).  What
 * a port sends arrives at its peer; what the switch delivers up a port's
 * own stack is seen on the port: AF_PACKET sockets read both ends.  A veth
 * takes XDP-redirected frames only if its peer runs NAPI: peers have GRO.
 *
 *             ports (XDP unless a case makes them skb-only)    peers
 *   bridge 1  a0 (A, port 1) <==================================> a1
 *             b0 (B, port 2) <==================================> b1
 *             c0 (C, port 3) <==================================> c1
 *   bridge 2  d0 (D, port 4) <==================================> d1
 *   no port   x0             <==================================> x1
 *   fake      ifindex 101, no device
 *
 * Usage: test_datapath [CASE]; KTAP on stdout, exit 0 pass, 1 fail, 4 skip.
 */
#include <errno.h>
#include <dirent.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/magic.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps/port.h"
#include "maps/fdb.h"
#include "maps/stats.h"
#include "maps/upcall.h"
#include "xvs_xdp.skel.h"
#include "xvs_tc.skel.h"

#define BIT(n)		(1U << (n))
#define ETH_P_XVS_TEST	0x88b5	/* IEEE 802 local experimental */
#define FRAME_LEN	60	/* default frame: minimum size, no FCS */
#define MAX_FRAME	6000	/* room for a multi-buffer XDP frame */
#define NO_HEAD		(-1)	/* .linear: not one byte linear */
#define LEARN_RATE	5	/* the XDP object's learn_rate */
#define MAX_UPCALLS	64
#define SEEN_OLD	1ULL	/* an fdb entry not seen for ages */
#define RX_WAIT_MS	500	/* wait for a frame that must come */
#define SETTLE_MS	20	/* wait for frames that must not come */

enum { NOIF, A, B, C, D, X, F, NR_IFS };	/* interfaces, see topology */
enum { PEER, PORT };				/* the two ends of a veth */
enum hook { HOOK_XDP, HOOK_TC_RX, HOOK_TC_TX };
enum seen_check { SEEN_ANY, SEEN_REFRESHED, SEEN_KEPT };

struct iface {
	const char *name[2];	/* PEER and PORT end */
	__u32 bridge;		/* 0: not a port */
	__u16 port_no;
	__u8 mac[ETH_ALEN];	/* the port's; the peer's ends in 1 */
	__u32 ifindex;		/* the port's */
	int sk[2];		/* AF_PACKET sockets on PEER and PORT */
};

static struct iface ifs[NR_IFS] = {
	[A] = { { "a1", "a0" }, 1, 1, { 0x02, 0, 0, 0, 0x0a, 0 } },
	[B] = { { "b1", "b0" }, 1, 2, { 0x02, 0, 0, 0, 0x0b, 0 } },
	[C] = { { "c1", "c0" }, 1, 3, { 0x02, 0, 0, 0, 0x0c, 0 } },
	[D] = { { "d1", "d0" }, 2, 4, { 0x02, 0, 0, 0, 0x0d, 0 } },
	[X] = { { "x1", "x0" }, 0, 0, { 0x02, 0, 0, 0, 0x0e, 0 } },
	[F] = { .ifindex = 101 },
};

static const __u8 BCAST[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 MCAST4[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const __u8 MCAST6[ETH_ALEN] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const __u8 STP[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
static const __u8 LLDP[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
static const __u8 ZERO[ETH_ALEN];
/* Stations: H1 is known behind A, H2 where a case puts it, NEW nowhere. */
static const __u8 H1[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const __u8 H2[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const __u8 NEW[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x40 };

struct fdb_seed {
	const __u8 *mac;	/* NULL ends the list */
	int at;			/* interface the station is behind */
	__u32 flags;		/* enum xvs_fdb_flags */
	__u64 seen_ns;		/* 0: the time of seeding */
};

struct tcase {
	const char *name;
	bool (*fn)(void);	/* a check of its own instead of a frame */
	/* frame i: dst, src (+ i), ETH_P_XVS_TEST, bytes 14, 15... */
	enum hook hook;
	int in;			/* ingress port (TC: the skb's device) */
	int iif;		/* TC: __sk_buff.ingress_ifindex */
	__u32 mark;		/* TC: __sk_buff.mark */
	const __u8 *dst, *src;
	__u32 len;		/* 0: FRAME_LEN */
	int linear;		/* XDP: bytes in the linear part; 0: all */
	__u32 nframes;		/* 0: 1 */
	bool vary_src;
	/* seeded on top of the standard switch */
	__u32 skb_ports;	/* ports without XVS_PORT_F_XDP */
	__u32 host_ports;	/* ports with XVS_PORT_F_HOST */
	__u32 egress;		/* ports with xvs_tc_tx on egress */
	bool no_group;		/* bridge 1 has no flood group */
	struct fdb_seed fdb[2];
	/* expected */
	int err;		/* test_run's error: the kernel refuses */
	int verdict;
	__u32 mark_out;		/* TC: the skb's mark when it is done */
	__u64 drops[XVS_DROP_MAX];
	__u64 events[XVS_EV_MAX];
	__u32 upcalls;		/* LEARN, from `in`, for src (+ i) */
	__u32 out;		/* peers that get the frame, unchanged */
	__u32 up;		/* TC: ports whose own stack gets it */
	__u32 tx;		/* ports counting it sent; 0: same as out */
	enum seen_check seen;	/* fate of fdb[0].seen_ns */
};

#define NAME(x) [x] = #x
static const char *const drop_names[XVS_DROP_MAX] = {
	NAME(XVS_DROP_NONE), NAME(XVS_DROP_TRUNCATED), NAME(XVS_DROP_SRC_MCAST),
	NAME(XVS_DROP_SRC_ZERO), NAME(XVS_DROP_NO_PORT),
	NAME(XVS_DROP_NO_BRIDGE), NAME(XVS_DROP_HAIRPIN),
	NAME(XVS_DROP_NO_EGRESS), NAME(XVS_DROP_FLOOD_FAIL),
};
static const char *const event_names[XVS_EV_MAX] = {
	NAME(XVS_EV_FORWARD), NAME(XVS_EV_FLOOD), NAME(XVS_EV_TO_HOST),
	NAME(XVS_EV_UPCALL), NAME(XVS_EV_UPCALL_RATELIMIT),
	NAME(XVS_EV_UPCALL_RINGFULL), NAME(XVS_EV_LEARN_PENDING),
	NAME(XVS_EV_TC_RX),
};
static const char *const verdict_names[2][8] = {
	{ "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT" },
	{ NAME(TC_ACT_OK), NAME(TC_ACT_SHOT), NAME(TC_ACT_STOLEN),
	  NAME(TC_ACT_REDIRECT) },
};

static struct xvs_xdp *xdp;
static struct xvs_tc *tc;
static struct ring_buffer *rb;
static struct xvs_upcall upcalls[MAX_UPCALLS];
static __u32 nr_upcalls;
static int group_fd[3] = { -1, -1, -1 };	/* XDP flood group by bridge */
static char pindir[64];
static bool mounted_bpffs;
static int nr_cpus;
static int failures;		/* of the current case */
static __u64 seeded_seen;	/* fdb[0].seen_ns as seeded */
static __u32 skb_mark;		/* the mark a TC run left on the skb */

__attribute__((format(printf, 1, 2)))
static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void expect(const char *what, const char *of, __u64 want, __u64 got)
{
	if (want != got)
		fail("%s%s%s: expected %llu, got %llu", of, *of ? " " : "",
		     what, (unsigned long long)want, (unsigned long long)got);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static const char *mac_str(const __u8 *m)
{
	static char s[2][18];
	static int k;

	k ^= 1;
	snprintf(s[k], sizeof(s[k]), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return s[k];
}

static void hexrow(const char *what, const __u8 *p, __u32 len, __u32 off)
{
	char line[16 * 3 + 1] = "";
	__u32 k;

	for (k = off; k < off + 16 && k < len; k++)
		sprintf(line + 3 * (k - off), " %02x", p[k]);
	printf("#   %-8s %04x:%s\n", what, off, line);
}

/* Print the 16-byte rows in which two frames differ. */
static void hexdiff(const __u8 *want, __u32 wlen, const __u8 *got, __u32 glen)
{
	__u32 off, wn, gn, max = wlen > glen ? wlen : glen;

	for (off = 0; off < max; off += 16) {
		wn = off < wlen ? (wlen - off < 16 ? wlen - off : 16) : 0;
		gn = off < glen ? (glen - off < 16 ? glen - off : 16) : 0;
		if (wn == gn && !memcmp(want + off, got + off, wn))
			continue;
		hexrow("expected", want, wlen, off);
		hexrow("got", got, glen, off);
	}
}

/* libbpf says nothing unless something went wrong. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	fputs("# libbpf: ", stdout);
	return vprintf(fmt, ap);
}

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	if (!system(cmd))
		return 0;
	printf("# failed: %s\n", cmd);
	return -1;
}

/* Sum a per-CPU value of n __u64 counters over the CPUs. */
static void percpu_sum(int fd, __u32 key, __u64 *sum, int n)
{
	__u64 v[nr_cpus * n];
	int cpu, k;

	memset(sum, 0, n * sizeof(*sum));
	if (bpf_map_lookup_elem(fd, &key, v)) {
		fail("reading map %d key %u: %s", fd, key, strerror(errno));
		return;
	}
	for (cpu = 0; cpu < nr_cpus; cpu++)
		for (k = 0; k < n; k++)
			sum[k] += v[cpu * n + k];
}

static void port_stats(int i, struct xvs_port_stats *s)
{
	percpu_sum(bpf_map__fd(xdp->maps.xvs_pstats), ifs[i].port_no,
		   (__u64 *)s, sizeof(*s) / sizeof(__u64));
}

static int on_upcall(void *ctx, void *data, size_t size)
{
	if (nr_upcalls < MAX_UPCALLS && size >= sizeof(upcalls[0]))
		memcpy(&upcalls[nr_upcalls], data, sizeof(upcalls[0]));
	nr_upcalls++;
	return 0;
}

/* Empty every map: arrays zeroed, the ring read, the others deleted. */
static int reset_maps(void)
{
	struct bpf_map *m;
	int fd, err = 0;
	__u8 key[64];
	void *zero;
	__u32 k;
	size_t sz;

	bpf_object__for_each_map(m, xdp->obj) {
		fd = bpf_map__fd(m);
		if (bpf_map__is_internal(m))
			continue;
		switch (bpf_map__type(m)) {
		case BPF_MAP_TYPE_RINGBUF:
			err = ring_buffer__consume(rb) < 0;
			break;
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
			sz = (bpf_map__value_size(m) + 7) & ~7U;
			zero = calloc(nr_cpus, sz);
			err = !zero;
			for (k = 0; k < bpf_map__max_entries(m) && !err; k++)
				err = bpf_map_update_elem(fd, &k, zero, 0);
			free(zero);
			break;
		default:
			while (!err && !bpf_map_get_next_key(fd, NULL, key))
				err = bpf_map_delete_elem(fd, key);
		}
		if (err)
			return -1;
	}
	nr_upcalls = 0;
	return 0;
}

static __u16 port_flags(const struct tcase *c, int i)
{
	return XVS_PORT_F_VETH |
	       (c->skb_ports & BIT(i) ? 0 : XVS_PORT_F_XDP) |
	       (c->host_ports & BIT(i) ? XVS_PORT_F_HOST : 0);
}

/* A port as xvsd attaches it: in xvs_ports and, if it is an XDP port, in
 * xvs_tx with the devmap egress program.
 */
static int seed_port(const struct tcase *c, int i)
{
	struct xvs_port p = {
		.ifindex = ifs[i].ifindex, .bridge = ifs[i].bridge,
		.port_no = ifs[i].port_no, .flags = port_flags(c, i),
		.mtu = 1500,
	};
	struct bpf_devmap_val tx = {
		.ifindex = ifs[i].ifindex,
		.bpf_prog.fd = bpf_program__fd(xdp->progs.xvs_xdp_tx),
	};

	memcpy(p.mac, ifs[i].mac, ETH_ALEN);
	strcpy(p.name, ifs[i].name[PORT]);
	if (bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_ports),
				&p.ifindex, &p, BPF_ANY))
		return -1;
	if (!(p.flags & XVS_PORT_F_XDP))
		return 0;
	return bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_tx),
				   &p.ifindex, &tx, BPF_ANY);
}

/* A bridge: its slot, its XDP flood group (a devmap of its XDP ports) and
 * the member list TC floods with.
 */
static int seed_bridge(const struct tcase *c, __u32 b)
{
	struct bpf_devmap_val v = {
		.bpf_prog.fd = bpf_program__fd(xdp->progs.xvs_xdp_tx),
	};
	struct xvs_flood_key key = { .bridge = b };
	struct xvs_bridge br = { .id = b, .ageing_s = 300 };
	struct xvs_members m = {};
	int i, g = group_fd[b];
	__u16 flags;

	snprintf(br.name, sizeof(br.name), "br%u", b);
	if (bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_bridges), &b, &br, 0))
		return -1;
	if (b == 1 && c->no_group)
		return 0;
	for (i = A; i <= D; i++) {
		if (ifs[i].bridge != b)
			continue;
		flags = port_flags(c, i);
		m.ifindex[m.count++] = v.ifindex = ifs[i].ifindex;
		m.skb_count += !(flags & XVS_PORT_F_XDP);
		m.host_count += !!(flags & XVS_PORT_F_HOST);
		if (flags & XVS_PORT_F_XDP ?
		    bpf_map_update_elem(g, &v.ifindex, &v, BPF_ANY) :
		    bpf_map_delete_elem(g, &v.ifindex) && errno != ENOENT)
			return -1;
	}
	if (bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_flood), &key, &g, 0))
		return -1;
	return bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_members), &key,
				   &m, BPF_ANY);
}

/* Stations are seeded on bridge 1, where every fdb case runs. */
static int seed_fdb(const struct fdb_seed *s, __u64 *seen)
{
	struct xvs_fdb_key key = { .bridge = 1 };
	struct xvs_fdb_entry e = {
		.ifindex = ifs[s->at].ifindex, .flags = s->flags,
		.seen_ns = s->seen_ns ?: now_ns(),
	};

	memcpy(key.mac, s->mac, ETH_ALEN);
	*seen = e.seen_ns;
	return bpf_map_update_elem(bpf_map__fd(xdp->maps.xvs_fdb), &key, &e,
				   BPF_ANY);
}

/* The standard switch - A B C on bridge 1, D on bridge 2, H1 known behind
 * A - with the case's own state on top.
 */
static int seed(const struct tcase *c)
{
	const struct fdb_seed h1 = { .mac = H1, .at = A };
	__u64 seen;
	int i;

	for (i = A; i <= D; i++)
		if (seed_port(c, i))
			return -1;
	if (seed_bridge(c, 1) || seed_bridge(c, 2) || seed_fdb(&h1, &seen))
		return -1;
	for (i = 1; i >= 0; i--)	/* fdb[0] last: seeded_seen is its */
		if (c->fdb[i].mac && seed_fdb(&c->fdb[i], &seeded_seen))
			return -1;
	return 0;
}

/* Attach xvs_tc_tx at the egress of the ports in mask, as xvsd does at
 * host ports, or take the hooks away again.
 */
static int attach_egress(__u32 mask, bool on)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts,
		.prog_fd = bpf_program__fd(tc->progs.xvs_tc_tx));
	int i, err = 0;

	for (i = A; i <= D && !err; i++) {
		if (!(mask & BIT(i)))
			continue;
		hook.ifindex = ifs[i].ifindex;
		hook.attach_point = on ? BPF_TC_EGRESS :
				    BPF_TC_INGRESS | BPF_TC_EGRESS;
		if (!on) {
			bpf_tc_hook_destroy(&hook);
			continue;
		}
		err = bpf_tc_hook_create(&hook);
		opts.prog_id = 0;
		if (!err || err == -EEXIST)
			err = bpf_tc_attach(&hook, &opts);
	}
	return err;
}

static void build_frame(const struct tcase *c, __u32 i, __u8 *p, __u32 len)
{
	__u8 hdr[ETH_HLEN];
	__u32 k;

	memcpy(hdr, c->dst, ETH_ALEN);
	memcpy(hdr + ETH_ALEN, c->src, ETH_ALEN);
	hdr[2 * ETH_ALEN - 1] += c->vary_src ? i : 0;
	hdr[12] = ETH_P_XVS_TEST >> 8;
	hdr[13] = ETH_P_XVS_TEST & 0xff;
	for (k = 0; k < len; k++)
		p[k] = k < ETH_HLEN ? hdr[k] : k & 0xff;
}

/* One test_run of the case's program on one frame. */
static int run_prog(const struct tcase *c, const __u8 *frame, __u32 len,
		    __u32 flags, __u32 *verdict)
{
	struct xdp_md md = {
		.data_end = c->linear == NO_HEAD ? 0 : c->linear ?: (int)len,
		.ingress_ifindex = ifs[c->in].ifindex,
	};
	struct __sk_buff skb = {
		.ifindex = ifs[c->in].ifindex, .mark = c->mark,
		.ingress_ifindex = ifs[c->iif].ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		.data_size_in = len, .flags = flags, .repeat = 1);
	struct bpf_program *prog = xdp->progs.xvs_xdp_rx;
	int err;

	if (c->hook == HOOK_XDP) {
		opts.ctx_in = &md;
		opts.ctx_size_in = sizeof(md);
	} else {
		prog = c->hook == HOOK_TC_RX ? tc->progs.xvs_tc_rx :
					       tc->progs.xvs_tc_tx;
		opts.ctx_in = opts.ctx_out = &skb;
		opts.ctx_size_in = opts.ctx_size_out = sizeof(skb);
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	*verdict = opts.retval;
	skb_mark = skb.mark;
	return err;
}

static const char *verdict_name(const struct tcase *c, __u32 v)
{
	const char *s = v < 8 ? verdict_names[c->hook != HOOK_XDP][v] : NULL;

	return s ?: "?";
}

/* Drops by reason, events, and what the ports counted received. */
static void check_counters(const struct tcase *c, __u32 n, __u32 len)
{
	bool counted = !c->err && (c->hook == HOOK_XDP ||
		(c->hook == HOOK_TC_RX && (c->skb_ports & BIT(c->in))));
	struct xvs_port_stats s;
	__u64 v, dropped = 0;
	__u32 k;
	int i;

	for (k = 0; k < XVS_DROP_MAX; k++) {
		percpu_sum(bpf_map__fd(xdp->maps.xvs_drops), k, &v, 1);
		expect(drop_names[k] ?: "new drop", "", c->drops[k], v);
		dropped += c->drops[k];
	}
	for (k = 0; k < XVS_EV_MAX; k++) {
		percpu_sum(bpf_map__fd(xdp->maps.xvs_events), k, &v, 1);
		expect(event_names[k] ?: "a new event", "", c->events[k], v);
	}
	for (i = A; i <= D; i++) {
		port_stats(i, &s);
		v = i == c->in && counted ? n : 0;
		expect("rx_packets", ifs[i].name[PORT], v, s.rx_packets);
		expect("rx_bytes", ifs[i].name[PORT], v * len, s.rx_bytes);
		expect("rx_dropped", ifs[i].name[PORT],
		       i == c->in ? dropped : 0, s.rx_dropped);
	}
}

static void check_upcalls(const struct tcase *c, __u64 t0, __u64 t1)
{
	const struct xvs_upcall *u;
	__u8 mac[ETH_ALEN];
	bool in_run;
	__u32 k;

	if (ring_buffer__consume(rb) < 0)
		fail("ring_buffer__consume: %s", strerror(errno));
	expect("LEARN upcalls", "", c->upcalls, nr_upcalls);
	for (k = 0; k < nr_upcalls && k < c->upcalls && k < MAX_UPCALLS; k++) {
		u = &upcalls[k];
		memcpy(mac, c->src, ETH_ALEN);
		mac[ETH_ALEN - 1] += c->vary_src ? k : 0;
		in_run = u->ts_ns >= t0 && u->ts_ns <= t1;
		if (u->type == XVS_UPCALL_LEARN && in_run &&
		    u->ifindex == ifs[c->in].ifindex &&
		    u->bridge == ifs[c->in].bridge && u->vlan == 0 &&
		    !memcmp(u->mac, mac, ETH_ALEN))
			continue;
		fail("upcall %u: type %u ifindex %u bridge %u vlan %u mac %s ts %s; expected type %u ifindex %u bridge %u vlan 0 mac %s ts in the run",
		     k, u->type, u->ifindex, u->bridge, u->vlan,
		     mac_str(u->mac), in_run ? "ok" : "outside",
		     XVS_UPCALL_LEARN, ifs[c->in].ifindex, ifs[c->in].bridge,
		     mac_str(mac));
	}
}

static void check_seen(const struct tcase *c, __u64 t0)
{
	struct xvs_fdb_key key = { .bridge = 1 };
	struct xvs_fdb_entry e;

	if (c->seen == SEEN_ANY)
		return;
	memcpy(key.mac, c->fdb[0].mac, ETH_ALEN);
	if (bpf_map_lookup_elem(bpf_map__fd(xdp->maps.xvs_fdb), &key, &e))
		fail("fdb entry %s is gone", mac_str(key.mac));
	else if (c->seen == SEEN_KEPT)
		expect("fdb seen_ns (kept)", "", seeded_seen, e.seen_ns);
	else if (e.seen_ns < t0)
		fail("fdb seen_ns: expected a refresh (>= %llu), got %llu",
		     (unsigned long long)t0, (unsigned long long)e.seen_ns);
}

/* Count the frames waiting at one end of interface i, and complain about
 * any that is not `want` or not wanted.  A port's own sends are skipped:
 * they are not what its stack received.
 */
static int take_frames(int i, int end, const __u8 *want, __u32 len,
		       bool wanted)
{
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	__u8 buf[2048];
	int n, cnt = 0;

	while ((n = recvfrom(ifs[i].sk[end], buf, sizeof(buf), MSG_TRUNC,
			     (struct sockaddr *)&sll, &sl)) >= 0) {
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		cnt++;
		n = n > (int)sizeof(buf) ? (int)sizeof(buf) : n;
		if (!want ||
		    (wanted && n == (int)len && !memcmp(buf, want, len)))
			continue;
		fail("%s got %s %d-byte frame", ifs[i].name[end],
		     wanted ? "a different" : "an unexpected", n);
		if (wanted)
			hexdiff(want, len, buf, n);
		else
			hexrow("got", buf, n, 0);
	}
	return cnt;
}

/* Every end that must get the frame gets it once, unchanged; no other
 * end gets anything.  Poll until the wanted frames are in, then give the
 * unwanted a moment to show up.
 */
static void check_output(const struct tcase *c, const __u8 *frame, __u32 len,
			 __u32 up)
{
	__u64 deadline = now_ns() + RX_WAIT_MS * 1000000ULL;
	__u32 want[2] = { c->out, up };
	int cnt[2][NR_IFS] = {}, i, e;
	bool waiting, settled = false;

	for (;;) {
		waiting = false;
		for (e = PEER; e <= PORT; e++)
			for (i = A; i <= X; i++) {
				cnt[e][i] += take_frames(i, e, frame, len,
							 want[e] & BIT(i));
				waiting |= (want[e] & BIT(i)) && !cnt[e][i];
			}
		if (settled)
			break;
		settled = !waiting || now_ns() > deadline;
		usleep(settled ? SETTLE_MS * 1000 : 1000);
	}
	for (e = PEER; e <= PORT; e++)
		for (i = A; i <= X; i++)
			if (cnt[e][i] != !!(want[e] & BIT(i)))
				fail("%s got %d frame(s), expected %d",
				     ifs[i].name[e], cnt[e][i],
				     !!(want[e] & BIT(i)));
}

/* What the devmap egress program (XDP) or the TC program counted sent. */
static void check_tx(const struct tcase *c, __u32 len)
{
	__u32 mask = c->tx ?: c->out;
	struct xvs_port_stats s;
	int i, n;

	for (i = A; i <= D; i++) {
		n = !!(mask & BIT(i));
		port_stats(i, &s);
		expect("tx_packets", ifs[i].name[PORT], n, s.tx_packets);
		expect("tx_bytes", ifs[i].name[PORT], n * len, s.tx_bytes);
	}
}

/* Send the frames; every one must get the expected error or verdict. */
static void run_frames(const struct tcase *c, __u8 *frame, __u32 len, __u32 n)
{
	__u32 i, v;
	int err;

	for (i = 0; i < n; i++) {
		build_frame(c, i, frame, len);
		err = run_prog(c, frame, len, 0, &v);
		if (err != c->err) {
			fail("frame %u: test_run returned %d (%s), expected %d",
			     i, err, strerror(-err), c->err);
			return;
		}
		if (!err && v != (__u32)c->verdict) {
			fail("frame %u: verdict %s (%u), expected %s (%d)", i,
			     verdict_name(c, v), v,
			     verdict_name(c, c->verdict), c->verdict);
			return;
		}
		if (!err && c->hook != HOOK_XDP && skb_mark != c->mark_out) {
			fail("frame %u: skb mark %#x, expected %#x", i,
			     skb_mark, c->mark_out);
			return;
		}
	}
}

/* An XDP case once more, live, to see what comes out.  Returns the ports
 * whose own stack must get the frame: an XDP_PASS frame goes up the
 * ingress port's.
 */
static __u32 run_live(const struct tcase *c, const __u8 *frame, __u32 len)
{
	__u32 v;
	int err;

	if (c->hook != HOOK_XDP)
		return c->up;
	if (c->err || c->linear || len > ETH_FRAME_LEN)
		return 0;	/* nothing to send, or too big to send live */
	err = run_prog(c, frame, len, BPF_F_TEST_XDP_LIVE_FRAMES, &v);
	if (err)
		fail("live test_run: %s", strerror(-err));
	return c->verdict == XDP_PASS ? BIT(c->in) : 0;
}

static bool run_case(const struct tcase *c)
{
	static __u8 frame[MAX_FRAME];
	__u32 len = c->len ?: FRAME_LEN, n = c->nframes ?: 1;
	__u64 t0, t1;
	int i;

	failures = 0;
	if (c->fn)
		return c->fn();
	if (reset_maps() || seed(c) || attach_egress(c->egress, true)) {
		fail("could not set the case up: %s", strerror(errno));
		attach_egress(c->egress, false);
		return false;
	}
	for (i = A; i <= X; i++) {
		take_frames(i, PEER, NULL, 0, false);
		take_frames(i, PORT, NULL, 0, false);
	}
	t0 = now_ns();
	run_frames(c, frame, len, n);
	t1 = now_ns();
	check_counters(c, n, len);
	check_upcalls(c, t0, t1);
	check_seen(c, t0);
	build_frame(c, 0, frame, len);
	check_output(c, frame, len, run_live(c, frame, len));
	check_tx(c, len);
	attach_egress(c->egress, false);
	return !failures;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 sz = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &sz) ? 0 : info.id;
}

/* The TC object must be using the XDP object's maps, the pinned ones. */
static bool check_maps_shared(void)
{
	const struct bpf_map *m, *other;
	char path[128];
	__u32 id, n = 0;
	int fd;

	bpf_object__for_each_map(m, tc->obj) {
		if (bpf_map__is_internal(m))
			continue;
		n++;
		other = bpf_object__find_map_by_name(xdp->obj,
						     bpf_map__name(m));
		id = map_id(bpf_map__fd(m));
		snprintf(path, sizeof(path), "%s/%s", pindir, bpf_map__name(m));
		fd = bpf_obj_get(path);
		if (!other || !id || id != map_id(bpf_map__fd(other)) ||
		    fd < 0 || id != map_id(fd))
			fail("%s: the TC object's map (id %u) is not the XDP object's pinned one",
			     bpf_map__name(m), id);
		if (fd >= 0)
			close(fd);
	}
	if (!n)
		fail("the TC object has no maps");
	return !failures;
}

/* Shorthands for the table. */
#define FRAME(i, d, s)	.in = i, .dst = d, .src = s
#define DROP(r)		.verdict = XDP_DROP, .drops = { [r] = 1 }
#define EV(...)		.events = { __VA_ARGS__ }
#define FLOODED		.verdict = XDP_REDIRECT, .out = BIT(B) | BIT(C)
#define TC_RX		.hook = HOOK_TC_RX
#define TC_TX		.hook = HOOK_TC_TX, .host_ports = BIT(A)
#define LOCAL		(XVS_FDB_F_LOCAL | XVS_FDB_F_STATIC)
#define FLOOD		[XVS_EV_FLOOD]
#define FORWARD		[XVS_EV_FORWARD]
#define UPCALL		[XVS_EV_UPCALL]
#define TCRX		[XVS_EV_TC_RX]
#define TOHOST		[XVS_EV_TO_HOST]

static const struct tcase cases[] = {
	{ "maps_shared_by_pin", .fn = check_maps_shared },
	/* What the kernel's test_run refuses. */
	{ "kernel_refuses_13_byte_frame", FRAME(A, BCAST, H1), .len = 13,
	  .err = -EINVAL },
	{ "kernel_refuses_unknown_ifindex", FRAME(F, BCAST, H1),
	  .err = -ENODEV },
	/* Frames the switch must not take. */
	{ "header_13_bytes_in_linear", FRAME(A, BCAST, H1), .linear = 13,
	  DROP(XVS_DROP_TRUNCATED) },
	{ "header_1_byte_in_linear", FRAME(A, BCAST, H1), .linear = 1,
	  DROP(XVS_DROP_TRUNCATED) },
	{ "header_0_bytes_in_linear", FRAME(A, BCAST, H1), .linear = NO_HEAD,
	  DROP(XVS_DROP_TRUNCATED) },
	{ "src_multicast", FRAME(A, H2, MCAST4), DROP(XVS_DROP_SRC_MCAST) },
	{ "src_broadcast", FRAME(A, H2, BCAST), DROP(XVS_DROP_SRC_MCAST) },
	{ "src_zero", FRAME(A, H2, ZERO), DROP(XVS_DROP_SRC_ZERO) },
	{ "ingress_not_a_port", FRAME(X, BCAST, H1), DROP(XVS_DROP_NO_PORT) },
	{ "bridge_without_flood_group", FRAME(A, BCAST, H1), .no_group = true,
	  DROP(XVS_DROP_NO_BRIDGE) },
	/* XDP floods to every other port of the bridge, and only those... */
	{ "broadcast_floods", FRAME(A, BCAST, H1), FLOODED, EV(FLOOD = 1) },
	{ "ipv4_multicast_floods", FRAME(A, MCAST4, H1), FLOODED,
	  EV(FLOOD = 1) },
	{ "ipv6_multicast_floods", FRAME(A, MCAST6, H1), FLOODED,
	  EV(FLOOD = 1) },
	{ "unknown_unicast_floods", FRAME(A, H2, H1), FLOODED, EV(FLOOD = 1) },
	{ "flood_stays_in_bridge", FRAME(D, BCAST, H2), .verdict = XDP_REDIRECT,
	  EV(FLOOD = 1, UPCALL = 1), .upcalls = 1 },
	{ "stp_to_host", FRAME(A, STP, H1), .verdict = XDP_PASS },
	{ "lldp_to_host", FRAME(A, LLDP, H1), .verdict = XDP_PASS },
	/* ... or leaves the flood to TC. */
	{ "flood_with_skb_member_at_tc", FRAME(A, BCAST, H1),
	  .skb_ports = BIT(C), .verdict = XDP_PASS },
	{ "flood_with_host_member_at_tc", FRAME(A, BCAST, H1),
	  .host_ports = BIT(B), .verdict = XDP_PASS },
	{ "flood_multibuffer_at_tc", FRAME(A, BCAST, H1), .len = 5000,
	  .verdict = XDP_PASS },
	/* XDP unicast. */
	{ "known_unicast_forwards", FRAME(A, H2, H1), .fdb = { { H2, B } },
	  .verdict = XDP_REDIRECT, EV(FORWARD = 1), .out = BIT(B) },
	{ "unicast_to_skb_port_at_tc", FRAME(A, H2, H1), .fdb = { { H2, B } },
	  .skb_ports = BIT(B), .verdict = XDP_PASS },
	{ "hairpin_dropped", FRAME(A, H2, H1), .fdb = { { H2, A } },
	  DROP(XVS_DROP_HAIRPIN) },
	{ "port_mac_to_host", FRAME(A, ifs[A].mac, H1), .verdict = XDP_PASS },
	{ "local_station_other_port", FRAME(A, H2, H1),
	  .fdb = { { H2, B, LOCAL } }, .verdict = XDP_PASS },
	{ "local_station_same_port", FRAME(A, H2, H1),
	  .fdb = { { H2, A, LOCAL } }, .verdict = XDP_PASS },
	/* Learning. */
	{ "learn_unknown_source", FRAME(A, H2, NEW), .fdb = { { H2, B } },
	  .verdict = XDP_REDIRECT, EV(FORWARD = 1, UPCALL = 1), .upcalls = 1,
	  .out = BIT(B) },
	{ "learn_pending_sent_once", FRAME(A, BCAST, NEW), .nframes = 2,
	  FLOODED, EV(FLOOD = 2, UPCALL = 1, [XVS_EV_LEARN_PENDING] = 1),
	  .upcalls = 1 },
	{ "learn_known_refreshes_seen", FRAME(A, BCAST, H1),
	  .fdb = { { H1, A, 0, SEEN_OLD } }, .seen = SEEN_REFRESHED,
	  FLOODED, EV(FLOOD = 1) },
	{ "learn_known_recent_kept", FRAME(A, BCAST, H1), .fdb = { { H1, A } },
	  .seen = SEEN_KEPT, FLOODED, EV(FLOOD = 1) },
	{ "learn_moved_station", FRAME(A, BCAST, H1), .fdb = { { H1, B } },
	  FLOODED, EV(FLOOD = 1, UPCALL = 1), .upcalls = 1 },
	{ "learn_static_stays", FRAME(A, BCAST, H1),
	  .fdb = { { H1, B, XVS_FDB_F_STATIC, SEEN_OLD } }, .seen = SEEN_KEPT,
	  FLOODED, EV(FLOOD = 1) },
	{ "learn_rate_limited", FRAME(A, BCAST, NEW), .nframes = 20,
	  .vary_src = true, FLOODED, .upcalls = LEARN_RATE,
	  EV(FLOOD = 20, UPCALL = LEARN_RATE,
	     [XVS_EV_UPCALL_RATELIMIT] = 20 - LEARN_RATE) },
	/* TC ingress: the receive hook of skb-only ports, and what XDP ports
	 * passed up (neither counted nor learned from twice).
	 */
	{ "tc_rx_skb_port_learns_forwards", TC_RX, FRAME(A, H2, NEW),
	  .skb_ports = BIT(A) | BIT(B), .fdb = { { H2, B } },
	  .verdict = TC_ACT_REDIRECT, EV(TCRX = 1, FORWARD = 1, UPCALL = 1),
	  .upcalls = 1, .tx = BIT(B) },
	{ "tc_rx_xdp_port_no_relearn", TC_RX, FRAME(A, H2, NEW),
	  .skb_ports = BIT(B), .fdb = { { H2, B } },
	  .verdict = TC_ACT_REDIRECT, EV(TCRX = 1, FORWARD = 1), .tx = BIT(B) },
	{ "tc_rx_local_station", TC_RX, FRAME(A, H2, H1),
	  .fdb = { { H2, B, LOCAL } }, .verdict = TC_ACT_REDIRECT,
	  .mark_out = XVS_SKB_MARK_TO_HOST, EV(TCRX = 1, TOHOST = 1),
	  .tx = BIT(B) },
	{ "tc_rx_skb_port_floods", TC_RX, FRAME(A, BCAST, H1),
	  .skb_ports = BIT(A), .verdict = TC_ACT_STOLEN,
	  EV(TCRX = 1, FLOOD = 1), .out = BIT(B) | BIT(C) },
	{ "tc_rx_host_port_floods", TC_RX, FRAME(A, BCAST, H1),
	  .host_ports = BIT(A), .verdict = TC_ACT_OK,
	  EV(TCRX = 1, FLOOD = 1, TOHOST = 1), .out = BIT(B) | BIT(C) },
	{ "tc_rx_flood_up_host_member", TC_RX, FRAME(A, BCAST, H1),
	  .host_ports = BIT(B), .verdict = TC_ACT_STOLEN,
	  EV(TCRX = 1, FLOOD = 1), .out = BIT(B) | BIT(C), .up = BIT(B) },
	{ "tc_rx_delivered_to_host_passes", TC_RX, FRAME(B, BCAST, H1),
	  .mark = XVS_SKB_MARK_TO_HOST, .verdict = TC_ACT_OK },
	{ "tc_rx_link_local_to_host", TC_RX, FRAME(A, STP, H1),
	  .verdict = TC_ACT_OK, EV(TCRX = 1, TOHOST = 1) },
	{ "tc_rx_src_multicast_shot", TC_RX, FRAME(A, H2, MCAST4),
	  .skb_ports = BIT(A), .verdict = TC_ACT_SHOT,
	  .drops = { [XVS_DROP_SRC_MCAST] = 1 } },
	{ "tc_rx_not_a_port", TC_RX, FRAME(X, BCAST, H1),
	  .verdict = TC_ACT_OK },
	/* TC egress of host port A: what the host sends into the switch. */
	{ "tc_tx_known_unicast", TC_TX, FRAME(A, H2, ifs[A].mac),
	  .fdb = { { H2, B } }, .verdict = TC_ACT_REDIRECT, .tx = BIT(B) },
	{ "tc_tx_local_station", TC_TX, FRAME(A, H2, ifs[A].mac),
	  .fdb = { { H2, B, LOCAL } }, .verdict = TC_ACT_REDIRECT,
	  .mark_out = XVS_SKB_MARK_TO_HOST, .tx = BIT(B) },
	{ "tc_tx_broadcast_floods", TC_TX, FRAME(A, BCAST, ifs[A].mac),
	  .verdict = TC_ACT_OK, EV(FLOOD = 1), .out = BIT(B) | BIT(C) },
	{ "tc_tx_station_behind_port", TC_TX, FRAME(A, H2, ifs[A].mac),
	  .fdb = { { H2, A } }, .verdict = TC_ACT_OK },
	{ "tc_tx_already_switched", TC_TX, FRAME(A, BCAST, H1), .iif = B,
	  .verdict = TC_ACT_OK },
	{ "tc_tx_two_host_ports_flood_once", .hook = HOOK_TC_TX,
	  FRAME(A, BCAST, ifs[A].mac),
	  .host_ports = BIT(A) | BIT(B), .egress = BIT(A) | BIT(B),
	  .verdict = TC_ACT_OK, EV(FLOOD = 1), .out = BIT(B) | BIT(C),
	  .up = BIT(B) },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* Load both objects, the TC one over the XDP one's pinned maps. */
static int load_objects(void)
{
	struct bpf_map *m;
	char path[128];
	int fd, err;

	xdp = xvs_xdp__open();
	if (!xdp)
		return -errno;
	xdp->rodata->learn_rate = LEARN_RATE;
	err = xvs_xdp__load(xdp);
	bpf_object__for_each_map(m, xdp->obj) {
		snprintf(path, sizeof(path), "%s/%s", pindir, bpf_map__name(m));
		if (!err && !bpf_map__is_internal(m) &&
		    bpf_obj_pin(bpf_map__fd(m), path))
			err = -errno;
	}
	tc = err ? NULL : xvs_tc__open();
	if (!tc)
		return err ?: -errno;
	tc->rodata->learn_rate = LEARN_RATE;
	bpf_object__for_each_map(m, tc->obj) {
		snprintf(path, sizeof(path), "%s/%s", pindir, bpf_map__name(m));
		if (bpf_map__is_internal(m))
			continue;
		fd = bpf_obj_get(path);
		err = fd < 0 ? -errno : bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err)
			return err;
	}
	return xvs_tc__load(tc);
}

/* The veths, up, with a socket on each end.  No IPv6 (no DAD, no MLD),
 * so that the sockets see our frames only.
 */
static int make_topology(void)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
	};
	__u8 peer_mac[ETH_ALEN];
	FILE *f;
	int i, e;

	f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
	for (i = A; i <= X; i++) {
		memcpy(peer_mac, ifs[i].mac, ETH_ALEN);
		peer_mac[ETH_ALEN - 1] = 1;
		if (sh("ip link add %s address %s type veth peer name %s address %s",
		       ifs[i].name[PORT], mac_str(ifs[i].mac),
		       ifs[i].name[PEER], mac_str(peer_mac)) ||
		    sh("ethtool -K %s gro on", ifs[i].name[PEER]) ||
		    sh("ip link set %s up", ifs[i].name[PORT]) ||
		    sh("ip link set %s up", ifs[i].name[PEER]))
			return -1;
		ifs[i].ifindex = if_nametoindex(ifs[i].name[PORT]);
		for (e = PEER; e <= PORT; e++) {
			sll.sll_ifindex = if_nametoindex(ifs[i].name[e]);
			ifs[i].sk[e] = socket(AF_PACKET, SOCK_RAW |
					      SOCK_NONBLOCK, htons(ETH_P_ALL));
			if (ifs[i].sk[e] < 0 || !sll.sll_ifindex ||
			    bind(ifs[i].sk[e], (struct sockaddr *)&sll,
				 sizeof(sll)))
				return -1;
		}
	}
	return 0;
}

/* NULL when ready, else why the test cannot run (a skip).  A failure to
 * load the objects is no skip: *err says why.
 */
static const char *setup(int *err)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct statfs st;
	cpu_set_t cpu;
	int b;

	if (geteuid() != 0)
		return "needs root";
	if (unshare(CLONE_NEWNET))
		return "cannot create a network namespace";
	CPU_ZERO(&cpu);
	CPU_SET(sched_getcpu(), &cpu);
	sched_setaffinity(0, sizeof(cpu), &cpu);
	setrlimit(RLIMIT_MEMLOCK, &rl);
	nr_cpus = libbpf_num_possible_cpus();
	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
			return "no bpffs at /sys/fs/bpf";
		mounted_bpffs = true;
	}
	snprintf(pindir, sizeof(pindir), "/sys/fs/bpf/xvs-test-%d", getpid());
	if (nr_cpus <= 0 || mkdir(pindir, 0700)) {
		pindir[0] = '\0';
		return "cannot create the pin directory";
	}
	*err = load_objects();
	if (*err)
		return *err == -EPERM ? "BPF not permitted" : NULL;
	if (make_topology())
		return "cannot build the veth topology (ip, ethtool, veth)";
	for (b = 1; b <= 2; b++) {
		group_fd[b] = bpf_map_create(BPF_MAP_TYPE_DEVMAP_HASH,
				"xvs_test_grp", sizeof(__u32),
				sizeof(struct bpf_devmap_val),
				XVS_MAX_GROUP_PORTS, NULL);
		if (group_fd[b] < 0)
			return "cannot create the flood groups";
	}
	rb = ring_buffer__new(bpf_map__fd(xdp->maps.xvs_upcall), on_upcall,
			      NULL, NULL);
	return rb ? NULL : "cannot read the upcall ring buffer";
}

/* Undo setup(); the namespace and its veths go with the process. */
static void cleanup(void)
{
	struct dirent *de;
	DIR *d;
	int i;

	for (i = A; i <= X; i++) {
		if (ifs[i].sk[PEER] > 0)
			close(ifs[i].sk[PEER]);
		if (ifs[i].sk[PORT] > 0)
			close(ifs[i].sk[PORT]);
	}
	for (i = 1; i <= 2; i++)
		if (group_fd[i] >= 0)
			close(group_fd[i]);
	ring_buffer__free(rb);
	xvs_tc__destroy(tc);
	xvs_xdp__destroy(xdp);
	d = pindir[0] ? opendir(pindir) : NULL;
	if (d) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
		rmdir(pindir);
	}
	if (mounted_bpffs)
		umount("/sys/fs/bpf");
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL, *why;
	int planned = 0, pass = 0, failed = 0, err = 0;
	size_t k;

	for (k = 0; k < NR_CASES; k++)
		planned += !only || !strcmp(only, cases[k].name);
	if (!planned) {
		fprintf(stderr, "test_datapath: no case named '%s'\n", only);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_log);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("TAP version 13\n");
	why = setup(&err);
	if (why || err) {
		if (why)
			printf("1..0 # SKIP %s\n", why);
		else
			printf("Bail out! Couldn't load the BPF objects: %s\n",
			       strerror(-err));
		cleanup();
		return why ? 4 : 1;
	}
	printf("1..%d\n", planned);
	for (k = 0; k < NR_CASES && !stop; k++) {
		if (only && strcmp(only, cases[k].name))
			continue;
		if (run_case(&cases[k]))
			pass++;
		else
			failed++;
		printf("%sok %d %s\n", failures ? "not " : "", pass + failed,
		       cases[k].name);
	}
	cleanup();
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       pass, failed);
	return failed || stop ? 1 : 0;
}

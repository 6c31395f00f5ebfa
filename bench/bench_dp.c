// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/bench_dp.c - what an 802.1Q tag push and pop, and a GRE
 * encapsulation and decapsulation, cost the datapath.
 *
 * One known-unicast forward p0 -> p1 through the real fast path, six ways
 * (port VLAN modes as in maps/vlan.h, tunnels as in maps/tunnel.h):
 *   plain     trunk -> trunk, untagged frame: no tag work (the baseline)
 *   push      access 10 -> trunk: tag pushed at ingress, kept at egress
 *   pop       trunk, frame tagged VID 10 -> access 10: popped at egress
 *   push+pop  access 10 -> access 10: pushed at ingress, popped at egress
 *   encap     trunk p0 -> GRE port T (key): encapsulated, out of p1, the
 *             underlay T rides on, to the next hop q1
 *   decap     a GRE packet of T in on p0, now the underlay: stripped,
 *             the inner frame switched from T to trunk p1
 *
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES runs xvs_xdp_rx on
 * frames "received" on p0.  Redirects really happen: the xvs_tx devmap runs
 * xvs_xdp_tx for p1, the frames cross the veth, and q1's sink program
 * (bench_sink.bpf.c) counts them by form and drops them.  All of it runs on
 * the calling CPU (live frames are flushed there), so the process is pinned
 * to one CPU and a frame's cost is the thread's CPU time over a run's
 * frames (its wall time too when the CPU is not shared).
 *
 *   bench_dp (one CPU)
 *     | test_run, live frames, ingress_ifindex = p0
 *     v
 *   xvs_xdp_rx --redirect xvs_tx--> xvs_xdp_tx (p1) --> p1 ==veth== q1
 *   (fdb: dst behind p1)            (devmap egress)            bench_sink:
 *                                                              count, drop
 *   p0 ==veth== q0     (p0 only names the ingress; q0 idles)
 *
 * The tunnel cases change the roles, not the path: in encap the station
 * is behind T, and xvs_xdp_rx adds the outer headers and redirects to p1
 * (xvs_xdp_tx lets the underlay's frame go); q1 must see the GRE packet
 * byte for byte as built here.  In decap xvs_xdp_rx strips the packet
 * and switches the inner frame to p1 - by itself, since the bridge has
 * only XDP ports and the tunnel: a packet it passed up would go to p0's
 * stack and never reach q1, so the count at q1 proves XDP did it all.
 *
 * The flows family (-f flows) puts rules on the bridge (bench_flows.h:
 * 1, 100 or 10,000 rules over 1 or 16 masks, installed by loader/flow.c
 * as xvsd installs them) and sends IPv4 UDP frames that a priority-1
 * `actions=normal` rule takes, below every other mask.  Each set runs
 * twice: "hit", the same flow every frame (after the first, the flow
 * cache decides), and "new", every frame a flow never seen (the sink
 * gives each page the next source address before the page comes back,
 * so a frame finds no cache entry and the whole tuple-space search runs,
 * then fills a cache entry - evicting one once the LRU is full).  A run
 * counts the cache's misses: a hit run with more than 1 % of them, or a
 * new run with fewer than 90 %, is an error.  Figures are net of plain,
 * the same forward without rules.
 *
 * All in a private network namespace and pin directory, gone at exit.
 * Scenarios alternate round by round (A B C D A B C D ...); a scenario's
 * figure is the median of its rounds, read as a ratio to plain's (report.h).
 * A run in which not every frame reached q1 in the expected form is an
 * error, never a number.
 *
 * The micro family (-f micro) runs each path without live frames:
 * BPF_PROG_TEST_RUN repeats xvs_xdp_rx on one buffer (through
 * bench_micro.bpf.c's harness, which puts the frame back every time) and
 * returns the verdict; the redirect is never carried out, so the egress
 * program, the veth and the sink do not run.  What is left is the cost
 * of the decision and the rewrite: known unicast, flood, push, pop (its
 * ingress half), encap, decap, flow cache hit, new flow - next to an
 * empty program (the baseline) and a bare devmap redirect, all run the
 * same way, round by round.  The TC program runs the same way on the
 * paths that leave the frame as it is (known unicast, cache hit, new
 * flow), the ports made TC ports, next to an empty TC program.  Then the
 * memory a MAC entry, a cached flow and a rule take (memory.h).
 *
 * Usage: bench_dp [-q] [-f vlan|flows|micro] [-r ROUNDS] [-s BYTES] [-c CPU]
 *                 [-o FILE.json]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "xvs_xdp.skel.h"
#include "xvs_tc.skel.h"
#include "bench_sink.skel.h"
#include "bench_micro.skel.h"
#include "loader/log.h"
#include "loader/objpin.h"
#include "loader/util.h"
#include "maps/port.h"
#include "maps/fdb.h"
#include "maps/stats.h"
#include "maps/tunnel.h"
#include "bench/bench_sink.h"
#include "bench/bench_flows.h"
#include "bench/bench_micro.h"
#include "bench/memory.h"
#include "bench/report.h"

#define VID		10
#define BRIDGE		1
#define MIN_ROUNDS	5
#define BATCH		64		/* frames per redirect flush (NAPI) */
#define NSEC		1000000000.0
#define MTU		1600		/* every veth: a full frame fits in GRE */
/* The GRE port: its virtual port id and port number, and the tunnel. */
#define TUN		(XVS_VPORT_BASE + 0)
#define TUN_NO		3
#define TUN_KEY		100
#define TUN_TTL		64
#define TUN_LOCAL	0xc0000201	/* 192.0.2.1, ours */
#define TUN_REMOTE	0xc0000202	/* 192.0.2.2, the far end */
#define TUN_HLEN	XVS_TUN_OVERHEAD(1)	/* outer Ethernet, IPv4, GRE + key */

/* p0 and p1 are ports 1 and 2 (port_write()); q0 and q1 their next hops. */
enum { P0, P1, Q1, Q0, NR_IFS };
static struct {
	const char *name;
	__u8 mac[ETH_ALEN];
	__u32 ifindex;
} ifs[NR_IFS] = {
	{ .name = "p0", .mac = { 0x02, 0, 0, 0, 0x01, 0x00 } },
	{ .name = "p1", .mac = { 0x02, 0, 0, 0, 0x01, 0x01 } },
	{ .name = "q1", .mac = { 0x02, 0, 0, 0, 0x02, 0x01 } },
	{ .name = "q0", .mac = { 0x02, 0, 0, 0, 0x02, 0x00 } },
};

static const __u8 mac_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0a };	/* behind p0 */
static const __u8 mac_b[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0b };	/* behind p1 */
static const __u8 mac_t[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0c };	/* behind T */

/* Which port is the tunnel's underlay, if any. */
enum tun_role {
	NO_TUN = 0,
	ENCAP,				/* p1: frames to T leave by it */
	DECAP,				/* p0: T's packets come in on it */
};

/* The families of scenarios (-f): each runs on its own. */
enum family {
	FAM_VLAN,			/* tags and GRE, live frames */
	FAM_FLOWS,			/* flow rules, live frames */
	FAM_MICRO,			/* every path, test_run without live frames */
};

struct scenario {
	struct bench_series r;		/* name, what, samples */
	__u8 fam;			/* enum family */
	__u8 in_mode, out_mode;		/* enum xvs_vlan_mode of p0, p1 */
	__u8 tun;			/* enum tun_role */
	int tagged_in, tagged_out;	/* tag VID on the frame in, at q1 */
	int flows;			/* 1 + index of its rule set in sets[]; 0: none */
	int renew;			/* flows: a new flow every frame */
	int flood;			/* micro: to the broadcast address */
	int empty;			/* micro: bench_empty (1), bench_redirect (2)
					 * or bench_empty_tc (3), not the datapath */
	int tc;				/* micro: xvs_tc_rx, the ports at TC */
	int grow;			/* micro: bytes the frame gains in xvs_xdp_rx */
};

#define SCENARIO(n, w, in, out, tin, tout) \
	{ .r = { .name = n, .what = w, .by_cpu = 1 }, .in_mode = XVS_VLAN_##in, \
	  .out_mode = XVS_VLAN_##out, .tagged_in = tin, .tagged_out = tout }
#define FLOWS(n, w, set, new) \
	{ .r = { .name = n, .what = w, .by_cpu = 1 }, .fam = FAM_FLOWS, .in_mode = XVS_VLAN_TRUNK, \
	  .out_mode = XVS_VLAN_TRUNK, .flows = set + 1, .renew = new }
#define TUNNEL(n, w, role) \
	{ .r = { .name = n, .what = w, .by_cpu = 1 }, .in_mode = XVS_VLAN_TRUNK, \
	  .out_mode = XVS_VLAN_TRUNK, .tun = role }
/* A microbenchmark: ports, frame and rules as in the scenario named by
 * the arguments, the frame growing by `gr` bytes in xvs_xdp_rx.
 */
#define MICRO_TC(n, w, set, new) \
	{ .r = { .name = n, .what = w, .by_cpu = 1 }, .fam = FAM_MICRO, \
	  .in_mode = XVS_VLAN_TRUNK, .out_mode = XVS_VLAN_TRUNK, .flows = set + 1, \
	  .renew = new, .tc = 1 }
#define MICRO(n, w, in, out, tin, role, set, new, fl, gr) \
	{ .r = { .name = n, .what = w, .by_cpu = 1 }, .fam = FAM_MICRO, \
	  .in_mode = XVS_VLAN_##in, .out_mode = XVS_VLAN_##out, .tagged_in = tin, \
	  .tun = role, .flows = set + 1, .renew = new, .flood = fl, .grow = gr }
static struct scenario sc[] = {
	SCENARIO("plain", "trunk -> trunk, untagged: no tag work", TRUNK, TRUNK, 0, 0),
	SCENARIO("push", "access 10 -> trunk: push at ingress", ACCESS, TRUNK, 0, 1),
	SCENARIO("pop", "trunk (tag 10) -> access 10: pop at egress", TRUNK, ACCESS, 1, 0),
	SCENARIO("push+pop", "access 10 -> access 10: push, pop", ACCESS, ACCESS, 0, 0),
	TUNNEL("encap", "trunk -> GRE port (key): encap, out of underlay p1", ENCAP),
	TUNNEL("decap", "GRE (key) on underlay p0: decap -> trunk p1", DECAP),
	FLOWS("1x1-hit", "1 rule, 1 mask: cache hit", 0, 0),
	FLOWS("1x1-new", "1 rule, 1 mask: a new flow every frame", 0, 1),
	FLOWS("100x1-hit", "100 rules, 1 mask: cache hit", 1, 0),
	FLOWS("100x1-new", "100 rules, 1 mask: a new flow every frame", 1, 1),
	FLOWS("100x16-hit", "100 rules, 16 masks: cache hit", 2, 0),
	FLOWS("100x16-new", "100 rules, 16 masks: a new flow every frame", 2, 1),
	FLOWS("10kx1-hit", "10,000 rules, 1 mask: cache hit", 3, 0),
	FLOWS("10kx1-new", "10,000 rules, 1 mask: a new flow every frame", 3, 1),
	FLOWS("10kx16-hit", "10,000 rules, 16 masks: cache hit", 4, 0),
	FLOWS("10kx16-new", "10,000 rules, 16 masks: a new flow every frame", 4, 1),
	{ .r = { .name = "empty", .what = "bench_empty: XDP_DROP, the baseline",
		 .by_cpu = 1 }, .fam = FAM_MICRO, .in_mode = XVS_VLAN_TRUNK,
	  .out_mode = XVS_VLAN_TRUNK, .flows = 0, .empty = 1 },
	{ .r = { .name = "bare", .what = "bench_redirect: devmap redirect to p1, the ceiling",
		 .by_cpu = 1 }, .fam = FAM_MICRO, .in_mode = XVS_VLAN_TRUNK,
	  .out_mode = XVS_VLAN_TRUNK, .flows = 0, .empty = 2 },
	MICRO("unicast", "known unicast, trunk -> trunk", TRUNK, TRUNK, 0, NO_TUN, -1, 0, 0, 0),
	MICRO("flood", "broadcast, flood group redirect", TRUNK, TRUNK, 0, NO_TUN, -1, 0, 1, 0),
	MICRO("push", "access 10 -> trunk: tag pushed", ACCESS, TRUNK, 0, NO_TUN, -1, 0, 0, 4),
	MICRO("pop", "trunk (tag 10) -> access 10: rx only, pop is at egress", TRUNK, ACCESS, 1,
	      NO_TUN, -1, 0, 0, 0),
	MICRO("encap", "trunk -> GRE port: outer headers added", TRUNK, TRUNK, 0, ENCAP, -1, 0, 0,
	      TUN_HLEN),
	MICRO("decap", "GRE on underlay p0: stripped, inner switched", TRUNK, TRUNK, 0, DECAP, -1,
	      0, 0, -TUN_HLEN),
	MICRO("flow-hit", "1 rule: flow cache hit", TRUNK, TRUNK, 0, NO_TUN, 0, 0, 0, 0),
	MICRO("flow-new", "1 rule, 1 mask: new flow (classifier miss)", TRUNK, TRUNK, 0, NO_TUN, 0,
	      1, 0, 0),
	MICRO("flow-new16", "10,000 rules, 16 masks: new flow", TRUNK, TRUNK, 0, NO_TUN, 4, 1, 0, 0),
	{ .r = { .name = "tc-empty", .what = "bench_empty_tc: TC_ACT_SHOT, TC's baseline",
		 .by_cpu = 1 }, .fam = FAM_MICRO, .in_mode = XVS_VLAN_TRUNK,
	  .out_mode = XVS_VLAN_TRUNK, .flows = 0, .empty = 3, .tc = 1 },
	MICRO_TC("tc-unicast", "TC: known unicast, trunk -> trunk", -1, 0),
	MICRO_TC("tc-flow-hit", "TC: 1 rule, flow cache hit", 0, 0),
	MICRO_TC("tc-flow-new", "TC: 1 rule, 1 mask: new flow", 0, 1),
};
#define NR_SC ((int)ARRAY_SIZE(sc))

/* The flows family's rule sets (rules, masks), in the order of sc[]. */
static const int set_dims[][2] = {
	{ 1, 1 }, { 100, 1 }, { 100, 16 }, { 10000, 1 }, { 10000, 16 },
};
#define NR_SETS ((int)ARRAY_SIZE(set_dims))
static struct flow_set sets[NR_SETS];
static struct flow_table *ft;		/* the flows family's */
static const struct flow_set *installed;

/* The family's scenarios: plain, the baseline, then the others. */
static struct scenario *act[NR_SC];
static int n_act;

static struct xvs_xdp *xdp;
static struct bench_sink *sink;
static struct bench_micro *micro;
static struct xvs_tc *tc;		/* the micro family's TC scenarios */
static char pin_dir[64];
static volatile sig_atomic_t stop;

static struct {
	int quick, smoke, rounds, cpu;
	int flows;			/* a family with rules */
	int fam;			/* enum family */
	__u32 len;			/* untagged frame length, bytes */
	const char *json, *mem_md;	/* mem_md: the micro family's memory table */
	const char *only;		/* -x: the baseline and this one (for perf) */
} opt = { .cpu = -1, .len = 60 };

static double ts_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* A network namespace of our own, and a bpffs to pin in.  The veths get
 * the MACs of ifs[] (the tunnel's frames name them) and an MTU with room
 * for the outer headers (an underlay's MTU has to have it).
 */
static int setup_ns(void)
{
	char cmd[640], m[NR_IFS][MAC_STRLEN];
	struct statfs fs;
	int i;

	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		pr_err("Couldn't unshare the network namespace: %s", strerror(errno));
		return -errno;
	}
	/* Mounts made here stay here. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if ((statfs("/sys/fs/bpf", &fs) || fs.f_type != BPF_FS_MAGIC) &&
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		pr_err("Couldn't mount bpffs on /sys/fs/bpf: %s", strerror(errno));
		return -errno;
	}
	for (i = 0; i < NR_IFS; i++)
		mac_fmt(ifs[i].mac, m[i]);
	/* IPv6 off first: no MLD or router solicitations into the sink. */
	snprintf(cmd, sizeof(cmd),
		 "for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do "
		 "[ ! -e $f ] || echo 1 > $f || exit 1; done && "
		 "ip link add p0 address %s mtu %d type veth peer name q0 address %s mtu %d && "
		 "ip link add p1 address %s mtu %d type veth peer name q1 address %s mtu %d && "
		 "for i in p0 q0 p1 q1; do ip link set $i up || exit 1; done",
		 m[P0], MTU, m[Q0], MTU, m[P1], MTU, m[Q1], MTU);
	i = system(cmd);
	if (i) {
		pr_err("Couldn't make the veths (status %d)", i);
		return -EIO;
	}
	for (i = 0; i < NR_IFS; i++)
		if (!(ifs[i].ifindex = if_nametoindex(ifs[i].name)))
			return -errno;
	return 0;
}

static int xdp_attach(int i, int prog_fd)
{
	int err = bpf_xdp_attach(ifs[i].ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);

	if (err)
		pr_err("Couldn't attach XDP to '%s': %s", ifs[i].name, strerror(-err));
	return err;
}

/* The XDP object with its maps pinned as xvsd does it; the sink on q1. */
static int load(void)
{
	__u32 zero = 0;
	int err;

	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/xvs-bench-%d", getpid());
	if (mkdir(pin_dir, 0700)) {
		pr_err("Couldn't create '%s': %s", pin_dir, strerror(errno));
		pin_dir[0] = '\0';
		return -errno;
	}
	xdp = xvs_xdp__open();
	if (!xdp)
		return -errno;
	err = obj_reuse_pinned(xdp->obj, pin_dir);
	if (!err)
		err = xvs_xdp__load(xdp);
	if (!err)
		err = obj_pin_maps(xdp->obj, pin_dir);
	if (err) {
		pr_err("Couldn't load the datapath: %s", strerror(-err));
		return err;
	}
	sink = bench_sink__open_and_load();
	micro = bench_micro__open_and_load();
	if (!sink || !micro)
		return -errno;
	if (opt.fam == FAM_MICRO) {
		tc = xvs_tc__open();
		err = tc ? obj_reuse_pinned(tc->obj, pin_dir) ?: xvs_tc__load(tc) : -errno;
		if (err) {
			pr_err("Couldn't load the TC datapath: %s", strerror(-err));
			return err;
		}
	}
	/* xvs_xdp_rx on the ports as xvsd attaches it.  That also keeps it
	 * in the kernel's XDP dispatcher: else each test_run swaps it in and
	 * out, two synchronize_rcu() (~10 ms) per run.
	 */
	return xdp_attach(P0, bpf_program__fd(xdp->progs.xvs_xdp_rx)) ?:
	       xdp_attach(P1, bpf_program__fd(xdp->progs.xvs_xdp_rx)) ?:
	       xdp_attach(Q1, bpf_program__fd(sink->progs.bench_sink)) ?:
	       xdp_attach(Q0, bpf_program__fd(micro->progs.bench_micro)) ?:
	       (bpf_map__update_elem(micro->maps.micro_tx, &zero, sizeof(zero),
				     &ifs[P1].ifindex, sizeof(__u32), BPF_ANY));
}

static void unpin(void)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (!pin_dir[0] || !(d = opendir(pin_dir)))
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(pin_dir);
}

/* Port i as loader/port.c writes an XDP port (a TC port if `at_tc`): of
 * bridge 1 in VLAN mode `mode`, or, if `underlay`, of no bridge, the
 * interface a tunnel rides on.
 */
static int port_write(int i, __u8 mode, int underlay, int at_tc)
{
	struct xvs_port p = {
		.ifindex = ifs[i].ifindex, .bridge = underlay ? 0 : BRIDGE,
		.port_no = i + 1, .mtu = MTU,
		.flags = (at_tc ? 0 : XVS_PORT_F_XDP) | XVS_PORT_F_VETH |
			 (underlay ? XVS_PORT_F_UNDERLAY : 0),
		.vlan = { .mode = mode, .tag = mode == XVS_VLAN_ACCESS ? VID : 0 },
	};

	memcpy(p.mac, ifs[i].mac, ETH_ALEN);
	snprintf(p.name, sizeof(p.name), "%s", ifs[i].name);
	return bpf_map__update_elem(xdp->maps.xvs_ports, &p.ifindex, sizeof(__u32),
				    &p, sizeof(p), BPF_ANY);
}

/* Tunnel T as xvsd writes it once resolved: out of `uplink` (p0 or p1) to
 * its peer (q0 or q1) as the next hop, by XDP redirect.
 */
static int tunnel_write(int uplink)
{
	struct xvs_tunnel t = {
		.vport = TUN, .local = htonl(TUN_LOCAL), .remote = htonl(TUN_REMOTE),
		.flags = XVS_TUN_F_KEY | XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP,
		.key = htonl(TUN_KEY), .uplink = ifs[uplink].ifindex, .mtu = MTU,
		.ttl = TUN_TTL,
	};
	__u32 vport = TUN;

	memcpy(t.smac, ifs[uplink].mac, ETH_ALEN);
	memcpy(t.dmac, ifs[uplink == P1 ? Q1 : Q0].mac, ETH_ALEN);
	return bpf_map__update_elem(xdp->maps.xvs_tunnels, &vport, sizeof(vport),
				    &t, sizeof(t), BPF_ANY);
}

/* Bridge 1's member list: p0, p1 and tunnel T - or, for a flood that
 * XDP carries out by itself, p0 and p1 only (a tunnel member takes skbs:
 * its copy, and so the whole flood, would go to TC).
 */
static int members_write(int tunnel)
{
	struct xvs_flood_key fk = { .bridge = BRIDGE };
	struct xvs_members m = {
		.count = 2, .ifindex = { ifs[P0].ifindex, ifs[P1].ifindex },
	};

	if (tunnel) {
		m.ifindex[m.count++] = TUN;
		m.skb_count = m.tun_count = 1;
	}
	return bpf_map__update_elem(xdp->maps.xvs_members, &fk, sizeof(fk), &m,
				    sizeof(m), BPF_ANY);
}

/* The ports' roles in scenario s, rewritten before each of its runs: both
 * bridge ports in the scenario's VLAN modes, or one of them the underlay
 * of tunnel T.
 */
static int roles_write(const struct scenario *s)
{
	int under = s->tun == ENCAP ? P1 : s->tun == DECAP ? P0 : -1, err;
	const struct flow_set *set = s->flows ? &sets[s->flows - 1] : NULL;

	err = port_write(P0, s->in_mode, under == P0, s->tc) ?:
	      port_write(P1, s->out_mode, under == P1, s->tc) ?:
	      members_write(!s->flood) ?:
	      (under < 0 ? 0 : tunnel_write(under));
	if (err || !ft)
		return err;
	/* The rules in place, and the ports flagged for them as xvsd does
	 * after a port change (the generation moves on: one miss).
	 */
	if (set != installed) {
		err = flow_set_install(ft, BRIDGE, set);
		installed = err ? NULL : set;
	}
	flow_ports_changed(ft, BRIDGE);
	return err;
}

/* p1 and p0 by name, for in_port= in the rule sets. */
static int port_by_name(void *arg, const char *name, __u32 *id)
{
	int i;

	for (i = P0; i <= P1; i++)
		if (!strcmp(name, ifs[i].name)) {
			*id = ifs[i].ifindex;
			return 0;
		}
	return -ENOENT;
}

/* The flows family's table over the pinned maps, and its rule sets. */
static int flows_open(void)
{
	struct flow_maps m = FLOW_MAPS_OF_SKEL(xdp);
	int i, err = flow_table_open(&ft, &m);

	for (i = 0; i < NR_SETS && !err; i++)
		err = flow_set_make(&sets[i], set_dims[i][0], set_dims[i][1],
				    port_by_name, NULL);
	if (err)
		pr_err("Couldn't set the flow rules up: %s", strerror(-err));
	return err;
}

static int fdb_write(const __u8 *mac, __u16 vlan, __u32 ifindex)
{
	struct xvs_fdb_key k = { .bridge = BRIDGE, .vlan = vlan };
	struct xvs_fdb_entry e = { .ifindex = ifindex, .flags = XVS_FDB_F_STATIC };

	memcpy(k.mac, mac, ETH_ALEN);
	return bpf_map__update_elem(xdp->maps.xvs_fdb, &k, sizeof(k), &e,
				    sizeof(e), BPF_ANY);
}

/* What tunnel T is in every scenario: a port of bridge 1 (a trunk), the
 * GRE it receives - to TUN_LOCAL, and from TUN_REMOTE with TUN_KEY - and
 * station mac_t behind it.  Its uplink and next hop are the scenario's
 * (tunnel_write()).
 */
static int seed_tunnel(void)
{
	struct xvs_port p = {
		.ifindex = TUN, .bridge = BRIDGE, .port_no = TUN_NO,
		.flags = XVS_PORT_F_TUNNEL, .mtu = MTU - (TUN_HLEN - ETH_HLEN),
		.vlan = { .mode = XVS_VLAN_TRUNK }, .name = "gre0",
	};
	struct xvs_tun_key ours = { .local = htonl(TUN_LOCAL) };
	struct xvs_tun_key k = {
		.local = htonl(TUN_LOCAL), .remote = htonl(TUN_REMOTE),
		.key = htonl(TUN_KEY), .has_key = 1,
	};
	__u32 vport = TUN, none = 0;

	return bpf_map__update_elem(xdp->maps.xvs_ports, &vport, sizeof(vport),
				    &p, sizeof(p), BPF_ANY) ?:
	       bpf_map__update_elem(xdp->maps.xvs_tun_in, &ours, sizeof(ours),
				    &none, sizeof(none), BPF_ANY) ?:
	       bpf_map__update_elem(xdp->maps.xvs_tun_in, &k, sizeof(k),
				    &vport, sizeof(vport), BPF_ANY) ?:
	       fdb_write(mac_t, 0, TUN);
}

/* Bridge 1 with ports p0 and p1, as loader/port.c makes an XDP port, and
 * tunnel T; the stations known in VLAN 0 and VID, so no frame floods or
 * asks to learn.  The member list (p0, p1, T) stays as it is when a
 * scenario makes p0 or p1 the underlay: no scenario floods, and its
 * counts (the tunnel its only port without XDP, no host port) are what
 * lets XDP decapsulate by itself.
 */
static int seed(void)
{
	struct xvs_bridge br = { .name = "bench", .id = BRIDGE };
	struct xvs_flood_key fk = { .bridge = BRIDGE };
	struct bpf_devmap_val v = {
		.bpf_prog.fd = bpf_program__fd(xdp->progs.xvs_xdp_tx),
	};
	__u32 id = BRIDGE;
	int i, g, err = 0;

	g = bpf_map_create(BPF_MAP_TYPE_DEVMAP_HASH, "xvs_g1_0", sizeof(__u32),
			   sizeof(v), XVS_MAX_GROUP_PORTS, NULL);
	if (g < 0)
		return -errno;
	for (i = P0; i <= P1 && !err; i++) {
		v.ifindex = ifs[i].ifindex;
		err = port_write(i, XVS_VLAN_TRUNK, 0, 0) ?:
		      bpf_map__update_elem(xdp->maps.xvs_tx, &v.ifindex, sizeof(__u32),
					   &v, sizeof(v), BPF_ANY) ?:
		      (bpf_map_update_elem(g, &v.ifindex, &v, BPF_ANY) ? -errno : 0);
	}
	err = err ?: bpf_map__update_elem(xdp->maps.xvs_flood, &fk, sizeof(fk),
					  &g, sizeof(g), BPF_ANY) ?:
	      members_write(1) ?:
	      bpf_map__update_elem(xdp->maps.xvs_bridges, &id, sizeof(id), &br,
				   sizeof(br), BPF_ANY) ?:
	      fdb_write(mac_a, 0, ifs[P0].ifindex) ?:
	      fdb_write(mac_a, VID, ifs[P0].ifindex) ?:
	      fdb_write(mac_b, 0, ifs[P1].ifindex) ?:
	      fdb_write(mac_b, VID, ifs[P1].ifindex) ?: seed_tunnel();
	close(g);
	if (err)
		pr_err("Couldn't seed the maps: %s", strerror(-err));
	return err;
}

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* The outer headers (TUN_HLEN bytes) of a packet of tunnel T from dmac
 * <- smac, address src -> dst, around an `inner`-byte frame: IPv4 without
 * options, DS 0, ID 0, DF, TTL TUN_TTL; GRE with a key (RFC 2784, 2890).
 * Written from the RFCs, not from the datapath's code: the sink's check
 * of these bytes is the check of the datapath's encapsulation.
 */
static void gre_head(__u8 *h, const __u8 *dmac, const __u8 *smac, __u32 src,
		     __u32 dst, __u32 inner)
{
	__u8 *ip = h + ETH_HLEN, *gre = ip + 20;

	memcpy(h, dmac, ETH_ALEN);
	memcpy(h + ETH_ALEN, smac, ETH_ALEN);
	put16(h + 12, ETH_P_IP);
	memset(ip, 0, 20);
	ip[0] = 0x45;			/* version 4, 5 words */
	put16(ip + 2, TUN_HLEN - ETH_HLEN + inner);
	put16(ip + 6, 0x4000);		/* DF, fragment offset 0 */
	ip[8] = TUN_TTL;
	ip[9] = IPPROTO_GRE;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, ipv4_csum(ip));
	put16(gre, 0x2000);		/* K, version 0 */
	put16(gre + 2, 0x6558);		/* Transparent Ethernet Bridging */
	put32(gre + 4, TUN_KEY);
}

/* A flows scenario's frame: IPv4 UDP FLOWS_SRC:1000 -> FLOWS_DST:2000
 * from mac_a to mac_b, opt.len bytes.
 */
static __u32 flow_frame(__u8 *f)
{
	__u8 *ip = f + ETH_HLEN, *udp = ip + 20;

	memset(f, 0, opt.len);
	memcpy(f, mac_b, ETH_ALEN);
	memcpy(f + ETH_ALEN, mac_a, ETH_ALEN);
	put16(f + 12, ETH_P_IP);
	ip[0] = 0x45;
	put16(ip + 2, opt.len - ETH_HLEN);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	put32(ip + 12, FLOWS_SRC);
	put32(ip + 16, FLOWS_DST);
	put16(ip + 10, ipv4_csum(ip));
	put16(udp, 1000);
	put16(udp + 2, 2000);
	put16(udp + 4, opt.len - ETH_HLEN - 20);
	return opt.len;
}

/* The scenario's input frame; returns its length.  The test frame is
 * dst <- src, the tag if tagged_in, BENCH_ETH_P, then byte k is k; decap's
 * comes in GRE, from the far end to p0.
 */
static __u32 build_frame(const struct scenario *s, __u8 *f)
{
	__u32 len = opt.len + (s->tagged_in ? 4 : 0), i, h = 2 * ETH_ALEN;
	__u32 off = s->tun == DECAP ? TUN_HLEN : 0;
	__u8 *in = f + off;
	static const __u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (s->flows)
		return flow_frame(f);
	memcpy(in, s->flood ? bcast : s->tun == ENCAP ? mac_t : mac_b, ETH_ALEN);
	memcpy(in + ETH_ALEN, s->tun == DECAP ? mac_t : mac_a, ETH_ALEN);
	if (s->tagged_in) {
		in[h++] = 0x81, in[h++] = 0x00;
		in[h++] = VID >> 8, in[h++] = VID & 0xff;
	}
	in[h++] = BENCH_ETH_P >> 8, in[h++] = BENCH_ETH_P & 0xff;
	for (i = h; i < len; i++)
		in[i] = i;
	if (off)
		gre_head(f, ifs[P0].mac, ifs[Q0].mac, TUN_REMOTE, TUN_LOCAL, len);
	return off + len;
}

_Static_assert(SINK_GRE_LEN == TUN_HLEN + ETH_HLEN,
	       "the sink checks the outer headers and the inner Ethernet header");

/* What q1's sink must see of input frame f (len bytes), and which form it
 * must count it as.
 */
static __u32 sink_expect(const struct scenario *s, const __u8 *f, __u32 len)
{
	const __u8 *in = f + (s->tun == DECAP ? TUN_HLEN : 0);
	__u8 *gre = (__u8 *)sink->bss->sink_gre;

	memcpy(sink->bss->sink_head, f, SINK_HEAD_LEN);
	sink->bss->sink_in_len = len;
	sink->bss->sink_vid = VID;
	sink->data->sink_ether = s->flows ? ETH_P_IP : BENCH_ETH_P;
	sink->bss->sink_saddr = s->renew ? FLOWS_NEW_SRC : FLOWS_SRC;
	sink->bss->sink_renew = s->renew;
	memcpy(sink->bss->sink_macs, in, SINK_MACS_LEN);
	if (s->tun != ENCAP)
		return s->tagged_out ? SINK_TAGGED : SINK_UNTAGGED;
	gre_head(gre, ifs[Q1].mac, ifs[P1].mac, TUN_LOCAL, TUN_REMOTE, len);
	memcpy(gre + TUN_HLEN, f, SINK_GRE_LEN - TUN_HLEN);
	return SINK_GRE;
}

/* The sink's counters, and (at SINK_MAX) the switch's drops, all reasons. */
static void counters(__u64 c[SINK_MAX + 1], int drops)
{
	__u64 v;
	__u32 k;

	for (k = 0; k < SINK_MAX; k++)
		percpu_sum(bpf_map__fd(sink->maps.sink_count), k, &c[k], 1);
	for (c[SINK_MAX] = 0, k = 0; drops && k < XVS_DROP_MAX; k++)
		if (!percpu_sum(bpf_map__fd(xdp->maps.xvs_drops), k, &v, 1))
			c[SINK_MAX] += v;
}

static void cache_misses(__u64 *v)
{
	percpu_sum(bpf_map__fd(xdp->maps.xvs_events), XVS_EV_FLOW_CACHE_MISS, v, 1);
}

/* One run of `repeat` frames: 0 (and a sample if `keep`), or -1 and an error. */
static int run_one(struct scenario *s, __u32 repeat, int round, int keep)
{
	static __u8 frame[TUN_HLEN + ETH_FRAME_LEN + 4];
	__u32 len = build_frame(s, frame), idle = 0, k;
	struct xdp_md md = { .data_end = len, .ingress_ifindex = ifs[P0].ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = repeat,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = BATCH);
	__u64 c0[SINK_MAX + 1], c[SINK_MAX + 1], got = 0, last, miss0, miss;
	char at[24] = "warm-up";
	double w0, t0;
	__u32 want;
	int err;

	err = roles_write(s);
	want = sink_expect(s, frame, len);
	counters(c0, 1);
	cache_misses(&miss0);

	w0 = ts_ns(CLOCK_MONOTONIC);
	t0 = ts_ns(CLOCK_THREAD_CPUTIME_ID);
	if (!err)
		err = bpf_prog_test_run_opts(bpf_program__fd(xdp->progs.xvs_xdp_rx), &o);
	/* Frames still in softirq belong to the run: it ends when q1 has
	 * them all, or has had nothing new for a while.
	 */
	for (last = ~0ULL; !err; last = got) {
		counters(c, 0);
		for (got = 0, k = 0; k < SINK_MAX; k++)
			got += c[k] - c0[k];
		if (got >= repeat || (got == last && ++idle > 20000))
			break;
		sched_yield();
	}
	w0 = (ts_ns(CLOCK_MONOTONIC) - w0) / repeat;
	t0 = (ts_ns(CLOCK_THREAD_CPUTIME_ID) - t0) / repeat;
	if (round)
		snprintf(at, sizeof(at), "round %d", round);
	if (err) {
		snprintf(s->r.err, sizeof(s->r.err), "%s: run failed: %s", at,
			 strerror(-err));
		return -1;
	}
	counters(c, 1);
	for (k = 0; k <= SINK_MAX; k++)
		c[k] -= c0[k];
	if (got != repeat || c[want] != repeat) {
		snprintf(s->r.err, sizeof(s->r.err),
			 "%s: %llu of %u frames reached q1 as expected (%llu untagged, %llu tagged VID %d, %llu GRE, %llu other); switch drops +%llu",
			 at, c[want], repeat, c[SINK_UNTAGGED], c[SINK_TAGGED], VID,
			 c[SINK_GRE], c[SINK_OTHER], c[SINK_MAX]);
		return -1;
	}
	cache_misses(&miss);
	miss -= miss0;
	if (s->flows && (s->renew ? miss < 0.9 * repeat : miss > 0.01 * repeat)) {
		snprintf(s->r.err, sizeof(s->r.err),
			 "%s: %llu flow cache misses in %u frames, want %s", at, miss,
			 repeat, s->renew ? "90 % or more" : "1 % or fewer");
		return -1;
	}
	if (keep)
		bench_sample(&s->r, w0, t0, o.duration);
	return 0;
}

/* One microbenchmark run: `repeat` runs of bench_micro, which puts the
 * frame back and tail-calls xvs_xdp_rx (or bench_empty), without live
 * frames - the verdict comes back, the redirect is never carried out.
 * 0 (and a sample if `keep`), or -1 and an error.  A run must end in the
 * verdict and frame length the path gives, with no drop counted, and the
 * flow cache must have missed (new flows) or hit (the rest) as it should.
 */
static int run_micro(struct scenario *s, __u32 repeat, int round, int keep)
{
	static __u8 frame[TUN_HLEN + ETH_FRAME_LEN + 4], out[TUN_HLEN + ETH_FRAME_LEN + 4];
	__u32 len = build_frame(s, frame), key = 0, want;
	struct xdp_md md = { .data_end = len, .ingress_ifindex = ifs[P0].ifindex };
	struct __sk_buff skb = { .ifindex = ifs[P0].ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .repeat = repeat);
	const struct bpf_program *harness = micro->progs.bench_micro, *next;
	const struct bpf_map *jmp = micro->maps.micro_next;
	int fd, err;

	__u64 c0[SINK_MAX + 1], c[SINK_MAX + 1], miss0, miss;
	char at[24] = "warm-up";
	double w, t;

	if (s->tc) {
		harness = micro->progs.bench_micro_tc;
		jmp = micro->maps.micro_next_tc;
		next = s->empty ? micro->progs.bench_empty_tc : tc->progs.xvs_tc_rx;
		want = s->empty ? TC_ACT_SHOT : TC_ACT_REDIRECT;
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	} else {
		next = s->empty == 1 ? micro->progs.bench_empty :
		       s->empty ? micro->progs.bench_redirect : xdp->progs.xvs_xdp_rx;
		want = s->empty == 1 ? XDP_DROP : XDP_REDIRECT;
	}
	fd = bpf_program__fd(next);
	if (round)
		snprintf(at, sizeof(at), "round %d", round);
	memcpy(micro->bss->micro_frame, frame, MICRO_COPY);
	micro->bss->micro_len = len;
	micro->bss->micro_renew = s->renew;
	micro->bss->micro_saddr = FLOWS_NEW_SRC;
	err = roles_write(s) ?:
	      bpf_map__update_elem(jmp, &key, sizeof(key), &fd, sizeof(fd), BPF_ANY);
	counters(c0, 1);
	cache_misses(&miss0);
	w = ts_ns(CLOCK_MONOTONIC);
	t = ts_ns(CLOCK_THREAD_CPUTIME_ID);
	if (!err)
		err = bpf_prog_test_run_opts(bpf_program__fd(harness), &o);
	t = (ts_ns(CLOCK_THREAD_CPUTIME_ID) - t) / repeat;
	w = (ts_ns(CLOCK_MONOTONIC) - w) / repeat;
	if (err) {
		snprintf(s->r.err, sizeof(s->r.err), "%s: run failed: %s", at,
			 strerror(-err));
		return -1;
	}
	counters(c, 1);
	cache_misses(&miss);
	miss -= miss0;
	if (o.retval != want || o.data_size_out != len + s->grow ||
	    c[SINK_MAX] != c0[SINK_MAX]) {
		snprintf(s->r.err, sizeof(s->r.err),
			 "%s: verdict %u (want %u), %u bytes out (want %d), switch drops +%llu",
			 at, o.retval, want, o.data_size_out, (int)len + s->grow,
			 c[SINK_MAX] - c0[SINK_MAX]);
		return -1;
	}
	if (s->flows && (s->renew ? miss < 0.9 * repeat : miss > 0.01 * repeat)) {
		snprintf(s->r.err, sizeof(s->r.err),
			 "%s: %llu flow cache misses in %u runs, want %s", at, miss,
			 repeat, s->renew ? "90 % or more" : "1 % or fewer");
		return -1;
	}
	if (keep)
		bench_sample(&s->r, w, t, o.duration);
	return 0;
}

/* The flows family's Markdown, next to its JSON: sc[] has each set's hit
 * and new scenarios in a row, in the order of sets[].
 */
static int flows_md(const char *title)
{
	const struct bench_series *hit[NR_SETS], *new_[NR_SETS];
	const struct flow_set *set[NR_SETS];
	char path[PATH_MAX], *dot;
	int i;

	for (i = 0; i < NR_SETS; i++) {
		hit[i] = &act[1 + 2 * i]->r;
		new_[i] = &act[2 + 2 * i]->r;
		set[i] = &sets[i];
	}
	snprintf(path, sizeof(path), "%s", opt.json);
	dot = strrchr(path, '.');
	snprintf(dot ? dot : path + strlen(path), 4, ".md");
	return flows_report_md(path, title, &act[0]->r, set, hit, new_, NR_SETS) ? -1 : 0;
}

/* The table on stdout, the same figures as JSON in opt.json. */
static int report(__u32 repeat, int rounds, double secs)
{
	struct bench_series *r[NR_SC];
	json_object *meta = json_object_new_object();
	char title[200];
	int i;

	for (i = 0; i < n_act; i++)
		r[i] = &act[i]->r;
	if (opt.flows)
		snprintf(title, sizeof(title),
			 "xvs flow table: cache hit and new flows, %u-byte IPv4 UDP frames, %u per run, %d rounds, CPU %d, %.1f s",
			 opt.len, repeat, rounds, opt.cpu, secs);
	else
		snprintf(title, sizeof(title),
			 "xvs datapath cost of VLAN tags and GRE: %u-byte frames (%u in GRE), %u per run, %d rounds, CPU %d, %.1f s",
			 opt.len, opt.len + TUN_HLEN, repeat, rounds, opt.cpu, secs);
	json_object_object_add(meta, "benchmark",
			       json_object_new_string(opt.flows ? "flows" : "vlan"));
	json_object_object_add(meta, "frame_len", json_object_new_int(opt.len));
	json_object_object_add(meta, "gre_frame_len",
			       json_object_new_int(opt.len + TUN_HLEN));
	json_object_object_add(meta, "frames_per_run", json_object_new_int64(repeat));
	json_object_object_add(meta, "rounds", json_object_new_int(rounds));
	json_object_object_add(meta, "cpu", json_object_new_int(opt.cpu));
	json_object_object_add(meta, "quick", json_object_new_boolean(opt.quick));
	json_object_object_add(meta, "seconds", json_object_new_double(secs));
	i = bench_report(title, r, n_act, meta, opt.json);
	return opt.flows ? flows_md(title) ?: i : i;
}

/* The micro family's Markdown, next to its JSON: each path's CPU ns per
 * run net of bench_empty's (bench_empty_tc's at TC); the tag and tunnel paths over known unicast
 * against the 15 ns target; known unicast against the bare redirect,
 * and new flows against cache hits (rates; paired: the median of each
 * round's own difference or ratio).
 */
static const struct bench_series *micro_find(const char *name)
{
	int i;

	for (i = 0; i < n_act; i++)
		if (!strcmp(act[i]->r.name, name) && act[i]->r.n == act[0]->r.n)
			return &act[i]->r;
	return NULL;
}

/* Median over the rounds of a - b, both net of the baseline e if `div`
 * (then a ratio: (b - e) / (a - e), a rate of a over b's).
 */
static double micro_paired(const struct bench_series *a, const struct bench_series *b,
			   const struct bench_series *e, int div)
{
	double d[BENCH_MAX_SAMPLES];
	int k;

	for (k = 0; k < a->n; k++)
		d[k] = div ? (b->cpu[k] - e->cpu[k]) / (a->cpu[k] - e->cpu[k]) :
			     a->cpu[k] - b->cpu[k];
	return bench_median_of(d, a->n);
}

/* One path's line: its cost net of its hook's empty program `e`, and
 * over its hook's known unicast `u` (none for the baselines).
 */
static void micro_row(FILE *f, const struct bench_series *r,
		      const struct bench_series *e, const struct bench_series *u)
{
	static const char *const over_l2[] = { "push", "encap", "decap" };
	int j, target = 0;
	double x;

	if (!r->n || !e || r->n != e->n) {
		fprintf(f, "| %s | error | | | |\n", r->name);
		return;
	}
	fprintf(f, "| %s | %.1f | %.1f |", r->name, bench_median(r),
		r == e ? 0 : bench_median(r) - bench_median(e));
	if (!u || r == u || r == e || !strcmp(r->name, "bare")) {
		fprintf(f, " | |\n");
		return;
	}
	for (j = 0; j < (int)ARRAY_SIZE(over_l2); j++)
		target |= !strcmp(r->name, over_l2[j]);
	x = micro_paired(r, u, e, 0);
	fprintf(f, " %+.1f (%+.1f) | %s |\n", bench_median(r) - bench_median(u), x,
		!strcmp(r->name, "pop") ? "pop is done at egress: see vlan.md" :
		!target ? "" : x <= 15 ? "<= 15: met" : "<= 15: missed");
}

static int micro_md(const char *title)
{
	const struct bench_series *e = micro_find("empty"), *u = micro_find("unicast");
	const struct bench_series *te = micro_find("tc-empty"), *tu = micro_find("tc-unicast");
	const struct bench_series *r, *b;
	char path[PATH_MAX], *dot;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s", opt.json);
	dot = strrchr(path, '.');
	snprintf(dot ? dot : path + strlen(path), 4, ".md");
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\n\nnet of empty: less the same harness tail-calling an empty program "
		"at the same hook (empty: XDP, tc-empty: TC)\n\n"
		"| path | ns/run | net of empty | + ns over unicast (paired) | target |\n"
		"|---|---|---|---|---|\n", title);
	for (i = 0; i < n_act; i++)
		micro_row(f, &act[i]->r, act[i]->tc ? te : e, act[i]->tc ? tu : u);
	b = micro_find("bare");
	if (e && u && b)
		fprintf(f, "\nknown unicast's decision against the bare redirect's, net of empty: "
			"%.2fx the rate (paired), the rate target being >= 0.9x\n",
			micro_paired(u, b, e, 1));
	r = micro_find("flow-new");
	b = micro_find("flow-hit");
	if (e && r && b)
		fprintf(f, "new flow against cache hit, net of empty: %.2fx the rate (paired; "
			"with the harness: %.2fx), target >= 0.5x\n",
			micro_paired(r, b, e, 1), bench_paired(b, r));
	r = micro_find("tc-flow-new");
	b = micro_find("tc-flow-hit");
	if (te && r && b)
		fprintf(f, "at TC, new flow against cache hit, net of tc-empty: %.2fx the rate "
			"(paired)\n", micro_paired(r, b, te, 1));
	return fclose(f) ? -1 : 0;
}

/* The micro family: every scenario in turn, round by round, each sample
 * `repeat` runs - or fewer for a slow path, so that a sample stays near
 * a quarter of a second (new flows: ~1-3 us a run), never below a tenth.
 */
static int micro_bench(void)
{
	int rounds = opt.rounds ?: opt.smoke ? MIN_ROUNDS : opt.quick ? 8 : 20, done, i;
	__u32 repeat = opt.smoke ? 20000 : opt.quick ? 200000 : 1000000, n[NR_SC], lo;
	json_object *meta = json_object_new_object();
	struct bench_series *r[NR_SC];
	char title[260], dir[PATH_MAX];
	double t0, w;

	for (lo = repeat, i = 0; i < n_act; i++) {
		w = ts_ns(CLOCK_THREAD_CPUTIME_ID);
		if (run_micro(act[i], repeat / 10, 0, 0))
			pr_warn("%s: %s", act[i]->r.name, act[i]->r.err);
		w = (ts_ns(CLOCK_THREAD_CPUTIME_ID) - w) / (repeat / 10);
		n[i] = 0.25 * NSEC / w;
		n[i] = n[i] > repeat ? repeat : n[i] < repeat / 10 ? repeat / 10 : n[i];
		lo = n[i] < lo ? n[i] : lo;
	}
	t0 = ts_ns(CLOCK_MONOTONIC);
	for (done = 0; done < rounds && !stop; done++)
		for (i = 0; i < n_act && !stop; i++)
			if (!act[i]->r.err[0])
				run_micro(act[i], n[i], done + 1, 1);
	for (i = 0; i < n_act; i++)
		r[i] = &act[i]->r;
	snprintf(title, sizeof(title),
		 "xvs per-path cost, BPF_PROG_TEST_RUN without live frames (verdict only, no redirect carried out): ns per run by thread CPU time, %u to %u runs per sample, %d rounds, CPU %d, %.1f s",
		 lo, repeat, done, opt.cpu, (ts_ns(CLOCK_MONOTONIC) - t0) / NSEC);
	json_object_object_add(meta, "benchmark", json_object_new_string("micro"));
	json_object_object_add(meta, "runs_per_sample", json_object_new_int64(repeat));
	json_object_object_add(meta, "runs_per_sample_min", json_object_new_int64(lo));
	json_object_object_add(meta, "rounds", json_object_new_int(done));
	json_object_object_add(meta, "cpu", json_object_new_int(opt.cpu));
	json_object_object_add(meta, "quick", json_object_new_boolean(opt.quick));
	json_object_object_add(meta, "clock", json_object_new_string("thread CPU time"));
	snprintf(dir, sizeof(dir), "%s", opt.json);
	mkdir_p(dirname(dir), 0755);
	mem_report(xdp, ft, BRIDGE, BRIDGE + 1, &sets[3], meta, opt.mem_md);
	i = bench_report(title, r, n_act, meta, opt.json);
	return micro_md(title) ?: i;
}

/* Warm every scenario up, then size the runs to the time budget. */
static __u32 calibrate(double budget_ns, int rounds)
{
	__u32 n = opt.quick ? 20000 : 100000;
	double w, worst = 1;
	int i, pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n_act; i++) {
			w = ts_ns(CLOCK_MONOTONIC);
			if (act[i]->r.err[0] || run_one(act[i], n, 0, 0))
				continue;	/* a failed scenario runs no more */
			w = (ts_ns(CLOCK_MONOTONIC) - w) / n;
			worst = pass && w > worst ? w : worst;
		}
	w = budget_ns / rounds / n_act / worst;
	return w < 10000 ? 10000 : w > 50e6 ? 50000000 : (__u32)w;
}

/* Rounds of every scenario in turn, within the time budget. */
static int bench(void)
{
	double budget = (opt.quick ? 6 : 40) * NSEC, t0;
	int rounds = opt.rounds ?: opt.quick ? 16 : 40, done, i;
	__u32 repeat = calibrate(budget, rounds);

	t0 = ts_ns(CLOCK_MONOTONIC);
	for (done = 0; done < rounds && !stop; done++) {
		if (done >= MIN_ROUNDS && ts_ns(CLOCK_MONOTONIC) - t0 > 1.25 * budget) {
			pr_warn("time bound: stopped after %d rounds", done);
			break;
		}
		for (i = 0; i < n_act && !stop; i++)
			if (!act[i]->r.err[0])
				run_one(act[i], repeat, done + 1, 1);
	}
	return report(repeat, done, (ts_ns(CLOCK_MONOTONIC) - t0) / NSEC);
}

static int pin_cpu(void)
{
	cpu_set_t set;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (c = CPU_SETSIZE - 1; opt.cpu < 0 && c >= 0; c--)
		if (CPU_ISSET(c, &set))
			opt.cpu = c;	/* the last one: CPU 0 takes more IRQs */
	CPU_ZERO(&set);
	CPU_SET(opt.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		pr_err("Couldn't pin to CPU %d: %s", opt.cpu, strerror(errno));
		return -errno;
	}
	return 0;
}

static void on_signal(int sig)
{
	stop = sig;
}

static int parse_args(int argc, char **argv)
{
	static char mem_md[PATH_MAX];
	int c;

	while ((c = getopt(argc, argv, "qSf:r:s:c:o:x:h")) != -1) {
		if (c == 'q')
			opt.quick = 1;
		else if (c == 'S')
			opt.smoke = opt.quick = 1;
		else if (c == 'f' && !strcmp(optarg, "vlan"))
			opt.fam = FAM_VLAN;
		else if (c == 'f' && !strcmp(optarg, "flows"))
			opt.fam = FAM_FLOWS;
		else if (c == 'f' && !strcmp(optarg, "micro"))
			opt.fam = FAM_MICRO;
		else if (c == 'r')
			opt.rounds = atoi(optarg);
		else if (c == 's')
			opt.len = atoi(optarg);
		else if (c == 'c')
			opt.cpu = atoi(optarg);
		else if (c == 'o')
			opt.json = optarg;
		else if (c == 'x')
			opt.only = optarg;
		else
			return -EINVAL;
	}
	if (optind < argc || opt.len < 60 || opt.len > 1514 ||
	    (opt.rounds && (opt.rounds < MIN_ROUNDS || opt.rounds > BENCH_MAX_SAMPLES)))
		return -EINVAL;
	opt.flows = opt.fam != FAM_VLAN;
	opt.json = opt.json ?: opt.fam == FAM_FLOWS ? "bench/results/flows.json" :
		   opt.fam == FAM_MICRO ? "bench/results/micro.json" :
					  "bench/results/vlan.json";
	if (opt.fam == FAM_MICRO) {
		snprintf(mem_md, sizeof(mem_md), "%s", opt.json);
		c = strlen(mem_md) - 5;
		if (c > 0 && !strcmp(mem_md + c, ".json"))
			snprintf(mem_md + c, sizeof(mem_md) - c, "-mem.md");
		opt.mem_md = mem_md;
	}
	/* plain, the live families' baseline, is sc[0]; micro's, its first. */
	for (c = 0; c < NR_SC; c++)
		if ((sc[c].fam == opt.fam || (!c && opt.fam != FAM_MICRO)) &&
		    (!opt.only || !n_act || !strcmp(opt.only, sc[c].r.name)))
			act[n_act++] = &sc[c];
	if (opt.only && n_act < 2)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	int err, c;

	log_init("bench_dp", 0);
	if (parse_args(argc, argv)) {
		fprintf(stderr, "usage: bench_dp [-q | -S] [-f vlan|flows|micro] [-r ROUNDS %d..%d]\n"
			"                [-s BYTES 60..1514] [-c CPU] [-o FILE.json] [-x SCENARIO]\n"
			"  -q: quick, under 10 s instead of 30 to 55 s; -S: smoke (micro: seconds)\n"
			"  -f: VLAN tags and GRE (the default), flow rules, or every\n"
			"      path without live frames (and the maps' memory)\n"
			"  -x: only the baseline and this scenario of the family (for perf)\n",
			MIN_ROUNDS, BENCH_MAX_SAMPLES);
		return 2;
	}
	if (geteuid()) {
		pr_err("needs root (network namespace, bpffs, BPF_PROG_TEST_RUN)");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = setup_ns() ?: pin_cpu() ?: load() ?: seed() ?:
	      (opt.flows ? flows_open() : 0) ?:
	      (opt.fam == FAM_MICRO ? micro_bench() : bench());
	flow_table_free(ft);
	for (c = 0; c < NR_SETS; c++)
		flow_set_free(&sets[c]);
	bench_sink__destroy(sink);
	bench_micro__destroy(micro);
	xvs_tc__destroy(tc);
	xvs_xdp__destroy(xdp);
	unpin();
	return err ? 1 : 0;
}

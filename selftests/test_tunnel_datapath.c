// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_tunnel_datapath.c - GRE tunnel ports in the fast path, through
 * BPF_PROG_TEST_RUN and live frames: the exact bytes of an encapsulated
 * frame at XDP and at TC (key or none, tagged inner frame, inherited DS
 * field, IP and non-IP inner frames), decapsulation at both hooks, split
 * horizon, and every malformed or foreign packet on the underlay with the
 * reason it is dropped - or passed up, when it is not the switch's.
 *
 * The switch, in a network namespace of our own (lib/dp_harness.h):
 *
 *   bridge 1  a0 A  <=> a1            T1  gre key 100  192.0.2.1 -> .2
 *             b0 B  <=> b1            T2  gre no key   192.0.2.1 -> .3
 *   underlay  x0 X  <=> x1  (the "wire": x1 sees what the tunnels send,
 *                            and sends what they receive)
 *
 * Both tunnels ride on x0 towards the next hop NH.  The expected outer
 * headers are built here, by a second implementation of RFC 2784/2890
 * over IPv4 (gre_pkt()), and one of them is also spelled out byte by byte
 * (LITERAL), so that the two cannot drift together.
 *
 * Usage: test_tunnel_datapath [CASE]; KTAP on stdout, exit 0 pass, 1 fail,
 * 4 skip.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/dp_int.h"
#include "maps/tunnel.h"

#define T1		(XVS_VPORT_BASE + 0)
#define T2		(XVS_VPORT_BASE + 1)
#define T1_NO		20		/* port numbers */
#define T2_NO		21
#define X_NO		30
#define KEY1		100
#define LOCAL_IP		"192.0.2.1"
#define REMOTE1		"192.0.2.2"
#define REMOTE2		"192.0.2.3"
#define TUN_MARK(t)	(XVS_SKB_MARK_TUNNEL | ((t) - XVS_VPORT_BASE))
#define MAXF		2048
#define TC_OK		0
#define TC_SHOT		2
#define TC_REDIRECT	7

static const __u8 NH[ETH_ALEN] = { 0x02, 0, 0, 0, 0x99, 0x02 };
static const __u8 H3[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x03 };
static const __u8 A_PEER[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0a, 0x01 };

/* What xvs_xdp_rx / xvs_tc_tx must make of H2 <- A_PEER, 60 bytes, into
 * T1, written out by hand: outer Ethernet, IPv4 (88 bytes, DF, TTL 64,
 * GRE, checksum 0xb673 as Python's struct and sum() make it), GRE
 * with the K bit, 0x6558, key 100.
 */
static const __u8 LITERAL[42] = {
	0x02, 0x00, 0x00, 0x00, 0x99, 0x02,  0x02, 0x00, 0x00, 0x00, 0x0e, 0x00,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x58,  0x00, 0x00, 0x40, 0x00,
	0x40, 0x2f, 0xb6, 0x73,  0xc0, 0x00, 0x02, 0x01,  0xc0, 0x00, 0x02, 0x02,
	0x20, 0x00, 0x65, 0x58,  0x00, 0x00, 0x00, 0x64,
};

static __be32 ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static bool mac_is_bcast(const __u8 *m)
{
	return !memcmp(m, BCAST, ETH_ALEN);
}

static void be16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* --- frames ----------------------------------------------------------- */

/* An inner frame: dst, src, an 802.1Q tag if tci, `type`, then byte k of
 * the untagged frame is k; `len` without the tag.
 */
static __u32 inner(__u8 *p, const __u8 *dst, const __u8 *src, int tagged,
		   __u16 tci, __u16 type, __u32 len)
{
	__u32 off = 12, k;

	memcpy(p, dst, ETH_ALEN);
	memcpy(p + 6, src, ETH_ALEN);
	if (tagged) {
		be16(p + 12, ETH_P_8021Q);
		be16(p + 14, tci);
		off = 16;
	}
	be16(p + off, type);
	for (k = 14; k < len; k++)
		p[off + 2 + k - 14] = k;
	return len + (tagged ? 4 : 0);
}

/* The outer headers of a GRE packet and how to spoil them. */
struct outer {
	const char *src, *dst;		/* NULL: REMOTE1 -> LOCAL_IP */
	__u32 key;
	bool has_key;
	__u16 gre_flags;		/* beyond K */
	__u16 proto;			/* 0: 0x6558 */
	__u8 tos;
	__u8 ttl;			/* 0: 64 */
	__u16 frag;			/* 0: DF */
	bool options;			/* a 4-byte IPv4 option (ihl 6) */
	bool bad_csum;
	int tot_adj;			/* added to the IPv4 total length */
	const __u8 *dmac, *smac;	/* NULL: x0's MAC <- NH (received) */
};

static __u16 csum16(const __u8 *p, int len)
{
	__u32 s = 0;
	int i;

	for (i = 0; i < len; i += 2)
		s += p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* Ethernet + IPv4 + GRE around `in`. */
static __u32 gre_pkt(__u8 *p, const struct outer *o, const __u8 *in, __u32 inlen)
{
	int ihl = o->options ? 24 : 20, glen = o->has_key ? 8 : 4;
	__be32 src = ip4(o->src ?: REMOTE1), dst = ip4(o->dst ?: LOCAL_IP);
	__u8 *ip = p + 14, *gre = ip + ihl;

	memcpy(p, o->dmac ?: ifs[X].mac, ETH_ALEN);
	memcpy(p + 6, o->smac ?: NH, ETH_ALEN);
	be16(p + 12, ETH_P_IP);
	memset(ip, 0, ihl);
	ip[0] = 0x40 | ihl / 4;
	ip[1] = o->tos;
	be16(ip + 2, ihl + glen + inlen + o->tot_adj);
	be16(ip + 6, o->frag ?: 0x4000);
	ip[8] = o->ttl ?: 64;
	ip[9] = IPPROTO_GRE;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	if (o->options)
		memset(ip + 20, 1, 4);		/* NOPs */
	be16(ip + 10, csum16(ip, ihl) ^ (o->bad_csum ? 0x0100 : 0));
	be16(gre, (o->has_key ? 0x2000 : 0) | o->gre_flags);
	be16(gre + 2, o->proto ?: 0x6558);
	if (o->has_key) {
		be16(gre + 4, o->key >> 16);
		be16(gre + 6, o->key);
	}
	memcpy(gre + glen, in, inlen);
	return 14 + ihl + glen + inlen;
}

/* What tunnel T1 (key) or T2 sends for inner frame `in`. */
static __u32 encapped(__u8 *p, __u32 t, __u8 tos, const __u8 *in, __u32 inlen)
{
	struct outer o = {
		.src = LOCAL_IP, .dst = t == T1 ? REMOTE1 : REMOTE2,
		.key = KEY1, .has_key = t == T1, .tos = tos,
		.dmac = NH, .smac = ifs[X].mac,
	};

	return gre_pkt(p, &o, in, inlen);
}

/* --- the switch --------------------------------------------------------- */

static int map_fd(struct bpf_map *m)
{
	return bpf_map__fd(m);
}

static int put_tunnel(__u32 vport, __u16 port_no, const char *remote,
		      bool key, __u32 flags)
{
	struct xvs_tunnel t = {
		.vport = vport, .flags = flags | (key ? XVS_TUN_F_KEY : 0),
		.local = ip4(LOCAL_IP), .remote = ip4(remote),
		.key = key ? htonl(KEY1) : 0, .uplink = ifs[X].ifindex,
		.mtu = 1500, .ttl = 64, .port_no = port_no,
	};
	struct xvs_port p = {
		.ifindex = vport, .bridge = 1, .port_no = port_no,
		.flags = XVS_PORT_F_TUNNEL, .mtu = 1500 - 42,
	};
	struct xvs_tun_key k = {
		.local = t.local, .remote = t.remote, .key = t.key,
		.has_key = key,
	};

	memcpy(t.smac, ifs[X].mac, ETH_ALEN);
	memcpy(t.dmac, NH, ETH_ALEN);
	snprintf(p.name, sizeof(p.name), "gre%u", vport - XVS_VPORT_BASE);
	if (bpf_map_update_elem(map_fd(xdp->maps.xvs_tunnels), &vport, &t, 0) ||
	    bpf_map_update_elem(map_fd(xdp->maps.xvs_ports), &vport, &p, 0))
		return -1;
	return bpf_map_update_elem(map_fd(xdp->maps.xvs_tun_in), &k, &vport, 0);
}

/* The standard switch (A, B on bridge 1; B skb-only if skb_b), T1 and T2
 * in bridge 1 over the underlay x0, `flags` on both tunnels.
 */
static int setup_switch(bool skb_b, __u32 flags,
			const struct xvs_port_vlan *va,
			const struct xvs_port_vlan *vb)
{
	struct tcase c = { .skb_ports = skb_b ? BIT(B) : 0 };
	struct xvs_port x = {
		.ifindex = ifs[X].ifindex, .port_no = X_NO, .mtu = 1500,
		.flags = XVS_PORT_F_UNDERLAY | XVS_PORT_F_VETH |
			 (flags & XVS_TUN_F_UPLINK_XDP ? XVS_PORT_F_XDP : 0),
	};
	struct bpf_devmap_val tx = {
		.ifindex = ifs[X].ifindex,
		.bpf_prog.fd = bpf_program__fd(xdp->progs.xvs_xdp_tx),
	};
	struct xvs_tun_key mine = { .local = ip4(LOCAL_IP) };
	struct xvs_flood_key fk = { .bridge = 1 };
	struct xvs_members m;
	__u32 zero = 0;

	c.vlan[A] = va;
	c.vlan[B] = vb;
	memcpy(x.mac, ifs[X].mac, ETH_ALEN);
	strcpy(x.name, ifs[X].name[PORT]);
	if (dp_seed(&c) ||
	    put_tunnel(T1, T1_NO, REMOTE1, true, flags) ||
	    put_tunnel(T2, T2_NO, REMOTE2, false, flags) ||
	    bpf_map_update_elem(map_fd(xdp->maps.xvs_tun_in), &mine, &zero, 0) ||
	    bpf_map_update_elem(map_fd(xdp->maps.xvs_ports), &x.ifindex, &x, 0))
		return -1;
	if ((flags & XVS_TUN_F_UPLINK_XDP) &&
	    bpf_map_update_elem(map_fd(xdp->maps.xvs_tx), &x.ifindex, &tx, 0))
		return -1;
	if (bpf_map_lookup_elem(map_fd(xdp->maps.xvs_members), &fk, &m))
		return -1;
	m.ifindex[m.count++] = T1;
	m.ifindex[m.count++] = T2;
	m.skb_count += 2;
	m.tun_count = 2;
	return bpf_map_update_elem(map_fd(xdp->maps.xvs_members), &fk, &m, 0);
}

static int put_station(const __u8 *mac, __u32 ifindex, __u16 vlan)
{
	struct xvs_fdb_key k = { .bridge = 1, .vlan = vlan };
	struct xvs_fdb_entry e = { .ifindex = ifindex, .seen_ns = floor_ns() };

	memcpy(k.mac, mac, ETH_ALEN);
	return bpf_map_update_elem(map_fd(xdp->maps.xvs_fdb), &k, &e, 0);
}

#define SETUP(...)							\
	do {								\
		if (setup_switch(__VA_ARGS__)) {			\
			fail("could not seed the switch: %s", strerror(errno)); \
			return false;					\
		}							\
	} while (0)

/* --- running and checking ------------------------------------------------ */

static __u32 run_xdp(int in, const __u8 *f, __u32 len, __u8 *out, __u32 *olen,
		     bool live)
{
	struct xdp_md md = { .data_end = len, .ingress_ifindex = ifs[in].ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len,
		.data_out = out, .data_size_out = out ? MAXF : 0,
		.ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = 1,
		.flags = live ? BPF_F_TEST_XDP_LIVE_FRAMES : 0);

	if (bpf_prog_test_run_opts(bpf_program__fd(xdp->progs.xvs_xdp_rx), &o))
		fail("XDP test_run: %s", strerror(errno));
	if (olen)
		*olen = o.data_size_out;
	return o.retval;
}

static __u32 run_tc(struct bpf_program *prog, int in, __u32 mark,
		    const __u8 *f, __u32 len, __u8 *out, __u32 *olen,
		    __u32 *mark_out)
{
	struct __sk_buff skb = { .ifindex = ifs[in].ifindex, .mark = mark };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len,
		.data_out = out, .data_size_out = MAXF, .repeat = 1,
		.ctx_in = &skb, .ctx_size_in = sizeof(skb),
		.ctx_out = &skb, .ctx_size_out = sizeof(skb));

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o))
		fail("TC test_run: %s", strerror(errno));
	*olen = o.data_size_out;
	if (mark_out)
		*mark_out = skb.mark;
	return o.retval;
}

static void same(const char *what, const __u8 *want, __u32 wlen,
		 const __u8 *got, __u32 glen)
{
	if (wlen == glen && !memcmp(want, got, wlen))
		return;
	fail("%s: not the expected %u bytes (got %u)", what, wlen, glen);
	hexdiff(want, wlen, got, glen);
}

/* Counter `off` of per-CPU map entry `key`, summed (0 for the u64 maps). */
static __u64 sum(int fd, __u32 key, size_t off)
{
	__u64 v[sizeof(struct xvs_port_stats) / sizeof(__u64)];
	int n = fd == map_fd(xdp->maps.xvs_pstats) ? (int)(sizeof(v) / sizeof(v[0])) : 1;

	percpu_sum(fd, key, v, n);
	return v[off / sizeof(__u64)];
}

#define PSTAT(no, field) \
	sum(map_fd(xdp->maps.xvs_pstats), no, offsetof(struct xvs_port_stats, field))

static void drops_are(int reason, __u64 n)
{
	__u64 got;
	int r;

	for (r = 1; r < XVS_DROP_MAX; r++) {
		got = sum(map_fd(xdp->maps.xvs_drops), r, 0);
		if (got != (r == reason ? n : 0))
			fail("drops[%d]: want %llu, got %llu", r,
			     r == reason ? (unsigned long long)n : 0ULL,
			     (unsigned long long)got);
	}
}

static void event_is(int ev, __u64 n)
{
	expect("event", "", n, sum(map_fd(xdp->maps.xvs_events), ev, 0));
}

static void count_is(const char *what, __u64 want, __u64 got)
{
	if (want != got)
		fail("%s: want %llu, got %llu", what, (unsigned long long)want,
		     (unsigned long long)got);
}

/* The next frame one end of i receives within half a second, or -1. */
static int wait_frame(int i, int end, __u8 *buf)
{
	struct pollfd p = { .fd = ifs[i].sk[end], .events = POLLIN };
	int n, tries;

	for (tries = 0; tries < 10; tries++) {
		n = dp_recv(i, end, buf, MAXF);
		if (n >= 0)
			return n;
		poll(&p, 1, 50);
	}
	return -1;
}

/* The peer of interface i gets exactly `want` next. */
static void arrives(int i, const __u8 *want, __u32 wn)
{
	__u8 got[MAXF];
	char what[32];
	int rn = wait_frame(i, PEER, got);

	snprintf(what, sizeof(what), "the frame at %s", ifs[i].name[PEER]);
	if (rn < 0)
		fail("%s got nothing", ifs[i].name[PEER]);
	else
		same(what, want, wn, got, rn);
}

/* Nothing (more) arrives at that end. */
static void quiet(int i, int end)
{
	__u8 buf[MAXF];
	int n;

	usleep(20000);
	n = dp_recv(i, end, buf, sizeof(buf));
	if (n >= 0)
		fail("%s got an unexpected %d-byte frame", ifs[i].name[end], n);
}

static void flush_sockets(void)
{
	__u8 buf[MAXF];
	int i, e;

	usleep(20000);
	for (i = A; i <= X; i++)
		for (e = PEER; e <= PORT; e++)
			if (topo & BIT(i))
				while (dp_recv(i, e, buf, sizeof(buf)) >= 0)
					;
}

/* Hook interface i's TC ingress and egress (NULL: not that one), or
 * take both away (on false).
 */
static int tc_hooks(int i, struct bpf_program *in, struct bpf_program *eg,
		    bool on)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifs[i].ifindex,
		.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o);
	int err;

	if (!on)
		return bpf_tc_hook_destroy(&h);
	err = bpf_tc_hook_create(&h);
	if (in && !err) {
		h.attach_point = BPF_TC_INGRESS;
		o.prog_fd = bpf_program__fd(in);
		err = bpf_tc_attach(&h, &o);
	}
	if (eg && !err) {
		h.attach_point = BPF_TC_EGRESS;
		o.prog_fd = bpf_program__fd(eg);
		o.prog_id = 0;
		err = bpf_tc_attach(&h, &o);
	}
	if (err)
		fail("cannot attach TC on %s: %s", ifs[i].name[PORT], strerror(-err));
	return err;
}

static int set_mtu(int i, int mtu)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "ip link set %s mtu %d", ifs[i].name[PORT], mtu);
	return system(cmd);
}

/* --- encapsulation at XDP ---------------------------------------------- */

/* The outer headers as spelled out match gre_pkt(): the two agree. */
static bool literal_header(void)
{
	__u8 in[MAXF], want[MAXF];
	__u32 n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 60);

	encapped(want, T1, 0, in, n);
	same("gre_pkt() against the literal header", LITERAL, sizeof(LITERAL),
	     want, sizeof(LITERAL));
	return !failures;
}

static bool xdp_encap_one(__u32 t, const struct xvs_port_vlan *va, __u16 vlan,
			  __u32 flags, __u16 type, __u8 tos_in, __u8 tos_out)
{
	__u8 in[MAXF], want[MAXF], got[MAXF], tagged[MAXF];
	__u32 n, wn, gn, tn;

	SETUP(false, XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP | flags, va, NULL);
	put_station(H2, t, vlan);
	n = inner(in, H2, A_PEER, 0, 0, type, 60);
	if (type == ETH_P_IP)
		in[15] = tos_in;
	/* Tagged as the tunnel (a trunk) carries the access port's VLAN. */
	tn = vlan ? inner(tagged, H2, A_PEER, 1, vlan, type, 60) : n;
	wn = encapped(want, t, tos_out, vlan ? tagged : in, tn);
	flush_sockets();
	count_is("verdict", XDP_REDIRECT, run_xdp(A, in, n, got, &gn, false));
	same("the encapsulated frame", want, wn, got, gn);
	if (t == T1 && !vlan && !flags && type == ETH_P_XVS_TEST)
		same("its outer headers", LITERAL, sizeof(LITERAL), got, sizeof(LITERAL));
	event_is(XVS_EV_ENCAP, 1);
	count_is("tunnel tx", 1, PSTAT(t == T1 ? T1_NO : T2_NO, tx_packets));
	drops_are(0, 0);
	/* Live: out of x0 for real, through its devmap egress program. */
	run_xdp(A, in, n, NULL, NULL, true);
	arrives(X, want, wn);
	count_is("uplink tx", 1, PSTAT(X_NO, tx_packets));
	return !failures;
}

static const struct xvs_port_vlan ACCESS10 = {
	.mode = XVS_VLAN_ACCESS, .tag = 10,
};

static bool xdp_encap_key(void)
{
	return xdp_encap_one(T1, NULL, 0, 0, ETH_P_XVS_TEST, 0, 0);
}

static bool xdp_encap_nokey(void)
{
	return xdp_encap_one(T2, NULL, 0, 0, ETH_P_XVS_TEST, 0, 0);
}

static bool xdp_encap_vlan(void)
{
	return xdp_encap_one(T1, &ACCESS10, 10, 0, ETH_P_XVS_TEST, 0, 0);
}

static bool xdp_encap_tos_inherit(void)
{
	return xdp_encap_one(T1, NULL, 0, XVS_TUN_F_TOS_INHERIT, ETH_P_IP,
			     0xb8, 0xb8);
}

static bool xdp_encap_unresolved(void)
{
	__u8 in[MAXF];
	__u32 n;

	SETUP(false, XVS_TUN_F_UPLINK_XDP, NULL, NULL);
	put_station(H2, T1, 0);
	n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 60);
	count_is("verdict", XDP_DROP, run_xdp(A, in, n, NULL, NULL, false));
	drops_are(XVS_DROP_TUN_UNRESOLVED, 1);
	count_is("tunnel tx_dropped", 1, PSTAT(T1_NO, tx_dropped));
	return !failures;
}

/* x0's MTU 1000, which xvsd writes into the tunnel: an outer IPv4 packet
 * of 1000 bytes goes, 1001 does not.
 */
static bool xdp_encap_mtu(void)
{
	__u32 vport = T1;
	struct xvs_tunnel t;
	__u8 in[MAXF];
	__u32 n;

	SETUP(false, XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP, NULL, NULL);
	put_station(H2, T1, 0);
	if (set_mtu(X, 1000) ||
	    bpf_map_lookup_elem(map_fd(xdp->maps.xvs_tunnels), &vport, &t))
		fail("cannot set x0's MTU");
	t.mtu = 1000;
	bpf_map_update_elem(map_fd(xdp->maps.xvs_tunnels), &vport, &t, 0);
	n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 1000 - 28);
	count_is("verdict at the MTU", XDP_REDIRECT, run_xdp(A, in, n, NULL, NULL, false));
	n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 1000 - 27);
	count_is("verdict above it", XDP_DROP, run_xdp(A, in, n, NULL, NULL, false));
	drops_are(XVS_DROP_TUN_MTU, 1);
	count_is("tunnel tx_dropped", 1, PSTAT(T1_NO, tx_dropped));
	set_mtu(X, 1500);
	return !failures;
}

/* An uplink without XDP: the frame goes up to TC, untouched. */
static bool xdp_encap_via_tc(void)
{
	__u8 in[MAXF], got[MAXF];
	__u32 n, gn;

	SETUP(false, XVS_TUN_F_RESOLVED, NULL, NULL);
	put_station(H2, T1, 0);
	n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 60);
	count_is("verdict", XDP_PASS, run_xdp(A, in, n, got, &gn, false));
	same("the frame passed up", in, n, got, gn);
	event_is(XVS_EV_ENCAP, 0);
	return !failures;
}

/* A flood from a port with tunnels in the bridge goes to TC. */
static bool xdp_flood_via_tc(void)
{
	__u8 in[MAXF];
	__u32 n;

	SETUP(false, XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP, NULL, NULL);
	n = inner(in, BCAST, A_PEER, 0, 0, ETH_P_XVS_TEST, 60);
	count_is("verdict", XDP_PASS, run_xdp(A, in, n, NULL, NULL, false));
	return !failures;
}

/* --- encapsulation at TC ------------------------------------------------- */

/* The skb path marks the frame for the tunnel and sends it to the uplink. */
static bool tc_mark(void)
{
	__u8 in[MAXF], got[MAXF];
	__u32 n, gn, mark = 0;

	SETUP(true, XVS_TUN_F_RESOLVED, NULL, NULL);
	put_station(H2, T2, 0);
	n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 60);
	count_is("verdict", TC_REDIRECT,
		 run_tc(tc->progs.xvs_tc_rx, B, 0, in, n, got, &gn, &mark));
	count_is("mark", TUN_MARK(T2), mark);
	same("the frame", in, n, got, gn);
	count_is("tunnel tx", 1, PSTAT(T2_NO, tx_packets));
	return !failures;
}

/* The uplink's egress hook encapsulates a marked frame: an IP one as an
 * encapsulation, any other with room in front; the mark is cleared.
 */
static bool tc_encap_one(__u32 t, __u16 type, __u32 flags, __u8 tos)
{
	__u8 in[MAXF], want[MAXF], got[MAXF];
	__u32 n, wn, gn, mark = 1;

	SETUP(true, XVS_TUN_F_RESOLVED | flags, NULL, NULL);
	n = inner(in, H2, A_PEER, 0, 0, type, 100);
	if (type == ETH_P_IP) {
		in[14] = 0x45;
		in[15] = tos;
	}
	wn = encapped(want, t, flags & XVS_TUN_F_TOS_INHERIT ? tos : 0, in, n);
	count_is("verdict", TC_OK,
		 run_tc(tc->progs.xvs_tc_tx, X, TUN_MARK(t), in, n, got, &gn, &mark));
	same("the encapsulated frame", want, wn, got, gn);
	count_is("mark", 0, mark);
	event_is(XVS_EV_ENCAP, 1);
	drops_are(0, 0);
	return !failures;
}

static bool tc_encap_key(void)
{
	return tc_encap_one(T1, ETH_P_XVS_TEST, 0, 0);
}

static bool tc_encap_ip_nokey(void)
{
	return tc_encap_one(T2, ETH_P_IP, 0, 0);
}

static bool tc_encap_tos_inherit(void)
{
	return tc_encap_one(T1, ETH_P_IP, XVS_TUN_F_TOS_INHERIT, 0x2e << 2);
}

static bool tc_encap_mtu(void)
{
	__u8 in[MAXF], got[MAXF];
	__u32 n, gn;

	SETUP(true, XVS_TUN_F_RESOLVED, NULL, NULL);
	if (set_mtu(X, 1000))
		fail("cannot set x0's MTU");
	n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 1000 - 27);
	count_is("verdict", TC_SHOT,
		 run_tc(tc->progs.xvs_tc_tx, X, TUN_MARK(T1), in, n, got, &gn, NULL));
	drops_are(XVS_DROP_TUN_MTU, 1);
	count_is("tunnel tx_dropped", 1, PSTAT(T1_NO, tx_dropped));
	set_mtu(X, 1500);
	return !failures;
}

static bool tc_encap_unresolved(void)
{
	__u8 in[MAXF], got[MAXF];
	__u32 n, gn;

	SETUP(true, 0, NULL, NULL);
	n = inner(in, H2, A_PEER, 0, 0, ETH_P_XVS_TEST, 60);
	count_is("verdict", TC_SHOT,
		 run_tc(tc->progs.xvs_tc_tx, X, TUN_MARK(T1), in, n, got, &gn, NULL));
	drops_are(XVS_DROP_TUN_UNRESOLVED, 1);
	return !failures;
}

/* Live: b1 sends, b0's TC hook switches, x0's egress hook encapsulates.
 * A broadcast goes to a1 as it is and into both tunnels; a frame from an
 * access port leaves with its VLAN's tag inside the GRE packet.
 */
static bool tc_live(const __u8 *dst, const struct xvs_port_vlan *vb,
		    __u16 vlan)
{
	__u8 in[MAXF], tagged[MAXF], want[MAXF];
	const __u8 *inner_frame = in;
	__u32 n, tn, wn, t;
	int sk = ifs[B].sk[PEER];

	SETUP(true, XVS_TUN_F_RESOLVED, NULL, vb);
	if (!mac_is_bcast(dst))
		put_station(dst, T1, vlan);
	if (tc_hooks(B, tc->progs.xvs_tc_rx, NULL, true) ||
	    tc_hooks(X, NULL, tc->progs.xvs_tc_tx, true))
		goto out;
	flush_sockets();
	n = inner(in, dst, A_PEER, 0, 0, ETH_P_XVS_TEST, 60);
	tn = n;
	if (vlan) {
		tn = inner(tagged, dst, A_PEER, 1, vlan, ETH_P_XVS_TEST, 60);
		inner_frame = tagged;
	}
	if (send(sk, in, n, 0) != (ssize_t)n)
		fail("b1 cannot send: %s", strerror(errno));
	for (t = T1; t <= T2; t++) {
		if (t == T2 && !mac_is_bcast(dst))
			break;
		wn = encapped(want, t, 0, inner_frame, tn);
		arrives(X, want, wn);
	}
	quiet(X, PEER);
	if (mac_is_bcast(dst)) {
		arrives(A, in, n);
		count_is("T2 tx", 1, PSTAT(T2_NO, tx_packets));
	}
	count_is("T1 tx", 1, PSTAT(T1_NO, tx_packets));
	event_is(XVS_EV_ENCAP, mac_is_bcast(dst) ? 2 : 1);
out:
	tc_hooks(B, NULL, NULL, false);
	tc_hooks(X, NULL, NULL, false);
	return !failures;
}

static bool tc_live_flood(void)
{
	return tc_live(BCAST, NULL, 0);
}

static bool tc_live_vlan(void)
{
	return tc_live(H2, &ACCESS10, 10);
}

/* --- decapsulation ---------------------------------------------------- */

static const struct outer OK1 = { .key = KEY1, .has_key = true };

/* A GRE packet of T1 to H1 (behind a0), from a new station H3. */
static __u32 t1_packet(__u8 *p, const struct outer *o, const __u8 *dst,
		       __u8 *in, __u32 *inlen)
{
	*inlen = inner(in, dst, H3, 0, 0, ETH_P_XVS_TEST, 60);
	return gre_pkt(p, o, in, *inlen);
}

static bool xdp_decap(void)
{
	__u8 pkt[MAXF], in[MAXF], got[MAXF];
	__u32 n, inlen, gn;

	SETUP(false, XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP, NULL, NULL);
	n = t1_packet(pkt, &OK1, H1, in, &inlen);
	count_is("verdict", XDP_REDIRECT, run_xdp(X, pkt, n, got, &gn, false));
	same("the inner frame", in, inlen, got, gn);
	event_is(XVS_EV_DECAP, 1);
	count_is("uplink rx", 1, PSTAT(X_NO, rx_packets));
	count_is("tunnel rx", 1, PSTAT(T1_NO, rx_packets));
	ring_buffer__consume(rb);
	count_is("LEARN upcalls", 1, nr_upcalls);
	if (nr_upcalls)
		count_is("learned behind", T1, upcalls[0].ifindex);
	drops_are(0, 0);
	flush_sockets();
	run_xdp(X, pkt, n, NULL, NULL, true);
	arrives(A, in, inlen);
	return !failures;
}

/* A bridge with an skb-only port: XDP leaves the whole job to TC. */
static bool xdp_decap_via_tc(void)
{
	__u8 pkt[MAXF], in[MAXF], got[MAXF];
	__u32 n, inlen, gn;

	SETUP(true, XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP, NULL, NULL);
	n = t1_packet(pkt, &OK1, H1, in, &inlen);
	count_is("verdict", XDP_PASS, run_xdp(X, pkt, n, got, &gn, false));
	same("the packet passed up", pkt, n, got, gn);
	event_is(XVS_EV_DECAP, 0);
	count_is("tunnel rx", 0, PSTAT(T1_NO, rx_packets));
	return !failures;
}

static bool tc_decap(void)
{
	__u8 pkt[MAXF], in[MAXF], got[MAXF];
	__u32 n, inlen, gn;

	SETUP(true, XVS_TUN_F_RESOLVED, NULL, NULL);
	put_station(H2, ifs[B].ifindex, 0);
	n = t1_packet(pkt, &OK1, H2, in, &inlen);
	count_is("verdict", TC_REDIRECT,
		 run_tc(tc->progs.xvs_tc_rx, X, 0, pkt, n, got, &gn, NULL));
	same("the inner frame", in, inlen, got, gn);
	event_is(XVS_EV_DECAP, 1);
	count_is("tunnel rx", 1, PSTAT(T1_NO, rx_packets));
	count_is("b0 tx", 1, PSTAT(ifs[B].port_no, tx_packets));
	drops_are(0, 0);
	return !failures;
}

/* Live at TC: x1 sends T1's packet with an inner frame tagged 10 to a
 * station behind the access port b0 (VLAN 10): b1 gets it untagged; a
 * broadcast from the tunnel reaches both ports but never T2.
 */
static bool tc_live_decap(const __u8 *dst)
{
	__u8 pkt[MAXF], in[MAXF], plain[MAXF];
	__u32 n, inlen, pn;

	SETUP(true, XVS_TUN_F_RESOLVED, NULL, &ACCESS10);
	put_station(H2, ifs[B].ifindex, 10);
	if (tc_hooks(X, tc->progs.xvs_tc_rx, tc->progs.xvs_tc_tx, true))
		goto out;
	flush_sockets();
	inlen = inner(in, dst, H3, 1, 10, ETH_P_XVS_TEST, 60);
	pn = inner(plain, dst, H3, 0, 0, ETH_P_XVS_TEST, 60);
	n = gre_pkt(pkt, &OK1, in, inlen);
	if (send(ifs[X].sk[PEER], pkt, n, 0) != (ssize_t)n)
		fail("x1 cannot send: %s", strerror(errno));
	arrives(B, plain, pn);
	if (mac_is_bcast(dst)) {
		/* a0 is a trunk of every VLAN: tagged. */
		arrives(A, in, inlen);
	}
	quiet(X, PEER);		/* split horizon: nothing into T2 */
	event_is(XVS_EV_DECAP, 1);
	event_is(XVS_EV_ENCAP, 0);
out:
	tc_hooks(X, NULL, NULL, false);
	return !failures;
}

static bool tc_live_decap_vlan(void)
{
	return tc_live_decap(H2);
}

static bool tc_live_decap_flood(void)
{
	return tc_live_decap(BCAST);
}

/* --- what the underlay drops, and what it lets by --------------------- */

enum {
	B_BAD_CHECKSUM,
	B_IP_OPTIONS,
	B_FRAGMENT_MF,
	B_FRAGMENT_OFFSET,
	B_GRE_CHECKSUM,
	B_GRE_ROUTING,
	B_GRE_SEQUENCE,
	B_GRE_VERSION1,
	B_GRE_IP_PAYLOAD,
	B_UNKNOWN_KEY,
	B_MISSING_KEY,
	B_UNKNOWN_REMOTE,
	B_TRUNCATED_IP,
	B_TRUNCATED_INNER,
	B_SPLIT_HORIZON,
	B_LINK_LOCAL,
	B_NOT_OURS_GRE,
	NBAD
};

struct bad {
	struct outer o;
	__u32 cut;		/* bytes taken off the end */
	__u32 inlen;		/* inner frame length; 0: 60 */
	int reason;		/* 0: not ours, passed on */
	const __u8 *dst;	/* inner destination; NULL: H1 */
};

static const struct bad bads[NBAD] = {
	[B_BAD_CHECKSUM] = { { .key = KEY1, .has_key = true, .bad_csum = true },
	  .reason = XVS_DROP_TUN_BAD_IP },
	[B_IP_OPTIONS] = { { .key = KEY1, .has_key = true, .options = true },
	  .reason = XVS_DROP_TUN_BAD_IP },
	[B_FRAGMENT_MF] = { { .key = KEY1, .has_key = true, .frag = 0x2000 },
	  .reason = XVS_DROP_TUN_BAD_IP },
	[B_FRAGMENT_OFFSET] = { { .key = KEY1, .has_key = true, .frag = 0x0010 },
	  .reason = XVS_DROP_TUN_BAD_IP },
	[B_GRE_CHECKSUM] = { { .key = KEY1, .has_key = true, .gre_flags = 0x8000 },
	  .reason = XVS_DROP_TUN_UNSUPPORTED },
	[B_GRE_ROUTING] = { { .key = KEY1, .has_key = true, .gre_flags = 0x4000 },
	  .reason = XVS_DROP_TUN_UNSUPPORTED },
	[B_GRE_SEQUENCE] = { { .key = KEY1, .has_key = true, .gre_flags = 0x1000 },
	  .reason = XVS_DROP_TUN_UNSUPPORTED },
	[B_GRE_VERSION1] = { { .key = KEY1, .has_key = true, .gre_flags = 0x0001 },
	  .reason = XVS_DROP_TUN_UNSUPPORTED },
	[B_GRE_IP_PAYLOAD] = { { .key = KEY1, .has_key = true, .proto = 0x0800 },
	  .reason = XVS_DROP_TUN_UNSUPPORTED },
	[B_UNKNOWN_KEY] = { { .key = KEY1 + 1, .has_key = true },
	  .reason = XVS_DROP_TUN_UNKNOWN },
	[B_MISSING_KEY] = { { .has_key = false },
	  .reason = XVS_DROP_TUN_UNKNOWN },
	[B_UNKNOWN_REMOTE] = { { .src = "192.0.2.9", .key = KEY1, .has_key = true },
	  .reason = XVS_DROP_TUN_UNKNOWN },
	[B_TRUNCATED_IP] = { { .key = KEY1, .has_key = true }, .cut = 10,
	  .reason = XVS_DROP_TUN_TRUNCATED },
	[B_TRUNCATED_INNER] = { { .key = KEY1, .has_key = true, .tot_adj = -50 },
	  .cut = 50, .inlen = 60, .reason = XVS_DROP_TUN_TRUNCATED },
	[B_SPLIT_HORIZON] = { { .src = REMOTE2 }, .dst = H2,
	  .reason = XVS_DROP_TUN_SPLIT },
	[B_LINK_LOCAL] = { { .key = KEY1, .has_key = true }, .dst = STP,
	  .reason = XVS_DROP_NO_EGRESS },
	[B_NOT_OURS_GRE] = { { .dst = "192.0.2.77", .key = KEY1, .has_key = true } },
};

static bool run_bad(const struct bad *b, bool at_xdp)
{
	__u8 pkt[MAXF], in[MAXF], got[MAXF];
	__u32 n, inlen, gn, v;
	bool foreign = !b->reason;

	SETUP(!at_xdp, XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP, NULL, NULL);
	put_station(H2, T1, 0);		/* for split_horizon, from T2 */
	inlen = inner(in, b->dst ?: H1, H3, 0, 0, ETH_P_XVS_TEST, b->inlen ?: 60);
	n = gre_pkt(pkt, &b->o, in, inlen) - b->cut;
	if (at_xdp) {
		v = run_xdp(X, pkt, n, got, &gn, false);
		count_is("verdict", foreign ? XDP_PASS : XDP_DROP, v);
	} else {
		v = run_tc(tc->progs.xvs_tc_rx, X, 0, pkt, n, got, &gn, NULL);
		count_is("verdict", foreign ? TC_OK : TC_SHOT, v);
		event_is(XVS_EV_UNDERLAY_PASS, foreign);
	}
	if (foreign)
		same("the packet passed on", pkt, n, got, gn);
	drops_are(b->reason, !foreign);
	/* Drops before the tunnel is known count on the uplink, the others
	 * on the tunnel port.
	 */
	if (b->reason == XVS_DROP_TUN_SPLIT || b->reason == XVS_DROP_NO_EGRESS)
		count_is("tunnel rx_dropped", 1,
			 PSTAT(b->o.has_key ? T1_NO : T2_NO, rx_dropped));
	else
		count_is("uplink rx_dropped", !foreign, PSTAT(X_NO, rx_dropped));
	return !failures;
}

#define BAD(nm, row)							\
	static bool xdp_##nm(void) { return run_bad(&bads[row], true); }	\
	static bool tc_##nm(void) { return run_bad(&bads[row], false); }
BAD(bad_checksum, B_BAD_CHECKSUM)
BAD(ip_options, B_IP_OPTIONS)
BAD(fragment_mf, B_FRAGMENT_MF)
BAD(fragment_offset, B_FRAGMENT_OFFSET)
BAD(gre_checksum, B_GRE_CHECKSUM)
BAD(gre_routing, B_GRE_ROUTING)
BAD(gre_sequence, B_GRE_SEQUENCE)
BAD(gre_version1, B_GRE_VERSION1)
BAD(gre_ip_payload, B_GRE_IP_PAYLOAD)
BAD(unknown_key, B_UNKNOWN_KEY)
BAD(missing_key, B_MISSING_KEY)
BAD(unknown_remote, B_UNKNOWN_REMOTE)
BAD(truncated_ip, B_TRUNCATED_IP)
BAD(truncated_inner, B_TRUNCATED_INNER)
BAD(split_horizon, B_SPLIT_HORIZON)
BAD(link_local, B_LINK_LOCAL)
BAD(not_ours_gre, B_NOT_OURS_GRE)

/* Frames that are no GRE at all pass the underlay at either hook. */
static bool underlay_plain(void)
{
	__u8 arp[MAXF], got[MAXF];
	__u32 n, gn;

	SETUP(true, XVS_TUN_F_RESOLVED, NULL, NULL);
	n = inner(arp, BCAST, NH, 0, 0, ETH_P_ARP, 60);
	count_is("XDP verdict", XDP_PASS, run_xdp(X, arp, n, got, &gn, false));
	same("at XDP", arp, n, got, gn);
	count_is("TC verdict", TC_OK,
		 run_tc(tc->progs.xvs_tc_rx, X, 0, arp, n, got, &gn, NULL));
	same("at TC", arp, n, got, gn);
	/* The host's own GRE out of the uplink is the host's too. */
	count_is("TC egress verdict", TC_OK,
		 run_tc(tc->progs.xvs_tc_tx, X, 0, arp, n, got, &gn, NULL));
	drops_are(0, 0);
	count_is("uplink rx", 0, PSTAT(X_NO, rx_packets));
	return !failures;
}

#define CASE(f)	{ .name = #f, .fn = f }
#define BADS(nm)	CASE(xdp_##nm), CASE(tc_##nm)

static const struct tcase cases[] = {
	CASE(literal_header),
	CASE(xdp_encap_key),
	CASE(xdp_encap_nokey),
	CASE(xdp_encap_vlan),
	CASE(xdp_encap_tos_inherit),
	CASE(xdp_encap_unresolved),
	CASE(xdp_encap_mtu),
	CASE(xdp_encap_via_tc),
	CASE(xdp_flood_via_tc),
	CASE(tc_mark),
	CASE(tc_encap_key),
	CASE(tc_encap_ip_nokey),
	CASE(tc_encap_tos_inherit),
	CASE(tc_encap_mtu),
	CASE(tc_encap_unresolved),
	CASE(tc_live_flood),
	CASE(tc_live_vlan),
	CASE(xdp_decap),
	CASE(xdp_decap_via_tc),
	CASE(tc_decap),
	CASE(tc_live_decap_vlan),
	CASE(tc_live_decap_flood),
	CASE(underlay_plain),
	BADS(bad_checksum),
	BADS(ip_options),
	BADS(fragment_mf),
	BADS(fragment_offset),
	BADS(gre_checksum),
	BADS(gre_routing),
	BADS(gre_sequence),
	BADS(gre_version1),
	BADS(gre_ip_payload),
	BADS(unknown_key),
	BADS(missing_key),
	BADS(unknown_remote),
	BADS(truncated_ip),
	BADS(truncated_inner),
	BADS(split_horizon),
	BADS(link_local),
	BADS(not_ours_gre),
};

int main(int argc, char **argv)
{
	return dp_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
		       BIT(A) | BIT(B) | BIT(X));
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_flow_datapath.c - the flow table in the fast path (maps/flow.h), on
 * real frames through the real programs: which rule wins (priority,
 * overlapping wildcards, equal priorities, a shadowed rule taking over),
 * every match field with a frame that matches and a near miss, every
 * action with the bytes each peer receives, the generation that retires
 * a cached decision, and the table's limits.
 *
 * Rules go in as xvsd writes them: parsed by loader/flow_parse.c, written
 * by loader/flow.c over the harness's maps, which also sets
 * XVS_PORT_F_FLOWS on the bridge's ports.  A row runs at XDP (xdp_<row>:
 * two frames through test_run, the second one a cache hit, then one live,
 * with xvs_tc_rx on a0's ingress to take what XDP leaves to TC) and at TC
 * (tc_<row>: a1 sends one frame into a0, which takes skbs only).
 *
 * The switch, in a network namespace of our own (lib/dp_harness.h):
 *
 *   bridge 1  a0 A  <=> a1   frames come in here, from H1 (known behind A)
 *             b0 B  <=> b1
 *             c0 C  <=> c1
 *   bridge 2  d0 D  <=> d1
 *
 * Usage: test_flow_datapath [CASE]; KTAP on stdout, exit 0 pass, 1 fail,
 * 4 skip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/dp_int.h"
#include "loader/flow.h"
#include "loader/flow_parse.h"

#define MAX_ROW_RULES	4
#define XDP_FRAMES	2	/* the second one hits the cache */
#define NEAR(p)		{ 0x02, 0, 0, 0x01, 0, p }	/* H2 but for byte 3 */
#define Q(tci)		{ ETH_P_8021Q, tci }
#define TAG(tci)	.tags = { Q(tci) }
#define PD		0x7000	/* PCP 3, DEI 1 */

static const __u8 H2_NEAR[ETH_ALEN] = NEAR(0x02);
static const struct xvs_port_vlan ACCESS20 = {
	.mode = XVS_VLAN_ACCESS, .tag = 20,
};

/* --- frames ----------------------------------------------------------- */

#define BODY(...)	.body = (const __u8[]){ __VA_ARGS__ }, \
			.body_len = sizeof((const __u8[]){ __VA_ARGS__ })
/* IPv4 10.0.0.s -> d0.d1.d2.d3, protocol p, then 4 bytes of the transport
 * header: ports (or ICMP type and code) x and y.
 */
#define IP4(p, s, d0, d1, d2, d3, x, y)					\
	.type = ETH_P_IP,						\
	BODY(0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, p, 0, 0, 10, 0, 0, s,	\
	     d0, d1, d2, d3, (x) >> 8, (x) & 0xff, (y) >> 8, (y) & 0xff)
#define TCP4(sp, dp)	IP4(6, 1, 10, 1, 2, 3, sp, dp)
#define TO4(d0, d1, d2, d3) IP4(17, 1, d0, d1, d2, d3, 53, 53)
#define ICMP4(t, c)	IP4(1, 1, 10, 1, 2, 3, (t) << 8 | (c), 0)
/* IPv6 2001:db8::s -> 2001:db8:1::d, TCP 1234 -> 22. */
#define IP6(s, d)							\
	.type = ETH_P_IPV6,						\
	BODY(0x60, 0, 0, 0, 0, 4, 6, 64,				\
	     0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, s,	\
	     0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, d,	\
	     0x04, 0xd2, 0, 22)
/* ARP op, from H1 at 10.0.0.s, for 10.0.0.t. */
#define ARP(op, s, t)							\
	.type = ETH_P_ARP,						\
	BODY(0, 1, 8, 0, 6, 4, 0, op, 2, 0, 0, 0, 0, 1, 10, 0, 0, s,	\
	     0, 0, 0, 0, 0, 0, 10, 0, 0, t)

/* --- the flow table ---------------------------------------------------- */

static struct flow_table *table;
static __u32 ids[MAX_ROW_RULES];	/* of the case's rules, as added */

static int port_id(void *arg, const char *name, __u32 *id)
{
	int i;

	for (i = A; i <= D; i++)
		if (!strcmp(name, ifs[i].name[PORT])) {
			*id = ifs[i].ifindex;
			return 0;
		}
	return -ENOENT;
}

/* A table of the harness's maps, adopting what they hold (after a
 * seeding: nothing).
 */
static int table_open(void)
{
	struct flow_maps m = FLOW_MAPS_OF_SKEL(xdp);

	flow_table_free(table);
	table = NULL;
	return flow_table_open(&table, &m);
}

/* Add one rule to bridge 1 as `xvsctl flow add br1 TEXT` does. */
static int rule_add(const char *text, __u32 *id)
{
	struct xvs_flow_rule r;
	char err[256];
	int e;

	e = flow_parse_rule(text, port_id, NULL, &r, err, sizeof(err));
	if (!e)
		e = flow_add(table, 1, &r, 1, id, err, sizeof(err));
	if (e)
		fail("flow add '%s': %s", text, err);
	return e;
}

/* `xvsctl flow del br1 --strict TEXT` */
static int rule_del(const char *text)
{
	struct xvs_flow_key match, mask;
	char err[256];
	__u32 prio;
	int n;

	n = flow_parse_match(text, port_id, NULL, &match, &mask, &prio, err,
			     sizeof(err));
	if (!n)
		n = flow_del(table, 1, &match, &mask, &prio);
	if (n != 1)
		fail("flow del --strict '%s': %d (%s)", text, n, n ? err : "none");
	return n == 1 ? 0 : -ENOENT;
}

static int rules_add(const char *const *rules)
{
	int k, e = table_open();

	for (k = 0; !e && k < MAX_ROW_RULES && rules[k]; k++)
		e = rule_add(rules[k], &ids[k]);
	return e;
}

/* The slot of rule `id`, or -1. */
static int slot_of(__u32 id)
{
	struct xvs_flow_rule r;
	__u32 s;

	for (s = 0; s < XVS_FLOW_MAX_RULES; s++)
		if (!bpf_map_lookup_elem(bpf_map__fd(xdp->maps.xvs_rules), &s, &r) &&
		    (r.flags & XVS_FLOW_F_USED) && r.id == id)
			return s;
	return -1;
}

/* Rule `id` counted n frames of case c. */
static void rule_counted(const struct tcase *c, __u32 id, __u64 n)
{
	struct xvs_flow_stats st;
	int s = slot_of(id);
	char what[32];

	snprintf(what, sizeof(what), "rule %u", id);
	if (s < 0) {
		fail("%s is in no slot", what);
		return;
	}
	percpu_sum(bpf_map__fd(xdp->maps.xvs_flow_stats), s, (__u64 *)&st, 3);
	expect("packets", what, n, st.packets);
	expect("bytes", what, n * dp_seen_len(c), st.bytes);
	if (n && !st.used_ns)
		fail("%s: used_ns not stamped", what);
}

static __u16 port_flags_of(int i)
{
	struct xvs_port p = {};

	bpf_map_lookup_elem(bpf_map__fd(xdp->maps.xvs_ports), &ifs[i].ifindex, &p);
	return p.flags;
}

/* --- rows: rules, one frame, at both hooks ---------------------------- */

struct row {
	const char *rules[MAX_ROW_RULES];	/* added in this order */
	__u32 hit;		/* bit k: rule k takes the frame */
	bool userspace;		/* the winner copies it to xvsd */
	__u64 tc_events[XVS_EV_MAX];	/* at TC, beyond TC_RX and the cache */
	struct tcase c;		/* at XDP, XDP_FRAMES frames */
};

/* Per frame at XDP: output to one port, forwarded by the learning
 * switch, flooded (by normal or flood), dropped by the rule, left to TC.
 */
#define TO(p)		.verdict = XDP_REDIRECT, .out = BIT(p), EV(FORWARD = 2)
#define NORMAL_FLOODS	.verdict = XDP_REDIRECT, .out = BIT(B) | BIT(C), \
			EV(FLOOD = 2)
#define DROPS(r)	.verdict = XDP_DROP, .drops = { [r] = XDP_FRAMES }
#define FLOW_DROPS	DROPS(XVS_DROP_FLOW_DROP)
#define TO_TC		.verdict = XDP_PASS
#define TC_EV(...)	.tc_events = { __VA_ARGS__ }
#define TC_SAME		.tc_events = { 0 }
#define USERSPACE	.userspace = true
#define RULES(...)	.rules = { __VA_ARGS__ }
/* A row: its name, rules, which take the frame, what differs at TC (the
 * events TC_EV(), or a userspace copy), and the case at XDP: a frame
 * from H1 into A, to H2 unless it says.
 */
#define ROW(nm, rules, hits, tc, ...)					\
	{ rules, .hit = hits, tc,					\
	  .c = { .name = nm, .in = A, .src = H1, __VA_ARGS__ } }

/* A field's rule sends to c0, a catch-all below it to b0: a frame that
 * matches goes to C, a near miss to B.
 */
#define FIELD_RULES(match) RULES("priority=0,actions=output:b0",	\
				 "priority=10," match ",actions=output:c0")
#define FIELD(nm, match, ...)						\
	ROW("match_" nm, FIELD_RULES(match), BIT(1), TC_SAME, TO(C),	\
	    __VA_ARGS__)
#define MISS(nm, match, ...)						\
	ROW("miss_" nm, FIELD_RULES(match), BIT(0), TC_SAME, TO(B),	\
	    __VA_ARGS__)

#define OVERLAP		RULES("priority=100,ip,nw_dst=10.1.0.0/16,actions=output:b0", \
			      "priority=200,ip,nw_dst=10.1.2.0/24,actions=output:c0", \
			      "priority=300,ip,nw_dst=10.1.2.3,actions=drop")
#define TIE_DST		"priority=50,ip,nw_dst=10.1.2.0/24,actions=output:b0"
#define TIE_SRC		"priority=50,ip,nw_src=10.0.0.0/16,actions=output:c0"
#define ARP_RULE	"arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2"
/* Learned in VLAN v, H1 being known in VLAN 0 only: an upcall (and its
 * event, at either hook).
 */
#define LEARNS(v)	.upcalls = 1, .learn_vlan = v

static const struct row rows[] = {
	/* Which rule wins. */
	ROW("priority_higher_wins", RULES("priority=10,actions=output:b0",
					  "priority=20,actions=output:c0"),
	    BIT(1), TC_SAME, TO(C)),
	ROW("priority_higher_wins_added_first",
	    RULES("priority=20,actions=output:c0",
		  "priority=10,actions=output:b0"), BIT(0), TC_SAME, TO(C)),
	ROW("overlap_exact", OVERLAP, BIT(2), TC_SAME, TO4(10, 1, 2, 3),
	    FLOW_DROPS),
	ROW("overlap_24", OVERLAP, BIT(1), TC_SAME, TO4(10, 1, 2, 4), TO(C)),
	ROW("overlap_16", OVERLAP, BIT(0), TC_SAME, TO4(10, 1, 9, 9), TO(B)),
	ROW("overlap_none_normal", OVERLAP, 0, TC_EV(FLOOD = 1),
	    TO4(10, 2, 0, 1), NORMAL_FLOODS),
	ROW("overlap_wider_higher_wins",
	    RULES("priority=300,ip,nw_dst=10.1.0.0/16,actions=output:b0",
		  "priority=200,ip,nw_dst=10.1.2.0/24,actions=output:c0"),
	    BIT(0), TC_SAME, TO4(10, 1, 2, 3), TO(B)),
	ROW("tie_older_wins", RULES(TIE_DST, TIE_SRC), BIT(0), TC_SAME,
	    TO4(10, 1, 2, 3), TO(B)),
	ROW("tie_older_wins_other_mask", RULES(TIE_SRC, TIE_DST), BIT(0),
	    TC_SAME, TO4(10, 1, 2, 3), TO(C)),
	/* Every match field: a frame that matches, and a near miss. */
	FIELD("in_port", "in_port=a0"),
	MISS("in_port", "in_port=b0"),
	FIELD("dl_src", "dl_src=02:00:00:00:00:01"),
	MISS("dl_src", "dl_src=02:00:00:00:00:03"),
	FIELD("dl_dst_masked", "dl_dst=02:00:00:00:00:00/ff:ff:ff:ff:00:00"),
	MISS("dl_dst_masked", "dl_dst=02:00:00:00:00:00/ff:ff:ff:ff:00:00",
	     .dst = H2_NEAR),
	FIELD("dl_vlan", "dl_vlan=10", TAG(PD | 10), LEARNS(10),
	      .outtag = { [C] = Q(PD | 10) }),
	MISS("dl_vlan", "dl_vlan=10", TAG(PD | 11), LEARNS(11),
	     .outtag = { [B] = Q(PD | 11) }),
	FIELD("dl_vlan_none", "dl_vlan=0"),
	MISS("dl_vlan_none", "dl_vlan=0", TAG(PD | 10), LEARNS(10),
	     .outtag = { [B] = Q(PD | 10) }),
	FIELD("dl_type", "dl_type=0x88b5"),
	MISS("dl_type", "dl_type=0x88b5", TCP4(1234, 22)),
	FIELD("nw_src", "ip,nw_src=10.0.0.0/31", TCP4(1234, 22)),
	MISS("nw_src", "ip,nw_src=10.0.0.0/31", IP4(6, 2, 10, 1, 2, 3, 1, 2)),
	FIELD("nw_dst", "ip,nw_dst=10.1.2.0/24", TO4(10, 1, 2, 200)),
	MISS("nw_dst", "ip,nw_dst=10.1.2.0/24", TO4(10, 1, 3, 3)),
	FIELD("ipv6_src", "ipv6,ipv6_src=2001:db8::/64", IP6(1, 2)),
	MISS("ipv6_src", "ipv6,ipv6_src=2001:db8::1", IP6(3, 2)),
	FIELD("ipv6_dst", "ipv6,ipv6_dst=2001:db8:1::/48", IP6(1, 2)),
	MISS("ipv6_dst", "ipv6,ipv6_dst=2001:db8:1::2", IP6(1, 3)),
	FIELD("nw_proto", "ip,nw_proto=6", TCP4(1234, 22)),
	MISS("nw_proto", "ip,nw_proto=6", TO4(10, 1, 2, 3)),
	FIELD("tp_src", "tcp,tp_src=1234", TCP4(1234, 22)),
	MISS("tp_src", "tcp,tp_src=1234", TCP4(1235, 22)),
	FIELD("tp_dst_masked", "tcp,tp_dst=0x10/0xfff0", TCP4(1234, 22)),
	MISS("tp_dst_masked", "tcp,tp_dst=0x10/0xfff0", TCP4(1234, 32)),
	FIELD("icmp_type_code", "icmp,icmp_type=8,icmp_code=0", ICMP4(8, 0)),
	MISS("icmp_type", "icmp,icmp_type=8,icmp_code=0", ICMP4(0, 0)),
	MISS("icmp_code", "icmp,icmp_type=8,icmp_code=0", ICMP4(8, 1)),
	FIELD("arp", ARP_RULE, ARP(1, 1, 2)),
	MISS("arp_op", ARP_RULE, ARP(2, 1, 2)),
	MISS("arp_spa", ARP_RULE, ARP(1, 3, 2)),
	MISS("arp_tpa", ARP_RULE, ARP(1, 1, 3)),
	/* Every action. */
	ROW("output_tagged_as_port_sends", RULES("actions=output:c0"), BIT(0),
	    TC_SAME, TAG(PD | 20), .vlan = { [C] = &ACCESS20 }, LEARNS(20),
	    TO(C)),
	ROW("output_trunk_tagged", RULES("actions=output:c0"), BIT(0), TC_SAME,
	    TAG(PD | 20), LEARNS(20), .outtag = { [C] = Q(PD | 20) }, TO(C)),
	ROW("normal_forwards", RULES("actions=normal"), BIT(0),
	    TC_EV(FORWARD = 1), .fdb = { { .mac = H2, .at = C } }, TO(C)),
	ROW("normal_floods", RULES("actions=normal"), BIT(0), TC_EV(FLOOD = 1),
	    NORMAL_FLOODS),
	ROW("flood_known_station", RULES("actions=flood"), BIT(0),
	    TC_EV(FLOOD = 1), .fdb = { { .mac = H2, .at = C } }, NORMAL_FLOODS),
	ROW("drop", RULES("priority=10,actions=drop",
			  "priority=0,actions=normal"), BIT(0), TC_SAME,
	    FLOW_DROPS),
	ROW("push_vlan", RULES("actions=push_vlan:10,output:c0"), BIT(0),
	    TC_SAME, .outtag = { [C] = Q(10) }, TO(C)),
	ROW("push_vlan_on_tagged_qinq", RULES("actions=push_vlan:10,output:c0"),
	    BIT(0), TC_SAME, TAG(PD | 20), LEARNS(20),
	    DROPS(XVS_DROP_VLAN_QINQ)),
	ROW("pop_vlan", RULES("actions=pop_vlan,output:c0"), BIT(0), TC_SAME,
	    TAG(PD | 20), LEARNS(20), TO(C)),
	ROW("mod_vlan_vid_tagged", RULES("actions=mod_vlan_vid:30,output:c0"),
	    BIT(0), TC_SAME, TAG(PD | 20), LEARNS(20),
	    .outtag = { [C] = Q(PD | 30) }, TO(C)),
	ROW("mod_vlan_vid_untagged", RULES("actions=mod_vlan_vid:30,output:c0"),
	    BIT(0), TC_SAME, .outtag = { [C] = Q(30) }, TO(C)),
	ROW("push_vlan_normal", RULES("actions=push_vlan:10,normal"), BIT(0),
	    TC_EV(FLOOD = 1), TO_TC, .out = BIT(B) | BIT(C),
	    .outtag = { [B] = Q(10), [C] = Q(10) }),
	ROW("userspace", RULES("actions=userspace,output:c0"), BIT(0),
	    USERSPACE, TO_TC, .out = BIT(C)),
	ROW("two_outputs", RULES("actions=output:b0,output:c0"), BIT(0),
	    TC_SAME, TO_TC, .out = BIT(B) | BIT(C)),
};

#define NR_ROWS		(sizeof(rows) / sizeof(rows[0]))

static int row_prepare(const struct tcase *c)
{
	const struct row *r = c->arg;

	return rules_add(r->rules);
}

/* The frame the upcall must carry: the input frame without its tag. */
static void check_flow_upcalls(const struct tcase *c, __u32 n)
{
	const struct xvs_upcall_flow *u = flow_upcalls;
	__u8 frame[256];
	__u32 len = dp_input_frame(c, 0, frame);

	if (ring_buffer__consume(rb) < 0)
		fail("ring_buffer__consume: %s", strerror(errno));
	expect("FLOW upcalls", "", n, nr_flow_upcalls);
	if (!n || !nr_flow_upcalls)
		return;
	expect("upcall rule id", "", ids[0], u->rule_id);
	expect("upcall ifindex", "", ifs[c->in].ifindex, u->hdr.ifindex);
	expect("upcall bridge", "", 1, u->hdr.bridge);
	expect("upcall len", "", len, u->len);
	expect("upcall caplen", "", len, u->caplen);
	if (memcmp(u->hdr.mac, c->src, ETH_ALEN))
		fail("upcall mac %s, expected %s", mac_str(u->hdr.mac),
		     mac_str(c->src));
	if (u->caplen == len && memcmp(u->data, frame, len)) {
		fail("upcall data: not the frame");
		hexdiff(frame, len, u->data, u->caplen);
	}
}

/* What each rule counted: XDP_FRAMES and the live one at XDP (TC's run
 * after XDP_PASS is not the frame's first), one at TC.
 */
static bool row_verify(const struct tcase *c)
{
	const struct row *r = c->arg;
	__u64 n = c->hook == HOOK_XDP ? XDP_FRAMES + 1 : 1;
	int k;

	for (k = 0; k < MAX_ROW_RULES && r->rules[k]; k++)
		rule_counted(c, ids[k], r->hit & BIT(k) ? n : 0);
	check_flow_upcalls(c, r->userspace);
	if (!(port_flags_of(A) & XVS_PORT_F_FLOWS) ||
	    !(port_flags_of(C) & XVS_PORT_F_FLOWS) ||
	    port_flags_of(D) & XVS_PORT_F_FLOWS)
		fail("XVS_PORT_F_FLOWS: on the ports of bridge 1 only");
	return !failures;
}

/* A row at XDP, TC on a0's ingress for what XDP leaves it. */
static void xdp_case(struct tcase *t, char *name, const struct row *r)
{
	*t = r->c;
	snprintf(name, 64, "xdp_%s", r->c.name);
	t->name = name;
	t->dst = t->dst ?: H2;
	t->nframes = XDP_FRAMES;
	t->ingress = BIT(A);
	t->events[XVS_EV_UPCALL] = r->c.upcalls;
	t->events[XVS_EV_LEARN_PENDING] = r->c.upcalls * (XDP_FRAMES - 1);
	t->events[XVS_EV_FLOW_CACHE_MISS] = 1;
	t->events[XVS_EV_FLOW_CACHE_HIT] = XDP_FRAMES - 1;
	t->prepare = row_prepare;
	t->verify = row_verify;
	t->arg = r;
}

/* The same row at TC: a1 sends one frame into a0, which takes skbs only. */
static void tc_case(struct tcase *t, char *name, const struct row *r)
{
	int k;

	xdp_case(t, name, r);
	snprintf(name, 64, "tc_%s", r->c.name);
	t->hook = HOOK_TC_LIVE;
	t->nframes = 1;
	t->ingress = 0;
	t->skb_ports |= BIT(A);
	t->tx = 0;
	for (k = 0; k < XVS_DROP_MAX; k++)
		t->drops[k] = !!t->drops[k];
	memcpy(t->events, r->tc_events, sizeof(t->events));
	t->events[XVS_EV_TC_RX] = 1;
	t->events[XVS_EV_UPCALL] = r->c.upcalls + r->userspace;
	t->events[XVS_EV_LEARN_PENDING] = 0;
	t->events[XVS_EV_FLOW_CACHE_MISS] = 1;
}

/* --- cases of several steps -------------------------------------------- */

/* Step `c` of a case: counters zeroed, its frame run and checked. */
static bool step(const struct tcase *c)
{
	if (dp_clear_counters()) {
		fail("cannot zero the counters: %s", strerror(errno));
		return false;
	}
	return dp_run(c);
}

#define IP_TO_C		"priority=10,ip,actions=output:c0"
#define IP_TO_B		"priority=100,ip,actions=output:b0"
#define IP_DROP		"priority=20,ip,actions=drop"

static const struct tcase STEP = { FRAME(A, H2, H1), TCP4(1234, 22),
				   .verdict = XDP_REDIRECT };

/* One frame of H1 to H2, IPv4, at a hook: what it is to do. */
static struct tcase step_case(enum hook h, const char *name)
{
	struct tcase c = STEP;

	c.name = name;
	c.hook = h;
	if (h != HOOK_XDP) {
		c.skb_ports = BIT(A);
		c.events[XVS_EV_TC_RX] = 1;
	}
	return c;
}

static void step_to(struct tcase *c, int port, __u32 miss)
{
	c->out = BIT(port);
	c->events[XVS_EV_FORWARD] = c->hook == HOOK_XDP;
	c->events[miss ? XVS_EV_FLOW_CACHE_MISS : XVS_EV_FLOW_CACHE_HIT] = 1;
}

/* A step whose frame a rule sends to `port`: classified, or cached. */
static bool step_out(const struct tcase *c, int port, __u32 miss)
{
	struct tcase s = *c;

	step_to(&s, port, miss);
	return step(&s);
}

/* Cached, then a drop rule: the very next frame is dropped; the drop
 * rule deleted: forwarded again; no rules at all: the learning switch,
 * without the flow table (no cache events, no flag on the ports).
 */
static bool generation(enum hook h)
{
	struct tcase c = step_case(h, "generation"), s;
	__u32 id;

	if (dp_seed(&c) || table_open() || rule_add(IP_TO_C, &ids[0]) ||
	    !step_out(&c, C, 1) || !step_out(&c, C, 0) || rule_add(IP_DROP, &id))
		return false;
	s = c;
	s.verdict = XDP_DROP;
	s.drops[XVS_DROP_FLOW_DROP] = 1;
	s.events[XVS_EV_FLOW_CACHE_MISS] = 1;
	if (!step(&s) || rule_del("priority=20,ip") || !step_out(&c, C, 1))
		return false;
	rule_counted(&c, ids[0], h == HOOK_XDP ? 6 : 3);
	if (rule_del("priority=10,ip"))
		return false;
	s = c;
	s.out = BIT(B) | BIT(C);
	s.events[XVS_EV_FLOOD] = 1;
	if (h != HOOK_XDP)
		s.verdict = TC_ACT_STOLEN;
	if (!step(&s))
		return false;
	if (port_flags_of(A) & XVS_PORT_F_FLOWS)
		fail("a0 keeps XVS_PORT_F_FLOWS with no rules");
	return !failures;
}

/* A rule with the match of another but a lower priority is shadowed;
 * it takes over when the winner goes.
 */
static bool shadowed(enum hook h)
{
	struct tcase c = step_case(h, "shadowed");

	if (dp_seed(&c) || table_open() || rule_add(IP_TO_B, &ids[0]) ||
	    rule_add("priority=50,ip,actions=output:c0", &ids[1]) ||
	    !step_out(&c, B, 1) || rule_del("priority=100,ip") ||
	    !step_out(&c, C, 1))
		return false;
	rule_counted(&c, ids[1], h == HOOK_XDP ? 2 : 1);
	return !failures;
}

static bool xdp_generation(void) { return generation(HOOK_XDP); }
static bool tc_generation(void) { return generation(HOOK_TC_LIVE); }
static bool xdp_shadowed(void) { return shadowed(HOOK_XDP); }
static bool tc_shadowed(void) { return shadowed(HOOK_TC_LIVE); }

/* --- limits -------------------------------------------------------------- */

static bool same_cls(const struct xvs_cls *before)
{
	struct xvs_cls now;
	__u32 br = 1;

	if (bpf_map_lookup_elem(bpf_map__fd(xdp->maps.xvs_cls), &br, &now))
		return false;
	return !memcmp(before, &now, sizeof(now));
}

/* Refused with -ENOSPC, and nothing changed: the bridge's xvs_cls (its
 * generation, masks) and its rule count.
 */
static void refused(const struct xvs_flow_rule *r, const char *what)
{
	__u32 br = 1, n = flow_bridge_rules(table, 1);
	struct xvs_cls before;
	char err[256] = "";
	int e;

	bpf_map_lookup_elem(bpf_map__fd(xdp->maps.xvs_cls), &br, &before);
	e = flow_add(table, 1, r, 1, NULL, err, sizeof(err));
	if (e != -ENOSPC)
		fail("%s: flow_add returned %d, expected -ENOSPC", what, e);
	if (!same_cls(&before) || flow_bridge_rules(table, 1) != n)
		fail("%s: refused, but the table changed (%s)", what, err);
}

static bool parse(const char *text, struct xvs_flow_rule *r)
{
	char err[256];

	if (flow_parse_rule(text, port_id, NULL, r, err, sizeof(err))) {
		fail("'%s': %s", text, err);
		return false;
	}
	return true;
}

/* 32 masks in a bridge (nw_dst /1 .. /32); the 33rd is refused. */
static bool mask_limit(void)
{
	struct tcase c = step_case(HOOK_XDP, "mask_limit");
	struct xvs_flow_rule r;
	char text[96];
	__u32 id;
	int k;

	if (dp_seed(&c) || table_open())
		return false;
	for (k = 1; k <= XVS_FLOW_MAX_MASKS; k++) {
		snprintf(text, sizeof(text),
			 "priority=%d,ip,nw_dst=10.1.2.3/%d,actions=output:c0", k, k);
		if (rule_add(text, &id))
			return false;
	}
	if (!parse("priority=99,ip,actions=output:b0", &r))
		return false;
	refused(&r, "the 33rd mask");
	/* A new rule under a mask the bridge has is taken. */
	if (!parse("priority=99,ip,nw_dst=10.1.2.4/32,actions=output:b0", &r) ||
	    flow_add(table, 1, &r, 1, &id, text, sizeof(text)))
		fail("a rule of a known mask: refused");
	step_to(&c, C, 1);
	return dp_run(&c);
}

/* XVS_FLOW_MAX_RULES rules, in one call; one more is refused. */
static bool rule_limit(void)
{
	struct tcase c = step_case(HOOK_XDP, "rule_limit");
	struct xvs_flow_rule *v = calloc(XVS_FLOW_MAX_RULES, sizeof(*v));
	char err[256] = "";
	int k, e;

	if (!v || dp_seed(&c) || table_open() ||
	    !parse("priority=10,tcp,tp_src=0,actions=output:b0", &v[0])) {
		free(v);
		return false;
	}
	for (k = 1; k < XVS_FLOW_MAX_RULES; k++) {
		v[k] = v[0];
		v[k].match.tp_src = htons(20000 + k);
	}
	v[XVS_FLOW_MAX_RULES - 1].match.tp_src = htons(1234);
	v[XVS_FLOW_MAX_RULES - 1].actions[0].arg = ifs[C].ifindex;
	e = flow_add(table, 1, v, XVS_FLOW_MAX_RULES, NULL, err, sizeof(err));
	if (e)
		fail("%d rules: %s", XVS_FLOW_MAX_RULES, err);
	v[0].match.tp_src = htons(1);
	refused(&v[0], "a rule past XVS_FLOW_MAX_RULES");
	free(v);
	step_to(&c, C, 1);
	return dp_run(&c);
}

/* --- main ---------------------------------------------------------------- */

#define CASE(f)	{ .name = #f, .fn = f }

static const struct tcase fn_cases[] = {
	CASE(xdp_generation),
	CASE(tc_generation),
	CASE(xdp_shadowed),
	CASE(tc_shadowed),
	CASE(mask_limit),
	CASE(rule_limit),
};

#define NR_FN		(sizeof(fn_cases) / sizeof(fn_cases[0]))

int main(int argc, char **argv)
{
	static struct tcase cases[2 * NR_ROWS + NR_FN];
	static char names[2 * NR_ROWS][64];
	size_t n = 0, k;
	int ret;

	for (k = 0; k < NR_ROWS; k++, n++)
		xdp_case(&cases[n], names[n], &rows[k]);
	for (k = 0; k < NR_ROWS; k++, n++)
		tc_case(&cases[n], names[n], &rows[k]);
	for (k = 0; k < NR_FN; k++)
		cases[n++] = fn_cases[k];
	ret = dp_main(argc, argv, cases, n, BIT(A) | BIT(B) | BIT(C) | BIT(D));
	flow_table_free(table);
	return ret;
}

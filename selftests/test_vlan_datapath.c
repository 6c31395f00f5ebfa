// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_vlan_datapath.c - 802.1Q in the fast path, through BPF_PROG_TEST_RUN:
 * every port mode x {untagged, tagged allowed, tagged not allowed,
 * priority-tagged, double-tagged, 802.1ad, VID 4095, truncated in the
 * tag}, with the drop reason or the exact bytes each port's peer receives.
 *
 * A row of rows[] runs at XDP (xvs_xdp_rx, its copies through the devmap
 * egress program xvs_xdp_tx) and, with the same frame and expectations,
 * twice more at TC on a port without the XDP flag (xvs_tc_rx, PIPE_RX):
 * tc_<row> through test_run, which leaves the tag in the frame, and
 * tc_live_<row> sent by the peer, whose tag the port's receive path has
 * moved into the skb before TC, as on a real receive (dp_harness.h).
 * Floods are the main vehicle: one frame shows what every other port of
 * the bridge makes of its VLAN.  The harness is lib/dp_harness.h.
 *
 * The switch, in a network namespace of our own:
 *
 *             port  mode                                    peer
 *   bridge 1  a0 A  the one a row sets          <=========> a1
 *             b0 B  access 20                   <=========> b1
 *             c0 C  trunk 10,20                 <=========> c1
 *             e0 E  native-untagged 20, trunk 10 <========> e1
 *             f0 F  native-tagged 20, trunk 10  <=========> f1
 *             g0 G  trunk of every VLAN (zeroed) <========> g1
 *             h0 H  access 10                   <=========> h1
 *   bridge 2  d0 D  trunk of every VLAN         <=========> d1
 *   no port   x0                                <=========> x1
 *
 * Tagged frames come with PCP 3 and DEI 1 (0x7000 in the TCI), which every
 * tagged output must keep; priority tags with PCP 5 (0xa000).
 *
 * Usage: test_vlan_datapath [CASE]; KTAP on stdout, exit 0 pass, 1 fail,
 * 4 skip.
 */
#include <errno.h>
#include <stdio.h>

#include "lib/dp_harness.h"

#define V(vid)		(1ULL << (vid))		/* in trunks[0]: VID < 64 */
#define LIST(bits)	.flags = XVS_VLAN_F_TRUNKS_LIST, .trunks = { bits }

static const struct xvs_port_vlan ACCESS10 = {
	.mode = XVS_VLAN_ACCESS, .tag = 10 };
static const struct xvs_port_vlan ACCESS20 = {
	.mode = XVS_VLAN_ACCESS, .tag = 20 };
static const struct xvs_port_vlan TRUNK = {
	.mode = XVS_VLAN_TRUNK, LIST(V(10) | V(20)) };
static const struct xvs_port_vlan TRUNK_ALL;	/* a new port's */
static const struct xvs_port_vlan NATIVE_U10 = {
	.mode = XVS_VLAN_NATIVE_UNTAGGED, .tag = 10, LIST(V(20)) };
static const struct xvs_port_vlan NATIVE_T10 = {
	.mode = XVS_VLAN_NATIVE_TAGGED, .tag = 10, LIST(V(20)) };
static const struct xvs_port_vlan NATIVE_U20 = {
	.mode = XVS_VLAN_NATIVE_UNTAGGED, .tag = 20, LIST(V(10)) };
static const struct xvs_port_vlan NATIVE_T20 = {
	.mode = XVS_VLAN_NATIVE_TAGGED, .tag = 20, LIST(V(10)) };

#define SWITCH(mode)	.vlan = { [A] = &mode, [B] = &ACCESS20, \
			  [C] = &TRUNK, [E] = &NATIVE_U20, [F] = &NATIVE_T20, \
			  [G] = &TRUNK_ALL, [H] = &ACCESS10 }
/* A broadcast from H1 into A in `mode`. */
#define FROM(mode)	FRAME(A, BCAST, H1), SWITCH(mode)

/* The frames. */
#define PD		0x7000			/* PCP 3, DEI 1 */
#define PRIO		0xa000			/* PCP 5, VID 0 */
#define Q(tci)		{ ETH_P_8021Q, tci }
#define AD(tci)		{ ETH_P_8021AD, tci }
#define TAG(tci)	.tags = { Q(tci) }
#define DOUBLE		.tags = { Q(PD | 20), Q(PD | 30) }
#define QINQ		.tags = { AD(PD | 20), Q(PD | 30) }
/* The frame ends right after the TCI: 16 bytes. */
#define TRUNCATED	.tags = { Q(PD | 20) }, .len = 2 * ETH_ALEN

/* What the other ports of bridge 1 make of a frame of VLAN 10, 20, 30 or
 * 0 (untagged inside the switch) whose TCI is t: who gets it, tagged how
 * (no tag where none is given).  Written out, not computed: this is the
 * specification the datapath is held to.
 */
#define OUT10(t)	.out = BIT(C) | BIT(E) | BIT(F) | BIT(G) | BIT(H), \
			.outtag = { [C] = Q(t), [E] = Q(t), [F] = Q(t), \
				    [G] = Q(t) }
#define OUT20(t)	.out = BIT(B) | BIT(C) | BIT(E) | BIT(F) | BIT(G), \
			.outtag = { [C] = Q(t), [F] = Q(t), [G] = Q(t) }
#define OUT30(t)	.out = BIT(G), .outtag = { [G] = Q(t) }
#define OUT0		.out = BIT(G)

/* Flooded in VLAN v with TCI t, and H1, known in VLAN 0 only, learned in
 * VLAN v.
 */
#define FLOODS(v, t)	.verdict = XDP_REDIRECT, OUT##v(t), .upcalls = 1, \
			.learn_vlan = v, EV(FLOOD = 1, UPCALL = 1)
#define FLOODS0		.verdict = XDP_REDIRECT, OUT0, EV(FLOOD = 1)

struct row {
	__u32 tc;		/* its TC variants: BIT(HOOK_TC_RX) ... */
	const char *no_live;	/* why tc_live_ cannot run: its SKIP */
	struct tcase c;		/* at XDP, or as it is */
};

#define TC_BOTH		(BIT(HOOK_TC_RX) | BIT(HOOK_TC_LIVE))
#define EVERY_HOOK(...)	{ TC_BOTH, NULL, { __VA_ARGS__ } }
#define AS_IS(...)	{ 0, NULL, { __VA_ARGS__ } }
/* skb_vlan_untag() frees such a frame before TC sees it. */
#define NO_LIVE_TRUNC(...) { TC_BOTH, "the receive path drops a frame " \
			     "that ends in its tag before TC", { __VA_ARGS__ } }

/* What a trunk takes in no mode: two tags, an 802.1ad tag, VID 4095, a
 * frame that ends in its tag.
 */
#define BAD_TAGS(name, mode)						\
	EVERY_HOOK(name "_double", FROM(mode), DOUBLE,			\
		   DROP(XVS_DROP_VLAN_QINQ)),				\
	EVERY_HOOK(name "_8021ad", FROM(mode), QINQ,			\
		   DROP(XVS_DROP_VLAN_QINQ)),				\
	EVERY_HOOK(name "_vid_4095", FROM(mode), TAG(PD | 4095),	\
		   DROP(XVS_DROP_VLAN_INVALID)),			\
	NO_LIVE_TRUNC(name "_truncated", FROM(mode), TRUNCATED,		\
		      DROP(XVS_DROP_VLAN_TRUNCATED))

/* A native port of VLAN 10 that trunks 20. */
#define NATIVE(name, mode)						\
	EVERY_HOOK(name "_untagged", FROM(mode), FLOODS(10, 10)),	\
	EVERY_HOOK(name "_tagged_20", FROM(mode), TAG(PD | 20),	\
		   FLOODS(20, PD | 20)),				\
	EVERY_HOOK(name "_tagged_10", FROM(mode), TAG(PD | 10),	\
		   FLOODS(10, PD | 10)),				\
	EVERY_HOOK(name "_tagged_30", FROM(mode), TAG(PD | 30),	\
		   DROP(XVS_DROP_VLAN_DENIED)),				\
	EVERY_HOOK(name "_priority", FROM(mode), TAG(PRIO),		\
		   FLOODS(10, PRIO | 10)),				\
	BAD_TAGS(name, mode)

static const struct row rows[] = {
	/* access 10: untagged and priority-tagged frames only. */
	EVERY_HOOK("access_untagged", FROM(ACCESS10), FLOODS(10, 10)),
	EVERY_HOOK("access_tagged_10", FROM(ACCESS10), TAG(PD | 10),
		   DROP(XVS_DROP_VLAN_TAGGED)),
	EVERY_HOOK("access_tagged_30", FROM(ACCESS10), TAG(PD | 30),
		   DROP(XVS_DROP_VLAN_TAGGED)),
	EVERY_HOOK("access_priority", FROM(ACCESS10), TAG(PRIO),
		   FLOODS(10, PRIO | 10)),
	EVERY_HOOK("access_priority_then_tag", FROM(ACCESS10),
		   .tags = { Q(PRIO), Q(PD | 10) }, DROP(XVS_DROP_VLAN_TAGGED)),
	EVERY_HOOK("access_double", FROM(ACCESS10), DOUBLE,
		   DROP(XVS_DROP_VLAN_TAGGED)),
	EVERY_HOOK("access_8021ad", FROM(ACCESS10), QINQ,
		   DROP(XVS_DROP_VLAN_QINQ)),
	EVERY_HOOK("access_vid_4095", FROM(ACCESS10), TAG(PD | 4095),
		   DROP(XVS_DROP_VLAN_TAGGED)),
	NO_LIVE_TRUNC("access_truncated", FROM(ACCESS10), TRUNCATED,
		      DROP(XVS_DROP_VLAN_TRUNCATED)),
	/* trunk 10,20: VLAN 0 (untagged, priority-tagged) is not listed. */
	EVERY_HOOK("trunk_untagged", FROM(TRUNK), DROP(XVS_DROP_VLAN_DENIED)),
	EVERY_HOOK("trunk_tagged_20", FROM(TRUNK), TAG(PD | 20),
		   FLOODS(20, PD | 20)),
	EVERY_HOOK("trunk_tagged_30", FROM(TRUNK), TAG(PD | 30),
		   DROP(XVS_DROP_VLAN_DENIED)),
	EVERY_HOOK("trunk_priority", FROM(TRUNK), TAG(PRIO),
		   DROP(XVS_DROP_VLAN_DENIED)),
	BAD_TAGS("trunk", TRUNK),
	/* trunk of every VLAN: untagged is VLAN 0, which loses a priority
	 * tag's PCP with the tag.
	 */
	EVERY_HOOK("trunk_all_untagged", FROM(TRUNK_ALL), FLOODS0),
	EVERY_HOOK("trunk_all_tagged_20", FROM(TRUNK_ALL), TAG(PD | 20),
		   FLOODS(20, PD | 20)),
	EVERY_HOOK("trunk_all_tagged_30", FROM(TRUNK_ALL), TAG(PD | 30),
		   FLOODS(30, PD | 30)),
	EVERY_HOOK("trunk_all_priority", FROM(TRUNK_ALL), TAG(PRIO), FLOODS0),
	BAD_TAGS("trunk_all", TRUNK_ALL),
	/* native-untagged and native-tagged 10, trunk 20: untagged and
	 * priority-tagged frames are VLAN 10; the two differ on the way out.
	 */
	NATIVE("native_untagged", NATIVE_U10),
	NATIVE("native_tagged", NATIVE_T10),
	/* The MAC table is per VLAN: H2, known in VLAN 10 (behind H), is
	 * unknown in VLAN 20; H1, known in VLAN 20, is not learned again.
	 */
	EVERY_HOOK("fdb_vlan10_station_forwards", FRAME(A, H2, H1),
		   SWITCH(TRUNK), TAG(PD | 10),
		   .fdb = { { .mac = H2, .at = H, .vlan = 10 } },
		   .verdict = XDP_REDIRECT, .out = BIT(H), .upcalls = 1,
		   .learn_vlan = 10, EV(FORWARD = 1, UPCALL = 1)),
	EVERY_HOOK("fdb_vlan10_station_unknown_in_20", FRAME(A, H2, H1),
		   SWITCH(TRUNK), TAG(PD | 20),
		   .fdb = { { .mac = H2, .at = H, .vlan = 10 } },
		   FLOODS(20, PD | 20)),
	EVERY_HOOK("fdb_source_known_in_vlan", FROM(TRUNK), TAG(PD | 20),
		   .fdb = { { .mac = H1, .at = A, .vlan = 20 } },
		   .seen = SEEN_KEPT, .verdict = XDP_REDIRECT, OUT20(PD | 20),
		   EV(FLOOD = 1)),
	/* A static entry sends VLAN 10 to B, an access port of VLAN 20: the
	 * devmap egress program drops the copy (uncounted: it cannot tell a
	 * unicast from a flood copy), TC refuses to forward.
	 */
	AS_IS("unicast_to_port_without_vlan", FRAME(A, H2, H1), SWITCH(TRUNK),
	      TAG(PD | 10), .fdb = { { H2, B, XVS_FDB_F_STATIC, .vlan = 10 } },
	      .verdict = XDP_REDIRECT, .upcalls = 1, .learn_vlan = 10,
	      EV(FORWARD = 1, UPCALL = 1)),
	AS_IS("tc_unicast_to_port_without_vlan", TC_RX, FRAME(A, H2, H1),
	      SWITCH(TRUNK), TAG(PD | 10), .skb_ports = BIT(A),
	      .fdb = { { H2, B, XVS_FDB_F_STATIC, .vlan = 10 } },
	      .verdict = TC_ACT_SHOT, .drops = { [XVS_DROP_NO_EGRESS] = 1 },
	      .upcalls = 1, .learn_vlan = 10,
	      EV(TCRX = 1, FORWARD = 1, UPCALL = 1)),
	/* The part of a row no variant can express. */
	AS_IS("tag_outside_linear", FROM(TRUNK), TAG(PD | 20),
	      .linear = ETH_HLEN + 2, DROP(XVS_DROP_VLAN_TRUNCATED)),
	AS_IS("kernel_refuses_skb_vlan_ctx", TC_RX, FROM(TRUNK),
	      .hwtag = Q(PD | 20), .err = -EINVAL),
	/* XDP leaves a flood to TC (C takes skbs only) in the switch's form,
	 * tagged; TC's second run takes the VLAN from that tag.
	 */
	AS_IS("xdp_pass_in_switch_form", FROM(ACCESS10), TAG(PRIO),
	      .skb_ports = BIT(C), .verdict = XDP_PASS,
	      .outtag = { [A] = Q(PRIO | 10) }, .upcalls = 1, .learn_vlan = 10,
	      EV(UPCALL = 1)),
	AS_IS("tc_again_vlan_from_tag", TC_RX, FROM(ACCESS10),
	      TAG(PRIO | 10), .skb_ports = BIT(C), .verdict = TC_ACT_STOLEN,
	      OUT10(PRIO | 10), EV(TCRX = 1, FLOOD = 1)),
	AS_IS("tc_live_again_vlan_from_tag", .hook = HOOK_TC_LIVE,
	      FROM(ACCESS10), TAG(PRIO | 10), .skb_ports = BIT(C),
	      OUT10(PRIO | 10), EV(TCRX = 1, FLOOD = 1)),
	/* What the host of port A sends: classified by A's mode, or left
	 * alone when A does not carry its VLAN.
	 */
	AS_IS("tc_tx_access_floods_in_vlan", TC_TX,
	      FRAME(A, BCAST, ifs[A].mac), SWITCH(ACCESS10),
	      .verdict = TC_ACT_OK, OUT10(10), EV(FLOOD = 1)),
	AS_IS("tc_tx_vlan_not_carried_left_alone", TC_TX,
	      FRAME(A, BCAST, ifs[A].mac), SWITCH(TRUNK),
	      .verdict = TC_ACT_OK),
};

#define NR_ROWS		(sizeof(rows) / sizeof(rows[0]))

static const char *const prefix[] = {
	[HOOK_TC_RX] = "tc_", [HOOK_TC_LIVE] = "tc_live_",
};

/* A row at TC on the same port, A, taking skbs only: TC's verdicts, and
 * TC_RX counted unless it drops.  A test_run redirect is not done: the
 * target only counts it sent.
 */
static void tc_variant(struct tcase *t, char *name, const struct row *r,
		       enum hook h)
{
	const struct tcase *x = &r->c;
	bool drop = x->verdict == XDP_DROP, flood = x->events[XVS_EV_FLOOD];

	*t = *x;
	snprintf(name, 64, "%s%s", prefix[h], x->name);
	t->name = name;
	t->hook = h;
	t->skb_ports |= BIT(x->in);
	t->verdict = drop ? TC_ACT_SHOT : flood ? TC_ACT_STOLEN :
		     TC_ACT_REDIRECT;
	t->events[XVS_EV_TC_RX] = !drop;
	if (h == HOOK_TC_LIVE) {
		t->skip = r->no_live;
	} else if (!flood) {
		t->tx = x->tx ?: x->out;
		t->out = 0;
	}
}

int main(int argc, char **argv)
{
	static struct tcase cases[3 * NR_ROWS];
	static char names[2 * NR_ROWS][64];
	enum hook hooks[] = { HOOK_TC_RX, HOOK_TC_LIVE };
	size_t n = 0, k, h;

	for (k = 0; k < NR_ROWS; k++)
		cases[n++] = rows[k].c;
	for (h = 0; h < 2; h++)
		for (k = 0; k < NR_ROWS; k++) {
			if (!(rows[k].tc & BIT(hooks[h])))
				continue;
			tc_variant(&cases[n], names[n - NR_ROWS], &rows[k],
				   hooks[h]);
			n++;
		}
	return dp_main(argc, argv, cases, n,
		       BIT(A) | BIT(B) | BIT(C) | BIT(D) | BIT(E) | BIT(F) |
		       BIT(G) | BIT(H) | BIT(X));
}

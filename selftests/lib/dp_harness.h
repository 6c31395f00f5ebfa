/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dp_harness.h - the harness of the datapath unit tests (test_datapath.c,
 * test_vlan_datapath.c): both objects loaded as xvsd loads them, a switch
 * of veths in a network namespace of our own, and a runner of case tables.
 *
 * Every case is one struct tcase: a frame, the state seeded on top of a
 * standard switch, the hook it runs at, and what must come of it - the
 * verdict, drop and event counters, LEARN upcalls in the ring buffer, the
 * per-port counters, and the frames that come out of each port, byte for
 * byte.  Maps are emptied between cases.  The process stays on one CPU,
 * as the learn token bucket is per CPU.  The two objects share their maps
 * as xvsd makes them (loader/objpin.c): the XDP object's maps are pinned in
 * a private directory, and the TC object is pointed at the pins.
 *
 * What the kernel's test_run lets us express:
 *  - Input shorter than 14 bytes is refused (-EINVAL), metadata or not.
 *    XDP takes a frame whose Ethernet header is not (all) in the linear
 *    part: xdp_md.data_end sets the linear length, the rest is fragments.
 *  - xdp_md.ingress_ifindex and __sk_buff.ifindex must name real devices,
 *    so every port is a veth of the namespace.
 *  - A plain XDP run returns XDP_REDIRECT without sending, and a live run
 *    (BPF_F_TEST_XDP_LIVE_FRAMES) sends but reports no verdict: each XDP
 *    case runs plain for the verdict and the counters, then once live for
 *    what comes out (XDP_PASS frames go up the ingress port's stack).
 *  - A TC run returns TC_ACT_REDIRECT without redirecting (the target
 *    shows in the tx counters, the skb's mark comes back in ctx_out), but
 *    the copies bpf_clone_redirect() makes really go: TC floods are seen,
 *    and a copy meets the TC hooks a case attaches (.egress) for real.
 *  - A TC run builds its skb with eth_type_trans() only: an 802.1Q tag
 *    stays in the frame, where the receive path would have moved it into
 *    the skb (skb_vlan_untag() runs before TC ingress), and __sk_buff's
 *    vlan fields in ctx_in are refused (-EINVAL).  HOOK_TC_LIVE gives the
 *    skb's own form: the peer sends the frame, the port's receive path
 *    untags it and runs xvs_tc_rx attached at its ingress; no verdict.
 *  - A peer's AF_PACKET socket gets a tagged frame with the tag taken
 *    out (the receive path untags before the taps): the tag comes back
 *    from PACKET_AUXDATA into its place, as libpcap does.
 */
#ifndef XVS_DP_HARNESS_H
#define XVS_DP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#include "maps/port.h"
#include "maps/fdb.h"
#include "maps/stats.h"
#include "maps/upcall.h"

#define BIT(n)		(1U << (n))
#define ETH_P_XVS_TEST	0x88b5	/* IEEE 802 local experimental */
#define FRAME_LEN	60	/* default frame: minimum size, no FCS */
#define NO_HEAD		(-1)	/* .linear: not one byte linear */
#define LEARN_RATE	5	/* the XDP object's learn_rate */
#define SEEN_OLD	1ULL	/* an fdb entry not seen for ages */

/* Interfaces: ports A-H (which a program uses is its topology), X no
 * port, FAKE an ifindex without a device.
 */
enum { NOIF, A, B, C, D, E, F, G, H, X, FAKE, NR_IFS };
enum { PEER, PORT };				/* the two ends of a veth */
enum hook { HOOK_XDP, HOOK_TC_RX, HOOK_TC_TX, HOOK_TC_LIVE };
enum seen_check { SEEN_ANY, SEEN_REFRESHED, SEEN_KEPT };

struct iface {
	const char *name[2];	/* PEER and PORT end */
	__u32 bridge;		/* 0: not a port */
	__u16 port_no;
	__u8 mac[ETH_ALEN];	/* the port's; the peer's ends in 1 */
	__u32 ifindex;		/* the port's */
	int sk[2];		/* AF_PACKET sockets on PEER and PORT */
};

extern struct iface ifs[NR_IFS];
extern const __u8 BCAST[ETH_ALEN], MCAST4[ETH_ALEN], MCAST6[ETH_ALEN],
	STP[ETH_ALEN], LLDP[ETH_ALEN], ZERO[ETH_ALEN];
/* Stations: H1 is known behind A (VLAN 0), H2 where a case puts it, NEW
 * nowhere.
 */
extern const __u8 H1[ETH_ALEN], H2[ETH_ALEN], NEW[ETH_ALEN];

/* A VLAN tag as it is on the wire; tpid 0: no tag. */
struct vtag {
	__u16 tpid;
	__u16 tci;		/* PCP, DEI, VID */
};

struct fdb_seed {
	const __u8 *mac;	/* NULL ends the list */
	int at;			/* interface the station is behind */
	__u32 flags;		/* enum xvs_fdb_flags */
	__u64 seen_ns;		/* 0: the time of seeding */
	__u16 vlan;		/* bridge 1, this VLAN */
};

struct tcase {
	const char *name;
	bool (*fn)(void);	/* a check of its own instead of a frame */
	const char *skip;	/* why the case cannot run: a SKIP */
	/* frame i: dst, src (+ i), tags, ETH_P_XVS_TEST, bytes 14, 15... */
	enum hook hook;
	int in;			/* ingress port (TC: the skb's device) */
	int iif;		/* TC: __sk_buff.ingress_ifindex */
	__u32 mark;		/* TC: __sk_buff.mark */
	const __u8 *dst, *src;
	__u32 len;		/* without the tags; 0: FRAME_LEN */
	struct vtag tags[2];	/* after the MACs, outer first */
	struct vtag hwtag;	/* TC: the skb's own tag, through ctx_in */
	int linear;		/* XDP: bytes in the linear part; 0: all */
	__u32 nframes;		/* 0: 1 */
	bool vary_src;
	__u16 type;		/* EtherType; 0: ETH_P_XVS_TEST */
	const __u8 *body;	/* the first body_len bytes after it */
	__u32 body_len;
	/* seeded on top of the standard switch */
	__u32 skb_ports;	/* ports without XVS_PORT_F_XDP */
	__u32 host_ports;	/* ports with XVS_PORT_F_HOST */
	__u32 egress;		/* ports with xvs_tc_tx on egress */
	__u32 ingress;		/* ports with xvs_tc_rx on ingress */
	bool no_group;		/* bridge 1 has no flood group */
	const struct xvs_port_vlan *vlan[NR_IFS];  /* NULL: trunk of all */
	struct fdb_seed fdb[2];
	/* expected */
	int err;		/* test_run's error: the kernel refuses */
	int verdict;
	__u32 mark_out;		/* TC: the skb's mark when it is done */
	__u64 drops[XVS_DROP_MAX];
	__u64 events[XVS_EV_MAX];
	__u32 upcalls;		/* LEARN, from `in`, for src (+ i) */
	__u16 learn_vlan;	/* the VLAN they carry */
	__u32 out;		/* peers that get the frame */
	__u32 up;		/* TC: ports whose own stack gets it */
	struct vtag outtag[NR_IFS];  /* the frame's tag there; else none */
	__u32 tx;		/* ports counting it sent; 0: same as out */
	enum seen_check seen;	/* fate of fdb[0].seen_ns */
	/* the case's own: state beyond the seeding (0 or -errno), and
	 * checks after the frames (false: failed); `arg` is theirs
	 */
	int (*prepare)(const struct tcase *c);
	bool (*verify)(const struct tcase *c);
	const void *arg;
};

/* Shorthands for the tables. */
#define FRAME(i, d, s)	.in = i, .dst = d, .src = s
#define DROP(r)		.verdict = XDP_DROP, .drops = { [r] = 1 }
#define EV(...)		.events = { __VA_ARGS__ }
#define TC_RX		.hook = HOOK_TC_RX
#define TC_TX		.hook = HOOK_TC_TX, .host_ports = BIT(A)
#define LOCAL		(XVS_FDB_F_LOCAL | XVS_FDB_F_STATIC)
#define FLOOD		[XVS_EV_FLOOD]
#define FORWARD		[XVS_EV_FORWARD]
#define UPCALL		[XVS_EV_UPCALL]
#define TCRX		[XVS_EV_TC_RX]
#define TOHOST		[XVS_EV_TO_HOST]

/* The TC object runs over the XDP object's pinned maps (a .fn case). */
bool dp_maps_shared(void);

/* Run the cases (all, or the one named by argv[1]) on a switch of the
 * interfaces in `ifaces` and print KTAP.  Returns the exit status: 0 all
 * passed, 1 a failure, 2 no such case, 4 skipped.
 */
int dp_main(int argc, char **argv, const struct tcase *cases, size_t n,
	    __u32 ifaces);

#endif /* XVS_DP_HARNESS_H */

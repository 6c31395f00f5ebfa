/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/bench_sink.h - what bench_dp and its sink program (q1's XDP
 * program, bench_sink.bpf.c) share: the test frame's EtherType, how much
 * of a frame the sink restores, and the keys of its counters.
 */
#ifndef XVS_BENCH_SINK_H
#define XVS_BENCH_SINK_H

#define BENCH_ETH_P	0x88b5	/* IEEE 802 local experimental EtherType */
#define SINK_HEAD_LEN	18	/* MACs, an 802.1Q tag, the EtherType */
#define SINK_MACS_LEN	12	/* destination and source */
/* What an encapsulated test frame must start with: outer Ethernet, IPv4
 * and GRE with a key (42 bytes), then the test frame's MACs and EtherType.
 */
#define SINK_GRE_LEN	56
/* Where an untagged IPv4 frame's source address is. */
#define SINK_SADDR_OFF	26

/* Keys of sink_count (per-CPU): the frames that reached q1, by form. */
enum sink_form {
	SINK_UNTAGGED = 0,	/* the test MACs, BENCH_ETH_P, no tag */
	SINK_TAGGED,		/* the test MACs, tag VID sink_vid, BENCH_ETH_P */
	SINK_GRE,		/* sink_gre's bytes: in GRE, the test MACs and
				 * BENCH_ETH_P, no tag */
	SINK_OTHER,		/* anything else */
	SINK_MAX,
};

#endif /* XVS_BENCH_SINK_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/bench_gen.h - what bench_fwd and its XDP programs share
 * (bench_gen.bpf.c, and the counting sink in bench_sink.bpf.c).
 *
 * The generator rewrites the flow fields of a fixed frame: Ethernet,
 * IPv4 without options, UDP, at these offsets.
 */
#ifndef XVS_BENCH_GEN_H
#define XVS_BENCH_GEN_H

#define GEN_MAX_PORTS	8	/* sink ports of one topology */
#define GEN_OFF_SMAC	6	/* source MAC: 02:10 then the flow, 4 bytes */
#define GEN_OFF_CSUM	24	/* IPv4 header checksum */
#define GEN_OFF_SADDR	26	/* IPv4 source: 10.0.0.0 + the flow */
#define GEN_OFF_SPORT	34	/* UDP source port */
#define GEN_HDR_LEN	42	/* Ethernet + IPv4 + UDP */

#endif /* XVS_BENCH_GEN_H */

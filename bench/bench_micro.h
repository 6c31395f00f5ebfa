/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/bench_micro.h - what bench_dp and its microbenchmark harness
 * (bench_micro.bpf.c) share.
 */
#ifndef XVS_BENCH_MICRO_H
#define XVS_BENCH_MICRO_H

/* Bytes of the template put back before every run: the shortest test
 * frame's length, which covers all a datapath path edits (MACs and tag;
 * GRE's outer headers and the inner MACs).
 */
#define MICRO_COPY	60
#define MICRO_SADDR_OFF	26	/* an untagged IPv4 frame's source address */

#endif /* XVS_BENCH_MICRO_H */

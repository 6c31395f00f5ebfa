/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/report.h - the figures of a benchmark, for every program in bench/.
 *
 * A benchmark runs its scenarios round by round and adds one sample per
 * scenario and round: nanoseconds per unit of work (a frame), by the wall
 * clock, by the thread's CPU time and by the kernel's own timer where it
 * has one.  The report gives each scenario's median, min and max, and its
 * ratio to the first scenario (the baseline) of the same run: on a shared
 * machine absolute figures drift from run to run, ratios much less.  Two
 * ratios: of the medians, and "paired", the median over the rounds of
 * each round's own ratio, which also cancels drift between rounds.  A
 * scenario with an error is reported as such, never as a number.
 */
#ifndef XVS_BENCH_REPORT_H
#define XVS_BENCH_REPORT_H

#include <json-c/json.h>

#define BENCH_MAX_SAMPLES	50

struct bench_series {
	const char *name;			/* scenario, e.g. "push" */
	const char *what;			/* what it does, one line */
	double wall[BENCH_MAX_SAMPLES];		/* ns per unit, wall clock */
	double cpu[BENCH_MAX_SAMPLES];		/* ns per unit, thread CPU time */
	double kern[BENCH_MAX_SAMPLES];		/* ns per unit, kernel timer */
	int n;					/* samples taken */
	int by_cpu;				/* medians and ratios of cpu[], not wall[] */
	char err[256];				/* why it failed; "" if it did not */
};

void bench_sample(struct bench_series *s, double wall, double cpu, double kern);
/* The median wall time of s (CPU time if by_cpu); and the median over the rounds of s / base
 * within the same round, in which a drift of the machine's speed between
 * rounds cancels out (both need samples; base as many as s).
 */
double bench_median(const struct bench_series *s);
double bench_median_of(const double *v, int n);
double bench_paired(const struct bench_series *s, const struct bench_series *base);

/* Print the table of the n series (s[0] the baseline) under `title`, and
 * write the same figures as JSON to `path`, with the members of `meta`
 * (which this takes over) on top.  0, or -1 if a series failed or the file
 * could not be written.
 */
int bench_report(const char *title, struct bench_series *const *s, int n,
		 json_object *meta, const char *path);

/*
 * Forwarding benchmarks (bench_fwd) report rates instead: one series per
 * system and scenario, one sample per round.  The baseline of a scenario
 * is its first series; ratios are of forwarded rates (higher is better).
 */
struct bench_fwd {
	const char *scenario;			/* e.g. "64B-1k" */
	const char *system;			/* e.g. "xvs-xdp" */
	double mpps[BENCH_MAX_SAMPLES];		/* frames forwarded, Mpps */
	double loss[BENCH_MAX_SAMPLES];		/* fraction of sent frames lost */
	double cpu[BENCH_MAX_SAMPLES];		/* switch CPU ns per frame forwarded */
	int n;					/* samples taken */
	char err[256];				/* why it failed; "" if it did not */
	double med;				/* set by the report: median Mpps */
};

void bench_fwd_sample(struct bench_fwd *s, double mpps, double loss, double cpu);

/* Print the table of n series, grouped by scenario (each group's first
 * series its baseline), and write it as JSON to `json` (with `meta`,
 * which this takes over) and as a Markdown table to `md`.  0, or -1 if a
 * series failed or a file could not be written.
 */
int bench_fwd_report(const char *title, struct bench_fwd *const *s, int n,
		     json_object *meta, const char *json, const char *md);

/* The `memlock` of a BPF map fd, as /proc/self/fdinfo (and bpftool) gives
 * it: the map's memory use on this kernel; -1 if unknown.
 */
long long bench_memlock(int fd);
/* A shell command; 0, or -EIO with it and its status logged after `what`. */
int bench_sh(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* XVS_BENCH_REPORT_H */

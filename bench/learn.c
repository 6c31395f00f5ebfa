// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bench/learn.c - see learn.h. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_gen.skel.h"
#include "loader/log.h"
#include "loader/util.h"
#include "maps/fdb.h"
#include "maps/stats.h"
#include "bench/bench_gen.h"
#include "bench/report.h"
#include "bench/topo.h"
#include "bench/learn.h"

#define PROBE_NS	(200 * 1000000.0)	/* a probe gives up after this */
#define SETTLE_NS	(500 * 1000000.0)	/* a rate run ends this long after its last entry */
#define RUN_NS		(10 * 1000000000.0)	/* and never lasts longer than this */
#define BATCH_KEYS	8192

struct learn_ctx {
	struct topo *t;
	const struct topo_env *env;
	int fdb, events;		/* xvs_fdb, xvs_events of the instance */
	__u32 bridge;			/* br0's id */
	const __u8 *frame;
	__u32 len;
};

/* `repeat` frames from the generator, flows counting on from gen_seq. */
static int send_frames(struct learn_ctx *c, __u32 repeat, __u32 flows)
{
	struct xdp_md md = { .data_end = c->len, .ingress_ifindex = c->t->g0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = c->frame, .data_size_in = c->len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = repeat,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	int err;

	c->t->gen->data->gen_flows = flows;
	err = topo_enter(c->t, NS_GEN);
	if (!err)
		err = bpf_prog_test_run_opts(bpf_program__fd(c->t->gen->progs.bench_gen), &o);
	return topo_enter(NULL, 0) ?: err;
}

/* Learned entries in the table: the generator's source MACs (02:10:...). */
static long fdb_learned(struct learn_ctx *c)
{
	static struct xvs_fdb_key keys[BATCH_KEYS];
	static struct xvs_fdb_entry vals[BATCH_KEYS];
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	__u32 in = 0, out, n, i;
	long total = 0;
	void *pin = NULL;
	int err;

	do {
		n = BATCH_KEYS;
		err = bpf_map_lookup_batch(c->fdb, pin, &out, keys, vals, &n, &o);
		if (err && errno != ENOENT)
			return -errno;
		for (i = 0; i < n; i++)
			total += keys[i].mac[0] == 0x02 && keys[i].mac[1] == 0x10;
		in = out;
		pin = &in;
	} while (!err);
	return total;
}

/* The bridge the destination's static entry is in: br0's id. */
static int find_bridge(struct learn_ctx *c)
{
	static const __u8 dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0b };
	struct xvs_fdb_key k, *prev = NULL;

	while (!bpf_map_get_next_key(c->fdb, prev, &k)) {
		if (!memcmp(k.mac, dst, ETH_ALEN)) {
			c->bridge = k.bridge;
			return 0;
		}
		prev = &k;
	}
	pr_err("learn: no static entry for the destination in xvs_fdb");
	return -ENOENT;
}

/* Learned entries out, then the fast path's de-duplication waited out. */
static int flush(struct learn_ctx *c)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s %s -i %s --bpffs %s --rundir %s fdb flush >/dev/null",
		 c->t->ns[NS_SW], c->env->xvsctl, c->t->inst, c->env->bpffs,
		 c->env->rundir);
	if (system(cmd)) {
		pr_err("learn: '%s' failed", cmd);
		return -EIO;
	}
	usleep(1100 * 1000);
	return 0;
}

static void events(struct learn_ctx *c, __u64 v[XVS_EV_MAX])
{
	__u32 k;

	for (k = 0; k < XVS_EV_MAX; k++)
		if (percpu_sum(c->events, k, &v[k], 1))
			v[k] = 0;
}

/* One frame from a MAC never seen, then its entry awaited: ns, or -1. */
static double probe(struct learn_ctx *c)
{
	struct xvs_fdb_key k = { .bridge = c->bridge };
	struct xvs_fdb_entry e;
	__u32 flow = c->t->gen->bss->gen_seq;	/* gen_flows is ~0U: no wrap */
	double t0, t;

	k.mac[0] = 0x02, k.mac[1] = 0x10;
	k.mac[2] = flow >> 24, k.mac[3] = flow >> 16;
	k.mac[4] = flow >> 8, k.mac[5] = flow;
	t0 = now_ns();
	if (send_frames(c, 1, ~0U))
		return -1;
	for (t = now_ns(); t - t0 < PROBE_NS; t = now_ns()) {
		if (!bpf_map_lookup_elem(c->fdb, &k, &e))
			return t - t0;
		sched_yield();
	}
	return -1;
}

/* Frames the switch forwarded to s1 so far. */
static __u64 delivered(struct learn_ctx *c)
{
	__u64 v[GEN_MAX_PORTS + 1] = { 0 };

	topo_count(c->t, v);
	return v[0];
}

/* N new MACs, twice over, in bursts of CHUNK frames PACE_US apart (one
 * burst in one go would overflow p0's ring, and a MAC whose frames all
 * drop there never reaches the switch): learned per second, what was
 * learned, and the rate of frames the switch forwarded meanwhile.
 */
#define CHUNK		256
#define PACE_US		0
static int rate_run(struct learn_ctx *c, __u32 n, double *rate, long *learned,
		    double *offered)
{
	double t0, t, tlast;
	long got = 0, last = 0;
	__u64 d0 = delivered(c);
	__u32 sent;

	c->t->gen->bss->gen_seq = 0;
	t0 = tlast = now_ns();
	for (sent = 0; sent < 2 * n; sent += CHUNK) {
		if (send_frames(c, CHUNK, n))
			return -1;
		usleep(PACE_US);
	}
	*offered = (delivered(c) - d0) / ((now_ns() - t0) / 1e9);
	for (t = now_ns(); t - tlast < SETTLE_NS && t - t0 < RUN_NS; t = now_ns()) {
		got = fdb_learned(c);
		if (got < 0)
			return -1;
		if (got != last)
			last = got, tlast = t;
		if (got >= n)
			break;
		usleep(2000);
	}
	*learned = last;
	*rate = last / ((tlast - t0) / 1e9);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int learn_bench(struct topo *t, const struct topo_env *env, int size,
		const __u8 *frame, __u32 len, json_object *meta)
{
	static const __u32 n_of[] = { 100000, 20000, 2000 };
	static const int probes_of[] = { 200, 50, 10 }, runs_of[] = { 5, 3, 1 };
	struct learn_ctx c = { .t = t, .env = env, .frame = frame, .len = len };
	__u32 n = n_of[size];
	int probes = probes_of[size], runs = runs_of[size], i, np = 0, nr = 0, ret = -1;
	double lat[200], rates[BENCH_MAX_SAMPLES], offered[BENCH_MAX_SAMPLES], r, p99;
	__u64 e0[XVS_EV_MAX], e1[XVS_EV_MAX];
	long learned[BENCH_MAX_SAMPLES];
	json_object *o;

	c.fdb = topo_map(t, env, "xvs_fdb");
	c.events = topo_map(t, env, "xvs_events");
	t->gen->bss->gen_csum0 = frame[GEN_OFF_CSUM] << 8 | frame[GEN_OFF_CSUM + 1];
	if (c.fdb < 0 || c.events < 0 || find_bridge(&c) || flush(&c))
		goto out;
	for (i = 0; i < probes; i++) {
		lat[np] = probe(&c);
		np += lat[np] >= 0;
		usleep(2000);
	}
	events(&c, e0);
	for (i = 0; i < runs; i++)
		if (!flush(&c) && !rate_run(&c, n, &rates[nr], &learned[nr], &offered[nr]))
			nr++;
	events(&c, e1);
	flush(&c);
	if (!np || !nr) {
		pr_err("learn: %d of %d probes and %d of %d rate runs succeeded", np,
		       probes, nr, runs);
		goto out;
	}
	qsort(lat, np, sizeof(*lat), cmp_double);
	p99 = lat[(np * 99 + 99) / 100 - 1];
	r = bench_median_of(rates, nr);
	printf("\nMAC learning through xvsd (xvs-xdp topology):\n"
	       "  first frame to MAC table entry: median %.0f us, p99 %.0f us "
	       "(%d of %d probes, one new MAC at a time)\n"
	       "  learning rate: median %.0f new MACs/s over %d run(s) of %u new MACs "
	       "sent twice, %.0f frames/s forwarded meanwhile (last run learned %ld); "
	       "upcalls %llu, lost to a full ring %llu, to the rate limit %llu, "
	       "skipped as pending %llu\n",
	       bench_median_of(lat, np) / 1e3, p99 / 1e3, np, probes, r, nr, n,
	       bench_median_of(offered, nr), learned[nr - 1],
	       e1[XVS_EV_UPCALL] - e0[XVS_EV_UPCALL],
	       e1[XVS_EV_UPCALL_RINGFULL] - e0[XVS_EV_UPCALL_RINGFULL],
	       e1[XVS_EV_UPCALL_RATELIMIT] - e0[XVS_EV_UPCALL_RATELIMIT],
	       e1[XVS_EV_LEARN_PENDING] - e0[XVS_EV_LEARN_PENDING]);
	o = json_object_new_object();
	json_object_object_add(o, "latency_median_us",
			       json_object_new_double(bench_median_of(lat, np) / 1e3));
	json_object_object_add(o, "latency_p99_us", json_object_new_double(p99 / 1e3));
	json_object_object_add(o, "probes", json_object_new_int(np));
	json_object_object_add(o, "rate_median_per_s", json_object_new_double(r));
	json_object_object_add(o, "macs_per_run", json_object_new_int64(n));
	json_object_object_add(o, "forwarded_per_s",
			       json_object_new_double(bench_median_of(offered, nr)));
	json_object_object_add(o, "runs", json_object_new_int(nr));
	json_object_object_add(o, "upcalls", json_object_new_int64(e1[XVS_EV_UPCALL] - e0[XVS_EV_UPCALL]));
	json_object_object_add(o, "upcalls_ringfull",
			       json_object_new_int64(e1[XVS_EV_UPCALL_RINGFULL] -
						     e0[XVS_EV_UPCALL_RINGFULL]));
	json_object_object_add(o, "upcalls_ratelimited",
			       json_object_new_int64(e1[XVS_EV_UPCALL_RATELIMIT] -
						     e0[XVS_EV_UPCALL_RATELIMIT]));
	json_object_object_add(meta, "learning", o);
	ret = 0;
out:
	if (c.fdb >= 0)
		close(c.fdb);
	if (c.events >= 0)
		close(c.events);
	return ret;
}

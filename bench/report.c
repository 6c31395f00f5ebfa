// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bench/report.c - see report.h. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "loader/log.h"
#include "loader/util.h"
#include "bench/report.h"

void bench_sample(struct bench_series *s, double wall, double cpu, double kern)
{
	if (s->n >= BENCH_MAX_SAMPLES)
		return;
	s->wall[s->n] = wall;
	s->cpu[s->n] = cpu;
	s->kern[s->n++] = kern;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void jnum(json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_double(v));
}

static void jarray(json_object *o, const char *key, const double *v, int n)
{
	json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_double(v[i]));
	json_object_object_add(o, key, a);
}

/* Median, min and max of n samples. */
static double median_of(const double *v, int n, double *min, double *max)
{
	double t[BENCH_MAX_SAMPLES];

	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	*min = t[0];
	*max = t[n - 1];
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Median over the rounds of s / base within the same round: a drift of
 * the machine's speed between rounds cancels out.
 */
static double paired(const struct bench_series *s, const struct bench_series *base)
{
	double r[BENCH_MAX_SAMPLES], x;
	int i;

	for (i = 0; i < s->n; i++)
		r[i] = s->wall[i] / base->wall[i];
	return median_of(r, s->n, &x, &x);
}

/* One row of the table and the same figures in `o`.  `base` is the
 * baseline series if it succeeded, and *bmed its median.
 */
static int report_one(const struct bench_series *s, json_object *o,
		      const struct bench_series *base, double *bmed)
{
	const char *err = s->err[0] ? s->err : "no samples";
	double med, min, max, cpu, pair, x;

	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "what", json_object_new_string(s->what));
	if (s->err[0] || !s->n) {
		printf("%-9s ERROR: %s\n", s->name, err);
		json_object_object_add(o, "status", json_object_new_string("error"));
		json_object_object_add(o, "error", json_object_new_string(err));
		return -1;
	}
	json_object_object_add(o, "status", json_object_new_string("ok"));
	med = median_of(s->wall, s->n, &min, &max);
	cpu = median_of(s->cpu, s->n, &x, &x);
	if (s == base)
		*bmed = med;
	jnum(o, "median_ns", med);
	jnum(o, "min_ns", min);
	jnum(o, "max_ns", max);
	jnum(o, "mpps", 1e3 / med);
	jnum(o, "cpu_median_ns", cpu);
	jnum(o, "kernel_median_ns", median_of(s->kern, s->n, &x, &x));
	printf("%-9s %9.1f %8.1f %8.1f %7.2f %8.1f ", s->name, med, min, max,
	       1e3 / med, cpu);
	if (base && base->n == s->n) {
		pair = paired(s, base);
		printf("%8.3f %8.3f %+7.1f  %s\n", med / *bmed, pair, med - *bmed,
		       s->what);
		jnum(o, "ratio", med / *bmed);
		jnum(o, "paired_ratio", pair);
		jnum(o, "delta_ns", med - *bmed);
	} else {
		printf("%8s %8s %7s  %s\n", "-", "-", "-", s->what);
	}
	jarray(o, "wall_ns", s->wall, s->n);
	jarray(o, "cpu_ns", s->cpu, s->n);
	jarray(o, "kernel_ns", s->kern, s->n);
	return 0;
}

int bench_report(const char *title, struct bench_series *const *s, int n,
		 json_object *meta, const char *path)
{
	const struct bench_series *base = s[0]->err[0] || !s[0]->n ? NULL : s[0];
	json_object *arr = json_object_new_array();
	char dir[PATH_MAX];
	struct utsname u;
	double bmed = 0;
	int i, ret = 0;

	json_c_set_serialization_double_format("%.4g", JSON_C_OPTION_GLOBAL);
	printf("\n%s\n%-9s %9s %8s %8s %7s %8s %8s %8s %7s  %s\n", title,
	       "scenario", "ns/frame", "min", "max", "Mpps", "cpu ns", "ratio",
	       "paired", "+ns", "what");
	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_array_add(arr, o);
		ret |= report_one(s[i], o, base, &bmed);
	}
	uname(&u);
	json_object_object_add(meta, "kernel", json_object_new_string(u.release));
	json_object_object_add(meta, "baseline", json_object_new_string(s[0]->name));
	json_object_object_add(meta, "unit", json_object_new_string("ns/frame"));
	json_object_object_add(meta, "scenarios", arr);
	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir_p(dirname(dir), 0755) ||
	    json_object_to_file_ext(path, meta, JSON_C_TO_STRING_PRETTY |
						 JSON_C_TO_STRING_NOSLASHESCAPE)) {
		pr_err("Couldn't write '%s': %s", path, strerror(errno));
		ret = -1;
	}
	json_object_put(meta);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bench/report.c - see report.h. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
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

/* Median, min and max of n samples (any n: learn.c has hundreds). */
static double median_of(const double *v, int n, double *min, double *max)
{
	double buf[BENCH_MAX_SAMPLES], *t = buf, m;

	if (n > BENCH_MAX_SAMPLES && !(t = malloc(n * sizeof(*t))))
		return *min = *max = 0;
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	*min = t[0];
	*max = t[n - 1];
	m = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	if (t != buf)
		free(t);
	return m;
}

/* The samples that medians and ratios are of. */
static const double *primary(const struct bench_series *s)
{
	return s->by_cpu ? s->cpu : s->wall;
}

double bench_median_of(const double *v, int n)
{
	double x;

	return median_of(v, n, &x, &x);
}

double bench_median(const struct bench_series *s)
{
	return bench_median_of(primary(s), s->n);
}

double bench_paired(const struct bench_series *s, const struct bench_series *base)
{
	double r[BENCH_MAX_SAMPLES], x;
	int i;

	for (i = 0; i < s->n; i++)
		r[i] = primary(s)[i] / primary(base)[i];
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
	med = median_of(primary(s), s->n, &min, &max);
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
		pair = bench_paired(s, base);
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

/* The kernel's release into `meta`, then `meta` to `path` (and freed). */
static int write_json(json_object *meta, const char *path)
{
	char dir[PATH_MAX];
	struct utsname u;
	int ret = 0;

	uname(&u);
	json_object_object_add(meta, "kernel", json_object_new_string(u.release));
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

int bench_report(const char *title, struct bench_series *const *s, int n,
		 json_object *meta, const char *path)
{
	const struct bench_series *base = s[0]->err[0] || !s[0]->n ? NULL : s[0];
	json_object *arr = json_object_new_array();
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
	json_object_object_add(meta, "baseline", json_object_new_string(s[0]->name));
	json_object_object_add(meta, "unit", json_object_new_string("ns/frame"));
	json_object_object_add(meta, "scenarios", arr);
	return write_json(meta, path) ?: ret;
}

void bench_fwd_sample(struct bench_fwd *s, double mpps, double loss, double cpu)
{
	if (s->n >= BENCH_MAX_SAMPLES)
		return;
	s->mpps[s->n] = mpps;
	s->loss[s->n] = loss;
	s->cpu[s->n++] = cpu;
}

/* Median over the rounds of s / base within the same round. */
static double fwd_paired(const struct bench_fwd *s, const struct bench_fwd *base)
{
	double r[BENCH_MAX_SAMPLES], x;
	int i, n = s->n < base->n ? s->n : base->n;

	for (i = 0; i < n; i++)
		r[i] = s->mpps[i] / base->mpps[i];
	return median_of(r, n, &x, &x);
}

/* One row: stdout, the Markdown table and the JSON object `o`. */
static int fwd_one(struct bench_fwd *s, const struct bench_fwd *base,
		   json_object *o, FILE *md)
{
	double min, max, loss, cpu, pair = 0, x;
	char ratio[32] = "-";

	json_object_object_add(o, "scenario", json_object_new_string(s->scenario));
	json_object_object_add(o, "system", json_object_new_string(s->system));
	if (s->err[0] || !s->n) {
		if (!s->err[0])
			snprintf(s->err, sizeof(s->err), "no samples");
		printf("%-11s %-12s ERROR: %s\n", s->scenario, s->system, s->err);
		if (md)
			fprintf(md, "| %s | %s | ERROR: %s | | | | |\n", s->scenario,
				s->system, s->err);
		json_object_object_add(o, "status", json_object_new_string("error"));
		json_object_object_add(o, "error", json_object_new_string(s->err));
		return -1;
	}
	s->med = median_of(s->mpps, s->n, &min, &max);
	loss = median_of(s->loss, s->n, &x, &x);
	cpu = median_of(s->cpu, s->n, &x, &x);
	if (base && base != s && base->n && !base->err[0]) {
		pair = fwd_paired(s, base);
		snprintf(ratio, sizeof(ratio), "%.2f (%.2f)", s->med / base->med, pair);
		jnum(o, "ratio", s->med / base->med);
		jnum(o, "paired_ratio", pair);
	} else if (base == s) {
		snprintf(ratio, sizeof(ratio), "1 (base)");
	}
	printf("%-11s %-12s %7.3f %7.3f %7.3f %6.1f%% %8.0f  %s\n", s->scenario,
	       s->system, s->med, min, max, 100 * loss, cpu, ratio);
	if (md)
		fprintf(md, "| %s | %s | %.3f | %.3f–%.3f | %.1f %% | %.0f | %s |\n",
			s->scenario, s->system, s->med, min, max, 100 * loss, cpu, ratio);
	json_object_object_add(o, "status", json_object_new_string("ok"));
	jnum(o, "mpps_median", s->med);
	jnum(o, "mpps_min", min);
	jnum(o, "mpps_max", max);
	jnum(o, "loss_median", loss);
	jnum(o, "cpu_ns_per_frame", cpu);
	jarray(o, "mpps", s->mpps, s->n);
	jarray(o, "loss", s->loss, s->n);
	jarray(o, "cpu_ns", s->cpu, s->n);
	return 0;
}

int bench_fwd_report(const char *title, struct bench_fwd *const *s, int n,
		     json_object *meta, const char *json, const char *md_path)
{
	json_object *arr = json_object_new_array();
	const struct bench_fwd *base = NULL;
	FILE *md = fopen(md_path, "w");
	int i, ret = 0;

	if (!md)
		pr_err("Couldn't write '%s': %s", md_path, strerror(errno));
	json_c_set_serialization_double_format("%.4g", JSON_C_OPTION_GLOBAL);
	printf("\n%s\n%-11s %-12s %7s %7s %7s %7s %8s  %s\n", title, "scenario",
	       "system", "Mpps", "min", "max", "loss", "cpu ns", "ratio (paired)");
	if (md)
		fprintf(md, "%s\n\n| scenario | system | Mpps (median) | min–max | loss | "
			"CPU ns/frame | ratio to %s (paired) |\n|---|---|---|---|---|---|---|\n",
			title, n ? s[0]->system : "-");
	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		if (!i || strcmp(s[i]->scenario, s[i - 1]->scenario))
			base = s[i];
		json_object_array_add(arr, o);
		ret |= fwd_one(s[i], base, o, md);
	}
	if (md)
		fclose(md);
	json_object_object_add(meta, "unit", json_object_new_string("Mpps"));
	json_object_object_add(meta, "results", arr);
	return write_json(meta, json) ?: (md ? ret : -1);
}

long long bench_memlock(int fd)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

int bench_sh(const char *what, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc) {
		pr_err("%s: '%s' exited %d", what, cmd, rc);
		return -EIO;
	}
	return 0;
}

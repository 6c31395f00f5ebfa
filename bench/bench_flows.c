// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench/bench_flows.c - the rule sets of bench_dp's flow scenarios; see
 * bench_flows.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_flows.h"
#include "bench/report.h"
#include "loader/log.h"

/* Family f's match with value j (< 10,000 for family 0, < 4,000 for the
 * others).  Family 0 is the test rule's mask; none matches a test frame.
 */
static void family_match(char *buf, size_t len, int f, int j)
{
	int h = j / 256, l = j % 256;

	switch (f) {
	case 0: snprintf(buf, len, "udp,nw_dst=10.%d.%d.1", 100 + h, l); break;
	case 1: snprintf(buf, len, "ip,nw_dst=10.%d.%d.1", 100 + h, l); break;
	case 2: snprintf(buf, len, "ip,nw_dst=10.%d.%d.0/24", 120 + h, l); break;
	case 3: snprintf(buf, len, "ip,nw_dst=%d.%d.0.0/16", 11 + h, l); break;
	case 4: snprintf(buf, len, "udp,tp_dst=%d", 20000 + j); break;
	case 5: snprintf(buf, len, "tcp,nw_src=10.%d.%d.1", 140 + h, l); break;
	case 6: snprintf(buf, len, "udp,nw_dst=10.%d.%d.0/24,tp_dst=53", 160 + h, l); break;
	case 7: snprintf(buf, len, "in_port=p1,udp,tp_dst=%d", 20000 + j); break;
	case 8: snprintf(buf, len, "dl_src=02:00:00:aa:%02x:%02x", h, l); break;
	case 9: snprintf(buf, len, "dl_dst=02:00:00:bb:%02x:%02x", h, l); break;
	case 10: snprintf(buf, len, "udp,nw_src=10.%d.%d.0/24,tp_src=%d", 180 + h, l, 1000 + j); break;
	case 11: snprintf(buf, len, "tcp,nw_dst=10.200.%d.%d/28,tp_dst=80", j / 16, j % 16 * 16); break;
	case 12: snprintf(buf, len, "ip,nw_src=%d.%d.0.0/16", 20 + h, l); break;
	case 13: snprintf(buf, len, "in_port=p1,udp,nw_dst=10.220.%d.%d", h, l); break;
	case 14: snprintf(buf, len, "ip,dl_vlan=%d", 100 + j); break;
	default: snprintf(buf, len, "udp,nw_dst=10.%d.%d.1,tp_dst=9", 230 + h, l); break;
	}
}

int flow_set_make(struct flow_set *s, int n, int m, flow_port_fn port, void *arg)
{
	char text[FLOW_TEXT_LEN], match[160], err[256];
	int i, e;

	if (m < 1 || m > FLOWS_SET_MAX_MASKS || n < m)
		return -EINVAL;
	s->rules = calloc(n, sizeof(*s->rules));
	if (!s->rules)
		return -ENOMEM;
	s->n_rules = n;
	s->n_masks = m;
	for (i = 0; i < n; i++) {
		if (i == n - 1)
			snprintf(text, sizeof(text),
				 "priority=1,udp,nw_dst=%u.%u.%u.%u actions=normal",
				 FLOWS_DST >> 24, FLOWS_DST >> 16 & 0xff,
				 FLOWS_DST >> 8 & 0xff, FLOWS_DST & 0xff);
		else {
			family_match(match, sizeof(match), i % m, i / m);
			snprintf(text, sizeof(text), "priority=%d,%s actions=drop",
				 100 + i * 37 % 900, match);
		}
		e = flow_parse_rule(text, port, arg, &s->rules[i], err, sizeof(err));
		if (e) {
			pr_err("rule '%s': %s", text, err);
			flow_set_free(s);
			return e;
		}
	}
	return 0;
}

void flow_set_free(struct flow_set *s)
{
	free(s->rules);
	s->rules = NULL;
}

int flow_set_install(struct flow_table *t, __u32 bridge, const struct flow_set *s)
{
	struct xvs_flow_key none = {};
	char err[256] = "";
	int e;

	e = flow_del(t, bridge, &none, &none, NULL);
	if (e >= 0 && s)
		e = flow_add(t, bridge, s->rules, s->n_rules, NULL, err, sizeof(err));
	if (e < 0)
		pr_err("Couldn't install %d flow rules: %s", s ? s->n_rules : 0,
		       err[0] ? err : strerror(-e));
	return e < 0 ? e : 0;
}

#define FLOWS_TARGET	0.5	/* new flows at half the steady state's rate */

int flows_report_md(const char *path, const char *title,
		    const struct bench_series *plain, const struct flow_set *const *sets,
		    const struct bench_series *const *hit,
		    const struct bench_series *const *new_, int n)
{
	double b, h, w, r;
	FILE *f;
	int i;

	if (!plain->n)
		return -EINVAL;
	f = fopen(path, "w");
	if (!f) {
		pr_err("Couldn't write '%s': %s", path, strerror(errno));
		return -errno;
	}
	b = bench_median(plain);
	fprintf(f, "%s\n\nplain (no rules): %.1f ns/frame, %.3f Mpps\n\n"
		"| rules | masks | hit ns/frame | + ns over plain | Mpps | new flow ns/frame | + ns over plain | Mpps | new/hit rate (paired) | target >= %.1f |\n"
		"|---|---|---|---|---|---|---|---|---|---|\n", title, b, 1e3 / b,
		FLOWS_TARGET);
	for (i = 0; i < n; i++) {
		if (!hit[i]->n || !new_[i]->n || hit[i]->n != new_[i]->n) {
			fprintf(f, "| %d | %d | error | | | | | | | |\n",
				sets[i]->n_rules, sets[i]->n_masks);
			continue;
		}
		h = bench_median(hit[i]);
		w = bench_median(new_[i]);
		r = 1 / bench_paired(new_[i], hit[i]);
		fprintf(f, "| %d | %d | %.1f | %+.1f | %.3f | %.1f | %+.1f | %.3f | %.2f (%.2f) | %s |\n",
			sets[i]->n_rules, sets[i]->n_masks, h, h - b, 1e3 / h, w,
			w - b, 1e3 / w, h / w, r, r >= FLOWS_TARGET ? "met" : "missed");
	}
	if (fclose(f)) {
		pr_err("Couldn't write '%s': %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

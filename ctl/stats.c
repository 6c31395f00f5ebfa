// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/stats.c - `xvsctl stats [dev DEV]`: the fast path's counters.
 *
 *   port 1 veth1 (ifindex 7) bridge br0:
 *       rx 10 pkts 840 bytes, tx 12 pkts 1000 bytes, dropped rx 0 tx 0
 *   drops:
 *       truncated            0
 *       ...
 *   events:
 *       forward              3
 *       ...
 *
 * Per-port counters (xvs_pstats), frames dropped by reason (xvs_drops)
 * and fast-path events (xvs_events), each summed over the CPUs.  Every
 * reason and event is listed, zeros included, under the stable names of
 * loader/names.c, which are also the JSON keys.  Drops and events are
 * switch-wide, so `dev DEV` shows the port alone.
 */
#include <stdio.h>
#include <string.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/names.h"
#include "loader/util.h"

static void stats_help(void)
{
	fputs("Usage: xvsctl stats [dev DEV]\n"
	      "Per-port rx/tx packets, bytes and drops; frames dropped by\n"
	      "reason; fast-path events.  With dev DEV: that port only.\n",
	      stdout);
}

static void print_port(const struct ctl_state *st, const struct xvs_port *p)
{
	char name[XVS_NAME_LEN + 16];
	struct xvs_port_stats s;

	state_port_stats(st, p->port_no, &s);
	open_json_object(NULL);
	print_port_head(st, p, "", " ");
	if (p->flags & XVS_PORT_F_UNDERLAY)
		print_null(PRINT_ANY, "bridge", "underlay:\n    ");
	else
		print_string(PRINT_ANY, "bridge", "bridge %s:\n    ",
			     state_bridge_name(st, p->bridge, name, sizeof(name)));
	print_port_stats(&s);
	print_nl();
	close_json_object();
}

/* One per-CPU array of __u64 counters, all `n` of them by name. */
static void print_counters(const char *key, int fd, unsigned int first,
			   unsigned int n, const char *(*name)(unsigned int))
{
	unsigned int i;
	__u64 v;

	print_fp("%s:\n", key);
	open_json_object(key);
	for (i = first; i < n; i++) {
		if (percpu_sum(fd, i, &v, 1))
			v = 0;
		print_string(PRINT_FP, NULL, "    %-20s ", name(i));
		print_uint(PRINT_ANY, name(i), "%llu\n", v);
	}
	close_json_object();
}

static void print_stats(const struct ctl_state *st, __u32 ifindex)
{
	int i;

	open_json_object(NULL);
	open_json_array("ports");
	for (i = 0; i < st->nports; i++)
		if (!ifindex || st->ports[i].ifindex == ifindex)
			print_port(st, &st->ports[i]);
	close_json_array();
	if (!ifindex) {
		/* XVS_DROP_NONE is no reason: the list starts after it. */
		print_counters("drops", st->drops_fd, XVS_DROP_NONE + 1,
			       XVS_DROP_MAX, drop_reason_name);
		print_counters("events", st->events_fd, 0, XVS_EV_MAX,
			       event_name);
	}
	close_json_object();
}

static int parse_stats(struct cmd_args *a, const char **dev)
{
	const char *w;
	int err;

	*dev = NULL;
	while ((w = arg_next(a))) {
		if (strcmp(w, "dev"))
			return usage_err(a, "unknown argument '%s'", w);
		if (*dev)
			return usage_err(a, "'dev' given twice");
		err = arg_value(a, w, dev);
		if (!err)
			err = arg_ifname(a, *dev);
		if (err)
			return err;
	}
	return 0;
}

int do_stats(struct ctl *c, struct cmd_args *a)
{
	struct ctl_state st;
	const char *dev;
	__u32 ifindex = 0;
	int err;

	if (arg_is_help(a)) {
		stats_help();
		return CTL_OK;
	}
	err = parse_stats(a, &dev);
	if (err)
		return err;
	err = state_open(c, &st);
	if (err)
		return err;
	if (dev)
		err = state_find_port(&st, dev, &ifindex);
	if (!err)
		print_stats(&st, ifindex);
	state_close(&st);
	return err;
}

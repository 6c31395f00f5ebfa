// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/show.c - `xvsctl show`: the instance, its bridges, their ports,
 * settings and counters, and whether xvsd is running.
 *
 *   instance xvs: xvsd running (pid 123), pins /sys/fs/bpf/xvs/xvs
 *   bridge br0: ageing 300 s, mac-limit 8192, macs 3 (learned 5, refused 0)
 *       flows: 3 rules, 2 masks (of 32; the switch: 16384 rules, cache 131072)
 *       port 1 veth1 (ifindex 7): hook tc, vlan access 10, own-clsact, veth
 *           rx 10 pkts 840 bytes, tx 12 pkts 1000 bytes, dropped rx 0 tx 0
 *       port 2 gre0 (gre): type gre, remote 192.0.2.2, key 100, resolved,
 *           vlan trunk all
 *           rx ...
 *   underlay eth0 (ifindex 2): port 3, hook xdp-native, tunnels 1, mtu 1500
 *       rx ...
 *
 * Everything comes from the pinned maps; the daemon is only pinged (never
 * started) for its pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/names.h"
#include "loader/util.h"

static void show_help(void)
{
	fputs("Usage: xvsctl show\n"
	      "Bridges with their settings, ports (hook, VLANs, flags) and\n"
	      "counters, and the daemon's state.  Read from the pinned maps:\n"
	      "works while xvsd is down, and never starts it.\n", stdout);
}

static void print_daemon(int pid)
{
	open_json_object("daemon");
	print_bool(PRINT_JSON, "running", NULL, pid > 0);
	if (pid > 0)
		print_uint(PRINT_ANY, "pid", "xvsd running (pid %llu)", pid);
	else if (pid < 0)
		print_string(PRINT_ANY, "error", "xvsd not answering (%s)",
			     strerror(-pid));
	else
		print_fp("xvsd not running");
	close_json_object();
}

static void print_port(const struct ctl_state *st, const struct xvs_port *p)
{
	struct xvs_port_stats s;
	char mac[MAC_STRLEN];

	state_port_stats(st, p->port_no, &s);
	open_json_object(NULL);
	print_port_head(st, p, "    ", ": ");
	print_port_config(st, p);
	print_uint(PRINT_JSON, "mtu", NULL, p->mtu);
	print_string(PRINT_JSON, "mac", NULL, mac_fmt(p->mac, mac));
	print_fp("\n        ");
	print_port_stats(&s);
	print_nl();
	close_json_object();
}

/* The underlays: interfaces tunnels ride on, in no bridge. */
static void print_underlays(const struct ctl_state *st)
{
	const struct xvs_port *p;
	struct xvs_port_stats s;
	int i, j, n;

	open_json_array("underlays");
	for (i = 0; i < st->nports; i++) {
		p = &st->ports[i];
		if (!(p->flags & XVS_PORT_F_UNDERLAY))
			continue;
		for (j = n = 0; j < st->ntunnels; j++)
			n += st->tunnels[j].uplink == p->ifindex;
		state_port_stats(st, p->port_no, &s);
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "underlay %s ", p->name);
		print_uint(PRINT_ANY, "ifindex", "(ifindex %llu): ", p->ifindex);
		print_uint(PRINT_ANY, "port_no", "port %llu, ", p->port_no);
		print_string(PRINT_ANY, "hook", "hook %s, ", port_hook_name(p->flags));
		print_uint(PRINT_ANY, "tunnels", "tunnels %llu, ", n);
		print_uint(PRINT_ANY, "mtu", "mtu %llu\n    ", p->mtu);
		print_port_stats(&s);
		print_nl();
		close_json_object();
	}
	close_json_array();
}

/* The bridge's flow table: from its xvs_cls entry (none: no rules). */
static void print_bridge_flows(const struct ctl_state *st, __u32 id)
{
	struct xvs_cls c;

	state_cls(st, id, &c);
	open_json_object("flows");
	print_uint(PRINT_ANY, "rules", "    flows: %llu rules, ", c.n_rules);
	print_uint(PRINT_ANY, "masks", "%llu masks ", c.n_masks);
	print_uint(PRINT_ANY, "max_masks", "(of %llu; ", XVS_FLOW_MAX_MASKS);
	print_uint(PRINT_ANY, "max_rules", "the switch: %llu rules, ", XVS_FLOW_MAX_RULES);
	print_uint(PRINT_ANY, "cache_size", "cache %llu)\n", XVS_FLOW_CACHE_SIZE);
	close_json_object();
}

static void print_bridge(const struct ctl_state *st, __u32 id, __u32 macs)
{
	const struct xvs_bridge *b = &st->bridges[id];
	char name[XVS_NAME_LEN + 16];
	int i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "bridge %s: ",
		     state_bridge_name(st, id, name, sizeof(name)));
	print_uint(PRINT_JSON, "id", NULL, id);
	print_uint(PRINT_ANY, "ageing", "ageing %llu s, ", b->ageing_s);
	print_uint(PRINT_ANY, "mac_limit", "mac-limit %llu, ", b->mac_limit);
	print_uint(PRINT_ANY, "macs", "macs %llu ", macs);
	print_uint(PRINT_ANY, "learned", "(learned %llu, ", b->learned);
	print_uint(PRINT_ANY, "learn_refused", "refused %llu)\n",
		   b->learn_refused);
	print_bridge_flows(st, id);
	open_json_array("ports");
	for (i = 0; i < st->nports; i++)
		if (st->ports[i].bridge == id &&
		    !(st->ports[i].flags & XVS_PORT_F_UNDERLAY))
			print_port(st, &st->ports[i]);
	close_json_array();
	close_json_object();
}

/* A bridge is shown when it has a name, or (by its id) when a port
 * still points at it.
 */
static bool bridge_shown(const struct ctl_state *st, __u32 id)
{
	int i;

	if (st->bridges[id].name[0])
		return true;
	for (i = 0; i < st->nports; i++)
		if (st->ports[i].bridge == id &&
		    !(st->ports[i].flags & XVS_PORT_F_UNDERLAY))
			return true;
	return false;
}

/* MAC table entries per bridge id. */
static int count_macs(const struct ctl_state *st, __u32 macs[XVS_MAX_BRIDGES])
{
	struct fdb_item *items;
	int n, i, err;

	memset(macs, 0, XVS_MAX_BRIDGES * sizeof(macs[0]));
	err = state_fdb(st, &items, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (items[i].key.bridge < XVS_MAX_BRIDGES)
			macs[items[i].key.bridge]++;
	free(items);
	return 0;
}

static void print_show(struct ctl *c, const struct ctl_state *st, int pid,
		       const __u32 *macs)
{
	__u32 id;

	open_json_object(NULL);
	print_string(PRINT_ANY, "instance", "instance %s: ", c->inst.name);
	print_daemon(pid);
	print_string(PRINT_ANY, "pin_dir", ", pins %s\n", c->inst.pin_dir);
	open_json_array("bridges");
	for (id = 0; id < XVS_MAX_BRIDGES; id++)
		if (bridge_shown(st, id))
			print_bridge(st, id, macs[id]);
	close_json_array();
	print_underlays(st);
	close_json_object();
}

int do_show(struct ctl *c, struct cmd_args *a)
{
	__u32 macs[XVS_MAX_BRIDGES];
	struct ctl_state st;
	int err;

	if (arg_is_help(a)) {
		show_help();
		return CTL_OK;
	}
	err = arg_end(a);
	if (err)
		return err;
	err = state_open(c, &st);
	if (err)
		return err;
	err = count_macs(&st, macs);
	if (!err)
		print_show(c, &st, ctl_ping(c), macs);
	state_close(&st);
	return err;
}

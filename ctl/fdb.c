// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/fdb.c - `xvsctl fdb`: the MAC table of the bridges.
 *
 *   fdb [show] [dev DEV] [vlan VID] [bridge BR]
 *   fdb add MAC dev DEV [vlan VID]
 *   fdb del MAC { dev DEV | bridge BR } [vlan VID]
 *   fdb flush [bridge BR] [dev DEV]
 *
 * `show` reads the pinned xvs_fdb map and prints one line per entry, in
 * the words of iproute2's `bridge fdb`:
 *
 *   52:54:00:12:34:56 dev veth1 vlan 0 bridge br0 learned age 3
 *
 * The age is how long ago the fast path last saw the station (seen_ns
 * and now_ns() read the same monotonic clock); static entries never age
 * and show "-" (null in JSON).  add, del and flush are requests to xvsd;
 * add starts it if needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/util.h"

#define NSEC_PER_SEC	1000000000ULL

static void fdb_help(void)
{
	fputs("Usage: xvsctl fdb [show] [dev DEV] [vlan VID] [bridge BR]\n"
	      "       xvsctl fdb add MAC dev DEV [vlan VID]\n"
	      "       xvsctl fdb del MAC { dev DEV | bridge BR } [vlan VID]\n"
	      "       xvsctl fdb flush [bridge BR] [dev DEV]\n"
	      "\n"
	      "show   the MAC table: bridge, vlan, mac, port, flags (static,\n"
	      "       learned, local) and age in seconds\n"
	      "add    a static entry (never ages) for MAC behind port DEV\n"
	      "del    remove the entry of MAC in DEV's bridge, or in BR\n"
	      "flush  remove learned entries (of BR, behind DEV, or all)\n"
	      "VID is 0..4094; 0 means untagged.\n", stdout);
}

/* The keyword arguments of every fdb command. */
enum {
	FA_DEV		= 1 << 0,
	FA_VLAN		= 1 << 1,
	FA_BRIDGE	= 1 << 2,
};

struct fdb_args {
	const char *dev;
	const char *bridge;
	__u16 vlan;
	bool has_vlan;
	__u8 mac[6];
};

static int fdb_keyword(struct cmd_args *a, const char *kw,
		       struct fdb_args *fa)
{
	const char *v;
	int err;

	err = arg_value(a, kw, &v);
	if (err)
		return err;
	if (!strcmp(kw, "dev")) {
		fa->dev = v;
		return arg_ifname(a, v);
	}
	if (!strcmp(kw, "bridge")) {
		fa->bridge = v;
		return arg_bridge(a, v);
	}
	fa->has_vlan = true;
	return arg_vlan(a, v, &fa->vlan);
}

static bool fdb_seen(const struct fdb_args *fa, const char *kw)
{
	return (!strcmp(kw, "dev") && fa->dev) ||
	       (!strcmp(kw, "bridge") && fa->bridge) ||
	       (!strcmp(kw, "vlan") && fa->has_vlan);
}

static int fdb_parse(struct cmd_args *a, int allowed, struct fdb_args *fa)
{
	static const char *const kws[] = { "dev", "vlan", "bridge" };
	const char *w;
	size_t i;
	int err;

	while ((w = arg_next(a))) {
		for (i = 0; i < ARRAY_SIZE(kws); i++)
			if ((allowed & (1 << i)) && !strcmp(w, kws[i]))
				break;
		if (i == ARRAY_SIZE(kws))
			return usage_err(a, "unknown argument '%s'", w);
		if (fdb_seen(fa, w))
			return usage_err(a, "'%s' given twice", w);
		err = fdb_keyword(a, w, fa);
		if (err)
			return err;
	}
	return 0;
}

/* static / learned, and local. */
static void print_fdb_flags(__u32 flags)
{
	open_json_array("flags");
	print_string(PRINT_ANY, NULL, "%s ",
		     flags & XVS_FDB_F_STATIC ? "static" : "learned");
	if (flags & XVS_FDB_F_LOCAL)
		print_string(PRINT_ANY, NULL, "%s ", "local");
	close_json_array();
}

static void print_fdb_item(const struct ctl_state *st,
			   const struct fdb_item *it, __u64 now)
{
	char mac[MAC_STRLEN], name[XVS_NAME_LEN + 16];

	open_json_object(NULL);
	print_string(PRINT_ANY, "mac", "%s ", mac_fmt(it->key.mac, mac));
	print_string(PRINT_ANY, "dev", "dev %s ",
		     state_dev_name(st, it->e.ifindex, name, sizeof(name)));
	print_uint(PRINT_JSON, "ifindex", NULL, it->e.ifindex);
	print_uint(PRINT_ANY, "vlan", "vlan %llu ", it->key.vlan);
	print_string(PRINT_ANY, "bridge", "bridge %s ",
		     state_bridge_name(st, it->key.bridge, name, sizeof(name)));
	print_fdb_flags(it->e.flags);
	if (it->e.flags & XVS_FDB_F_STATIC)
		print_null(PRINT_ANY, "age", "age -");
	else
		print_uint(PRINT_ANY, "age", "age %llu",
			   now > it->e.seen_ns ?
			   (now - it->e.seen_ns) / NSEC_PER_SEC : 0);
	print_nl();
	close_json_object();
}

static bool fdb_match(const struct fdb_item *it, __u32 ifindex,
		      const struct fdb_args *fa, __u32 bridge)
{
	return (!ifindex || it->e.ifindex == ifindex) &&
	       (!fa->has_vlan || it->key.vlan == fa->vlan) &&
	       (!fa->bridge || it->key.bridge == bridge);
}

static int fdb_print(const struct ctl_state *st, const struct fdb_args *fa)
{
	__u32 ifindex = 0, bridge = 0;
	struct fdb_item *items;
	int n, i, err = 0;
	__u64 now;

	if (fa->dev)
		err = state_find_port(st, fa->dev, &ifindex);
	if (!err && fa->bridge)
		err = state_find_bridge(st, fa->bridge, &bridge);
	if (!err)
		err = state_fdb(st, &items, &n);
	if (err)
		return err;
	now = now_ns();
	open_json_array(NULL);
	for (i = 0; i < n; i++)
		if (fdb_match(&items[i], ifindex, fa, bridge))
			print_fdb_item(st, &items[i], now);
	close_json_array();
	free(items);
	return 0;
}

static int fdb_show(struct ctl *c, struct cmd_args *a)
{
	struct fdb_args fa = {};
	struct ctl_state st;
	int err;

	err = fdb_parse(a, FA_DEV | FA_VLAN | FA_BRIDGE, &fa);
	if (err)
		return err;
	err = state_open(c, &st);
	if (err)
		return err;
	err = fdb_print(&st, &fa);
	state_close(&st);
	return err;
}

static struct json_object *fdb_request(const char *cmd,
				       const struct fdb_args *fa, bool mac)
{
	struct json_object *req = json_object_new_object();
	char buf[MAC_STRLEN];

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (mac)
		json_object_object_add(req, "mac",
				       json_object_new_string(mac_fmt(fa->mac, buf)));
	if (fa->dev)
		json_object_object_add(req, "dev", json_object_new_string(fa->dev));
	if (fa->bridge)
		json_object_object_add(req, "bridge",
				       json_object_new_string(fa->bridge));
	if (fa->has_vlan)
		json_object_object_add(req, "vlan", json_object_new_int(fa->vlan));
	return req;
}

/* add and del: MAC first, then keywords. */
static int fdb_add_del(struct ctl *c, struct cmd_args *a, bool add)
{
	struct fdb_args fa = {};
	int err;

	err = arg_mac(a, arg_next(a), fa.mac);
	if (!err)
		err = fdb_parse(a, add ? FA_DEV | FA_VLAN :
				FA_DEV | FA_VLAN | FA_BRIDGE, &fa);
	if (err)
		return err;
	if (add && !fa.dev)
		return usage_err(a, "missing 'dev DEV'");
	if (!add && !fa.dev == !fa.bridge)
		return usage_err(a, "give either 'dev DEV' or 'bridge BR'");
	return ctl_request_plain(c, fdb_request(add ? "fdb_add" : "fdb_del", &fa, true),
			add ? CTL_START : CTL_NO_START);
}

static int fdb_flush(struct ctl *c, struct cmd_args *a)
{
	struct json_object *req, *reply = NULL, *n;
	struct fdb_args fa = {};
	int err;

	err = fdb_parse(a, FA_DEV | FA_BRIDGE, &fa);
	if (err)
		return err;
	req = fdb_request("fdb_flush", &fa, false);
	err = ctl_request(c, req, CTL_NO_START, &reply);
	json_object_put(req);
	if (err)
		return err;
	open_json_object(NULL);
	if (json_object_object_get_ex(reply, "flushed", &n))
		print_uint(PRINT_ANY, "flushed", "flushed %llu entries\n",
			   json_object_get_int64(n));
	close_json_object();
	json_object_put(reply);
	return 0;
}

static int fdb_add(struct ctl *c, struct cmd_args *a)
{
	return fdb_add_del(c, a, true);
}

static int fdb_del(struct ctl *c, struct cmd_args *a)
{
	return fdb_add_del(c, a, false);
}

int do_fdb(struct ctl *c, struct cmd_args *a)
{
	static const struct subcmd cmds[] = {
		{ "show", fdb_show }, { "add", fdb_add }, { "del", fdb_del },
		{ "flush", fdb_flush },
	};
	/* `fdb dev D ...` is `fdb show dev D ...`. */
	static const char *const show_kws[] = { "dev", "vlan", "bridge", NULL };

	return run_subcmd(c, a, cmds, ARRAY_SIZE(cmds), show_kws, fdb_help);
}

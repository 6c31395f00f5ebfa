// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/tunnel.c - `xvsctl tunnel`: GRE tunnel ports (maps/tunnel.h).
 *
 *   tunnel add NAME --bridge BR --remote A.B.C.D [--local A.B.C.D]
 *              [--key N] [--ttl N] [--tos N|inherit]
 *              [--uplink-hook auto|xdp|tc]
 *   tunnel del NAME
 *   tunnel [show [NAME]]
 *
 * add and del are checked here whole and sent as one tunnel_add or
 * tunnel_del request (loader/ctl_proto.h); add starts xvsd like attach.
 * show reads the pinned xvs_tunnels and xvs_ports maps:
 *
 *   gre0: bridge br0 port 3, remote 192.0.2.2, local 192.0.2.1, key 100,
 *       ttl 64, tos inherit
 *       resolved: uplink eth0 (xdp-native), next hop 52:54:00:12:34:56,
 *       mtu 1458 for its VMs
 *
 * (each tunnel on two lines; "local 192.0.2.1 (auto)" when the route
 * chose it).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/names.h"
#include "loader/tunnel.h"
#include "loader/util.h"

static void tunnel_help(void)
{
	fputs("Usage: xvsctl tunnel add NAME --bridge BR --remote A.B.C.D [--local A.B.C.D]\n"
	      "                       [--key N] [--ttl N] [--tos N|inherit]\n"
	      "                       [--uplink-hook auto|xdp|tc]\n"
	      "       xvsctl tunnel del NAME\n"
	      "       xvsctl tunnel [show [NAME]]\n"
	      "\n"
	      "add   a GRE tunnel port NAME (Ethernet over GRE over IPv4) on\n"
	      "      bridge BR, to the switch at --remote\n"
	      "      --local        the outer source address (default: the\n"
	      "                     one the route to the remote gives)\n"
	      "      --key          GRE key 0..4294967295, which keeps tenants\n"
	      "                     apart (default: none)\n"
	      "      --ttl          outer TTL 1..255 (default 64)\n"
	      "      --tos          outer DS field 0..255, or inherit (the\n"
	      "                     inner IP's); default 0\n"
	      "      --uplink-hook  the hook of the underlay interface if this\n"
	      "                     is its first tunnel: auto (default: tc for\n"
	      "                     veths and taps, xdp otherwise), xdp or tc\n"
	      "      xvsd finds the uplink and next hop from the routes and\n"
	      "      neighbours and follows them.  Interfaces of VMs behind the\n"
	      "      tunnel need an MTU of at most the uplink's minus 38 (minus\n"
	      "      42 with a key): 'show' says which.\n"
	      "del   remove tunnel NAME ('detach NAME' does the same)\n"
	      "show  each tunnel: its bridge, port, addresses, key, TTL, TOS,\n"
	      "      uplink, next hop, state and the MTU for its VMs\n", stdout);
}

/* --- add, del -------------------------------------------------------- */

struct tunnel_args {
	const char *bridge, *remote, *local, *key, *ttl, *tos, *hook;
};

/* "--opt VALUE" or "--opt=VALUE" into its slot, once. */
static int tunnel_option(struct cmd_args *a, const char *w, void *args)
{
	static const struct opt_slot opts[] = {
		{ "--bridge", offsetof(struct tunnel_args, bridge) },
		{ "--remote", offsetof(struct tunnel_args, remote) },
		{ "--local", offsetof(struct tunnel_args, local) },
		{ "--key", offsetof(struct tunnel_args, key) },
		{ "--ttl", offsetof(struct tunnel_args, ttl) },
		{ "--tos", offsetof(struct tunnel_args, tos) },
		{ "--uplink-hook", offsetof(struct tunnel_args, hook) },
	};

	return arg_slot(a, w, opts, ARRAY_SIZE(opts), args);
}

static int arg_ipv4(const struct cmd_args *a, const char *opt, const char *s)
{
	__be32 addr;
	int e = ipv4_parse(s, &addr);

	if (e == -EINVAL)
		return usage_err(a, "invalid %s '%s' (want an IPv4 address such as 192.0.2.2)",
				 opt, s);
	if (e)
		return usage_err(a, "%s %s is not a unicast address", opt, s);
	return 0;
}

/* Check every argument; build the request. */
static int tunnel_request(struct cmd_args *a, const char *name,
			  const void *args, struct json_object *req)
{
	const struct tunnel_args *ta = args;
	static const char *const hooks[] = { "auto", "xdp", "tc" };
	__u32 key, ttl, tos;
	size_t i;
	int err;

	if (!ta->bridge)
		return usage_err(a, "missing '--bridge BR'");
	if (!ta->remote)
		return usage_err(a, "missing '--remote A.B.C.D'");
	err = arg_bridge(a, ta->bridge);
	if (!err)
		err = arg_ipv4(a, "--remote", ta->remote);
	if (!err && ta->local)
		err = arg_ipv4(a, "--local", ta->local);
	if (!err && ta->key)
		err = arg_u32(a, "--key", ta->key, 0, UINT32_MAX, &key);
	if (!err && ta->ttl)
		err = arg_u32(a, "--ttl", ta->ttl, 1, 255, &ttl);
	if (!err && ta->tos && strcmp(ta->tos, "inherit") &&
	    parse_u32(ta->tos, 0, 255, &tos))
		err = usage_err(a, "invalid --tos '%s' (want 0..255 or inherit)", ta->tos);
	for (i = 0; !err && ta->hook && i < ARRAY_SIZE(hooks) && strcmp(ta->hook, hooks[i]); i++)
		;
	if (!err && ta->hook && i == ARRAY_SIZE(hooks))
		err = usage_err(a, "invalid --uplink-hook '%s' (auto, xdp or tc)", ta->hook);
	if (err)
		return err;
	json_object_object_add(req, "cmd", json_object_new_string("tunnel_add"));
	json_object_object_add(req, "name", json_object_new_string(name));
	json_object_object_add(req, "bridge", json_object_new_string(ta->bridge));
	json_object_object_add(req, "remote", json_object_new_string(ta->remote));
	if (ta->local)
		json_object_object_add(req, "local", json_object_new_string(ta->local));
	if (ta->key)
		json_object_object_add(req, "key", json_object_new_int64(key));
	if (ta->ttl)
		json_object_object_add(req, "ttl", json_object_new_int(ttl));
	if (ta->tos && !strcmp(ta->tos, "inherit"))
		json_object_object_add(req, "tos", json_object_new_string("inherit"));
	else if (ta->tos)
		json_object_object_add(req, "tos", json_object_new_int(tos));
	if (ta->hook)
		json_object_object_add(req, "uplink_hook", json_object_new_string(ta->hook));
	return 0;
}

/* "gre0: port 3 on bridge br0, resolved" / ", unresolved (why)". */
static void print_added(struct json_object *req, struct json_object *reply)
{
	struct json_object *t, *v;

	open_json_object(NULL);
	if (!json_object_object_get_ex(reply, "tunnel", &t))
		t = NULL;
	print_string(PRINT_ANY, "name", "%s:", json_object_get_string(
		json_object_object_get(req, "name")));
	if (t && json_object_object_get_ex(t, "port_no", &v))
		print_uint(PRINT_ANY, "port_no", " port %llu", json_object_get_int(v));
	print_string(PRINT_ANY, "bridge", " on bridge %s", json_object_get_string(
		json_object_object_get(req, "bridge")));
	if (t && json_object_object_get_ex(t, "state", &v))
		print_string(PRINT_ANY, "state", ", %s", json_object_get_string(v));
	if (t && json_object_object_get_ex(t, "reason", &v))
		print_string(PRINT_ANY, "reason", " (%s)", json_object_get_string(v));
	print_nl();
	close_json_object();
}

static int tunnel_add(struct ctl *c, struct cmd_args *a)
{
	static const struct add_ops ops = {
		.what = "tunnel", .option = tunnel_option, .request = tunnel_request,
		.print = print_added,
	};
	struct tunnel_args args = {};

	return cmd_add_named(c, a, &ops, &args);
}

static int tunnel_del(struct ctl *c, struct cmd_args *a)
{
	return cmd_del_named(c, a, "tunnel", "tunnel_del");
}

/* --- show ------------------------------------------------------------ */

static void print_addr(const char *key, const char *fmt, __be32 addr)
{
	char buf[IPV4_STRLEN];

	print_string(PRINT_ANY, key, fmt, ipv4_fmt(addr, buf));
}

/* First line: where it is and what it is. */
static void print_tunnel_conf(const struct ctl_state *st, const struct xvs_tunnel *t,
			      const struct xvs_port *p)
{
	char name[XVS_NAME_LEN + 16];

	print_string(PRINT_ANY, "name", "%s: ", p ? p->name : "?");
	print_string(PRINT_ANY, "bridge", "bridge %s ",
		     p ? state_bridge_name(st, p->bridge, name, sizeof(name)) : "?");
	print_uint(PRINT_ANY, "port_no", "port %llu, ", p ? p->port_no : 0);
	print_uint(PRINT_JSON, "vport", NULL, t->vport);
	print_addr("remote", "remote %s, ", t->remote);
	if (t->local)
		print_addr("local", "local %s", t->local);
	else
		print_null(PRINT_ANY, "local", "local auto");
	print_bool(PRINT_JSON, "local_auto", NULL, t->flags & XVS_TUN_F_LOCAL_AUTO);
	print_fp("%s, ", t->local && (t->flags & XVS_TUN_F_LOCAL_AUTO) ? " (auto)" : "");
	if (t->flags & XVS_TUN_F_KEY)
		print_uint(PRINT_ANY, "key", "key %llu, ", ntohl(t->key));
	else
		print_null(PRINT_ANY, "key", "no key, ");
	print_uint(PRINT_ANY, "ttl", "ttl %llu, ", t->ttl);
	if (t->flags & XVS_TUN_F_TOS_INHERIT)
		print_null(PRINT_ANY, "tos", "tos inherit");
	else
		print_uint(PRINT_ANY, "tos", "tos %llu", t->tos);
	print_bool(PRINT_JSON, "tos_inherit", NULL, t->flags & XVS_TUN_F_TOS_INHERIT);
	print_string(PRINT_JSON, "uplink_hook_wanted", NULL, tun_hook_name(t->flags));
}

/* Second line: where it goes out, and whether it can. */
static void print_tunnel_state(const struct ctl_state *st, const struct xvs_tunnel *t,
			       const struct xvs_port *p)
{
	const struct xvs_port *up = t->uplink ? state_port(st, t->uplink) : NULL;
	bool ok = t->flags & XVS_TUN_F_RESOLVED;
	char name[XVS_NAME_LEN + 16], mac[MAC_STRLEN];

	print_string(PRINT_ANY, "state", "\n    %s: ", ok ? "resolved" : "unresolved");
	if (t->uplink) {
		print_string(PRINT_ANY, "uplink", "uplink %s ",
			     state_dev_name(st, t->uplink, name, sizeof(name)));
		print_uint(PRINT_JSON, "uplink_ifindex", NULL, t->uplink);
		print_string(PRINT_ANY, "uplink_hook", "(%s), ",
			     up ? port_hook_name(up->flags) : "not hooked");
	} else {
		print_null(PRINT_ANY, "uplink", "uplink -, ");
	}
	if (ok)
		print_string(PRINT_ANY, "next_hop_mac", "next hop %s, ",
			     mac_fmt(t->dmac, mac));
	else
		print_null(PRINT_ANY, "next_hop_mac", "next hop -, ");
	print_uint(PRINT_JSON, "uplink_mtu", NULL, t->mtu);
	print_uint(PRINT_ANY, "mtu", "mtu %llu for its VMs", p ? p->mtu : 0);
}

static int tunnel_show(struct ctl *c, struct cmd_args *a)
{
	const char *name = arg_next(a);
	const struct xvs_tunnel *t;
	const struct xvs_port *p;
	struct ctl_state st;
	int err, i, shown = 0;

	err = name ? arg_ifname(a, name) : 0;
	if (!err)
		err = arg_end(a);
	if (!err)
		err = state_open(c, &st);
	if (err)
		return err;
	open_json_array(NULL);
	for (i = 0; i < st.ntunnels; i++) {
		t = &st.tunnels[i];
		p = state_port(&st, t->vport);
		if (name && (!p || strncmp(p->name, name, XVS_NAME_LEN)))
			continue;
		open_json_object(NULL);
		print_tunnel_conf(&st, t, p);
		print_tunnel_state(&st, t, p);
		print_nl();
		close_json_object();
		shown++;
	}
	close_json_array();
	state_close(&st);
	if (name && !shown) {
		ctl_err("no tunnel '%s'", name);
		return CTL_USAGE;
	}
	return 0;
}

int do_tunnel(struct ctl *c, struct cmd_args *a)
{
	static const struct subcmd cmds[] = {
		{ "show", tunnel_show }, { "add", tunnel_add },
		{ "del", tunnel_del },
	};

	return run_subcmd(c, a, cmds, ARRAY_SIZE(cmds), NULL, tunnel_help);
}

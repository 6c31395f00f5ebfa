// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/port.c - `xvsctl port`: the VLANs of the ports.
 *
 *   port set DEV vlan-mode MODE [tag VID] [trunks VIDS]
 *   port [show [DEV]]
 *
 * The modes and their words are Open vSwitch's (maps/vlan.h).  `set` is
 * checked here whole - the mode, the tag it needs or refuses, the trunk
 * list parsed as xvsd parses it (vlan_list_parse) - and DEV looked up
 * in the pinned ports, then becomes one port_set request
 * (loader/ctl_proto.h).  Like `fdb add` it starts xvsd when nothing
 * answers: the datapath, and the port, outlive a stopped daemon.  `show`
 * reads the pinned xvs_ports map, one line per port:
 *
 *   tap0: vlan-mode access tag 10
 *   eth0: vlan-mode trunk trunks 10,20-30
 *   veth1: vlan-mode trunk (all VLANs)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/names.h"
#include "loader/util.h"

static void port_help(void)
{
	fputs("Usage: xvsctl port set DEV vlan-mode MODE [tag VID] [trunks VIDS]\n"
	      "       xvsctl port [show [DEV]]\n"
	      "\n"
	      "set   the VLANs of port DEV; the MACs learned on it are flushed\n"
	      "      MODE access           untagged frames are VLAN VID, tagged\n"
	      "                            ones are dropped\n"
	      "           trunk            tagged frames of the VLANs in VIDS;\n"
	      "                            untagged ones are VLAN 0\n"
	      "           native-untagged  a trunk whose untagged frames are VLAN\n"
	      "                            VID, which leaves untagged\n"
	      "           native-tagged    the same, but VLAN VID leaves tagged\n"
	      "      tag     VID 1..4094: access and native-* need it, trunk\n"
	      "              has none\n"
	      "      trunks  VLAN ids 0..4094 such as 10,20-30, or all (the\n"
	      "              default); not for access\n"
	      "show  each port's VLAN mode, tag and trunks (of DEV only)\n",
	      stdout);
}

/* The words of `port set` after DEV; NULL: not given. */
struct vlan_args {
	const char *mode_s, *tag_s, *trunks_s;
	int mode;		/* enum xvs_vlan_mode */
	__u32 tag;
	bool list;		/* trunks is a list, not "all" */
	__u64 trunks[64];
};

static int arg_vlan_mode(const struct cmd_args *a, const char *s, int *mode)
{
	*mode = vlan_mode_parse(s);
	if (*mode < 0)
		return usage_err(a, "invalid vlan-mode '%s' (access, trunk, native-untagged or native-tagged)",
				 s);
	return 0;
}

static int arg_trunks(const struct cmd_args *a, const char *s,
		      struct vlan_args *va)
{
	int err;

	if (!strcmp(s, "all"))
		return 0;
	err = vlan_list_parse(s, va->trunks);
	if (err == -ERANGE)
		return usage_err(a, "invalid trunks '%s': VLAN ids are 0..%d", s,
				 XVS_VLAN_MAX);
	if (err)
		return usage_err(a, "invalid trunks '%s' (want VLAN ids such as 10,20-30)",
				 s);
	va->list = true;
	return 0;
}

static int vlan_keyword(struct cmd_args *a, const char *kw,
			struct vlan_args *va)
{
	const char **slot, *v;
	int err;

	if (!strcmp(kw, "vlan-mode"))
		slot = &va->mode_s;
	else if (!strcmp(kw, "tag"))
		slot = &va->tag_s;
	else if (!strcmp(kw, "trunks"))
		slot = &va->trunks_s;
	else
		return usage_err(a, "unknown argument '%s'", kw);
	if (*slot)
		return usage_err(a, "'%s' given twice", kw);
	err = arg_value(a, kw, &v);
	if (err)
		return err;
	*slot = v;
	if (slot == &va->mode_s)
		return arg_vlan_mode(a, v, &va->mode);
	if (slot == &va->tag_s)
		return arg_u32(a, kw, v, 1, XVS_VLAN_MAX, &va->tag);
	return arg_trunks(a, v, va);
}

/* What each mode needs and refuses, as xvsd checks it (port_set). */
static int vlan_check(const struct cmd_args *a, const struct vlan_args *va)
{
	if (!va->mode_s)
		return usage_err(a, "missing 'vlan-mode MODE'");
	if (va->mode == XVS_VLAN_TRUNK && va->tag_s)
		return usage_err(a, "vlan-mode trunk has no tag (a trunk with a native VLAN is native-untagged or native-tagged)");
	if (va->mode != XVS_VLAN_TRUNK && !va->tag_s)
		return usage_err(a, "vlan-mode %s needs 'tag VID' (1..%d)",
				 va->mode_s, XVS_VLAN_MAX);
	if (va->mode == XVS_VLAN_ACCESS && va->trunks_s)
		return usage_err(a, "vlan-mode access has no trunks");
	return 0;
}

/* The list goes as vlan_list_fmt() rewrites it: sorted and merged, so it
 * fits a request (CTL_MAX_MSG) however long it was typed.
 */
static struct json_object *port_set_request(const char *dev,
					    const struct vlan_args *va)
{
	struct json_object *req = json_object_new_object();
	char buf[VLAN_LIST_STRLEN];

	json_object_object_add(req, "cmd", json_object_new_string("port_set"));
	json_object_object_add(req, "dev", json_object_new_string(dev));
	json_object_object_add(req, "vlan_mode",
			       json_object_new_string(vlan_mode_name(va->mode)));
	if (va->tag)
		json_object_object_add(req, "tag", json_object_new_int(va->tag));
	if (va->list)
		json_object_object_add(req, "trunks", json_object_new_string(
			vlan_list_fmt(va->trunks, buf, sizeof(buf))));
	return req;
}

/* DEV must be a pinned port: then, and only then, is xvsd worth starting. */
static int port_pinned(struct ctl *c, const char *dev)
{
	struct ctl_state st;
	__u32 ifindex;
	int err;

	err = state_open(c, &st);
	if (err)
		return err;
	err = state_find_port(&st, dev, &ifindex);
	state_close(&st);
	return err;
}

static int port_set(struct ctl *c, struct cmd_args *a)
{
	struct vlan_args va = {};
	const char *dev, *w;
	int err;

	dev = arg_next(a);
	if (!dev)
		return usage_err(a, "missing interface name");
	err = arg_ifname(a, dev);
	while (!err && (w = arg_next(a)))
		err = vlan_keyword(a, w, &va);
	if (!err)
		err = vlan_check(a, &va);
	if (!err)
		err = port_pinned(c, dev);
	if (err)
		return err;
	return ctl_request_plain(c, port_set_request(dev, &va), CTL_START);
}

static void print_port(const struct ctl_state *st, const struct xvs_port *p)
{
	char name[XVS_NAME_LEN + 16];

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "%s: ",
		     state_dev_name(st, p->ifindex, name, sizeof(name)));
	print_port_vlan(&p->vlan, false);
	print_nl();
	close_json_object();
}

static int port_show(struct ctl *c, struct cmd_args *a)
{
	const char *dev = arg_next(a);
	struct ctl_state st;
	__u32 ifindex = 0;
	int err, i;

	err = dev ? arg_ifname(a, dev) : 0;
	if (!err)
		err = arg_end(a);
	if (!err)
		err = state_open(c, &st);
	if (err)
		return err;
	if (dev)
		err = state_find_port(&st, dev, &ifindex);
	if (!err) {
		open_json_array(NULL);
		for (i = 0; i < st.nports; i++)
			if ((!ifindex || st.ports[i].ifindex == ifindex) &&
			    !(st.ports[i].flags & XVS_PORT_F_UNDERLAY))
				print_port(&st, &st.ports[i]);
		close_json_array();
	}
	state_close(&st);
	return err;
}

int do_port(struct ctl *c, struct cmd_args *a)
{
	static const struct subcmd cmds[] = {
		{ "show", port_show }, { "set", port_set },
	};

	return run_subcmd(c, a, cmds, ARRAY_SIZE(cmds), NULL, port_help);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/port.c - `xvsctl port`: the VLANs of the ports, and AF_XDP ports.
 *
 *   port add NAME --bridge BR --type afxdp [--queues N]
 *            [--vm-socket PATH [--socket-owner USER[:GROUP]]
 *             [--socket-mode OCTAL] [--framing stream|dgram]]
 *   port del NAME
 *   port exec NAME [--user USER[:GROUP]] -- COMMAND [ARG...]
 *   port set DEV vlan-mode MODE [tag VID] [trunks VIDS]
 *   port [show [DEV]]
 *
 * add and del are checked here whole (owner names resolved to ids here,
 * where the user typed them) and sent as one port_add or port_del request;
 * add starts xvsd like attach.
 *
 * exec is for consumers that take their AF_XDP sockets ready-made, such as
 * QEMU's af-xdp netdev with inhibit=on,sock-fds=...: it opens one socket
 * per queue, puts each in the port's pinned XSKMAP at its queue (so QEMU
 * needs neither CAP_NET_RAW nor CAP_BPF), raises the locked-memory limit
 * the sockets' UMEM is charged to, drops to USER and execs COMMAND with
 * "{sock-fds}" in its arguments replaced by the fds, "5:6" (QEMU's form).
 * The sockets live as long as the command holds them; when it exits, the
 * kernel takes them out of the map.
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
#include <limits.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/names.h"
#include "loader/log.h"
#include "loader/util.h"
#include "maps/afxdp.h"

static void port_help(void)
{
	fputs("Usage: xvsctl port add NAME --bridge BR --type afxdp [--queues N]\n"
	      "                [--vm-socket PATH [--socket-owner USER[:GROUP]]\n"
	      "                 [--socket-mode OCTAL] [--framing stream|dgram]]\n"
	      "       xvsctl port del NAME\n"
	      "       xvsctl port exec NAME [--user USER[:GROUP]] -- COMMAND [ARG...]\n"
	      "       xvsctl port set DEV vlan-mode MODE [tag VID] [trunks VIDS]\n"
	      "       xvsctl port [show [DEV]]\n"
	      "\n"
	      "add   an AF_XDP port NAME (1..11 characters) on bridge BR: the veth\n"
	      "      pair NAME / NAME-xsk; NAME is a port like any other, AF_XDP\n"
	      "      sockets bound to NAME-xsk get its frames once in the XSKMAP\n"
	      "      pinned as afxdp/NAME/xsks (README: AF_XDP ports)\n"
	      "      --queues       queues (and sockets) 1..16 (default 1)\n"
	      "      --vm-socket    xvsd relays the port to a VM through this\n"
	      "                     unix socket (QEMU -netdev stream or dgram)\n"
	      "      --socket-owner its owner (default root)\n"
	      "      --socket-mode  its permission bits (default 0600)\n"
	      "      --framing      stream (default: -netdev stream, a 4-byte\n"
	      "                     length before each frame) or dgram\n"
	      "del   remove AF_XDP port NAME: the veth pair, pins and relay\n"
	      "exec  run COMMAND (as USER) with AF_XDP sockets for port NAME,\n"
	      "      one per queue, already in its XSKMAP; \"{sock-fds}\" in the\n"
	      "      arguments becomes their fds, e.g. for QEMU >= 8.2:\n"
	      "      -netdev af-xdp,id=n0,ifname=NAME-xsk,inhibit=on,sock-fds={sock-fds}\n"
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

/* --- add, del ------------------------------------------------------- */

struct add_args {
	const char *bridge, *type, *queues, *sock, *owner, *mode, *framing;
};

/* "--opt VALUE" or "--opt=VALUE" into its slot, once. */
static int add_option(struct cmd_args *a, const char *w, void *args)
{
	static const struct opt_slot opts[] = {
		{ "--bridge", offsetof(struct add_args, bridge) },
		{ "--type", offsetof(struct add_args, type) },
		{ "--queues", offsetof(struct add_args, queues) },
		{ "--vm-socket", offsetof(struct add_args, sock) },
		{ "--socket-owner", offsetof(struct add_args, owner) },
		{ "--socket-mode", offsetof(struct add_args, mode) },
		{ "--framing", offsetof(struct add_args, framing) },
	};

	return arg_slot(a, w, opts, ARRAY_SIZE(opts), args);
}

/* A user or group: a name, or a number. */
static int owner_id(const char *s, int group, __u32 *id)
{
	struct passwd *pw;
	struct group *gr;

	if (!parse_u32(s, 0, UINT32_MAX - 1, id))
		return 0;
	if (group) {
		gr = getgrnam(s);
		if (gr)
			*id = gr->gr_gid;
		return gr ? 0 : -ENOENT;
	}
	pw = getpwnam(s);
	if (pw)
		*id = pw->pw_uid;
	return pw ? 0 : -ENOENT;
}

/* USER[:GROUP]: the ids into the request (a user alone: its group). */
static int arg_owner(const struct cmd_args *a, const char *s, struct json_object *req)
{
	char user[256], *colon;
	struct passwd *pw;
	__u32 uid, gid = (__u32)-1;

	snprintf(user, sizeof(user), "%s", s);
	colon = strchr(user, ':');
	if (colon)
		*colon++ = '\0';
	if (owner_id(user, 0, &uid))
		return usage_err(a, "no user '%s'", user);
	if (colon && owner_id(colon, 1, &gid))
		return usage_err(a, "no group '%s'", colon);
	if (!colon && (pw = getpwuid(uid)))
		gid = pw->pw_gid;
	json_object_object_add(req, "uid", json_object_new_int64(uid));
	if (gid != (__u32)-1)
		json_object_object_add(req, "gid", json_object_new_int64(gid));
	return 0;
}

static int arg_mode(const struct cmd_args *a, const char *s, struct json_object *req)
{
	char *end;
	unsigned long m = strtoul(s, &end, 8);

	if (!*s || *end || m > 07777)
		return usage_err(a, "invalid --socket-mode '%s' (octal, e.g. 0660)", s);
	json_object_object_add(req, "mode", json_object_new_int(m));
	return 0;
}

static int add_request(struct cmd_args *a, const char *name,
		       const void *args, struct json_object *req)
{
	const struct add_args *aa = args;
	__u32 q = 1;
	int err;

	if (!aa->bridge)
		return usage_err(a, "missing '--bridge BR'");
	if (!aa->type)
		return usage_err(a, "missing '--type afxdp'");
	if (strcmp(aa->type, "afxdp"))
		return usage_err(a, "invalid --type '%s' (afxdp)", aa->type);
	if (strlen(name) > XVS_XSK_NAME_MAX)
		return usage_err(a, "AF_XDP port name '%s' is too long (at most %d characters: '%s' names the far side)",
				 name, XVS_XSK_NAME_MAX, XVS_XSK_PEER_SUFFIX);
	if (!aa->sock && (aa->owner || aa->mode || aa->framing))
		return usage_err(a, "--socket-owner, --socket-mode and --framing need --vm-socket");
	if (aa->framing && strcmp(aa->framing, "stream") && strcmp(aa->framing, "dgram"))
		return usage_err(a, "invalid --framing '%s' (stream or dgram)", aa->framing);
	if (aa->sock && (aa->sock[0] != '/' || strlen(aa->sock) >= XVS_XSK_PATH_LEN))
		return usage_err(a, "invalid --vm-socket '%s' (an absolute path under %d characters)",
				 aa->sock, XVS_XSK_PATH_LEN);
	err = arg_bridge(a, aa->bridge);
	if (!err && aa->queues)
		err = arg_u32(a, "--queues", aa->queues, 1, XVS_XSK_MAX_QUEUES, &q);
	if (!err && aa->owner)
		err = arg_owner(a, aa->owner, req);
	if (!err && aa->mode)
		err = arg_mode(a, aa->mode, req);
	if (err)
		return err;
	json_object_object_add(req, "cmd", json_object_new_string("port_add"));
	json_object_object_add(req, "name", json_object_new_string(name));
	json_object_object_add(req, "bridge", json_object_new_string(aa->bridge));
	json_object_object_add(req, "type", json_object_new_string(aa->type));
	json_object_object_add(req, "queues", json_object_new_int(q));
	if (aa->sock)
		json_object_object_add(req, "vm_socket", json_object_new_string(aa->sock));
	if (aa->framing)
		json_object_object_add(req, "framing", json_object_new_string(aa->framing));
	return 0;
}

/* "vm1: port 3 on bridge br0, far side vm1-xsk (ifindex 12), 1 queue". */
static void print_added(struct json_object *req, struct json_object *reply)
{
	struct json_object *p, *v;

	if (!json_object_object_get_ex(reply, "port", &p))
		return;
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "%s:", json_object_get_string(
		json_object_object_get(p, "name")));
	print_uint(PRINT_ANY, "port_no", " port %llu", json_object_get_int(
		json_object_object_get(p, "port_no")));
	print_string(PRINT_ANY, "bridge", " on bridge %s", json_object_get_string(
		json_object_object_get(req, "bridge")));
	print_string(PRINT_ANY, "far_side", ", far side %s", json_object_get_string(
		json_object_object_get(p, "far_side")));
	print_uint(PRINT_ANY, "far_ifindex", " (ifindex %llu)", json_object_get_int64(
		json_object_object_get(p, "far_ifindex")));
	print_uint(PRINT_ANY, "queues", ", queues %llu", json_object_get_int64(
		json_object_object_get(p, "queues")));
	if (json_object_object_get_ex(p, "vm_socket", &v))
		print_string(PRINT_ANY, "vm_socket", ", relay %s", json_object_get_string(v));
	print_nl();
	close_json_object();
}

static int port_add(struct ctl *c, struct cmd_args *a)
{
	static const struct add_ops ops = {
		.what = "port", .option = add_option, .request = add_request,
		.print = print_added,
	};
	struct add_args args = {};

	return cmd_add_named(c, a, &ops, &args);
}

static int port_del(struct ctl *c, struct cmd_args *a)
{
	return cmd_del_named(c, a, "port", "port_del");
}

/* --- exec ------------------------------------------------------------ */

/* An object of afxdp/<port>/ by its pin: an fd, or -1 with errno set. */
static int exec_pin(struct ctl *c, const char *name, const char *what)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s/%s/%s", c->inst.pin_dir,
		     XVS_XSK_PIN_DIR, name, what) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return bpf_obj_get(path);
}

/* The port's configuration and XSKMAP from its pins; CTL_* on error. */
static int exec_pins(struct ctl *c, const char *name, struct xvs_xsk_conf *conf,
		     int *xsks)
{
	__u32 zero = 0;
	int fd;

	fd = exec_pin(c, name, "xsk_conf");
	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, conf)) {
		ctl_err("'%s' is not an AF_XDP port of instance %s", name, c->inst.name);
		if (fd >= 0)
			close(fd);
		return CTL_USAGE;
	}
	close(fd);
	if (conf->flags & XVS_XSK_F_RELAY) {
		ctl_err("'%s' relays to %s: its sockets are xvsd's", name,
			conf->vm_socket);
		return CTL_USAGE;
	}
	*xsks = exec_pin(c, name, "xsks");
	if (*xsks < 0) {
		ctl_err("Couldn't open the XSKMAP of '%s': %s", name, strerror(errno));
		return CTL_FAILED;
	}
	return 0;
}

/* One unbound AF_XDP socket per queue, each in xsks at its queue (the
 * consumer binds them); "fd:fd:..." into list.  Inherited by the command:
 * no close-on-exec.
 */
static int exec_sockets(const char *name, int xsks, __u32 queues, char *list,
			size_t len)
{
	size_t n = 0;
	__u32 q;
	int fd;

	list[0] = '\0';
	for (q = 0; q < queues; q++) {
		fd = socket(AF_XDP, SOCK_RAW, 0);
		if (fd < 0) {
			ctl_err("Couldn't open an AF_XDP socket: %s", strerror(errno));
			return CTL_FAILED;
		}
		/* NOEXIST: a queue with a consumer is not taken from it. */
		if (bpf_map_update_elem(xsks, &q, &fd, BPF_NOEXIST)) {
			if (errno == EEXIST)
				ctl_err("queue %u of '%s' has a consumer already", q, name);
			else
				ctl_err("Couldn't put a socket in queue %u of '%s': %s", q,
					name, strerror(errno));
			return CTL_FAILED;
		}
		n += snprintf(list + n, len - n, "%s%d", q ? ":" : "", fd);
	}
	return 0;
}

/* USER[:GROUP] to become, and the locked memory the UMEM is charged to
 * (for an unprivileged process, against RLIMIT_MEMLOCK).
 */
static int exec_become(const char *owner)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char user[256], *colon;
	struct passwd *pw;
	__u32 uid, gid;

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		pr_warn("Couldn't raise the locked-memory limit (%s): the command's UMEM must fit in the current one",
			strerror(errno));
	if (!owner)
		return 0;
	snprintf(user, sizeof(user), "%s", owner);
	colon = strchr(user, ':');
	if (colon)
		*colon++ = '\0';
	if (owner_id(user, 0, &uid) || (colon && owner_id(colon, 1, &gid))) {
		ctl_err("no such user or group '%s'", owner);
		return CTL_USAGE;
	}
	if (!colon)
		gid = (pw = getpwuid(uid)) ? pw->pw_gid : uid;
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
		ctl_err("Couldn't become %s: %s", owner, strerror(errno));
		return CTL_FAILED;
	}
	return 0;
}

/* "{sock-fds}" anywhere in an argument becomes the list. */
static char *exec_arg(const char *arg, const char *list)
{
	static const char key[] = "{sock-fds}";
	const char *at = strstr(arg, key);
	char *out;

	if (!at)
		return (char *)arg;
	if (asprintf(&out, "%.*s%s%s", (int)(at - arg), arg, list,
		     at + sizeof(key) - 1) < 0)
		return (char *)arg;
	return out;
}

static int port_exec(struct ctl *c, struct cmd_args *a)
{
	const char *name = arg_next(a), *user = NULL, *w;
	char list[XVS_XSK_MAX_QUEUES * 12];
	struct xvs_xsk_conf conf;
	char **argv;
	int err, xsks = -1, i;

	if (!name)
		return usage_err(a, "missing port name");
	while ((w = arg_next(a)) && strcmp(w, "--")) {
		if (!strcmp(w, "--user") && !(err = arg_value(a, w, &user)))
			continue;
		return user ? usage_err(a, "unexpected argument '%s' (the command goes after --)", w) :
			      err ?: usage_err(a, "unknown option '%s'", w);
	}
	if (!w || !a->argc)
		return usage_err(a, "missing '-- COMMAND'");
	err = exec_pins(c, name, &conf, &xsks);
	if (!err)
		err = exec_sockets(name, xsks, conf.queues, list, sizeof(list));
	if (xsks >= 0)
		close(xsks);
	if (!err)
		err = exec_become(user);
	if (err)
		return err;
	argv = calloc(a->argc + 1, sizeof(*argv));
	if (!argv)
		return CTL_FAILED;
	for (i = 0; i < a->argc; i++)
		argv[i] = exec_arg(a->argv[i], list);
	setenv("XVS_SOCK_FDS", list, 1);
	execvp(argv[0], argv);
	ctl_err("Couldn't run '%s': %s", argv[0], strerror(errno));
	return CTL_FAILED;
}

int do_port(struct ctl *c, struct cmd_args *a)
{
	static const struct subcmd cmds[] = {
		{ "show", port_show }, { "set", port_set },
		{ "add", port_add }, { "del", port_del }, { "exec", port_exec },
	};

	return run_subcmd(c, a, cmds, ARRAY_SIZE(cmds), NULL, port_help);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/xvsctl.c - the command line of xvs: global options, the object
 * table, and the argument helpers every object uses.
 *
 *   xvsctl [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * The grammar follows bpftool and iproute2: global options first, then
 * an object and its command, then keyword/value pairs (`fdb show dev
 * veth1 vlan 10`).  Every object answers `help`.  Exit status: 0 done,
 * 1 failed, 2 bad usage or something not found; with -j every error
 * is {"error": "..."} on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xvsctl.h"
#include "print.h"
#include "loader/log.h"
#include "loader/util.h"
#include "maps/common.h"

static const char usage_text[] =
"Usage: xvsctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
"       xvsctl help | xvsctl OBJECT help\n"
"\n"
"  attach [--bridge BR] [--hook auto|xdp|tc] [--xdp-mode auto|native|skb]\n"
"         [--host|--no-host] IFACE...\n"
"  detach IFACE...\n"
"  tunnel add NAME --bridge BR --remote A.B.C.D [--local A.B.C.D] [--key N]\n"
"             [--ttl N] [--tos N|inherit] [--uplink-hook auto|xdp|tc]\n"
"  tunnel del NAME\n"
"  tunnel [show [NAME]]\n"
"  show\n"
"  fdb [show] [dev DEV] [vlan VID] [bridge BR]\n"
"  fdb add MAC dev DEV [vlan VID]\n"
"  fdb del MAC { dev DEV | bridge BR } [vlan VID]\n"
"  fdb flush [bridge BR] [dev DEV]\n"
"  port set DEV vlan-mode access|trunk|native-untagged|native-tagged\n"
"           [tag VID] [trunks VIDS]\n"
"  port show [DEV]\n"
"  port add NAME --bridge BR --type afxdp [--queues N] [--vm-socket PATH ...]\n"
"  port del NAME\n"
"  port exec NAME [--user USER[:GROUP]] -- COMMAND [ARG...]   (\"{sock-fds}\")\n"
"  stats [dev DEV]\n"
"  trace BRIDGE in_port=PORT[,FIELD=VALUE...]\n"
"  bridge set BR [ageing SECONDS] [mac-limit N]\n"
"  flow add BR \"MATCH actions=ACTION,...\" | flow add BR -f FILE\n"
"  flow del BR [\"MATCH\"] [--strict]\n"
"  flow [dump] BR | flows BR\n"
"  stop [--cleanup]\n"
"  apply -f FILE [--dry-run]\n"
"  export\n"
"\n"
"OPTIONS:\n"
"  -j, --json           JSON output (errors too: {\"error\": ...})\n"
"  -p, --pretty         pretty-printed JSON (implies -j)\n"
"  -i, --instance NAME  switch instance (default $XVS_INSTANCE or \"xvs\")\n"
"      --bpffs DIR      root of the pinned maps (default /sys/fs/bpf/xvs)\n"
"      --rundir DIR     control socket and log (default /run/xvs)\n"
"  -v, --verbose        debug messages, libbpf's included\n"
"  -h, --help           this text\n"
"\n"
"Exit status: 0 ok, 1 failed, 2 bad usage or not found.\n";

const char *arg_peek(const struct cmd_args *a)
{
	return a->argc > 0 ? a->argv[0] : NULL;
}

const char *arg_next(struct cmd_args *a)
{
	if (a->argc <= 0)
		return NULL;
	a->argc--;
	return *a->argv++;
}

bool arg_is_help(const struct cmd_args *a)
{
	const char *w = arg_peek(a);

	return w && (!strcmp(w, "help") || !strcmp(w, "-h") ||
		     !strcmp(w, "--help"));
}

static const struct subcmd *subcmd_find(const char *w, const struct subcmd *cmds,
					size_t n)
{
	size_t i;

	for (i = 0; w && i < n; i++)
		if (!strcmp(w, cmds[i].name))
			return &cmds[i];
	return NULL;
}

static bool word_in(const char *w, const char *const *words)
{
	for (; w && words && *words; words++)
		if (!strcmp(w, *words))
			return true;
	return false;
}

int run_subcmd(struct ctl *c, struct cmd_args *a, const struct subcmd *cmds,
	       size_t n, const char *const *implicit, void (*help)(void))
{
	const char *w = arg_peek(a);
	const struct subcmd *cmd;

	if (arg_is_help(a)) {
		help();
		return CTL_OK;
	}
	if (!w || word_in(w, implicit))
		return cmds[0].run(c, a);
	cmd = subcmd_find(w, cmds, n);
	if (!cmd)
		return usage_err(a, "unknown command '%s'", w);
	arg_next(a);
	if (arg_is_help(a)) {
		help();
		return CTL_OK;
	}
	return cmd->run(c, a);
}

int usage_err(const struct cmd_args *a, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (a && a->obj)
		ctl_err("%s (see 'xvsctl %s help')", msg, a->obj);
	else
		ctl_err("%s (see 'xvsctl help')", msg);
	return CTL_USAGE;
}

int arg_value(struct cmd_args *a, const char *kw, const char **val)
{
	*val = arg_next(a);
	if (!*val)
		return usage_err(a, "missing value after '%s'", kw);
	return 0;
}

int arg_mac(const struct cmd_args *a, const char *s, __u8 mac[6])
{
	if (!s)
		return usage_err(a, "missing MAC address");
	if (mac_parse(s, mac))
		return usage_err(a, "invalid MAC address '%s' (want aa:bb:cc:dd:ee:ff)",
				 s);
	return 0;
}

int arg_u32(const struct cmd_args *a, const char *kw, const char *s,
	    __u32 min, __u32 max, __u32 *out)
{
	if (parse_u32(s, min, max, out))
		return usage_err(a, "invalid %s '%s' (want %u..%u)", kw, s,
				 min, max);
	return 0;
}

int arg_vlan(const struct cmd_args *a, const char *s, __u16 *vlan)
{
	__u32 v;
	int err;

	err = arg_u32(a, "vlan", s, 0, 4094, &v);
	if (!err)
		*vlan = v;
	return err;
}

/* A name the kernel could have: 1..15 bytes, no '/', ':' or blanks. */
static bool name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n && n < max && !strpbrk(s, "/: \t\n");
}

int arg_ifname(const struct cmd_args *a, const char *s)
{
	if (!name_ok(s, IFNAMSIZ))
		return usage_err(a, "invalid interface name '%s'", s);
	return 0;
}

int arg_bridge(const struct cmd_args *a, const char *s)
{
	if (!name_ok(s, XVS_NAME_LEN))
		return usage_err(a, "invalid bridge name '%s' (1..%d characters)",
				 s, XVS_NAME_LEN - 1);
	return 0;
}

int arg_end(const struct cmd_args *a)
{
	if (a->argc > 0)
		return usage_err(a, "unexpected argument '%s'", a->argv[0]);
	return 0;
}

int arg_slot(struct cmd_args *a, const char *w, const struct opt_slot *opts,
	     size_t n, void *args)
{
	const char **slot, *v;
	size_t i, len = 0;
	int err;

	for (i = 0; i < n; i++) {
		len = strlen(opts[i].opt);
		if (!strncmp(w, opts[i].opt, len) && (w[len] == '\0' || w[len] == '='))
			break;
	}
	if (i == n)
		return usage_err(a, "unknown option '%s'", w);
	slot = (const char **)((char *)args + opts[i].off);
	if (*slot)
		return usage_err(a, "'%s' given twice", opts[i].opt);
	if (w[len] == '=') {
		v = w + len + 1;
	} else {
		err = arg_value(a, opts[i].opt, &v);
		if (err)
			return err;
	}
	*slot = v;
	return 0;
}

int cmd_add_named(struct ctl *c, struct cmd_args *a, const struct add_ops *ops,
		  void *args)
{
	struct json_object *req, *reply = NULL;
	const char *name, *w;
	int err;

	name = arg_next(a);
	if (!name)
		return usage_err(a, "missing %s name", ops->what);
	if (name[0] == '-')
		return usage_err(a, "missing %s name (before the options)", ops->what);
	err = arg_ifname(a, name);
	while (!err && (w = arg_next(a)))
		err = w[0] == '-' ? ops->option(a, w, args) :
		      usage_err(a, "unexpected argument '%s'", w);
	if (err)
		return err;
	req = json_object_new_object();
	err = ops->request(a, name, args, req);
	if (!err)
		err = ctl_request(c, req, CTL_START, &reply);
	if (!err)
		ops->print(req, reply);
	json_object_put(reply);
	json_object_put(req);
	return err;
}

int cmd_del_named(struct ctl *c, struct cmd_args *a, const char *what,
		  const char *cmd)
{
	struct json_object *req;
	const char *name = arg_next(a);
	int err;

	if (!name)
		return usage_err(a, "missing %s name", what);
	err = arg_ifname(a, name);
	if (!err)
		err = arg_end(a);
	if (err)
		return err;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	json_object_object_add(req, "name", json_object_new_string(name));
	return ctl_request_plain(c, req, CTL_NO_START);
}

static int do_help(struct ctl *c, struct cmd_args *a);

static const struct object {
	const char *name;
	int (*fn)(struct ctl *c, struct cmd_args *a);
} objects[] = {
	{ "attach",	do_attach },
	{ "detach",	do_detach },
	{ "tunnel",	do_tunnel },
	{ "show",	do_show },
	{ "fdb",	do_fdb },
	{ "port",	do_port },
	{ "stats",	do_stats },
	{ "trace",	do_trace },
	{ "bridge",	do_bridge },
	{ "flow",	do_flow },
	{ "flows",	do_flows },
	{ "stop",	do_stop },
	{ "apply",	do_apply },
	{ "export",	do_export },
	{ "help",	do_help },
};

static const struct object *object_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (!strcmp(objects[i].name, name))
			return &objects[i];
	return NULL;
}

/* `xvsctl help` and `xvsctl help OBJECT`. */
static int do_help(struct ctl *c, struct cmd_args *a)
{
	const struct object *o;
	char *help[] = { "help" };
	struct cmd_args sub = { 1, help, NULL };

	if (!arg_peek(a) || arg_is_help(a)) {
		fputs(usage_text, stdout);
		return CTL_OK;
	}
	o = object_find(arg_peek(a));
	if (!o || o->fn == do_help)
		return usage_err(NULL, "unknown object '%s'", arg_peek(a));
	sub.obj = o->name;
	return o->fn(c, &sub);
}

enum { OPT_BPFFS = 256, OPT_RUNDIR };

static const struct option long_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "pretty",	no_argument,		NULL, 'p' },
	{ "instance",	required_argument,	NULL, 'i' },
	{ "bpffs",	required_argument,	NULL, OPT_BPFFS },
	{ "rundir",	required_argument,	NULL, OPT_RUNDIR },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Parse the global options; returns the index of OBJECT, or -CTL_USAGE
 * (error printed), or -1 for --help (help printed).
 */
static int parse_options(struct ctl *c, int argc, char **argv,
			 const char **instance)
{
	bool json = false, pretty = false;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jpi:vh", long_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'p': pretty = true; break;
		case 'i': *instance = optarg; break;
		case OPT_BPFFS: c->bpffs = optarg; break;
		case OPT_RUNDIR: c->rundir = optarg; break;
		case 'v': c->verbose = true; break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case ':':
			print_init(json, pretty);
			return -usage_err(NULL, "option '%s' needs a value",
					  argv[optind - 1]);
		default:
			print_init(json, pretty);
			return -usage_err(NULL, "unknown option '%s'",
					  argv[optind - 1]);
		}
	}
	print_init(json, pretty);
	return optind;
}

int main(int argc, char **argv)
{
	const char *instance = NULL;
	struct cmd_args a;
	const struct object *o;
	struct ctl c = {};
	int idx, err;

	log_init("xvsctl", 0);
	idx = parse_options(&c, argc, argv, &instance);
	if (idx < 0)
		return idx == -1 ? CTL_OK : -idx;
	if (c.verbose)
		log_set_level(LOG_LVL_DEBUG);
	if (idx >= argc) {
		fputs(usage_text, stderr);
		return CTL_USAGE;
	}
	if (inst_init(&c.inst, instance, c.bpffs, c.rundir))
		return usage_err(NULL, "invalid instance name '%s': use 1..63 of A-Z a-z 0-9 - _ .",
				 instance ? instance : "");
	o = object_find(argv[idx]);
	if (!o)
		return usage_err(NULL, "unknown object '%s'", argv[idx]);
	a.argc = argc - idx - 1;
	a.argv = argv + idx + 1;
	a.obj = o->name;
	err = o->fn(&c, &a);
	if (!err)
		err = print_flush();
	return err;
}

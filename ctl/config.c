// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/config.c - the commands that change the switch or the daemon:
 *
 *   attach [--bridge BR] [--hook auto|xdp|tc] [--xdp-mode auto|native|skb]
 *          [--host|--no-host] IFACE...
 *   detach IFACE...
 *   bridge set BR [ageing SECONDS] [mac-limit N]
 *   stop [--cleanup]
 *
 * Each is checked here whole (a bad argument sends nothing) and then
 * becomes one request to xvsd (loader/ctl_proto.h).  attach and bridge
 * set start the daemon when nothing answers on the socket; stop waits
 * until it is gone.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "xvsctl.h"
#include "print.h"
#include "loader/log.h"
#include "loader/util.h"
#include "maps/common.h"

#define STOP_TIMEOUT_MS	5000
#define AGEING_MAX	1000000
#define MAC_LIMIT_MAX	XVS_FDB_MAX_SIZE

static void attach_help(void)
{
	fputs("Usage: xvsctl attach [--bridge BR] [--hook auto|xdp|tc]\n"
	      "                     [--xdp-mode auto|native|skb]\n"
	      "                     [--host|--no-host] IFACE...\n"
	      "Attach interfaces (NICs, taps, veths) to bridge BR (default br0,\n"
	      "created if needed), starting xvsd if it is not running.\n"
	      "  --hook      where frames from IFACE enter the switch; auto\n"
	      "              (default): tc for veths and taps, xdp otherwise\n"
	      "  --xdp-mode  with the xdp hook; auto (default): native where\n"
	      "              the driver has it, else skb (generic)\n"
	      "  --host      the host stack behind IFACE is a station on the\n"
	      "              bridge (default: when IFACE has IP addresses)\n"
	      "  --no-host   it is not\n", stdout);
}

static void detach_help(void)
{
	fputs("Usage: xvsctl detach IFACE...\n"
	      "Detach interfaces from their bridge and restore them as they\n"
	      "were before attach.\n", stdout);
}

static void bridge_help(void)
{
	fputs("Usage: xvsctl bridge set BR [ageing SECONDS] [mac-limit N]\n"
	      "Create bridge BR or change its settings, starting xvsd if it is\n"
	      "not running.\n"
	      "  ageing     seconds a learned MAC lives unseen (1..1000000)\n"
	      "  mac-limit  most MACs the bridge learns (1..1048576)\n", stdout);
}

static void stop_help(void)
{
	fputs("Usage: xvsctl stop [--cleanup]\n"
	      "Stop xvsd.  The datapath keeps forwarding with what it has; a\n"
	      "later start adopts it.  --cleanup also detaches every port and\n"
	      "removes the instance's pinned maps.\n", stdout);
}

static struct json_object *request(const char *cmd)
{
	struct json_object *req = json_object_new_object();

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	return req;
}

/* Append IFACE to the list, refusing bad names and repeats. */
static int add_iface(struct cmd_args *a, struct json_object *ifaces,
		     const char *name)
{
	size_t i;
	int err;

	err = arg_ifname(a, name);
	if (err)
		return err;
	for (i = 0; i < json_object_array_length(ifaces); i++)
		if (!strcmp(json_object_get_string(
				json_object_array_get_idx(ifaces, i)), name))
			return usage_err(a, "interface '%s' given twice", name);
	json_object_array_add(ifaces, json_object_new_string(name));
	return 0;
}

/* "--opt VALUE" or "--opt=VALUE". */
static int opt_value(struct cmd_args *a, const char *w, const char *opt,
		     const char **val)
{
	size_t n = strlen(opt);

	if (w[n] == '=') {
		*val = w + n + 1;
		return 0;
	}
	return arg_value(a, opt, val);
}

static bool opt_is(const char *w, const char *opt)
{
	size_t n = strlen(opt);

	return !strncmp(w, opt, n) && (w[n] == '\0' || w[n] == '=');
}

/* --OPT VALUE where VALUE is one of `words` (NULL-ended); adds "key". */
static int attach_choice(struct cmd_args *a, const char *w, const char *opt,
			 const char *const *words, struct json_object *req,
			 const char *key)
{
	const char *v;
	int i, err;

	err = opt_value(a, w, opt, &v);
	if (err)
		return err;
	for (i = 0; words[i]; i++)
		if (!strcmp(v, words[i]))
			break;
	if (!words[i])
		return usage_err(a, "invalid %s '%s' (%s, %s or %s)", opt, v,
				 words[0], words[1], words[2]);
	json_object_object_add(req, key, json_object_new_string(v));
	return 0;
}

static int attach_option(struct cmd_args *a, const char *w,
			 struct json_object *req)
{
	static const char *const hooks[] = { "auto", "xdp", "tc", NULL };
	static const char *const modes[] = { "auto", "native", "skb", NULL };
	const char *v;
	int err;

	if (!strcmp(w, "--host") || !strcmp(w, "--no-host")) {
		json_object_object_add(req, "host",
				       json_object_new_boolean(w[2] == 'h'));
		return 0;
	}
	if (opt_is(w, "--hook"))
		return attach_choice(a, w, "--hook", hooks, req, "hook");
	if (opt_is(w, "--xdp-mode"))
		return attach_choice(a, w, "--xdp-mode", modes, req, "xdp_mode");
	if (!opt_is(w, "--bridge"))
		return usage_err(a, "unknown option '%s'", w);
	err = opt_value(a, w, "--bridge", &v);
	if (!err)
		err = arg_bridge(a, v);
	if (!err)
		json_object_object_add(req, "bridge", json_object_new_string(v));
	return err;
}

/* Options anywhere among the interfaces; "--" ends the options. */
static int parse_attach(struct cmd_args *a, struct json_object *req)
{
	struct json_object *ifaces = json_object_new_array();
	bool opts = true;
	const char *w;
	int err = 0;

	json_object_object_add(req, "ifaces", ifaces);
	while (!err && (w = arg_next(a))) {
		if (opts && !strcmp(w, "--"))
			opts = false;
		else if (opts && w[0] == '-')
			err = attach_option(a, w, req);
		else
			err = add_iface(a, ifaces, w);
	}
	if (!err && !json_object_array_length(ifaces))
		err = usage_err(a, "missing interface name");
	if (!err && !json_object_object_get_ex(req, "bridge", NULL))
		json_object_object_add(req, "bridge", json_object_new_string("br0"));
	return err;
}

/* A member of a reply object, or NULL when absent or of another type. */
static struct json_object *member(struct json_object *obj, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* One line per port: "a: port 1 on bridge br0, hook tc, host"; the
 * fields the reply lacks are left out.
 */
static void print_attached_port(struct json_object *p, const char *bridge)
{
	struct json_object *v;

	open_json_object(NULL);
	v = member(p, "iface", json_type_string);
	print_string(PRINT_ANY, "iface", "%s:", json_object_get_string(v));
	if ((v = member(p, "port_no", json_type_int)))
		print_uint(PRINT_ANY, "port_no", " port %llu",
			   json_object_get_int(v));
	print_string(PRINT_FP, NULL, " on bridge %s", bridge);
	if ((v = member(p, "xdp_mode", json_type_string)))
		print_string(PRINT_ANY, "xdp_mode", ", xdp %s",
			     json_object_get_string(v));
	if ((v = member(p, "hook", json_type_string)))
		print_string(PRINT_ANY, "hook", ", hook %s",
			     json_object_get_string(v));
	if ((v = member(p, "host", json_type_boolean))) {
		print_bool(PRINT_JSON, "host", NULL, json_object_get_boolean(v));
		print_fp("%s", json_object_get_boolean(v) ? ", host" : "");
	}
	print_nl();
	close_json_object();
}

static void print_attached(struct json_object *req, struct json_object *reply)
{
	const char *bridge;
	struct json_object *ports;
	size_t i;

	bridge = json_object_get_string(member(req, "bridge", json_type_string));
	ports = member(reply, "ports", json_type_array);
	open_json_object(NULL);
	print_string(PRINT_JSON, "bridge", NULL, bridge);
	open_json_array("ports");
	for (i = 0; ports && i < json_object_array_length(ports); i++)
		print_attached_port(json_object_array_get_idx(ports, i), bridge);
	close_json_array();
	close_json_object();
}

int do_attach(struct ctl *c, struct cmd_args *a)
{
	struct json_object *req, *reply = NULL;
	int err;

	if (arg_is_help(a) && a->argc == 1) {
		attach_help();
		return CTL_OK;
	}
	req = request("attach");
	err = parse_attach(a, req);
	if (!err)
		err = ctl_request(c, req, CTL_START, &reply);
	if (!err)
		print_attached(req, reply);
	json_object_put(reply);
	json_object_put(req);
	return err;
}

int do_detach(struct ctl *c, struct cmd_args *a)
{
	struct json_object *req, *ifaces;
	const char *w;
	int err = 0;

	if (arg_is_help(a) && a->argc == 1) {
		detach_help();
		return CTL_OK;
	}
	req = request("detach");
	ifaces = json_object_new_array();
	json_object_object_add(req, "ifaces", ifaces);
	while (!err && (w = arg_next(a)))
		err = add_iface(a, ifaces, w);
	if (!err && !json_object_array_length(ifaces))
		err = usage_err(a, "missing interface name");
	if (err) {
		json_object_put(req);
		return err;
	}
	return ctl_request_plain(c, req, CTL_NO_START);
}

static int bridge_keyword(struct cmd_args *a, const char *w,
			  struct json_object *req)
{
	const char *key, *v;
	__u32 n, max;
	int err;

	if (!strcmp(w, "ageing")) {
		key = "ageing";
		max = AGEING_MAX;
	} else if (!strcmp(w, "mac-limit")) {
		key = "mac_limit";
		max = MAC_LIMIT_MAX;
	} else {
		return usage_err(a, "unknown argument '%s'", w);
	}
	if (json_object_object_get_ex(req, key, NULL))
		return usage_err(a, "'%s' given twice", w);
	err = arg_value(a, w, &v);
	if (!err)
		err = arg_u32(a, w, v, 1, max, &n);
	if (!err)
		json_object_object_add(req, key, json_object_new_int64(n));
	return err;
}

static int bridge_set(struct ctl *c, struct cmd_args *a)
{
	struct json_object *req;
	const char *name, *w;
	int err;

	name = arg_next(a);
	if (!name)
		return usage_err(a, "missing bridge name");
	err = arg_bridge(a, name);
	if (err)
		return err;
	req = request("bridge_set");
	json_object_object_add(req, "bridge", json_object_new_string(name));
	while (!err && (w = arg_next(a)))
		err = bridge_keyword(a, w, req);
	if (err) {
		json_object_put(req);
		return err;
	}
	return ctl_request_plain(c, req, CTL_START);
}

int do_bridge(struct ctl *c, struct cmd_args *a)
{
	const char *cmd = arg_next(a);

	if (!cmd)
		return usage_err(a, "missing command");
	if (!strcmp(cmd, "help") || arg_is_help(a)) {
		bridge_help();
		return CTL_OK;
	}
	if (strcmp(cmd, "set"))
		return usage_err(a, "unknown command '%s'", cmd);
	return bridge_set(c, a);
}

/* pid: the daemon that was stopped, 0 if none was running. */
static void print_stopped(int pid, bool cleanup, bool had_pins)
{
	open_json_object(NULL);
	print_bool(PRINT_JSON, "was_running", NULL, pid > 0);
	if (pid > 0)
		print_uint(PRINT_ANY, "pid", "xvsd (pid %llu) stopped", pid);
	else
		print_fp("xvsd was not running");
	print_bool(PRINT_JSON, "cleanup", NULL, cleanup);
	if (cleanup && had_pins)
		print_fp("; ports detached, pins removed");
	else if (cleanup)
		print_fp("; nothing to clean up");
	print_nl();
	close_json_object();
}

static int stop_send(struct ctl *c, int pid, bool cleanup)
{
	struct json_object *req;
	int err;

	req = request("stop");
	json_object_object_add(req, "cleanup", json_object_new_boolean(cleanup));
	err = ctl_request(c, req, CTL_NO_START, NULL);
	json_object_put(req);
	if (err)
		return err;
	if (daemon_wait_gone(c, pid, STOP_TIMEOUT_MS)) {
		ctl_err("xvsd (pid %d) did not stop within %d s; see %s", pid,
			STOP_TIMEOUT_MS / 1000, c->inst.log_path);
		return CTL_FAILED;
	}
	return 0;
}

static bool has_pins(const struct ctl *c)
{
	struct stat sb;

	return !stat(c->inst.pin_dir, &sb);
}

/* Without a daemon, plain stop has nothing to do; --cleanup starts one
 * (it adopts what is pinned) to have it detach every port.
 */
static int stop(struct ctl *c, bool cleanup)
{
	bool pins = has_pins(c);
	int pid, err;

	pid = ctl_ping(c);
	if (pid < 0) {
		ctl_err("Couldn't talk to xvsd on '%s': %s", c->inst.sock_path,
			strerror(-pid));
		return CTL_FAILED;
	}
	if (pid) {
		err = stop_send(c, pid, cleanup);
	} else if (cleanup && pins) {
		err = daemon_start(c);
		if (!err)
			err = stop_send(c, ctl_ping(c), cleanup);
	} else {
		err = 0;
	}
	if (err)
		return err;
	if (cleanup && has_pins(c))
		pr_warn("pins remain in '%s'", c->inst.pin_dir);
	print_stopped(pid, cleanup, pins);
	return CTL_OK;
}

int do_stop(struct ctl *c, struct cmd_args *a)
{
	bool cleanup = false;
	const char *w;

	if (arg_is_help(a)) {
		stop_help();
		return CTL_OK;
	}
	while ((w = arg_next(a))) {
		if (strcmp(w, "--cleanup"))
			return usage_err(a, "unknown argument '%s'", w);
		cleanup = true;
	}
	return stop(c, cleanup);
}

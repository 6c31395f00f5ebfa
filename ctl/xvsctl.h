/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ctl/xvsctl.h - what the modules of xvsctl share.
 *
 * xvsctl is `xvsctl [OPTIONS] OBJECT COMMAND [ARGS]`.  main() (xvsctl.c)
 * parses the global options into a struct ctl and hands the rest of the
 * command line, as a struct cmd_args cursor, to the object's handler.
 * Handlers return the exit status: CTL_OK, CTL_FAILED or CTL_USAGE
 * (loader/ctl_proto.h), having printed their one error line already.
 *
 * Reads (show, fdb show, port show, stats) open the pinned maps
 * (state.c); writes go to xvsd over the control socket (client.c),
 * starting it where the command asks for that.
 */
#ifndef XVS_XVSCTL_H
#define XVS_XVSCTL_H

#include <stdbool.h>
#include <linux/types.h>
#include <json-c/json.h>

#include "loader/pin.h"
#include "loader/ctl_proto.h"

struct ctl {
	struct xvs_inst inst;
	const char *bpffs;		/* --bpffs as given, passed to xvsd */
	const char *rundir;		/* --rundir as given, passed to xvsd */
	bool verbose;
};

/* The not yet consumed words of the command line, and the object they
 * belong to (for "see 'xvsctl OBJECT help'").
 */
struct cmd_args {
	int argc;
	char **argv;
	const char *obj;
};

/* xvsctl.c: argument helpers.  The arg_* parsers print the usage error
 * themselves and return CTL_USAGE, or 0 with the value stored.
 */
const char *arg_peek(const struct cmd_args *a);
const char *arg_next(struct cmd_args *a);
bool arg_is_help(const struct cmd_args *a);
int usage_err(const struct cmd_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int arg_value(struct cmd_args *a, const char *kw, const char **val);
int arg_mac(const struct cmd_args *a, const char *s, __u8 mac[6]);
int arg_vlan(const struct cmd_args *a, const char *s, __u16 *vlan);
int arg_u32(const struct cmd_args *a, const char *kw, const char *s,
	    __u32 min, __u32 max, __u32 *out);
int arg_ifname(const struct cmd_args *a, const char *s);
int arg_bridge(const struct cmd_args *a, const char *s);
int arg_end(const struct cmd_args *a);

/* "--opt VALUE" or "--opt=VALUE" into the string slot of `args` that the
 * table gives for --opt (at most once).
 */
struct opt_slot {
	const char *opt;
	size_t off;		/* of its const char * in args */
};
int arg_slot(struct cmd_args *a, const char *w, const struct opt_slot *opts,
	     size_t n, void *args);

/* `OBJECT add NAME OPTION...` for the objects xvsd makes by name (GRE
 * tunnels, AF_XDP ports): each option (a word starting with '-') goes to
 * option() into args, then request() checks them whole and builds the
 * request, which is sent - starting xvsd if need be - and print() shows
 * what was made.  `OBJECT del NAME` sends {cmd, name}.
 */
struct add_ops {
	const char *what;		/* "tunnel", "port": for errors */
	int (*option)(struct cmd_args *a, const char *w, void *args);
	int (*request)(struct cmd_args *a, const char *name, const void *args,
		       struct json_object *req);
	void (*print)(struct json_object *req, struct json_object *reply);
};
int cmd_add_named(struct ctl *c, struct cmd_args *a, const struct add_ops *ops,
		  void *args);
int cmd_del_named(struct ctl *c, struct cmd_args *a, const char *what,
		  const char *cmd);

/* An object's commands: `xvsctl OBJECT COMMAND ARGS`.  cmds[0] is what
 * the object alone means (`fdb` is `fdb show`), and also what a first
 * word listed in `implicit` starts (`fdb dev D` is `fdb show dev D`).
 * `help` before or after the command prints the object's help.
 */
struct subcmd {
	const char *name;
	int (*run)(struct ctl *c, struct cmd_args *a);
};
int run_subcmd(struct ctl *c, struct cmd_args *a, const struct subcmd *cmds,
	       size_t n, const char *const *implicit, void (*help)(void));

/* The objects. */
int do_attach(struct ctl *c, struct cmd_args *a);
int do_detach(struct ctl *c, struct cmd_args *a);
int do_bridge(struct ctl *c, struct cmd_args *a);
int do_stop(struct ctl *c, struct cmd_args *a);
int do_show(struct ctl *c, struct cmd_args *a);
int do_fdb(struct ctl *c, struct cmd_args *a);
int do_port(struct ctl *c, struct cmd_args *a);
int do_stats(struct ctl *c, struct cmd_args *a);
int do_apply(struct ctl *c, struct cmd_args *a);
int do_export(struct ctl *c, struct cmd_args *a);
int do_tunnel(struct ctl *c, struct cmd_args *a);
int do_flow(struct ctl *c, struct cmd_args *a);
int do_flows(struct ctl *c, struct cmd_args *a);
int do_trace(struct ctl *c, struct cmd_args *a);

/* client.c: the control socket, and starting and stopping xvsd. */
enum ctl_start { CTL_NO_START, CTL_START };

/* Send one request and read the reply.  Warnings in the reply are printed;
 * an error (or no daemon, or a broken reply) is printed and its exit code
 * returned.  On success *reply (may be NULL) gets the reply to put.
 */
int ctl_request(struct ctl *c, struct json_object *req, enum ctl_start start,
		struct json_object **reply);
/* ctl_request() for a request with nothing to print ({} in JSON); puts
 * the request.
 */
int ctl_request_plain(struct ctl *c, struct json_object *req,
		      enum ctl_start start);
/* Is xvsd answering?  Returns its pid, 0 when nothing answers, or -errno
 * when the socket cannot be used at all (already printed nothing).
 */
int ctl_ping(const struct ctl *c);
/* Start xvsd and wait for its socket; prints the error, returns 0 or 1. */
int daemon_start(struct ctl *c);
/* Wait up to timeout_ms for xvsd (pid, if known) to stop answering. */
int daemon_wait_gone(struct ctl *c, int pid, int timeout_ms);

#endif /* XVS_XVSCTL_H */

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/apply.c - the switch as a file (loader/config.h; README,
 * "Configuration files"):
 *
 *   apply -f FILE [--dry-run]   make the running switch match FILE
 *   export                      print the running switch as such a file
 *
 * apply validates FILE whole first: every error is printed as
 * "FILE:LINE:COL: what" on stderr, and nothing is sent (exit 2).  Then it
 * reads the switch from the pinned maps (no pins: an empty switch),
 * plans, and sends the whole plan as one `batch` request, which xvsd
 * runs all or nothing (exit 1 with the failed step, everything rolled
 * back).  A plan with no steps sends nothing: "nothing to change".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/config.h"

static void apply_help(void)
{
	fputs("Usage: xvsctl apply -f FILE [--dry-run]\n"
	      "       xvsctl export\n"
	      "apply   make the switch match FILE (YAML: bridges, ports, AF_XDP\n"
	      "        ports, tunnels, VLANs, static MAC entries, limits),\n"
	      "        starting xvsd if needed;\n"
	      "        all or nothing.  Errors in FILE: exit 2, nothing changed\n"
	      "  --dry-run  print what would change (+ add, ~ change, - remove)\n"
	      "export  print the running switch as a file apply takes\n", stdout);
}

/* The running switch; an instance with no pins is an empty switch. */
static int read_switch(struct ctl *c, struct xvs_snapshot *snap)
{
	struct ctl_state st;
	struct stat sb;
	int err;

	memset(snap, 0, sizeof(*snap));
	if (stat(c->inst.pin_dir, &sb) && errno == ENOENT)
		return 0;
	err = state_open(c, &st);
	if (err)
		return err;
	err = snapshot_read(st.ports_fd, st.bridges_fd, st.fdb_fd, st.tunnels_fd,
			    snap);
	if (!err)
		err = snapshot_read_afxdp(c->inst.pin_dir, snap);
	state_close(&st);
	if (err) {
		ctl_err("Couldn't read the switch: %s", strerror(-err));
		return CTL_FAILED;
	}
	return 0;
}

static int parse_apply(struct cmd_args *a, const char **file, bool *dry)
{
	const char *w;
	int err = 0;

	while (!err && (w = arg_next(a))) {
		if (!strcmp(w, "--dry-run") || !strcmp(w, "-n"))
			*dry = true;
		else if (!strcmp(w, "-f") || !strcmp(w, "--file"))
			err = arg_value(a, w, file);
		else if (!strncmp(w, "--file=", 7))
			*file = w + 7;
		else
			err = usage_err(a, "unexpected argument '%s'", w);
	}
	if (!err && !*file)
		err = usage_err(a, "missing '-f FILE'");
	return err;
}

static int load_file(const char *file, struct xvs_config *cfg)
{
	struct config_opts opts = {
		.iface_exists = config_iface_exists,
		.user_ids = config_user_ids,
		.group_id = config_group_id,
	};
	int e, i;

	e = config_parse_file(file, cfg, &opts);
	if (!e)
		return 0;
	fflush(stdout);
	for (i = 0; i < cfg->nerrors; i++)
		fprintf(stderr, "%s\n", cfg->errors[i]);
	if (e == -EINVAL || e == -EFBIG)
		ctl_err("%s: %d error%s, nothing changed", file, cfg->nerrors,
			cfg->nerrors == 1 ? "" : "s");
	else
		ctl_err("Couldn't read '%s': %s", file, strerror(-e));
	return e == -EINVAL || e == -EFBIG ? CTL_USAGE : CTL_FAILED;
}

/* The plan: one line per change, or "nothing to change"; in JSON, the
 * requests too.
 */
static void print_plan(const struct plan *p, bool dry)
{
	int i, n = 0;

	open_json_object(NULL);
	print_bool(PRINT_JSON, "dry_run", NULL, dry);
	open_json_array("steps");
	for (i = 0; i < p->n; i++) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "change", NULL, p->steps[i].text ?: "");
		if (p->steps[i].text) {
			print_fp("%s\n", p->steps[i].text);
			n++;
		}
		print_json("do", json_object_get(p->steps[i].req));
		print_json("undo", json_object_get(p->steps[i].undo));
		close_json_object();
	}
	close_json_array();
	print_uint(PRINT_JSON, "changes", NULL, n);
	if (!n)
		print_fp("nothing to change\n");
	else if (!dry)
		print_fp("%d change%s applied\n", n, n == 1 ? "" : "s");
	close_json_object();
}

static int apply(struct ctl *c, const char *file, bool dry)
{
	struct xvs_snapshot snap;
	struct xvs_config cfg;
	struct plan plan = {};
	json_object *req;
	int err;

	err = load_file(file, &cfg);
	if (!err)
		err = read_switch(c, &snap);
	if (err) {
		config_free(&cfg);
		return err;
	}
	err = plan_build(&cfg, &snap, &plan);
	config_free(&cfg);
	snapshot_free(&snap);
	if (err) {
		ctl_err("Couldn't plan: %s", strerror(-err));
		return CTL_FAILED;
	}
	if (!dry && plan.n) {
		req = plan_batch(&plan);
		err = ctl_request(c, req, CTL_START, NULL);
		json_object_put(req);
	}
	if (!err)
		print_plan(&plan, dry);
	plan_free(&plan);
	return err;
}

int do_apply(struct ctl *c, struct cmd_args *a)
{
	const char *file = NULL;
	bool dry = false;
	int err;

	if (arg_is_help(a)) {
		apply_help();
		return CTL_OK;
	}
	err = parse_apply(a, &file, &dry);
	return err ? err : apply(c, file, dry);
}

int do_export(struct ctl *c, struct cmd_args *a)
{
	struct xvs_snapshot snap;
	int err;

	if (arg_is_help(a)) {
		apply_help();
		return CTL_OK;
	}
	err = arg_end(a);
	if (!err)
		err = read_switch(c, &snap);
	if (err)
		return err;
	err = config_export(&snap, stdout);
	snapshot_free(&snap);
	if (err) {
		ctl_err("Couldn't write: %s", strerror(-err));
		return CTL_FAILED;
	}
	return 0;
}

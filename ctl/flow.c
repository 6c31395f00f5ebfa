// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctl/flow.c - `xvsctl flow`: the flow rules of a bridge (maps/flow.h),
 * in ovs-ofctl's words (loader/flow_parse.h).
 *
 *   flow add BR "RULE"          flow add BR -f FILE
 *   flow del BR ["MATCH"] [--strict]
 *   flow [dump] BR              flows BR
 *
 * add and del are requests to xvsd (flow_add, flow_del); a file's rules
 * go in one request, so they are added all or none.  dump reads the
 * pinned xvs_rules and xvs_flow_stats and prints a rule a line, best
 * first, as ovs-ofctl dump-flows does:
 *
 *    id=3, duration=42s, n_packets=5, n_bytes=490, idle_age=2,
 *    priority=200,tcp,tp_dst=5001 actions=drop
 *
 * (one line; "cookie=0x.." after the priority when it is not 0,
 * "idle_age=never" for a rule nothing has hit).  The rule text is
 * canonical: `flow add` takes it back as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xvsctl.h"
#include "print.h"
#include "state.h"
#include "loader/flow_parse.h"
#include "loader/util.h"

#define NSEC_PER_SEC	1000000000ULL
#define FLOW_LINE_MAX	4096	/* bytes of one line of a rules file */

static void flow_help(void)
{
	fputs("Usage: xvsctl flow add BR \"MATCH actions=ACTION,...\"\n"
	      "       xvsctl flow add BR -f FILE\n"
	      "       xvsctl flow del BR [\"MATCH\"] [--strict]\n"
	      "       xvsctl flow [dump] BR       (also: xvsctl flows BR)\n"
	      "\n"
	      "add   a rule, or every rule of FILE (one a line, # comments;\n"
	      "      all or none); a rule with the match and priority of one\n"
	      "      there replaces it\n"
	      "del   the rules whose match is at least as specific as MATCH\n"
	      "      (none: all of BR's); --strict: the one rule with this\n"
	      "      very match and priority\n"
	      "dump  the rules, best first, with their counters\n"
	      "\n"
	      "MATCH: fields separated by commas - priority=0..65535 (32768),\n"
	      "  cookie=N, in_port=PORT, dl_src=MAC[/MASK], dl_dst=MAC[/MASK],\n"
	      "  dl_vlan=0..4094 (0: no VLAN), dl_type=N, nw_src=IP[/PREFIX],\n"
	      "  nw_dst=IP[/PREFIX], ipv6_src=IP6[/PREFIX], ipv6_dst=IP6[/PREFIX],\n"
	      "  nw_proto=N, tp_src=N[/MASK], tp_dst=N[/MASK], icmp_type=N,\n"
	      "  icmp_code=N, arp_op=N, arp_spa=IP, arp_tpa=IP, tun_id=N[/MASK];\n"
	      "  ip, ipv6, arp, tcp, udp, sctp, icmp, icmp6, tcp6, udp6\n"
	      "ACTIONS: output:PORT, normal, flood, drop, push_vlan:VID,\n"
	      "  pop_vlan, mod_vlan_vid:VID, set_tunnel:KEY, userspace\n"
	      "  (at most 8; normal, flood and drop come last; empty: drop)\n"
	      "A bridge without rules switches as if it had the one rule\n"
	      "'priority=0 actions=normal'.\n", stdout);
}

/* --- add, del ---------------------------------------------------------- */

/* One rule a line, without blank lines and # comments, into rules[] and
 * the line numbers into lines[].  Prints the error; 0 or an exit code.
 */
static int read_rules(const char *path, struct json_object *rules,
		      struct json_object *lines)
{
	char buf[FLOW_LINE_MAX], *s, *e;
	int no = 0, err = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		ctl_err("Couldn't open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? CTL_USAGE : CTL_FAILED;
	}
	while (!err && fgets(buf, sizeof(buf), f)) {
		no++;
		if (!strchr(buf, '\n') && !feof(f)) {
			ctl_err("%s:%d: line longer than %d bytes", path, no, FLOW_LINE_MAX - 2);
			err = CTL_USAGE;
			break;
		}
		for (s = buf; *s == ' ' || *s == '\t'; s++)
			;
		for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
			;
		*e = '\0';
		if (!*s || *s == '#')
			continue;
		json_object_array_add(rules, json_object_new_string(s));
		json_object_array_add(lines, json_object_new_int(no));
	}
	if (!err && ferror(f)) {
		ctl_err("Couldn't read '%s': %s", path, strerror(errno));
		err = CTL_FAILED;
	}
	fclose(f);
	if (!err && !json_object_array_length(rules)) {
		ctl_err("%s: no rules in it", path);
		err = CTL_USAGE;
	}
	return err;
}

static struct json_object *flow_request(const char *cmd, const char *bridge)
{
	struct json_object *req = json_object_new_object();

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	json_object_object_add(req, "bridge", json_object_new_string(bridge));
	return req;
}

/* The ids of the rules added (JSON only: add prints nothing, as ovs-ofctl). */
static void print_ids(struct json_object *reply)
{
	struct json_object *ids;
	size_t i;

	open_json_object(NULL);
	open_json_array("ids");
	if (json_object_object_get_ex(reply, "ids", &ids))
		for (i = 0; i < json_object_array_length(ids); i++)
			print_uint(PRINT_JSON, NULL, NULL,
				   json_object_get_int64(json_object_array_get_idx(ids, i)));
	close_json_array();
	close_json_object();
}

static int flow_add(struct ctl *c, struct cmd_args *a)
{
	struct json_object *req, *rules, *lines, *reply = NULL;
	const char *br = arg_next(a), *w = arg_next(a), *file = NULL;
	int err;

	if (!br || !w)
		return usage_err(a, "want 'flow add BR \"RULE\"' or 'flow add BR -f FILE'");
	err = arg_bridge(a, br);
	if (!err && !strcmp(w, "-f"))
		err = arg_value(a, "-f", &file);
	if (!err)
		err = arg_end(a);
	if (err)
		return err;
	req = flow_request("flow_add", br);
	rules = json_object_new_array();
	lines = json_object_new_array();
	json_object_object_add(req, "rules", rules);
	if (file) {
		json_object_object_add(req, "file", json_object_new_string(file));
		json_object_object_add(req, "lines", lines);
		err = read_rules(file, rules, lines);
	} else {
		json_object_put(lines);
		json_object_array_add(rules, json_object_new_string(w));
	}
	if (!err)
		err = ctl_request(c, req, CTL_START, &reply);
	if (!err)
		print_ids(reply);
	json_object_put(reply);
	json_object_put(req);
	return err;
}

static int flow_del(struct ctl *c, struct cmd_args *a)
{
	struct json_object *req, *reply = NULL, *n;
	const char *br = arg_next(a), *w, *match = NULL;
	bool strict = false;
	int err;

	if (!br)
		return usage_err(a, "missing bridge name");
	err = arg_bridge(a, br);
	while (!err && (w = arg_next(a))) {
		if (!strcmp(w, "--strict"))
			strict = true;
		else if (!match && w[0] != '-')
			match = w;
		else
			err = usage_err(a, "unexpected argument '%s'", w);
	}
	if (err)
		return err;
	req = flow_request("flow_del", br);
	if (match)
		json_object_object_add(req, "match", json_object_new_string(match));
	if (strict)
		json_object_object_add(req, "strict", json_object_new_boolean(1));
	err = ctl_request(c, req, CTL_NO_START, &reply);
	json_object_put(req);
	if (err)
		return err;
	open_json_object(NULL);
	if (json_object_object_get_ex(reply, "deleted", &n))
		print_uint(PRINT_JSON, "deleted", NULL, json_object_get_int64(n));
	close_json_object();
	json_object_put(reply);
	return 0;
}

/* --- dump -------------------------------------------------------------- */

static void print_flow(struct ctl_state *st, const struct flow_item *it, __u64 now)
{
	char match[FLOW_TEXT_LEN], acts[FLOW_TEXT_LEN];
	const struct xvs_flow_rule *r = &it->r;
	struct xvs_flow_stats s;

	state_flow_stats(st, it->slot, &s);
	flow_format_match(&r->match, &r->mask, state_flow_port_name, st, match, sizeof(match));
	flow_format_actions(r, state_flow_port_name, st, acts, sizeof(acts));
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", " id=%llu, ", r->id);
	print_uint(PRINT_JSON, "slot", NULL, it->slot);
	print_uint(PRINT_ANY, "duration", "duration=%llus, ",
		   now > r->created_ns ? (now - r->created_ns) / NSEC_PER_SEC : 0);
	print_uint(PRINT_ANY, "n_packets", "n_packets=%llu, ", s.packets);
	print_uint(PRINT_ANY, "n_bytes", "n_bytes=%llu, ", s.bytes);
	if (s.used_ns)
		print_uint(PRINT_ANY, "idle_age", "idle_age=%llu, ",
			   now > s.used_ns ? (now - s.used_ns) / NSEC_PER_SEC : 0);
	else
		print_null(PRINT_ANY, "idle_age", "idle_age=never, ");
	print_uint(PRINT_ANY, "priority", "priority=%llu", r->priority);
	print_uint(PRINT_JSON, "cookie", NULL, r->cookie);
	if (r->cookie)
		print_fp(",cookie=0x%llx", (unsigned long long)r->cookie);
	print_string(PRINT_ANY, "match", *match ? ",%s" : "%s", match);
	print_string(PRINT_ANY, "actions", " actions=%s", acts);
	print_nl();
	close_json_object();
}

static int flow_dump(struct ctl *c, struct cmd_args *a)
{
	const char *br = arg_next(a), *w;
	struct flow_item *items;
	struct ctl_state st;
	__u32 id;
	int err, n, i;
	__u64 now;

	if (!br)
		return usage_err(a, "missing bridge name");
	err = arg_bridge(a, br);
	/* `flow dump BR -j`, as well as `-j flow dump BR`. */
	while (!err && (w = arg_next(a))) {
		if (!strcmp(w, "-j") || !strcmp(w, "--json"))
			print_init(true, false);
		else
			err = usage_err(a, "unexpected argument '%s'", w);
	}
	if (!err)
		err = state_open(c, &st);
	if (err)
		return err;
	err = state_find_bridge(&st, br, &id);
	if (!err)
		err = state_flows(&st, id, &items, &n);
	if (!err) {
		now = now_coarse_ns();
		open_json_array(NULL);
		for (i = 0; i < n; i++)
			print_flow(&st, &items[i], now);
		close_json_array();
		free(items);
	}
	state_close(&st);
	return err;
}

int do_flow(struct ctl *c, struct cmd_args *a)
{
	static const struct subcmd cmds[] = {
		{ "dump", flow_dump }, { "add", flow_add }, { "del", flow_del },
	};
	const char *w = arg_peek(a);

	/* `flow BR` is `flow dump BR`, unless BR is a command's name. */
	if (w && !arg_is_help(a) && strcmp(w, "dump") && strcmp(w, "add") &&
	    strcmp(w, "del"))
		return flow_dump(c, a);
	return run_subcmd(c, a, cmds, ARRAY_SIZE(cmds), NULL, flow_help);
}

int do_flows(struct ctl *c, struct cmd_args *a)
{
	if (arg_is_help(a)) {
		flow_help();
		return CTL_OK;
	}
	return flow_dump(c, a);
}

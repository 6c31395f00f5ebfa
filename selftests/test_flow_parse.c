// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_flow_parse - unit tests of flow rules as text (loader/flow_parse.c).
 * No kernel, no root.
 *
 *   good_*   a rule and its canonical text; the canonical text parses to
 *            the same rule and formats to the same text
 *   bad_*    a rule and its one-line error, exactly
 *   match_*  flow_parse_match() on its own: priority= only where asked
 *
 * Ports: tap0 is 5, tap1 is 6, gre0 is the tunnel vport 0x10000; other
 * names do not exist, numbers are taken as they are.
 *
 * Usage: test_flow_parse [CASE]; KTAP on stdout, exit 0 pass, 1 fail.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loader/flow_parse.h"
#include "loader/util.h"
#include "lib/check.h"

static const struct {
	const char *name;
	__u32 id;
} ports[] = { { "tap0", 5 }, { "tap1", 6 }, { "gre0", 0x10000 } };

static int port_id(void *arg, const char *name, __u32 *id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ports); i++)
		if (!strcmp(ports[i].name, name)) {
			*id = ports[i].id;
			return 0;
		}
	return -ENOENT;
}

static int port_name(void *arg, __u32 id, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ports); i++)
		if (ports[i].id == id) {
			snprintf(buf, len, "%s", ports[i].name);
			return 0;
		}
	return -ENOENT;
}

struct tcase {
	const char *name;
	const char *in;
	const char *want;	/* canonical text, or the error */
};

static const struct tcase good[] = {
	{ "good_acl", "in_port=tap0,tcp,nw_dst=10.0.0.1/24,tp_dst=22 actions=drop",
	  "priority=32768,tcp,in_port=tap0,nw_dst=10.0.0.0/24,tp_dst=22 actions=drop" },
	{ "good_comma_actions", "priority=200,tcp,tp_dst=5001,actions=drop",
	  "priority=200,tcp,tp_dst=5001 actions=drop" },
	{ "good_empty", "priority=0 actions=", "priority=0 actions=drop" },
	{ "good_shorthand_from_fields", "dl_type=0x0800,nw_proto=1 actions=normal",
	  "priority=32768,icmp actions=normal" },
	{ "good_arp", "arp,nw_src=10.0.0.1,arp_op=1 actions=flood",
	  "priority=32768,arp,arp_spa=10.0.0.1,arp_op=1 actions=flood" },
	{ "good_ipv6", "ipv6,ipv6_src=2001:db8::1/64 actions=output:tap1",
	  "priority=32768,ipv6,ipv6_src=2001:db8::/64 actions=output:tap1" },
	{ "good_mac_mask", "dl_src=02:00:00:00:00:01/ff:ff:ff:00:00:00,dl_vlan=10 "
	  "actions=mod_vlan_vid:20,output:tap1",
	  "priority=32768,dl_vlan=10,dl_src=02:00:00:00:00:00/ff:ff:ff:00:00:00 "
	  "actions=mod_vlan_vid:20,output:tap1" },
	{ "good_tunnel", "cookie=0x10,udp,tp_src=0x1000/0xf000 "
	  "actions=set_tunnel:100,output:gre0,userspace",
	  "priority=32768,cookie=0x10,udp,tp_src=0x1000/0xf000 "
	  "actions=set_tunnel:0x64,output:gre0,userspace" },
	{ "good_dotted_mask", "tun_id=100,nw_dst=10.1.2.3/255.255.0.0,ip "
	  "actions=push_vlan:5,strip_vlan,normal",
	  "priority=32768,ip,nw_dst=10.1.0.0/16,tun_id=0x64 actions=push_vlan:5,pop_vlan,normal" },
	{ "good_odd_mask", "nw_src=10.0.0.0/255.0.255.0,ip actions=drop",
	  "priority=32768,ip,nw_src=10.0.0.0/255.0.255.0 actions=drop" },
	{ "good_icmp6", "icmp6,icmp_type=128,icmp_code=0 actions=drop",
	  "priority=32768,icmp6,icmp_type=128,icmp_code=0 actions=drop" },
	{ "good_port_numbers", "in_port=7 actions=output:9",
	  "priority=32768,in_port=7 actions=output:9" },
	{ "good_no_vlan", "dl_vlan=0 actions=drop", "priority=32768,dl_vlan=0 actions=drop" },
	{ "good_tcp6", "ipv6,nw_proto=6,tp_dst=443 actions=drop",
	  "priority=32768,tcp6,tp_dst=443 actions=drop" },
	{ "good_ip_then_udp", "ip,nw_src=10.0.0.1,udp,tp_dst=53 actions=drop",
	  "priority=32768,udp,nw_src=10.0.0.1,tp_dst=53 actions=drop" },
};

static const struct tcase bad[] = {
	{ "bad_tp_needs_l4", "tp_dst=22 actions=drop", "tp_dst needs tcp, udp or sctp" },
	{ "bad_nw_needs_ip", "nw_src=10.0.0.1 actions=drop", "nw_src needs ip or arp" },
	{ "bad_nw_on_ipv6", "ipv6,nw_src=10.0.0.1 actions=drop", "nw_src needs ip or arp" },
	{ "bad_proto_needs_ip", "nw_proto=6 actions=drop", "nw_proto needs ip or ipv6" },
	{ "bad_icmp_on_tcp", "icmp_type=1,tcp actions=drop", "icmp_type needs icmp or icmp6" },
	{ "bad_arp_op_on_ip", "arp_op=1,ip actions=drop", "arp_op needs arp" },
	{ "bad_two_protocols", "tcp,udp actions=drop", "udp conflicts with tcp" },
	{ "bad_two_networks", "ip,ipv6 actions=drop", "ipv6 conflicts with ip" },
	{ "bad_proto_twice", "tcp,nw_proto=6 actions=drop", "nw_proto conflicts with tcp" },
	{ "bad_field_twice", "tcp,tp_dst=1,tp_dst=2 actions=drop", "tp_dst given twice" },
	{ "bad_unknown_field", "foo=1 actions=drop", "unknown field 'foo'" },
	{ "bad_no_value", "tcp,tp_dst actions=drop", "tp_dst needs a value (tp_dst=0..65535[/mask])" },
	{ "bad_vlan", "dl_vlan=4095 actions=drop",
	  "dl_vlan: bad value '4095' (want 0..4094, 0 for no VLAN)" },
	{ "bad_vlan_mask", "dl_vlan=1/1 actions=drop", "dl_vlan takes no mask" },
	{ "bad_prefix", "nw_dst=10.0.0.1/33,ip actions=drop",
	  "nw_dst: bad value '10.0.0.1/33' (want A.B.C.D[/prefix or /mask])" },
	{ "bad_port", "in_port=nosuch actions=drop", "in_port: no port 'nosuch'" },
	{ "bad_no_actions", "tcp", "actions: missing (MATCH actions=ACTION,...)" },
	{ "bad_priority", "priority=70000 actions=drop", "priority: bad value '70000' (want 0..65535)" },
	{ "bad_priority_twice", "priority=1,priority=2 actions=drop", "priority given twice" },
	{ "bad_terminal", "actions=drop,normal", "drop must be the last action" },
	{ "bad_set_tunnel_last", "actions=set_tunnel:1,normal", "set_tunnel needs an output after it" },
	{ "bad_too_many", "actions=output:tap1,output:tap1,output:tap1,output:tap1,"
	  "output:tap1,output:tap1,output:tap1,output:tap1,output:tap1", "actions: more than 8" },
	{ "bad_action", "actions=frob", "actions: unknown action 'frob'" },
	{ "bad_vid", "actions=push_vlan:0", "push_vlan: bad VLAN '0' (want 1..4094)" },
	{ "bad_no_arg", "actions=output", "output needs an argument (output:PORT)" },
	{ "bad_output_port", "actions=output:nosuch", "output: no port 'nosuch'" },
	{ "bad_arg", "actions=normal:1", "normal takes no argument" },
};

static void run_good(const struct tcase *t)
{
	char err[256] = "", text[FLOW_TEXT_LEN], again[FLOW_TEXT_LEN];
	struct xvs_flow_rule r, r2;

	CHECK(!flow_parse_rule(t->in, port_id, NULL, &r, err, sizeof(err)),
	      "'%s': %s", t->in, err);
	flow_format_rule(&r, port_name, NULL, text, sizeof(text));
	CHECK(!strcmp(text, t->want), "'%s' is '%s', want '%s'", t->in, text, t->want);
	CHECK(!flow_parse_rule(text, port_id, NULL, &r2, err, sizeof(err)),
	      "'%s': %s", text, err);
	CHECK(!memcmp(&r, &r2, sizeof(r)), "'%s' parses to another rule", text);
	flow_format_rule(&r2, port_name, NULL, again, sizeof(again));
	CHECK(!strcmp(text, again), "'%s' formats again as '%s'", text, again);
}

static void run_bad(const struct tcase *t)
{
	char err[256] = "";
	struct xvs_flow_rule r;

	CHECK(flow_parse_rule(t->in, port_id, NULL, &r, err, sizeof(err)) == -EINVAL,
	      "'%s' parsed", t->in);
	CHECK(!strcmp(err, t->want), "'%s': error '%s', want '%s'", t->in, err, t->want);
}

static void match_priority(void)
{
	struct xvs_flow_key k, m;
	char err[256] = "";
	__u32 prio = 0;

	CHECK(flow_parse_match("priority=5,tcp", NULL, NULL, &k, &m, NULL, err,
			       sizeof(err)) == -EINVAL, "priority= taken");
	CHECK(!strcmp(err, "priority= is not allowed here"), "error '%s'", err);
	CHECK(flow_parse_match("cookie=1", NULL, NULL, &k, &m, &prio, err,
			       sizeof(err)) == -EINVAL, "cookie= taken in a match");
	CHECK(!flow_parse_match("tcp", NULL, NULL, &k, &m, &prio, err, sizeof(err)),
	      "%s", err);
	CHECK(prio == FLOW_PRIO_DEFAULT, "default priority %u", prio);
	CHECK(m.bridge == ~0U && k.bridge == 0, "bridge: %x/%x", k.bridge, m.bridge);
	CHECK(!flow_parse_match("priority=7", NULL, NULL, &k, &m, &prio, err, sizeof(err)) &&
	      prio == 7, "priority %u: %s", prio, err);
}

#define NCASES	(ARRAY_SIZE(good) + ARRAY_SIZE(bad) + 1)

static const char *case_name(size_t i)
{
	if (i < ARRAY_SIZE(good))
		return good[i].name;
	i -= ARRAY_SIZE(good);
	return i < ARRAY_SIZE(bad) ? bad[i].name : "match_priority";
}

static void case_run(size_t i)
{
	if (i < ARRAY_SIZE(good))
		return run_good(&good[i]);
	i -= ARRAY_SIZE(good);
	if (i < ARRAY_SIZE(bad))
		return run_bad(&bad[i]);
	match_priority();
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int planned = 0, failed = 0, k = 0;
	size_t i;

	for (i = 0; i < NCASES; i++)
		planned += !only || !strcmp(only, case_name(i));
	if (!planned) {
		fprintf(stderr, "%s: no case named '%s'\n", argv[0], only);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%d\n", planned);
	for (i = 0; i < NCASES; i++) {
		if (only && strcmp(only, case_name(i)))
			continue;
		fails = 0;
		case_run(i);
		printf("%sok %d %s\n", fails ? "not " : "", ++k, case_name(i));
		failed += !!fails;
	}
	return failed ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/flow_parse.h - flow rules as text, in ovs-ofctl's words, and
 * back (maps/flow.h).  Linked into xvsd (flow add and del requests) and
 * xvsctl (dump, trace).
 *
 *   priority=200,cookie=0x1,tcp,in_port=tap0,nw_dst=10.0.0.0/24,tp_dst=22
 *       actions=mod_vlan_vid:10,output:tap1
 *
 * A match is a list of fields and shorthands separated by commas or
 * blanks: in_port, dl_src, dl_dst (/mask), dl_vlan (0..4094, 0: the frame
 * is in no VLAN), dl_type, nw_src, nw_dst (/prefix or /dotted mask),
 * ipv6_src, ipv6_dst (/prefix), nw_proto, tp_src, tp_dst (/mask), tun_id
 * (/mask), arp_op, arp_spa, arp_tpa, icmp_type, icmp_code, and ip, ipv6,
 * arp, tcp, udp, sctp, icmp, icmp6, tcp6, udp6.  A field whose protocol
 * is not matched is refused as OVS refuses it (`tp_dst needs tcp, udp or
 * sctp`); a field given twice, or set by a shorthand and again, too.
 * Values are masked as they are parsed (nw_dst=10.0.0.1/24 is
 * 10.0.0.0/24); mask.bridge is all ones (a rule is its bridge's only),
 * match.bridge is the caller's to set.
 *
 * Actions: output:PORT, normal, flood, drop, push_vlan:VID, pop_vlan
 * (strip_vlan), mod_vlan_vid:VID, set_tunnel:KEY, userspace; at most
 * XVS_FLOW_MAX_ACTIONS; normal, flood and drop end the list; set_tunnel
 * only before an output; `actions=` and `actions=drop` drop.
 *
 * The formatters write the canonical text: fields in one order, the
 * shorthand for what dl_type and nw_proto say, no default mask, ports by
 * name where the callback knows them.  Parsing that text gives the same
 * rule, and formatting it again the same text.
 *
 * Errors are one line naming the field and why, in `err`; nothing here
 * touches anything but memory.
 */
#ifndef XVS_FLOW_PARSE_H
#define XVS_FLOW_PARSE_H

#include <stddef.h>
#include <linux/types.h>
#include "maps/flow.h"

#define FLOW_PRIO_DEFAULT	32768	/* OVS's */
/* Longest canonical text: every field with a mask, eight actions. */
#define FLOW_TEXT_LEN		1024

/* name -> ifindex or tunnel vport id; 0 or -ENOENT */
typedef int (*flow_port_fn)(void *arg, const char *name, __u32 *id);
/* ifindex or vport id -> name in buf; 0, or -ENOENT: shown as the number.
 * NULL callbacks (either kind): ports are numbers.
 */
typedef int (*flow_name_fn)(void *arg, __u32 id, char *buf, size_t len);

/* Parse a match ("in_port=tap0,tcp,nw_dst=10.0.0.0/24,tp_dst=22"); `priority`
 * NULL: priority= is refused; else it is parsed (default 32768, as OVS). Sets
 * match (masked) and mask; bridge is left 0 for the caller. 0 or -EINVAL with a
 * one-line message in err naming the field and why. */
int flow_parse_match(const char *text, flow_port_fn port, void *arg,
		     struct xvs_flow_key *match, struct xvs_flow_key *mask,
		     __u32 *priority, char *err, size_t errlen);
/* "MATCH actions=A,B,..." into a whole rule (match, mask, priority, cookie, actions). */
int flow_parse_rule(const char *text, flow_port_fn port, void *arg,
		    struct xvs_flow_rule *r, char *err, size_t errlen);

/* Canonical text of a match ("tcp,in_port=tap0,tp_dst=22"; "" matches
 * everything), of a rule's actions ("output:tap1", "drop"), and of a
 * whole rule as flow_parse_rule() reads it ("priority=200,tcp,tp_dst=22
 * actions=drop"; the cookie when it is not 0).  Each returns buf.
 */
const char *flow_format_match(const struct xvs_flow_key *match,
			      const struct xvs_flow_key *mask, flow_name_fn name,
			      void *arg, char *buf, size_t len);
const char *flow_format_actions(const struct xvs_flow_rule *r, flow_name_fn name,
				void *arg, char *buf, size_t len);
const char *flow_format_rule(const struct xvs_flow_rule *r, flow_name_fn name,
			     void *arg, char *buf, size_t len);

#endif /* XVS_FLOW_PARSE_H */

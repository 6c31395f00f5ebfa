// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/flow_parse.c - see flow_parse.h.
 *
 * One table describes the match fields: where each lives in struct
 * xvs_flow_key, how its value is written and which protocol it needs.
 * Fields that share a member (nw_src, arp_spa, ipv6_src) are neighbours
 * in it, the one with the narrowest prerequisite first.  Parsing fills
 * the key token by token, noting who set each member, and checks the
 * prerequisites once the whole match is read, so the order of the fields
 * does not matter (as in OVS).  Formatting walks the same table and
 * names each member by the first of its fields whose prerequisite the
 * rule meets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_ether.h>

#include "flow_parse.h"
#include "util.h"

/* How a field's value is written, and how it is stored. */
enum field_kind {
	FK_PORT,	/* __u32 ifindex or vport id, by name */
	FK_MAC,		/* 6 bytes, /mask */
	FK_VLAN,	/* __u16 host order, 0..4094 */
	FK_ETHTYPE,	/* __be16 */
	FK_IPV4,	/* word 0 of nw_src/nw_dst, /prefix or /mask */
	FK_IPV6,	/* 16 bytes, /prefix */
	FK_U8,		/* nw_proto, arp_op */
	FK_L4PORT,	/* __be16, /mask */
	FK_ICMP,	/* __be16 holding 0..255 */
	FK_TUN,		/* __be32 GRE key, /mask */
};

static const struct {
	unsigned char size;
	bool maskable;
	const char *want;	/* for "bad value" */
} kinds[] = {
	[FK_PORT]	= { 4, false, "a port name" },
	[FK_MAC]	= { 6, true, "aa:bb:cc:dd:ee:ff[/mask]" },
	[FK_VLAN]	= { 2, false, "0..4094, 0 for no VLAN" },
	[FK_ETHTYPE]	= { 2, false, "0..0xffff" },
	[FK_IPV4]	= { 4, true, "A.B.C.D[/prefix or /mask]" },
	[FK_IPV6]	= { 16, true, "an IPv6 address[/prefix]" },
	[FK_U8]		= { 1, false, "0..255" },
	[FK_L4PORT]	= { 2, true, "0..65535[/mask]" },
	[FK_ICMP]	= { 2, false, "0..255" },
	[FK_TUN]	= { 4, true, "0..4294967295[/mask]" },
};

enum field_need {
	NEED_NONE,
	NEED_IP_ARP,
	NEED_IP_ANY,
	NEED_IPV6,
	NEED_ARP,
	NEED_L4,
	NEED_ICMP,
};

static const char *const need_text[] = {
	[NEED_IP_ARP]	= "ip or arp",
	[NEED_IP_ANY]	= "ip or ipv6",
	[NEED_IPV6]	= "ipv6",
	[NEED_ARP]	= "arp",
	[NEED_L4]	= "tcp, udp or sctp",
	[NEED_ICMP]	= "icmp or icmp6",
};

struct field {
	const char *name;
	enum field_kind kind;
	unsigned short off;	/* in struct xvs_flow_key */
	enum field_need need;
};

#define FIELD(n, k, member, nd) { n, k, offsetof(struct xvs_flow_key, member), nd }

/* In canonical order; fields of one member together, the narrowest first. */
static const struct field fields[] = {
	FIELD("in_port", FK_PORT, in_port, NEED_NONE),
	FIELD("dl_vlan", FK_VLAN, dl_vlan, NEED_NONE),
	FIELD("dl_src", FK_MAC, dl_src, NEED_NONE),
	FIELD("dl_dst", FK_MAC, dl_dst, NEED_NONE),
	FIELD("dl_type", FK_ETHTYPE, dl_type, NEED_NONE),
	FIELD("arp_spa", FK_IPV4, nw_src, NEED_ARP),
	FIELD("ipv6_src", FK_IPV6, nw_src, NEED_IPV6),
	FIELD("nw_src", FK_IPV4, nw_src, NEED_IP_ARP),
	FIELD("arp_tpa", FK_IPV4, nw_dst, NEED_ARP),
	FIELD("ipv6_dst", FK_IPV6, nw_dst, NEED_IPV6),
	FIELD("nw_dst", FK_IPV4, nw_dst, NEED_IP_ARP),
	FIELD("arp_op", FK_U8, nw_proto, NEED_ARP),
	FIELD("nw_proto", FK_U8, nw_proto, NEED_IP_ANY),
	FIELD("icmp_type", FK_ICMP, tp_src, NEED_ICMP),
	FIELD("tp_src", FK_L4PORT, tp_src, NEED_L4),
	FIELD("icmp_code", FK_ICMP, tp_dst, NEED_ICMP),
	FIELD("tp_dst", FK_L4PORT, tp_dst, NEED_L4),
	FIELD("tun_id", FK_TUN, tun_id, NEED_NONE),
};

/* Canonical: the most specific that fits, so the protocols first. */
static const struct shorthand {
	const char *name;
	__u16 dl_type;
	__u8 proto;		/* 0: dl_type only */
} shorthands[] = {
	{ "tcp", ETH_P_IP, IPPROTO_TCP },
	{ "udp", ETH_P_IP, IPPROTO_UDP },
	{ "sctp", ETH_P_IP, IPPROTO_SCTP },
	{ "icmp", ETH_P_IP, IPPROTO_ICMP },
	{ "tcp6", ETH_P_IPV6, IPPROTO_TCP },
	{ "udp6", ETH_P_IPV6, IPPROTO_UDP },
	{ "icmp6", ETH_P_IPV6, IPPROTO_ICMPV6 },
	{ "ip", ETH_P_IP, 0 },
	{ "ipv6", ETH_P_IPV6, 0 },
	{ "arp", ETH_P_ARP, 0 },
};

enum action_arg { AA_NONE, AA_PORT, AA_VID, AA_KEY };

/* The first name of a type is its canonical one. */
static const struct {
	const char *name;
	__u16 type;
	enum action_arg arg;
} actions[] = {
	{ "output", XVS_FA_OUTPUT, AA_PORT },
	{ "normal", XVS_FA_NORMAL, AA_NONE },
	{ "flood", XVS_FA_FLOOD, AA_NONE },
	{ "drop", XVS_FA_DROP, AA_NONE },
	{ "push_vlan", XVS_FA_PUSH_VLAN, AA_VID },
	{ "pop_vlan", XVS_FA_POP_VLAN, AA_NONE },
	{ "strip_vlan", XVS_FA_POP_VLAN, AA_NONE },
	{ "mod_vlan_vid", XVS_FA_MOD_VLAN, AA_VID },
	{ "set_tunnel", XVS_FA_SET_TUNNEL, AA_KEY },
	{ "userspace", XVS_FA_USERSPACE, AA_NONE },
};

static bool action_terminal(__u16 type)
{
	return type == XVS_FA_NORMAL || type == XVS_FA_FLOOD || type == XVS_FA_DROP;
}

static int __attribute__((format(printf, 3, 4)))
errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Decimal, or hex after 0x; nothing else, at most max. */
static int parse_num(const char *s, __u64 max, __u64 *out)
{
	int base = 10;
	char *end;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		base = 16;
		s += 2;
	}
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, base);
	return errno || *end || *out > max ? -EINVAL : 0;
}

/* --- match ------------------------------------------------------------ */

struct match_parse {
	struct xvs_flow_key *match, *mask;
	flow_port_fn port;
	void *arg;
	/* Who set the key member at each offset, for duplicates. */
	const char *by[sizeof(struct xvs_flow_key)];
	const struct field *given[ARRAY_SIZE(fields)];
	int ngiven;
	bool has_priority, has_cookie;
	char *err;
	size_t errlen;
};

static int claim(struct match_parse *mp, size_t off, const char *name)
{
	const char *was = mp->by[off];

	if (!was) {
		mp->by[off] = name;
		return 0;
	}
	if (!strcmp(was, name))
		return errf(mp->err, mp->errlen, "%s given twice", name);
	return errf(mp->err, mp->errlen, "%s conflicts with %s", name, was);
}

/* The first `bits` bits of n bytes set, the rest clear. */
static void prefix_mask(__u8 *m, int n, int bits)
{
	int i;

	for (i = 0; i < n; i++, bits -= 8)
		m[i] = bits >= 8 ? 0xff : bits > 0 ? (__u8)(0xff << (8 - bits)) : 0;
}

/* The prefix length of a mask of n bytes, or -1 if it is no prefix. */
static int mask_prefix(const __u8 *m, int n)
{
	int i, bits = 0;

	for (i = 0; i < n && m[i] == 0xff; i++)
		bits += 8;
	if (i < n) {
		__u8 b = m[i];

		for (; b & 0x80; b <<= 1)
			bits++;
		if (b)
			return -1;
		for (i++; i < n; i++)
			if (m[i])
				return -1;
	}
	return bits;
}

static int parse_addr(int af, const char *v, const char *m, __u8 *val, __u8 *mask)
{
	int n = af == AF_INET ? 4 : 16;
	__u64 bits;

	if (inet_pton(af, v, val) != 1)
		return -EINVAL;
	if (!m) {
		prefix_mask(mask, n, n * 8);
		return 0;
	}
	if (strchr(m, af == AF_INET ? '.' : ':'))
		return inet_pton(af, m, mask) == 1 ? 0 : -EINVAL;
	if (parse_num(m, n * 8, &bits))
		return -EINVAL;
	prefix_mask(mask, n, bits);
	return 0;
}

/* A number field's value and mask: host order into __u64s. */
static int parse_masked_num(const char *v, const char *m, __u64 max, __u64 *val,
			    __u64 *mask)
{
	*mask = max;
	return parse_num(v, max, val) || (m && parse_num(m, max, mask)) ? -EINVAL : 0;
}

/* A port by name, else by number (what the formatters fall back to). */
static int parse_port(flow_port_fn port, void *arg, const char *v, __u32 *id)
{
	__u64 n;

	if (port && !port(arg, v, id))
		return 0;
	if (parse_num(v, UINT32_MAX, &n) || !n)
		return -ENOENT;
	*id = n;
	return 0;
}

/* One field's value (and mask) into val/mask, in the key's byte order. */
static int parse_value(struct match_parse *mp, const struct field *f,
		       const char *v, const char *m, __u8 *val, __u8 *mask)
{
	__u64 a, b;
	__u32 u32;
	__u16 u16;

	switch (f->kind) {
	case FK_PORT:
		if (parse_port(mp->port, mp->arg, v, &u32))
			return -ENOENT;
		memcpy(val, &u32, 4);
		memset(mask, 0xff, 4);
		return 0;
	case FK_MAC:
		memset(mask, 0xff, 6);
		return mac_parse(v, val) || (m && mac_parse(m, mask)) ? -EINVAL : 0;
	case FK_IPV4:
		return parse_addr(AF_INET, v, m, val, mask);
	case FK_IPV6:
		return parse_addr(AF_INET6, v, m, val, mask);
	case FK_VLAN:
	case FK_ETHTYPE:
	case FK_L4PORT:
	case FK_ICMP:
		if (parse_masked_num(v, m, f->kind == FK_VLAN ? 4094 :
				     f->kind == FK_ICMP ? 255 : 0xffff, &a, &b))
			return -EINVAL;
		u16 = f->kind == FK_VLAN ? a : htons(a);
		memcpy(val, &u16, 2);
		u16 = f->kind == FK_L4PORT ? htons(b) : 0xffff;
		memcpy(mask, &u16, 2);
		return 0;
	case FK_U8:
		if (parse_num(v, 255, &a))
			return -EINVAL;
		*val = a;
		*mask = 0xff;
		return 0;
	case FK_TUN:
		if (parse_masked_num(v, m, UINT32_MAX, &a, &b))
			return -EINVAL;
		u32 = htonl(a);
		memcpy(val, &u32, 4);
		u32 = htonl(b);
		memcpy(mask, &u32, 4);
		return 0;
	}
	return -EINVAL;
}

static const struct field *field_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

static void put_masked(struct match_parse *mp, size_t off, const __u8 *val,
		       const __u8 *mask, size_t n)
{
	__u8 *k = (__u8 *)mp->match + off, *mk = (__u8 *)mp->mask + off;
	size_t i;

	for (i = 0; i < n; i++) {
		k[i] = val[i] & mask[i];
		mk[i] = mask[i];
	}
}

static int parse_field(struct match_parse *mp, const struct field *f, char *v)
{
	__u8 val[16] = {}, mask[16] = {};
	char *m = strchr(v, '/');
	int e;

	if (m) {
		*m++ = '\0';
		if (!kinds[f->kind].maskable)
			return errf(mp->err, mp->errlen, "%s takes no mask", f->name);
	}
	e = parse_value(mp, f, v, m, val, mask);
	if (e == -ENOENT)
		return errf(mp->err, mp->errlen, "%s: no port '%s'", f->name, v);
	if (e)
		return errf(mp->err, mp->errlen, "%s: bad value '%s%s%s' (want %s)",
			    f->name, v, m ? "/" : "", m ?: "", kinds[f->kind].want);
	e = claim(mp, f->off, f->name);
	if (e)
		return e;
	put_masked(mp, f->off, val, mask, kinds[f->kind].size);
	mp->given[mp->ngiven++] = f;
	return 0;
}

static int parse_shorthand(struct match_parse *mp, const struct shorthand *s)
{
	size_t off = offsetof(struct xvs_flow_key, dl_type);
	__be16 t = htons(s->dl_type);
	const char *was = mp->by[off];
	__u8 ff = 0xff;
	/* A network and a protocol over it (`ip,udp`, as OVS takes them)
	 * say the same EtherType twice: that is no conflict.
	 */
	bool same = was && strcmp(was, s->name) && mp->mask->dl_type == 0xffff &&
		    mp->match->dl_type == t;

	if ((!same && claim(mp, off, s->name)) ||
	    (s->proto && claim(mp, offsetof(struct xvs_flow_key, nw_proto), s->name)))
		return -EINVAL;
	put_masked(mp, offsetof(struct xvs_flow_key, dl_type), (__u8 *)&t,
		   (__u8 *)"\xff\xff", 2);
	if (s->proto)
		put_masked(mp, offsetof(struct xvs_flow_key, nw_proto), &s->proto, &ff, 1);
	return 0;
}

/* priority= and cookie=: where the caller takes them, once each. */
static int parse_meta(struct match_parse *mp, const char *name, const char *v,
		      __u32 *priority, __u64 *cookie)
{
	bool prio = !strcmp(name, "priority");
	bool *seen = prio ? &mp->has_priority : &mp->has_cookie;
	__u64 n;

	if (prio ? !priority : !cookie)
		return errf(mp->err, mp->errlen, "%s= is not allowed here", name);
	if (*seen)
		return errf(mp->err, mp->errlen, "%s given twice", name);
	*seen = true;
	if (!v || parse_num(v, prio ? XVS_FLOW_PRIO_MAX : UINT64_MAX, &n))
		return errf(mp->err, mp->errlen, "%s: bad value '%s' (want %s)", name,
			    v ?: "", prio ? "0..65535" : "a number");
	if (prio)
		*priority = n;
	else
		*cookie = n;
	return 0;
}

static int parse_token(struct match_parse *mp, char *tok, __u32 *priority,
		       __u64 *cookie)
{
	char *v = strchr(tok, '=');
	const struct field *f;
	size_t i;

	if (v)
		*v++ = '\0';
	if (!strcmp(tok, "priority") || !strcmp(tok, "cookie"))
		return parse_meta(mp, tok, v, priority, cookie);
	for (i = 0; !v && i < ARRAY_SIZE(shorthands); i++)
		if (!strcmp(tok, shorthands[i].name))
			return parse_shorthand(mp, &shorthands[i]);
	f = field_find(tok);
	if (!f)
		return errf(mp->err, mp->errlen, "unknown field '%s'", tok);
	if (!v || !*v)
		return errf(mp->err, mp->errlen, "%s needs a value (%s=%s)", tok, tok,
			    kinds[f->kind].want);
	return parse_field(mp, f, v);
}

static bool need_ok(enum field_need need, const struct xvs_flow_key *k,
		    const struct xvs_flow_key *m)
{
	__u16 t = m->dl_type == 0xffff ? ntohs(k->dl_type) : 0;
	__u8 p = m->nw_proto == 0xff ? k->nw_proto : 0;
	bool ip = t == ETH_P_IP, ip6 = t == ETH_P_IPV6;

	switch (need) {
	case NEED_NONE:
		return true;
	case NEED_IP_ARP:
		return ip || t == ETH_P_ARP;
	case NEED_IP_ANY:
		return ip || ip6;
	case NEED_IPV6:
		return ip6;
	case NEED_ARP:
		return t == ETH_P_ARP;
	case NEED_L4:
		return (ip || ip6) && (p == IPPROTO_TCP || p == IPPROTO_UDP ||
				       p == IPPROTO_SCTP);
	case NEED_ICMP:
		return (ip && p == IPPROTO_ICMP) || (ip6 && p == IPPROTO_ICMPV6);
	}
	return false;
}

static int parse_match(const char *text, flow_port_fn port, void *arg,
		       struct xvs_flow_key *match, struct xvs_flow_key *mask,
		       __u32 *priority, __u64 *cookie, char *err, size_t errlen)
{
	struct match_parse mp = { .match = match, .mask = mask, .port = port,
				  .arg = arg, .err = err, .errlen = errlen };
	char *copy, *tok, *save = NULL;
	int i, e = 0;

	memset(match, 0, sizeof(*match));
	memset(mask, 0, sizeof(*mask));
	mask->bridge = ~0U;
	if (priority)
		*priority = FLOW_PRIO_DEFAULT;
	copy = strdup(text);
	if (!copy)
		return errf(err, errlen, "out of memory");
	for (tok = strtok_r(copy, ", \t\n", &save); tok && !e;
	     tok = strtok_r(NULL, ", \t\n", &save))
		e = parse_token(&mp, tok, priority, cookie);
	free(copy);
	for (i = 0; !e && i < mp.ngiven; i++)
		if (!need_ok(mp.given[i]->need, match, mask))
			e = errf(err, errlen, "%s needs %s", mp.given[i]->name,
				 need_text[mp.given[i]->need]);
	return e;
}

int flow_parse_match(const char *text, flow_port_fn port, void *arg,
		     struct xvs_flow_key *match, struct xvs_flow_key *mask,
		     __u32 *priority, char *err, size_t errlen)
{
	return parse_match(text, port, arg, match, mask, priority, NULL, err, errlen);
}

/* --- actions ---------------------------------------------------------- */

static int parse_action(char *tok, flow_port_fn port, void *arg,
			struct xvs_flow_action *a, char *err, size_t errlen)
{
	char *v = strchr(tok, ':');
	size_t i;
	__u64 n;

	if (v)
		*v++ = '\0';
	for (i = 0; i < ARRAY_SIZE(actions) && strcmp(tok, actions[i].name); i++)
		;
	if (i == ARRAY_SIZE(actions))
		return errf(err, errlen, "actions: unknown action '%s'", tok);
	a->type = actions[i].type;
	if (actions[i].arg == AA_NONE)
		return v ? errf(err, errlen, "%s takes no argument", tok) : 0;
	if (!v || !*v)
		return errf(err, errlen, "%s needs an argument (%s:%s)", tok, tok,
			    actions[i].arg == AA_PORT ? "PORT" :
			    actions[i].arg == AA_VID ? "VID" : "KEY");
	switch (actions[i].arg) {
	case AA_PORT:
		if (parse_port(port, arg, v, &a->arg))
			return errf(err, errlen, "%s: no port '%s'", tok, v);
		return 0;
	case AA_VID:
		if (parse_num(v, 4094, &n) || !n)
			return errf(err, errlen, "%s: bad VLAN '%s' (want 1..4094)", tok, v);
		a->vid = n;
		return 0;
	default:
		if (parse_num(v, UINT32_MAX, &n))
			return errf(err, errlen, "%s: bad key '%s' (want 0..4294967295)", tok, v);
		a->arg = htonl(n);
		return 0;
	}
}

/* What no single action can say: order and count. */
static int check_actions(const struct xvs_flow_rule *r, char *err, size_t errlen)
{
	__u32 i, j;

	for (i = 0; i < r->n_actions; i++) {
		__u16 t = r->actions[i].type;

		if (action_terminal(t) && i + 1 < r->n_actions)
			return errf(err, errlen, "%s must be the last action",
				    t == XVS_FA_DROP ? "drop" : t == XVS_FA_FLOOD ?
				    "flood" : "normal");
		for (j = i + 1; t == XVS_FA_SET_TUNNEL && j < r->n_actions; j++)
			if (r->actions[j].type == XVS_FA_OUTPUT)
				break;
		if (t == XVS_FA_SET_TUNNEL && j == r->n_actions)
			return errf(err, errlen, "set_tunnel needs an output after it");
	}
	return 0;
}

static int parse_actions(const char *text, flow_port_fn port, void *arg,
			 struct xvs_flow_rule *r, char *err, size_t errlen)
{
	char *copy, *tok, *save = NULL;
	int e = 0;

	copy = strdup(text);
	if (!copy)
		return errf(err, errlen, "out of memory");
	for (tok = strtok_r(copy, ", \t\n", &save); tok && !e;
	     tok = strtok_r(NULL, ", \t\n", &save)) {
		if (r->n_actions == XVS_FLOW_MAX_ACTIONS)
			e = errf(err, errlen, "actions: more than %d", XVS_FLOW_MAX_ACTIONS);
		else
			e = parse_action(tok, port, arg, &r->actions[r->n_actions++],
					 err, errlen);
	}
	free(copy);
	if (!e && !r->n_actions)
		r->actions[r->n_actions++].type = XVS_FA_DROP;
	return e ? e : check_actions(r, err, errlen);
}

/* "actions=" as a word of its own: at the start, or after ',' or blank. */
static const char *find_actions(const char *text)
{
	const char *p;

	for (p = strstr(text, "actions="); p; p = strstr(p + 1, "actions="))
		if (p == text || strchr(", \t", p[-1]))
			return p;
	return NULL;
}

int flow_parse_rule(const char *text, flow_port_fn port, void *arg,
		    struct xvs_flow_rule *r, char *err, size_t errlen)
{
	const char *acts = find_actions(text);
	char *match;
	int e;

	memset(r, 0, sizeof(*r));
	if (!acts)
		return errf(err, errlen, "actions: missing (MATCH actions=ACTION,...)");
	match = strndup(text, acts - text);
	if (!match)
		return errf(err, errlen, "out of memory");
	e = parse_match(match, port, arg, &r->match, &r->mask, &r->priority,
			&r->cookie, err, errlen);
	free(match);
	return e ? e : parse_actions(acts + strlen("actions="), port, arg, r, err, errlen);
}

/* --- formatting ------------------------------------------------------- */

struct fbuf {
	char *buf;
	size_t len, pos;
};

static void __attribute__((format(printf, 2, 3)))
put(struct fbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->pos >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	b->pos = n < 0 ? b->len : b->pos + n;
}

static void put_port(struct fbuf *b, __u32 id, flow_name_fn name, void *arg)
{
	char n[64];

	if (name && !name(arg, id, n, sizeof(n)))
		put(b, "%s", n);
	else
		put(b, "%u", id);
}

static void put_addr(struct fbuf *b, int af, const __u8 *v, const __u8 *m)
{
	char s[INET6_ADDRSTRLEN];
	int n = af == AF_INET ? 4 : 16, bits = mask_prefix(m, n);

	put(b, "%s", inet_ntop(af, v, s, sizeof(s)) ?: "?");
	if (bits >= 0 && bits < n * 8)
		put(b, "/%d", bits);
	else if (bits < 0)
		put(b, "/%s", inet_ntop(af, m, s, sizeof(s)) ?: "?");
}

static void put_value(struct fbuf *b, const struct field *f, const __u8 *v,
		      const __u8 *m, flow_name_fn name, void *arg)
{
	char mac[MAC_STRLEN];
	__u16 u16, m16;
	__u32 u32, m32;

	memcpy(&u16, v, 2);
	memcpy(&m16, m, 2);
	memcpy(&u32, v, 4);
	memcpy(&m32, m, 4);
	switch (f->kind) {
	case FK_PORT:
		put_port(b, u32, name, arg);
		break;
	case FK_MAC:
		put(b, "%s", mac_fmt(v, mac));
		if (memcmp(m, "\xff\xff\xff\xff\xff\xff", 6))
			put(b, "/%s", mac_fmt(m, mac));
		break;
	case FK_VLAN:
		put(b, "%u", u16);
		break;
	case FK_ETHTYPE:
		put(b, "0x%04x", ntohs(u16));
		break;
	case FK_IPV4:
		put_addr(b, AF_INET, v, m);
		break;
	case FK_IPV6:
		put_addr(b, AF_INET6, v, m);
		break;
	case FK_U8:
		put(b, "%u", *v);
		break;
	case FK_L4PORT:
		if (m16 == 0xffff)
			put(b, "%u", ntohs(u16));
		else
			put(b, "0x%x/0x%x", ntohs(u16), ntohs(m16));
		break;
	case FK_ICMP:
		put(b, "%u", ntohs(u16));
		break;
	case FK_TUN:
		put(b, "0x%x", ntohl(u32));
		if (m32 != 0xffffffff)
			put(b, "/0x%x", ntohl(m32));
		break;
	}
}

static const struct shorthand *shorthand_of(const struct xvs_flow_key *k,
					    const struct xvs_flow_key *m)
{
	size_t i;

	if (m->dl_type != 0xffff)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(shorthands); i++)
		if (ntohs(k->dl_type) == shorthands[i].dl_type &&
		    (!shorthands[i].proto ||
		     (m->nw_proto == 0xff && k->nw_proto == shorthands[i].proto)))
			return &shorthands[i];
	return NULL;
}

static bool any_bits(const __u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return true;
	return false;
}

const char *flow_format_match(const struct xvs_flow_key *match,
			      const struct xvs_flow_key *mask, flow_name_fn name,
			      void *arg, char *buf, size_t len)
{
	const struct shorthand *s = shorthand_of(match, mask);
	bool done[sizeof(struct xvs_flow_key)] = {};
	struct fbuf b = { buf, len, 0 };
	const struct field *f;
	size_t i;
	bool last;

	buf[0] = '\0';
	if (s) {
		put(&b, "%s", s->name);
		done[offsetof(struct xvs_flow_key, dl_type)] = true;
		done[offsetof(struct xvs_flow_key, nw_proto)] = s->proto;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		f = &fields[i];
		/* The last field of a member names it when no other fits. */
		last = i + 1 == ARRAY_SIZE(fields) || fields[i + 1].off != f->off;
		if (done[f->off] || !any_bits((__u8 *)mask + f->off, kinds[f->kind].size) ||
		    (!last && !need_ok(f->need, match, mask)))
			continue;
		done[f->off] = true;
		put(&b, "%s%s=", b.pos ? "," : "", f->name);
		put_value(&b, f, (__u8 *)match + f->off, (__u8 *)mask + f->off, name, arg);
	}
	return buf;
}

const char *flow_format_actions(const struct xvs_flow_rule *r, flow_name_fn name,
				void *arg, char *buf, size_t len)
{
	struct fbuf b = { buf, len, 0 };
	const struct xvs_flow_action *a;
	size_t i, j;

	buf[0] = '\0';
	if (!r->n_actions)
		put(&b, "drop");
	for (i = 0; i < r->n_actions && i < XVS_FLOW_MAX_ACTIONS; i++) {
		a = &r->actions[i];
		for (j = 0; j < ARRAY_SIZE(actions) && actions[j].type != a->type; j++)
			;
		put(&b, "%s%s", i ? "," : "", j < ARRAY_SIZE(actions) ?
		    actions[j].name : "unknown");
		if (j == ARRAY_SIZE(actions)) {
			put(&b, "(%u)", a->type);
			continue;
		}
		if (actions[j].arg == AA_PORT) {
			put(&b, ":");
			put_port(&b, a->arg, name, arg);
		} else if (actions[j].arg == AA_VID) {
			put(&b, ":%u", a->vid);
		} else if (actions[j].arg == AA_KEY) {
			put(&b, ":0x%x", ntohl(a->arg));
		}
	}
	return buf;
}

const char *flow_format_rule(const struct xvs_flow_rule *r, flow_name_fn name,
			     void *arg, char *buf, size_t len)
{
	char m[FLOW_TEXT_LEN], a[FLOW_TEXT_LEN];
	struct fbuf b = { buf, len, 0 };

	flow_format_match(&r->match, &r->mask, name, arg, m, sizeof(m));
	flow_format_actions(r, name, arg, a, sizeof(a));
	buf[0] = '\0';
	put(&b, "priority=%u", r->priority);
	if (r->cookie)
		put(&b, ",cookie=0x%llx", (unsigned long long)r->cookie);
	put(&b, "%s%s actions=%s", *m ? "," : "", m, a);
	return buf;
}

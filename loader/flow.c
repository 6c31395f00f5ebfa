// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/flow.c - the flow table's writer; see flow.h.
 *
 * Memory mirrors xvs_rules slot for slot.  A group (bridge, mask id,
 * match) is found through its xvs_flows entry, which names the group's
 * winner; from there `next` chains the group's other rules, best first.
 * Adoption is the one place that builds the groups without that index:
 * it sorts every rule read back and writes xvs_flows to agree.
 *
 * Slots are allocated round-robin, so a freed slot is not soon reused,
 * and freeing one clears only its flag: a frame that looked the rule up
 * just before reads the same actions, or sees the rule is gone.  Mask ids
 * are allocated round-robin too, and an id is freed only after an
 * xvs_cls without it is written, so an id the fast path may still search
 * never names another mask.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "flow.h"
#include "log.h"
#include "util.h"
#include "maps/port.h"

#define SLOT_NONE	0xffffffffU

struct flow_bridge {
	struct xvs_flow_key masks[XVS_FLOW_MAX_MASKS];	/* by mask id */
	__u32 mask_rules[XVS_FLOW_MAX_MASKS];	/* rules per mask id; 0: free */
	__u32 n_rules;
	__u32 gen;			/* of the last xvs_cls written; 0: none */
	__u32 next_mask;		/* where the search for a free id starts */
};

struct flow_table {
	struct flow_maps m;
	struct xvs_flow_rule rules[XVS_FLOW_MAX_RULES];	/* as in xvs_rules */
	__u32 next[XVS_FLOW_MAX_RULES];	/* the group's next rule, or SLOT_NONE */
	__u8 mask_id[XVS_FLOW_MAX_RULES];
	__u32 n_rules, next_slot, next_id;
	struct flow_bridge br[XVS_MAX_BRIDGES];
};

static bool used(const struct flow_table *t, __u32 s)
{
	return t->rules[s].flags & XVS_FLOW_F_USED;
}

/* Does a win over b in their group?  Higher priority, then older. */
static bool rule_before(const struct xvs_flow_rule *a, const struct xvs_flow_rule *b)
{
	return a->priority != b->priority ? a->priority > b->priority : a->id < b->id;
}

static struct xvs_flows_key group_key(const struct flow_table *t, __u32 s)
{
	struct xvs_flows_key k;

	memset(&k, 0, sizeof(k));
	k.match = t->rules[s].match;
	k.mask_id = t->mask_id[s];
	return k;
}

static __u32 group_head(const struct flow_table *t, const struct xvs_flows_key *k)
{
	struct xvs_flows_val v;

	if (bpf_map_lookup_elem(t->m.flows, k, &v) || v.slot >= XVS_FLOW_MAX_RULES)
		return SLOT_NONE;
	return v.slot;
}

static int group_set_head(struct flow_table *t, const struct xvs_flows_key *k, __u32 s)
{
	struct xvs_flows_val v = { .slot = s };

	if (s == SLOT_NONE)
		return bpf_map_delete_elem(t->m.flows, k) && errno != ENOENT ? -errno : 0;
	v.priority = t->rules[s].priority;
	v.id = t->rules[s].id;
	return bpf_map_update_elem(t->m.flows, k, &v, BPF_ANY) ? -errno : 0;
}

/* Chain slot s into its group, in order; the fast path sees it if it wins. */
static int group_insert(struct flow_table *t, __u32 s)
{
	struct xvs_flows_key k = group_key(t, s);
	__u32 head = group_head(t, &k), *pp = &head;

	while (*pp != SLOT_NONE && rule_before(&t->rules[*pp], &t->rules[s]))
		pp = &t->next[*pp];
	t->next[s] = *pp;
	*pp = s;
	return pp == &head ? group_set_head(t, &k, s) : 0;
}

static void group_remove(struct flow_table *t, __u32 s)
{
	struct xvs_flows_key k = group_key(t, s);
	__u32 p = group_head(t, &k);

	if (p == s) {
		if (group_set_head(t, &k, t->next[s]))
			pr_err("Couldn't update xvs_flows: %s", strerror(errno));
	} else {
		while (p != SLOT_NONE && t->next[p] != s)
			p = t->next[p];
		if (p != SLOT_NONE)
			t->next[p] = t->next[s];
	}
	t->next[s] = SLOT_NONE;
}

/* The rule of the group with this priority, if there is one. */
static __u32 group_find(const struct flow_table *t, const struct xvs_flows_key *k,
			__u32 priority)
{
	__u32 s = group_head(t, k);

	while (s != SLOT_NONE && t->rules[s].priority > priority)
		s = t->next[s];
	return s != SLOT_NONE && t->rules[s].priority == priority ? s : SLOT_NONE;
}

static int mask_find(const struct flow_bridge *b, const struct xvs_flow_key *mask)
{
	int i;

	for (i = 0; i < XVS_FLOW_MAX_MASKS; i++)
		if (b->mask_rules[i] && !memcmp(&b->masks[i], mask, sizeof(*mask)))
			return i;
	return -1;
}

static int mask_alloc(struct flow_bridge *b, const struct xvs_flow_key *mask)
{
	int i, id;

	for (i = 0; i < XVS_FLOW_MAX_MASKS; i++) {
		id = (b->next_mask + i) % XVS_FLOW_MAX_MASKS;
		if (!b->mask_rules[id]) {
			b->masks[id] = *mask;
			b->next_mask = id + 1;
			return id;
		}
	}
	return -ENOSPC;
}

/* The next generation of a bridge: never 0, never one of this bridge's
 * earlier ones while the daemon runs.  A bridge seen for the first time
 * starts from the clock (ms), away from the generations a daemon before
 * may have left in the cache.
 */
static __u32 gen_next(struct flow_bridge *b)
{
	__u32 g = b->gen ? b->gen + 1 : (__u32)(now_ns() / 1000000);

	return g ? g : 1;
}

/* The bridge's masks, best first, and the next generation, in one write. */
static int cls_write(struct flow_table *t, __u32 bridge)
{
	__u32 maxp[XVS_FLOW_MAX_MASKS] = {}, s, i, j, n = 0;
	struct flow_bridge *b = &t->br[bridge];
	struct xvs_cls c;

	memset(&c, 0, sizeof(c));
	for (s = 0; s < XVS_FLOW_MAX_RULES; s++)
		if (used(t, s) && t->rules[s].match.bridge == bridge &&
		    t->rules[s].priority > maxp[t->mask_id[s]])
			maxp[t->mask_id[s]] = t->rules[s].priority;
	for (i = 0; i < XVS_FLOW_MAX_MASKS; i++) {
		if (!b->mask_rules[i])
			continue;
		for (j = n++; j > 0 && c.masks[j - 1].max_priority < maxp[i]; j--)
			c.masks[j] = c.masks[j - 1];
		c.masks[j].mask = b->masks[i];
		c.masks[j].id = i;
		c.masks[j].max_priority = maxp[i];
	}
	c.n_masks = n;
	c.n_rules = b->n_rules;
	c.gen = gen_next(b);
	if (bpf_map_update_elem(t->m.cls, &bridge, &c, BPF_ANY))
		return -errno;
	b->gen = c.gen;
	return 0;
}

/* Set or clear XVS_PORT_F_FLOWS on every port of the bridge. */
static void ports_flag(struct flow_table *t, __u32 bridge, bool on)
{
	__u32 keys[XVS_MAX_PORTS], key, *prev = NULL;
	struct xvs_port p;
	int n = 0, i;

	while (n < XVS_MAX_PORTS && !bpf_map_get_next_key(t->m.ports, prev, &key)) {
		keys[n] = key;
		prev = &keys[n++];
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(t->m.ports, &keys[i], &p) || p.bridge != bridge ||
		    (p.flags & XVS_PORT_F_UNDERLAY) ||
		    !(p.flags & XVS_PORT_F_FLOWS) == !on)
			continue;
		p.flags ^= XVS_PORT_F_FLOWS;
		if (bpf_map_update_elem(t->m.ports, &keys[i], &p, BPF_EXIST))
			pr_err("port %s: Couldn't %s its flow flag: %s", p.name,
			       on ? "set" : "clear", strerror(errno));
	}
}

/* The bridge's rule set changed: publish it, and flag its ports to match. */
static int bridge_publish(struct flow_table *t, __u32 bridge)
{
	int e;

	if (!t->br[bridge].n_rules) {
		ports_flag(t, bridge, false);
		if (bpf_map_delete_elem(t->m.cls, &bridge) && errno != ENOENT)
			return -errno;
		return 0;
	}
	e = cls_write(t, bridge);
	if (!e)
		ports_flag(t, bridge, true);
	return e;
}

/* --- slots ------------------------------------------------------------ */

static __u32 slot_alloc(struct flow_table *t)
{
	__u32 i, s;

	for (i = 0; i < XVS_FLOW_MAX_RULES; i++) {
		s = (t->next_slot + i) % XVS_FLOW_MAX_RULES;
		if (!used(t, s)) {
			t->next_slot = s + 1;
			return s;
		}
	}
	return SLOT_NONE;
}

/* Zero the counters, then write the rule: a fresh rule starts at 0. */
static int slot_write(struct flow_table *t, __u32 s)
{
	void *zero = calloc(ncpus(), sizeof(struct xvs_flow_stats));
	int e = 0;

	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(t->m.stats, &s, zero, BPF_ANY) ||
	    bpf_map_update_elem(t->m.rules, &s, &t->rules[s], BPF_ANY))
		e = -errno;
	free(zero);
	return e;
}

/* Only the flag: whoever read the rule a moment ago reads it whole. */
static void slot_free(struct flow_table *t, __u32 s)
{
	t->rules[s].flags &= ~XVS_FLOW_F_USED;
	if (bpf_map_update_elem(t->m.rules, &s, &t->rules[s], BPF_ANY))
		pr_err("Couldn't free flow slot %u: %s", s, strerror(errno));
}

/* --- add, delete ----------------------------------------------------- */

static __u32 rule_find(const struct flow_table *t, const struct xvs_flow_rule *r,
		       int mask_id)
{
	struct xvs_flows_key k;

	if (mask_id < 0)
		return SLOT_NONE;
	memset(&k, 0, sizeof(k));
	k.match = r->match;
	k.mask_id = mask_id;
	return group_find(t, &k, r->priority);
}

static bool same_place(const struct xvs_flow_rule *a, const struct xvs_flow_rule *b)
{
	return a->priority == b->priority &&
	       !memcmp(&a->match, &b->match, sizeof(a->match)) &&
	       !memcmp(&a->mask, &b->mask, sizeof(a->mask));
}

static int mask_count(const struct flow_bridge *b)
{
	int i, n = 0;

	for (i = 0; i < XVS_FLOW_MAX_MASKS; i++)
		n += !!b->mask_rules[i];
	return n;
}

static const char *bridge_name(const struct flow_table *t, __u32 id, char *buf,
			       size_t len)
{
	struct xvs_bridge b;

	if (bpf_map_lookup_elem(t->m.bridges, &id, &b) || !b.name[0])
		snprintf(buf, len, "#%u", id);
	else
		snprintf(buf, len, "%.*s", XVS_NAME_LEN, b.name);
	return buf;
}

/* Would these rules fit?  Counts what is new: rules that replace none
 * (there, or earlier in the list), masks the bridge lacks.
 */
static int add_check(const struct flow_table *t, __u32 bridge,
		     const struct xvs_flow_rule *v, int n, char *err, size_t errlen)
{
	const struct flow_bridge *b = &t->br[bridge];
	struct xvs_flow_key masks[XVS_FLOW_MAX_MASKS];
	int i, j, id, rules = 0, replaces = 0, nm = 0, have = mask_count(b);
	char name[XVS_NAME_LEN + 8];

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && !same_place(&v[j], &v[i]); j++)
			;
		id = mask_find(b, &v[i].mask);
		if (j == i && rule_find(t, &v[i], id) == SLOT_NONE)
			rules++;
		else
			replaces = 1;
		for (j = 0; id < 0 && j < nm && memcmp(&masks[j], &v[i].mask, sizeof(masks[j])); j++)
			;
		if (id >= 0 || j < nm)
			continue;
		if (have + nm == XVS_FLOW_MAX_MASKS) {
			snprintf(err, errlen, "too many masks in bridge %s: its rules can have %d distinct masks",
				 bridge_name(t, bridge, name, sizeof(name)), XVS_FLOW_MAX_MASKS);
			return -ENOSPC;
		}
		masks[nm++] = v[i].mask;
	}
	/* A replacement takes a slot of its own before the old one is
	 * freed: the rule the fast path may be reading is never rewritten.
	 */
	if (t->n_rules + rules + replaces > XVS_FLOW_MAX_RULES) {
		snprintf(err, errlen, "flow table full: %d rules%s", XVS_FLOW_MAX_RULES,
			 replaces ? " (a replacement needs a free slot until it is in)" : "");
		return -ENOSPC;
	}
	return 0;
}

/* Put one rule in a slot, then in its group, then publish; a rule it
 * replaces leaves its group after the new one is in, so that the group
 * never shows the rule below them meanwhile.
 */
static int rule_add(struct flow_table *t, const struct xvs_flow_rule *in, __u32 *id)
{
	__u32 bridge = in->match.bridge, s, old;
	struct flow_bridge *b = &t->br[bridge];
	int mid = mask_find(b, &in->mask), e;

	old = rule_find(t, in, mid);
	if (mid < 0)
		mid = mask_alloc(b, &in->mask);
	s = slot_alloc(t);
	if (mid < 0 || s == SLOT_NONE)
		return -ENOSPC;
	t->rules[s] = *in;
	t->rules[s].flags = XVS_FLOW_F_USED;
	t->rules[s].id = t->next_id;
	t->rules[s].created_ns = now_ns();
	t->mask_id[s] = mid;
	e = slot_write(t, s);
	if (!e)
		e = group_insert(t, s);
	if (e) {
		t->next[s] = SLOT_NONE;
		slot_free(t, s);
		return e;
	}
	t->next_id++;
	b->mask_rules[mid]++;
	if (old != SLOT_NONE) {
		group_remove(t, old);
		t->rules[old].flags &= ~XVS_FLOW_F_USED;
		b->mask_rules[mid]--;
	} else {
		b->n_rules++;
		t->n_rules++;
	}
	e = bridge_publish(t, bridge);
	if (old != SLOT_NONE)
		slot_free(t, old);
	*id = t->rules[s].id;
	return e;
}

/* Take rules out of their groups, publish, then free their slots. */
static int rules_del(struct flow_table *t, __u32 bridge, const __u32 *slots, int n)
{
	struct flow_bridge *b = &t->br[bridge];
	int i, e;

	for (i = 0; i < n; i++) {
		group_remove(t, slots[i]);
		t->rules[slots[i]].flags &= ~XVS_FLOW_F_USED;
		b->mask_rules[t->mask_id[slots[i]]]--;
		b->n_rules--;
		t->n_rules--;
	}
	e = bridge_publish(t, bridge);
	for (i = 0; i < n; i++)
		slot_free(t, slots[i]);
	return e;
}

int flow_add(struct flow_table *t, __u32 bridge, const struct xvs_flow_rule *rules,
	     int n, __u32 *ids, char *err, size_t errlen)
{
	struct xvs_flow_rule *v;
	__u32 *done, s;
	int i, e, k;

	if (!bridge || bridge >= XVS_MAX_BRIDGES) {
		snprintf(err, errlen, "no bridge #%u", bridge);
		return -ENOENT;
	}
	v = calloc(n, sizeof(*v));
	done = calloc(n, sizeof(*done));
	if (!v || !done) {
		free(v);
		free(done);
		snprintf(err, errlen, "Couldn't add flow rules: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		v[i] = rules[i];
		v[i].match.bridge = bridge;
	}
	e = add_check(t, bridge, v, n, err, errlen);
	for (i = 0; !e && i < n; i++)
		e = rule_add(t, &v[i], &done[i]);
	if (e && i) {
		/* A map refused a write: take back what went in. */
		for (k = 0; k < i; k++)
			for (s = 0; done[k] && s < XVS_FLOW_MAX_RULES; s++)
				if (used(t, s) && t->rules[s].id == done[k])
					rules_del(t, bridge, &s, 1);
		snprintf(err, errlen, "Couldn't add flow rule %d: %s", i, strerror(-e));
	}
	if (!e && ids)
		memcpy(ids, done, n * sizeof(*ids));
	free(v);
	free(done);
	return e;
}

/* Does rule r match at least as specifically as (match, mask)? */
static bool rule_covered(const struct xvs_flow_rule *r, const struct xvs_flow_key *match,
			 const struct xvs_flow_key *mask)
{
	const __u8 *rm = (const __u8 *)&r->mask, *rk = (const __u8 *)&r->match;
	const __u8 *m = (const __u8 *)mask, *k = (const __u8 *)match;
	size_t i;

	for (i = 0; i < sizeof(*mask); i++)
		if ((m[i] & ~rm[i]) || (rk[i] & m[i]) != k[i])
			return false;
	return true;
}

int flow_del(struct flow_table *t, __u32 bridge, const struct xvs_flow_key *match,
	     const struct xvs_flow_key *mask, const __u32 *strict)
{
	struct xvs_flow_key k = *match;
	const struct xvs_flow_rule *r;
	__u32 *slots, s;
	int n = 0, e;

	if (!bridge || bridge >= XVS_MAX_BRIDGES)
		return 0;
	k.bridge = bridge & mask->bridge;
	slots = calloc(XVS_FLOW_MAX_RULES, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (s = 0; s < XVS_FLOW_MAX_RULES; s++) {
		r = &t->rules[s];
		if (!used(t, s) || r->match.bridge != bridge)
			continue;
		if (strict ? r->priority == *strict &&
			     !memcmp(&r->match, &k, sizeof(k)) &&
			     !memcmp(&r->mask, mask, sizeof(*mask)) :
			     rule_covered(r, &k, mask))
			slots[n++] = s;
	}
	e = n ? rules_del(t, bridge, slots, n) : 0;
	free(slots);
	return e ? e : n;
}

void flow_del_bridge(struct flow_table *t, __u32 bridge)
{
	struct xvs_flow_key none = {};
	int n;

	if (!t || bridge >= XVS_MAX_BRIDGES || !t->br[bridge].n_rules)
		return;
	n = flow_del(t, bridge, &none, &none, NULL);
	pr_info("bridge #%u: its %d flow rule%s deleted", bridge, n, n == 1 ? "" : "s");
}

__u32 flow_bridge_rules(const struct flow_table *t, __u32 bridge)
{
	return t && bridge < XVS_MAX_BRIDGES ? t->br[bridge].n_rules : 0;
}

void flow_ports_changed(struct flow_table *t, __u32 bridge)
{
	if (t && bridge && bridge < XVS_MAX_BRIDGES && bridge_publish(t, bridge))
		pr_err("bridge #%u: Couldn't publish its flow rules: %s", bridge,
		       strerror(errno));
}

/* --- adoption --------------------------------------------------------- */

/* Order of adoption: by group, then best first; between two rules of a
 * group with one priority (a replacement cut short), the newer first.
 */
static int adopt_cmp(const void *a, const void *b, void *arg)
{
	const struct flow_table *t = arg;
	__u32 sa = *(const __u32 *)a, sb = *(const __u32 *)b;
	const struct xvs_flow_rule *x = &t->rules[sa], *y = &t->rules[sb];
	struct xvs_flows_key kx = group_key(t, sa), ky = group_key(t, sb);
	int c = memcmp(&kx, &ky, sizeof(kx));

	if (c)
		return c;
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* A mask's id in an adopted bridge: the one its xvs_cls gave it (`known`
 * ids), or one given already, or a new one that the old xvs_cls does not
 * name.
 */
static int adopt_mask(struct flow_bridge *b, __u32 known, const struct xvs_flow_key *mask)
{
	int i;

	for (i = 0; i < XVS_FLOW_MAX_MASKS; i++)
		if ((((known >> i) & 1) || b->mask_rules[i]) &&
		    !memcmp(&b->masks[i], mask, sizeof(*mask)))
			return i;
	for (i = 0; i < XVS_FLOW_MAX_MASKS; i++)
		if (!((known >> i) & 1) && !b->mask_rules[i]) {
			b->masks[i] = *mask;
			return i;
		}
	return -1;
}

/* Each bridge's generation and mask ids, from its xvs_cls; a bit per id. */
static void adopt_cls(struct flow_table *t, __u32 known[XVS_MAX_BRIDGES])
{
	struct xvs_cls c;
	__u32 br, i, id;

	for (br = 1; br < XVS_MAX_BRIDGES; br++) {
		if (bpf_map_lookup_elem(t->m.cls, &br, &c))
			continue;
		t->br[br].gen = c.gen;
		for (i = 0; i < c.n_masks && i < XVS_FLOW_MAX_MASKS; i++) {
			id = c.masks[i].id;
			if (id < XVS_FLOW_MAX_MASKS) {
				t->br[br].masks[id] = c.masks[i].mask;
				known[br] |= 1U << id;
			}
		}
	}
}

static bool bridge_exists(const struct flow_table *t, __u32 id)
{
	struct xvs_bridge b;

	return id && id < XVS_MAX_BRIDGES &&
	       !bpf_map_lookup_elem(t->m.bridges, &id, &b) && b.name[0];
}

/* Read every used slot into memory; keep the rules of bridges that
 * exist.  Returns how many, their slots in `slots`.
 */
static int adopt_read(struct flow_table *t, __u32 *slots)
{
	__u32 known[XVS_MAX_BRIDGES] = {}, s, br;
	struct xvs_flow_rule *r;
	int n = 0, id;

	adopt_cls(t, known);
	for (s = 0; s < XVS_FLOW_MAX_RULES; s++) {
		r = &t->rules[s];
		t->next[s] = SLOT_NONE;
		if (bpf_map_lookup_elem(t->m.rules, &s, r) || !(r->flags & XVS_FLOW_F_USED))
			continue;
		br = r->match.bridge;
		id = bridge_exists(t, br) ? adopt_mask(&t->br[br], known[br], &r->mask) : -1;
		if (id < 0) {
			pr_warn("flow rule %u: its bridge #%u is gone, or has no mask id left: removed",
				r->id, br);
			slot_free(t, s);
			continue;
		}
		t->mask_id[s] = id;
		t->br[br].mask_rules[id]++;
		slots[n++] = s;
		if (r->id >= t->next_id) {
			t->next_id = r->id + 1;
			t->next_slot = s + 1;
		}
	}
	return n;
}

/* Sort into groups, drop what a replacement left behind, chain each
 * group and make its xvs_flows entry name its head.  Returns the rules
 * kept; head[] marks the heads.
 */
static int adopt_groups(struct flow_table *t, __u32 *slots, int n, bool *head)
{
	struct xvs_flows_key k, prev;
	int i, kept = 0;
	__u32 s;

	qsort_r(slots, n, sizeof(*slots), adopt_cmp, t);
	for (i = 0; i < n; i++) {
		s = slots[i];
		k = group_key(t, s);
		if (kept && !memcmp(&k, &prev, sizeof(k)) &&
		    t->rules[s].priority == t->rules[slots[kept - 1]].priority) {
			pr_warn("flow rule %u: replaced by rule %u: removed", t->rules[s].id,
				t->rules[slots[kept - 1]].id);
			t->br[k.match.bridge].mask_rules[k.mask_id]--;
			slot_free(t, s);
			continue;
		}
		if (kept && !memcmp(&k, &prev, sizeof(k))) {
			t->next[slots[kept - 1]] = s;
		} else {
			head[s] = true;
			if (group_set_head(t, &k, s))
				pr_err("Couldn't write xvs_flows: %s", strerror(errno));
		}
		prev = k;
		slots[kept++] = s;
	}
	return kept;
}

/* Does this xvs_flows entry name the head of its own group? */
static bool flows_wanted(const struct flow_table *t, const bool *head,
			 const struct xvs_flows_key *k)
{
	struct xvs_flows_key want;
	struct xvs_flows_val v;

	if (bpf_map_lookup_elem(t->m.flows, k, &v) || v.slot >= XVS_FLOW_MAX_RULES ||
	    !head[v.slot])
		return false;
	want = group_key(t, v.slot);
	return !memcmp(&want, k, sizeof(want));
}

/* Delete the xvs_flows entries that name no group's head (after the walk:
 * a walk from a deleted key starts over).
 */
static void adopt_flows_gc(struct flow_table *t, const bool *head)
{
	struct xvs_flows_key *del, k, *prev = NULL;
	int n = 0, i;

	del = calloc(XVS_FLOW_MAX_RULES, sizeof(*del));
	while (del && n < XVS_FLOW_MAX_RULES &&
	       !bpf_map_get_next_key(t->m.flows, prev, &k)) {
		del[n] = k;
		prev = &del[n];
		if (!flows_wanted(t, head, &k))
			n++;
	}
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(t->m.flows, &del[i]);
	free(del);
}

int flow_table_open(struct flow_table **tp, const struct flow_maps *m)
{
	struct flow_table *t = calloc(1, sizeof(*t));
	__u32 *slots = calloc(XVS_FLOW_MAX_RULES, sizeof(*slots));
	bool *head = calloc(XVS_FLOW_MAX_RULES, sizeof(*head));
	int n = 0, i;
	__u32 br;

	if (!t || !slots || !head) {
		free(t);
		free(slots);
		free(head);
		return -ENOMEM;
	}
	t->m = *m;
	t->next_id = 1;
	n = adopt_read(t, slots);
	n = adopt_groups(t, slots, n, head);
	adopt_flows_gc(t, head);
	for (br = 1; br < XVS_MAX_BRIDGES; br++) {
		for (i = 0; i < XVS_FLOW_MAX_MASKS; i++)
			t->br[br].n_rules += t->br[br].mask_rules[i];
		t->n_rules += t->br[br].n_rules;
		if (bridge_publish(t, br))
			pr_err("bridge #%u: Couldn't publish its flow rules: %s", br,
			       strerror(errno));
	}
	if (n)
		pr_info("adopted %d pinned flow rule%s", n, n == 1 ? "" : "s");
	free(slots);
	free(head);
	*tp = t;
	return 0;
}

void flow_table_free(struct flow_table *t)
{
	free(t);
}

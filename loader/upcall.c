// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/upcall.c - reads the upcall ring buffer (maps/upcall.h).
 *
 * The event loop polls the ring's epoll fd and drains it in one batch
 * (ring_buffer__consume); each record is dispatched by type.  A record of
 * an unknown type or size is counted and skipped, never trusted.
 *
 * FLOW upcalls (a rule's `userspace` action) are counted and summed up in
 * one log line a second at most - the first frame's addresses and how
 * many came since - since a rule can send every frame of a flood.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvsd.h"
#include "log.h"
#include "util.h"
#include "maps/port.h"
#include "maps/upcall.h"

#define FLOW_LOG_NS	1000000000ULL	/* one summary line a second at most */

/* "br0 rule 7 in_port tap0 len 98: 02:00:00:00:00:01 -> 02:00:00:00:00:02
 * type 0x0800" - what one FLOW upcall says.  The frame has no 802.1Q tag
 * (maps/upcall.h).
 */
static void flow_upcall_fmt(struct xvsd *d, const struct xvs_upcall_flow *u,
			    char *buf, size_t len)
{
	char br[XVS_NAME_LEN + 8], port[IF_NAMESIZE + 8], src[MAC_STRLEN], dst[MAC_STRLEN];
	struct xvs_bridge b;
	struct xvs_port p;
	__u16 type;

	if (bpf_map_lookup_elem(d->bridges_fd, &u->hdr.bridge, &b) || !b.name[0])
		snprintf(br, sizeof(br), "#%u", u->hdr.bridge);
	else
		snprintf(br, sizeof(br), "%.*s", XVS_NAME_LEN, b.name);
	if (bpf_map_lookup_elem(d->ports_fd, &u->hdr.ifindex, &p))
		snprintf(port, sizeof(port), "%u", u->hdr.ifindex);
	else
		snprintf(port, sizeof(port), "%.*s", XVS_NAME_LEN, p.name);
	if (u->caplen < 14) {
		snprintf(buf, len, "bridge %s rule %u in_port %s len %u (%u bytes captured)",
			 br, u->rule_id, port, u->len, u->caplen);
		return;
	}
	memcpy(&type, u->data + 12, sizeof(type));
	snprintf(buf, len, "bridge %s rule %u in_port %s vlan %u len %u: %s -> %s type 0x%04x",
		 br, u->rule_id, port, u->hdr.vlan, u->len, mac_fmt(u->data + 6, src),
		 mac_fmt(u->data, dst), ntohs(type));
}

static void flow_upcall(struct xvsd *d, const struct xvs_upcall_flow *u)
{
	static __u64 total, last_ns, since;
	char what[256];
	__u64 now = now_ns();

	total++;
	if (last_ns && now - last_ns < FLOW_LOG_NS) {
		since++;
		return;
	}
	flow_upcall_fmt(d, u, what, sizeof(what));
	pr_info("flow upcall: %s (%llu more since the last line, %llu in all)", what,
		(unsigned long long)since, (unsigned long long)total);
	last_ns = now;
	since = 0;
}

static int upcall_handle(void *ctx, void *data, size_t len)
{
	const struct xvs_upcall *u = data;
	struct xvsd *d = ctx;
	static unsigned long bad;

	if (len >= sizeof(*u) && u->type == XVS_UPCALL_LEARN) {
		fdb_learn(d, u->ifindex, u->bridge, u->vlan, u->mac);
		return 0;
	}
	if (len >= sizeof(struct xvs_upcall_flow) && u->type == XVS_UPCALL_FLOW &&
	    ((const struct xvs_upcall_flow *)data)->caplen <= XVS_FLOW_SNAPLEN) {
		flow_upcall(d, data);
		return 0;
	}
	if (!(bad++ % 1000))
		pr_warn("skipping malformed upcall (%zu bytes), %lu so far", len, bad);
	return 0;
}

struct ring_buffer *upcall_open(struct xvsd *d)
{
	struct ring_buffer *rb;

	rb = ring_buffer__new(d->upcall_fd, upcall_handle, d, NULL);
	if (!rb)
		pr_err("Couldn't open the upcall ring buffer: %s", strerror(errno));
	return rb;
}

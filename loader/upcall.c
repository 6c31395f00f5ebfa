// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/upcall.c - reads the upcall ring buffer (maps/upcall.h).
 *
 * The event loop polls the ring's epoll fd and drains it in one batch
 * (ring_buffer__consume); each record is dispatched by type.  A record of
 * an unknown type or size is counted and skipped, never trusted.
 */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "xvsd.h"
#include "log.h"
#include "maps/upcall.h"

static int upcall_handle(void *ctx, void *data, size_t len)
{
	const struct xvs_upcall *u = data;
	struct xvsd *d = ctx;
	static unsigned long bad;

	if (len < sizeof(*u) || u->type != XVS_UPCALL_LEARN) {
		if (!(bad++ % 1000))
			pr_warn("skipping malformed upcall (%zu bytes), %lu so far", len, bad);
		return 0;
	}
	fdb_learn(d, u->ifindex, u->bridge, u->vlan, u->mac);
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

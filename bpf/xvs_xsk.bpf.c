// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xvs_xsk.bpf.c - the far side of an AF_XDP port (maps/afxdp.h).
 *
 * xvs_xsk_rx runs on <port>-xsk, the veth peer of the switch-side port,
 * and hands each frame the switch sent there to the AF_XDP socket bound to
 * the queue it arrived on.  No socket in the queue's slot means no
 * consumer: the frame is dropped and counted, never passed to the far
 * side's host stack (the port is the consumer's, not the host's).
 *
 * Every AF_XDP port loads its own copy, so xsks and xsk_stats are that
 * port's; xvsd pins them under afxdp/<port>/, with xsk_conf (the port's
 * configuration, for a restarted xvsd) and xvs_xsk_probe (which slots of
 * xsks hold a socket, for xvsctl show: userspace cannot look).
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps/afxdp.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XVS_XSK_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_xsk_stats);
} xsk_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_xsk_conf);
} xsk_conf SEC(".maps");

SEC("xdp")
int xvs_xsk_rx(struct xdp_md *ctx)
{
	__u32 zero = 0, q = ctx->rx_queue_index;
	struct xvs_xsk_stats *s = bpf_map_lookup_elem(&xsk_stats, &zero);

	if (!s)
		return XDP_DROP;
	if (q >= XVS_XSK_MAX_QUEUES) {
		s->bad_queue++;
		return XDP_DROP;
	}
	/* The lookup is what tells "no socket" apart: a redirect into an
	 * empty slot would fail after this program, where nothing counts.
	 */
	if (!bpf_map_lookup_elem(&xsks, &q)) {
		s->no_consumer++;
		return XDP_DROP;
	}
	s->rx_packets++;
	s->rx_bytes += ctx->data_end - ctx->data;
	return bpf_redirect_map(&xsks, q, XDP_DROP);
}

/* Never attached: run by BPF_PROG_TEST_RUN on a frame of at least
 * sizeof(struct xvs_xsk_probe) bytes, it writes there which slots of xsks
 * hold a socket.
 */
SEC("xdp")
int xvs_xsk_probe(struct xdp_md *ctx)
{
	struct xvs_xsk_probe *out = (void *)(long)ctx->data;
	int i;

	if ((void *)(out + 1) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	/* Unrolled, each key a constant: a loop counter spilled for the
	 * lookup's key pointer loses its bounds.  Each answer is stored at
	 * once, not gathered in a register: two paths per lookup would then
	 * differ until the end, 2^16 of them, past what 6.1's verifier walks.
	 */
#pragma clang loop unroll(full)
	for (i = 0; i < XVS_XSK_MAX_QUEUES; i++) {
		__u32 q = i;

		out->bound[i] = bpf_map_lookup_elem(&xsks, &q) != NULL;
	}
	out->magic = XVS_XSK_PROBE_MAGIC;
	return XDP_PASS;
}

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/trace.h - the trace build of the datapath (maps/trace.h).
 *
 * An entry file built with XVS_TRACE defined is the trace program: the
 * same pipeline, whose decisions are written as records to xvs_trace and
 * whose side effects on the switch are left out (stats.h, fdb.h and the
 * entry files test XVS_TRACING).  In the live build trace_rec() is empty
 * and every call to it compiles to nothing.
 */
#ifndef XVS_BPF_TRACE_H
#define XVS_BPF_TRACE_H

#include "maps.h"

#ifdef XVS_TRACE
#define XVS_TRACING 1

static __always_inline struct xvs_trace *trace_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&xvs_trace, &zero);
}

/* A run starts the list anew. */
static __always_inline void trace_start(void)
{
	struct xvs_trace *t = trace_buf();

	if (t) {
		t->n = 0;
		t->lost = 0;
	}
}

static __always_inline void trace_rec(__u16 type, __u16 a16, __u32 a,
				      __u32 b, __u32 c)
{
	struct xvs_trace *t = trace_buf();
	struct xvs_trace_rec *r;
	__u32 n;

	if (!t)
		return;
	n = t->n;
	if (n >= XVS_TRACE_MAX) {
		t->lost++;
		return;
	}
	r = &t->rec[n];
	r->type = type;
	r->a16 = a16;
	r->a = a;
	r->b = b;
	r->c = c;
	t->n = n + 1;
}
#else
#define XVS_TRACING 0

static __always_inline void trace_start(void)
{
}

static __always_inline void trace_rec(__u16 type, __u16 a16, __u32 a,
				      __u32 b, __u32 c)
{
}
#endif

#endif /* XVS_BPF_TRACE_H */

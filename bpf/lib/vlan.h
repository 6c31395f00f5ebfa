/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/vlan.h - 802.1Q: which VLAN a frame is in, and how it leaves.
 *
 * The port modes and the frame's form inside the switch are described in
 * maps/vlan.h.  Reading and writing the tag depends on the hook - in-band
 * at XDP, the skb's tag (vlan_present/vlan_tci) at TC - so those two are
 * the context shim's ctx_vlan_get() and ctx_vlan_set(); what is decided
 * here is the same for both.
 */
#ifndef XVS_BPF_VLAN_H
#define XVS_BPF_VLAN_H

#include "../../maps/vlan.h"
#include "../../maps/stats.h"

#define XVS_ETH_P_8021Q		0x8100
#define XVS_ETH_P_8021AD	0x88a8
#define XVS_VLAN_HLEN		4

/* The outer tag of a frame, as read by ctx_vlan_get(). */
struct xvs_tag {
	__u16 tci;		/* host order: PCP, DEI, VID */
	__be16 proto;		/* TPID of the outer tag */
	__be16 inner;		/* the EtherType after the outer tag */
	__u8  present;		/* the frame has an outer tag */
	__u8  pad;
};

static __always_inline int eth_is_vlan(__be16 proto)
{
	return proto == bpf_htons(XVS_ETH_P_8021Q) ||
	       proto == bpf_htons(XVS_ETH_P_8021AD);
}

/* Read an outer tag from the frame itself (data .. end, at least an
 * Ethernet header long).  Returns 0 or -XVS_DROP_VLAN_TRUNCATED.
 */
static __always_inline int vlan_parse_inband(struct ethhdr *eth, void *end,
					     struct xvs_tag *t)
{
	__be16 *vh = (void *)(eth + 1);

	t->present = 0;
	t->tci = 0;
	t->proto = t->inner = eth->h_proto;
	if (!eth_is_vlan(eth->h_proto))
		return 0;
	if ((void *)(vh + 2) > end)
		return -XVS_DROP_VLAN_TRUNCATED;
	t->present = 1;
	t->tci = bpf_ntohs(vh[0]);
	t->inner = vh[1];
	return 0;
}

/* Does a port carry VLAN `vid` (0: untagged frames of a trunk)? */
static __always_inline int vlan_carries(const struct xvs_port_vlan *pv, __u16 vid)
{
	if (pv->mode == XVS_VLAN_ACCESS)
		return vid == pv->tag;
	if (pv->mode != XVS_VLAN_TRUNK && vid == pv->tag)
		return 1;
	if (!(pv->flags & XVS_VLAN_F_TRUNKS_LIST))
		return 1;
	return (pv->trunks[(vid >> 6) & 63] >> (vid & 63)) & 1;
}

/* Does VLAN `vid` leave this port tagged? */
static __always_inline int vlan_egress_tagged(const struct xvs_port_vlan *pv,
					      __u16 vid)
{
	if (!vid || pv->mode == XVS_VLAN_ACCESS)
		return 0;
	if (pv->mode == XVS_VLAN_NATIVE_UNTAGGED)
		return vid != pv->tag;
	return 1;
}

/* The VLAN of a frame arriving at a port, and the TCI it will carry inside
 * the switch (its PCP and DEI kept).  A priority tag (VID 0) counts as no
 * tag.  Returns 0 or a negative drop reason.
 */
static __always_inline int vlan_ingress(const struct xvs_port_vlan *pv,
					const struct xvs_tag *t,
					__u16 *vlan, __u16 *tci)
{
	__u16 vid = t->tci & XVS_VID_MASK;

	if (t->present) {
		if (t->proto == bpf_htons(XVS_ETH_P_8021AD))
			return -XVS_DROP_VLAN_QINQ;
		if (pv->mode == XVS_VLAN_ACCESS && (vid || eth_is_vlan(t->inner)))
			return -XVS_DROP_VLAN_TAGGED;
		if (eth_is_vlan(t->inner))
			return -XVS_DROP_VLAN_QINQ;
		if (vid == XVS_VID_MASK)
			return -XVS_DROP_VLAN_INVALID;
	}
	if (!t->present || !vid)
		vid = pv->mode == XVS_VLAN_TRUNK ? 0 : pv->tag;
	if (!vlan_carries(pv, vid))
		return -XVS_DROP_VLAN_DENIED;
	*vlan = vid;
	*tci = (t->present ? t->tci & ~XVS_VID_MASK : 0) | vid;
	return 0;
}

#endif /* XVS_BPF_VLAN_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ctl/frame.h - frames made from a flow description.
 *
 * frame_build() turns a flow key and its mask (maps/flow.h; what
 * flow_parse_match() reads from "dl_src=...,udp,nw_dst=...,tp_dst=53")
 * into the bytes of a frame with those values: Ethernet, an 802.1Q tag
 * if asked, then IPv4, IPv6 or ARP, then TCP (a SYN), UDP, ICMP or
 * ICMPv6 (an echo request unless the type says otherwise), every
 * checksum valid, padded to the 60-byte minimum.  A field the mask leaves
 * out takes its default:
 *
 *   dl_src   02:78:76:73:00:01 ("xvs")   dl_dst  ff:ff:ff:ff:ff:ff
 *   dl_type  IPv4
 *   nw_src   192.0.2.1, 2001:db8::1      nw_dst  192.0.2.2, 2001:db8::2
 *   nw_proto ICMP (IPv4), ICMPv6 (IPv6); ARP: 1, a request
 *   tp_src   49152; ICMP: echo request   tp_dst  9 (discard); ICMP: code 0
 *
 * Another EtherType gets no header after Ethernet: the padding, zeros.
 * An IP protocol other than those four gets an empty payload.
 *
 * frame_gre() wraps a frame as a GRE tunnel's far end sends it: outer
 * Ethernet, IPv4 (valid checksum) and GRE with the key if there is one.
 */
#ifndef XVS_CTL_FRAME_H
#define XVS_CTL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "maps/flow.h"

/* Longest frame_build() result, and with frame_gre()'s outer headers. */
#define FRAME_MAX	256

struct frame_gre {
	__u8   dst[6];		/* outer Ethernet: to us (the uplink) */
	__u8   src[6];		/* from the next hop */
	__be32 saddr;		/* the tunnel's remote end */
	__be32 daddr;		/* its local end */
	bool   has_key;
	__be32 key;
};

/* Build into buf (size bytes); `tagged`: an 802.1Q tag with VID
 * key->dl_vlan after the MACs.  Returns the length, or -ENOSPC.
 */
int frame_build(const struct xvs_flow_key *key, const struct xvs_flow_key *mask,
		bool tagged, __u8 *buf, size_t size);
/* Wrap the len-byte frame in buf in place; returns the new length, or
 * -ENOSPC.
 */
int frame_gre(const struct frame_gre *g, __u8 *buf, size_t size, size_t len);

#endif /* XVS_CTL_FRAME_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/tunnel.h - what xvsd, xvsctl and the configuration file share
 * about tunnels, beyond the map ABI (maps/tunnel.h).
 *
 * xvsd keeps a tunnel's whole configuration in its xvs_tunnels entry, so
 * a restarted daemon, `xvsctl tunnel show` and `xvsctl export` read it
 * back from the pinned map - also whether the local address was given
 * (if not, it is the route's source address, followed as the routes
 * change) and the hook asked for the uplink: XVS_TUN_F_LOCAL_AUTO and
 * XVS_TUN_F_HOOK_* in its flags (maps/tunnel.h).
 */
#ifndef XVS_LOADER_TUNNEL_H
#define XVS_LOADER_TUNNEL_H

#include <linux/types.h>
#include "maps/tunnel.h"

#define TUN_F_CONF		(XVS_TUN_F_LOCAL_AUTO | XVS_TUN_F_HOOK_XDP | XVS_TUN_F_HOOK_TC)

/* Bytes a frame gains inside the uplink's MTU: outer IPv4 and GRE (and
 * key) headers, and the inner frame's own Ethernet header, which the
 * MTU of the VM's interface does not count.
 */
#define TUN_MTU_OVERHEAD(has_key) \
	(XVS_IPV4_HLEN + XVS_GRE_HLEN + ((has_key) ? XVS_GRE_KEY_HLEN : 0) + 14)

/* The MTU for interfaces behind the tunnel; 0 until the uplink is known. */
static inline __u32 tun_port_mtu(const struct xvs_tunnel *t)
{
	__u32 o = TUN_MTU_OVERHEAD(t->flags & XVS_TUN_F_KEY);

	return t->mtu > o ? t->mtu - o : 0;
}

static inline const char *tun_hook_name(__u32 flags)
{
	return flags & XVS_TUN_F_HOOK_XDP ? "xdp" : flags & XVS_TUN_F_HOOK_TC ? "tc" : "auto";
}

#endif /* XVS_LOADER_TUNNEL_H */

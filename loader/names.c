// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* loader/names.c - see names.h. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "maps/port.h"
#include "maps/vlan.h"
#include "util.h"

static const char *const drop_names[XVS_DROP_MAX] = {
	[XVS_DROP_NONE]		= "none",
	[XVS_DROP_TRUNCATED]	= "truncated",
	[XVS_DROP_SRC_MCAST]	= "src_mcast",
	[XVS_DROP_SRC_ZERO]	= "src_zero",
	[XVS_DROP_NO_PORT]	= "no_port",
	[XVS_DROP_NO_BRIDGE]	= "no_bridge",
	[XVS_DROP_HAIRPIN]	= "hairpin",
	[XVS_DROP_NO_EGRESS]	= "no_egress",
	[XVS_DROP_FLOOD_FAIL]	= "flood_fail",
	[XVS_DROP_VLAN_TRUNCATED] = "vlan_truncated",
	[XVS_DROP_VLAN_TAGGED]	= "vlan_tagged_on_access",
	[XVS_DROP_VLAN_DENIED]	= "vlan_not_carried",
	[XVS_DROP_VLAN_INVALID]	= "vlan_invalid",
	[XVS_DROP_VLAN_QINQ]	= "vlan_qinq",
	[XVS_DROP_VLAN_TAG_FAIL] = "vlan_tag_fail",
	[XVS_DROP_TUN_TRUNCATED] = "tun_truncated",
	[XVS_DROP_TUN_BAD_IP]	= "tun_bad_ip",
	[XVS_DROP_TUN_UNSUPPORTED] = "tun_unsupported",
	[XVS_DROP_TUN_UNKNOWN]	= "tun_unknown",
	[XVS_DROP_TUN_UNRESOLVED] = "tun_unresolved",
	[XVS_DROP_TUN_MTU]	= "tun_mtu",
	[XVS_DROP_TUN_ENCAP_FAIL] = "tun_encap_fail",
	[XVS_DROP_TUN_SPLIT]	= "tun_split_horizon",
	[XVS_DROP_FLOW_DROP]	= "flow_drop",
	[XVS_DROP_FLOW_STALE]	= "flow_stale",
};

static const char *const event_names[XVS_EV_MAX] = {
	[XVS_EV_FORWARD]		= "forward",
	[XVS_EV_FLOOD]			= "flood",
	[XVS_EV_TO_HOST]		= "to_host",
	[XVS_EV_UPCALL]			= "upcall",
	[XVS_EV_UPCALL_RATELIMIT]	= "upcall_ratelimited",
	[XVS_EV_UPCALL_RINGFULL]	= "upcall_ring_full",
	[XVS_EV_LEARN_PENDING]		= "learn_pending",
	[XVS_EV_TC_RX]			= "tc_rx",
	[XVS_EV_ENCAP]			= "encap",
	[XVS_EV_DECAP]			= "decap",
	[XVS_EV_UNDERLAY_PASS]		= "underlay_pass",
	[XVS_EV_FLOW_CACHE_HIT]		= "flow_cache_hit",
	[XVS_EV_FLOW_CACHE_MISS]	= "flow_cache_miss",
};

_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == XVS_DROP_MAX,
	       "one name per drop reason");
_Static_assert(sizeof(event_names) / sizeof(event_names[0]) == XVS_EV_MAX,
	       "one name per event");

const char *drop_reason_name(unsigned int reason)
{
	return reason < XVS_DROP_MAX && drop_names[reason] ?
	       drop_names[reason] : "unknown";
}

const char *event_name(unsigned int ev)
{
	return ev < XVS_EV_MAX && event_names[ev] ? event_names[ev] : "unknown";
}

const char *port_hook_name(__u16 flags)
{
	if (!(flags & XVS_PORT_F_XDP))
		return "tc";
	return flags & XVS_PORT_F_XDP_NATIVE ? "xdp-native" : "xdp-generic";
}

const char *port_flags_str(__u16 flags, char *buf, int len)
{
	static const struct { __u16 flag; const char *name; } names[] = {
		{ XVS_PORT_F_XDP, "xdp" },
		{ XVS_PORT_F_XDP_NATIVE, "xdp-native" },
		{ XVS_PORT_F_HOST, "host" },
		{ XVS_PORT_F_OWN_CLSACT, "own-clsact" },
		{ XVS_PORT_F_VETH, "veth" },
		{ XVS_PORT_F_TAP, "tap" },
		{ XVS_PORT_F_TXVLAN_OFF, "txvlan-off" },
		{ XVS_PORT_F_RXVLAN_OFF, "rxvlan-off" },
		{ XVS_PORT_F_TUNNEL, "tunnel" },
		{ XVS_PORT_F_UNDERLAY, "underlay" },
		{ XVS_PORT_F_FLOWS, "flows" },
		{ XVS_PORT_F_AFXDP, "afxdp" },
	};
	size_t i;
	int n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].flag)
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      names[i].name);
	return buf;
}

static const char *const vlan_modes[] = {
	[XVS_VLAN_TRUNK]		= "trunk",
	[XVS_VLAN_ACCESS]		= "access",
	[XVS_VLAN_NATIVE_UNTAGGED]	= "native-untagged",
	[XVS_VLAN_NATIVE_TAGGED]	= "native-tagged",
};

const char *vlan_mode_name(unsigned int mode)
{
	return mode < ARRAY_SIZE(vlan_modes) ? vlan_modes[mode] : "unknown";
}

int vlan_mode_parse(const char *s)
{
	unsigned int m;

	for (m = 0; m < ARRAY_SIZE(vlan_modes); m++)
		if (!strcmp(s, vlan_modes[m]))
			return m;
	return -1;
}

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/vlan.h - IEEE 802.1Q VLANs of a port, with Open vSwitch's words.
 *
 *   access           untagged frames belong to VLAN `tag`; frames leave
 *                    untagged; a tagged frame in is dropped.
 *   trunk            tagged frames of the VLANs in `trunks` in and out; an
 *                    untagged (or priority-tagged) frame is in VLAN 0, as in
 *                    OVS, carried when 0 is in `trunks`.  Without the
 *                    TRUNKS_LIST flag there is no list: every VLAN, 0
 *                    included.  A zeroed struct is that: the default of a
 *                    new port, a plain learning switch.
 *   native-untagged  a trunk whose untagged frames belong to VLAN `tag`,
 *                    which also leaves untagged.
 *   native-tagged    the same, but VLAN `tag` leaves tagged.
 *
 * Inside the switch a frame of VLAN v != 0 carries an 802.1Q tag with VID
 * v (TPID 0x8100) and the PCP/DEI it came with; a frame of VLAN 0 carries
 * none.  Each port's egress makes the frame what that port wants.  VID
 * 4095, 802.1ad (0x88a8) and double-tagged frames are dropped, each with
 * its own reason.
 */
#ifndef XVS_MAPS_VLAN_H
#define XVS_MAPS_VLAN_H

#define XVS_VLAN_MAX		4094	/* highest usable VID */
#define XVS_VID_MASK		0x0fff

enum xvs_vlan_mode {
	XVS_VLAN_TRUNK = 0,		/* the default */
	XVS_VLAN_ACCESS,
	XVS_VLAN_NATIVE_UNTAGGED,
	XVS_VLAN_NATIVE_TAGGED,
};

enum xvs_vlan_flags {
	XVS_VLAN_F_TRUNKS_LIST	= 1U << 0,	/* `trunks` applies; else every VLAN */
};

struct xvs_port_vlan {
	__u8  mode;			/* enum xvs_vlan_mode */
	__u8  flags;			/* enum xvs_vlan_flags */
	__u16 tag;			/* access or native VLAN; 0 for trunk */
	__u32 pad;
	__u64 trunks[64];		/* bit v: VLAN v is carried (trunk, native) */
};

#endif /* XVS_MAPS_VLAN_H */

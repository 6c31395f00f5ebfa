/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/names.h - the one string table for each enum that userspace
 * prints (maps/stats.h, maps/port.h, maps/fdb.h).  Names are stable: they
 * are keys in `-j` output and in tests.
 */
#ifndef XVS_NAMES_H
#define XVS_NAMES_H

#include <linux/types.h>
#include "maps/stats.h"

const char *drop_reason_name(unsigned int reason);
const char *event_name(unsigned int ev);
/* The hook a port receives at: "tc", "xdp-native" or "xdp-generic". */
const char *port_hook_name(__u16 flags);
/* enum xvs_vlan_mode <-> "access", "trunk", "native-untagged", ...;
 * vlan_mode_parse returns -1 for an unknown name.
 */
const char *vlan_mode_name(unsigned int mode);
int vlan_mode_parse(const char *s);
/* Port flag names joined by ','; buf must hold 64 bytes. */
const char *port_flags_str(__u16 flags, char *buf, int len);

#endif /* XVS_NAMES_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/ctl_proto.h - the control protocol between xvsctl and xvsd.
 *
 * A client connects to the instance's unix stream socket (mode 0600, root
 * only), writes one JSON object ended by a newline, and reads one JSON
 * object back; then the connection closes.  Requests name a command in
 * "cmd"; replies carry "ok": true and the command's results, or "error":
 * a one-line message and "code": the exit status xvsctl should use (1 for
 * a failure, 2 for bad usage or something not found).
 *
 *   cmd          arguments                                 result
 *   ping         -                                         pid, instance
 *   attach       bridge, ifaces[], [hook], [xdp_mode], [host]
 *                                                          ports[] {iface, port_no, hook, host}
 *                hook: "auto" (tc for veths and taps, xdp otherwise) |
 *                "xdp" | "tc"; xdp_mode: "auto" (native, else generic
 *                with a warning) | "native" | "skb"; host: true/false
 *                (default: true when the interface carries IP addresses)
 *                result hook: "tc" | "xdp-native" | "xdp-generic"
 *   detach       ifaces[]                                  -  (a tunnel's
 *                name deletes the tunnel)
 *   bridge_set   bridge, [ageing] s, [mac_limit] n         -  (creates it)
 *   bridge_del   bridge                                    -  (refused while
 *                it has ports; its static MAC entries go with it)
 *   fdb_add      mac, dev, [vlan]                          -  (static entry)
 *   fdb_del      mac, dev | bridge, [vlan]                 -
 *   fdb_flush    [bridge], [dev]                           -  (learned only)
 *   port_set     dev, vlan_mode, [tag], [trunks]            -
 *                vlan_mode: "access" (needs tag) | "trunk" | "native-untagged"
 *                | "native-tagged" (need tag); trunks: "10,20-30", none =
 *                every VLAN.  The port's learned MACs are flushed.  dev
 *                may name a tunnel port.
 *   port_add     name, bridge, type "afxdp", [queues], [vm_socket], [uid],
 *                [gid], [mode], [framing]                 port {name, port_no,
 *                                                          far_side, far_ifindex,
 *                                                          queues, [vm_socket]}
 *                an AF_XDP port (loader/afxdp.h): the veth pair name /
 *                name-xsk, queues 1..16 (1); with vm_socket xvsd relays to
 *                a VM there (uid, gid: its owner, default unchanged; mode:
 *                its permission bits, default 0600; framing "stream" (QEMU
 *                -netdev stream, the default) | "dgram").
 *   port_del     name                                      -  (an AF_XDP
 *                port: veth, pins, relay; detach of its name does the same)
 *   afxdp_stats  -                                         relays[] {name,
 *                peer_connected, zerocopy, to_peer_packets, ..., drop_*,
 *                rx_ring_full, rx_fill_ring_empty_descs, ...}: the relays'
 *                counters (loader/relay.h), which live in xvsd's memory
 *   tunnel_add   name, bridge, remote, [local], [key], [ttl], [tos],
 *                [uplink_hook]                             tunnel {name, port_no,
 *                                                          vport, state, [reason]}
 *                remote, local: "A.B.C.D" (local absent: the route's source
 *                address); key: 0..4294967295 (absent: no key); ttl 1..255
 *                (64); tos 0..255 (0) or "inherit"; uplink_hook: "auto" |
 *                "xdp" | "tc", the hook of the uplink if this tunnel is the
 *                first over it.  The bridge must exist.  state: "resolved"
 *                | "unresolved" (reason says why; resolution goes on).
 *   tunnel_del   name                                      -  (detach of a
 *                tunnel port's name does the same)
 *   flow_add     bridge, rules[], [file], [lines[]]          ids[]
 *                rules: "MATCH actions=A,..." (loader/flow_parse.h), all
 *                added or none; a rule with the match and priority of one
 *                there replaces it.  file and lines only name where each
 *                rule came from in an error ("rules.txt:7: ...").
 *   flow_del     bridge, [match], [strict] bool              deleted (count)
 *                the rules matching at least as specifically as match (no
 *                match: every rule of the bridge); strict: the rule with
 *                this match and priority (priority= in match, else 32768)
 *   batch        steps[] {do: request, undo: request | [requests]}
 *                                                          steps (count)
 *                runs each `do` as if sent alone; at the first that fails,
 *                runs the `undo`s of the steps done, last first, and
 *                replies "applying step N (attach eth0): <its error>;
 *                rolled back" (or "; rollback incomplete (...)").  Nothing
 *                else runs in between.  xvsctl apply sends one.  A step
 *                cannot be a batch or stop.
 *   stop         [cleanup] bool                            -  (daemon exits;
 *                with cleanup every port is detached and pins removed)
 *
 * Any reply may carry "warnings": [strings] to print.
 * Reads (show, fdb show, flow dump, stats) do not use the socket: xvsctl reads the
 * pinned maps, so they work while the daemon is down.
 */
#ifndef XVS_CTL_PROTO_H
#define XVS_CTL_PROTO_H

/* A request or reply, in bytes: room for a whole flow table's rules. */
#define CTL_MAX_MSG	(4 * 1024 * 1024)

enum ctl_code {
	CTL_OK = 0,
	CTL_FAILED = 1,
	CTL_USAGE = 2,		/* bad usage, or the object does not exist */
};

#endif /* XVS_CTL_PROTO_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/pin.h - where an instance lives, and its pinned maps.
 *
 * An instance is named (default "xvs"); its maps and links are pinned in
 * <bpffs>/<name>/ (default bpffs root /sys/fs/bpf/xvs), its control socket
 * and log are <rundir>/<name>.sock and .log (default /run/xvs).  All three
 * can be overridden (options, or XVS_INSTANCE / XVS_BPFFS / XVS_RUNDIR),
 * so tests run private instances side by side with a real one.
 */
#ifndef XVS_PIN_H
#define XVS_PIN_H

#include <limits.h>

#define XVS_DEFAULT_INSTANCE	"xvs"
#define XVS_DEFAULT_BPFFS	"/sys/fs/bpf/xvs"
#define XVS_DEFAULT_RUNDIR	"/run/xvs"

struct xvs_inst {
	char name[64];
	char pin_dir[PATH_MAX];		/* <bpffs>/<name> */
	char sock_path[PATH_MAX];	/* <rundir>/<name>.sock */
	char log_path[PATH_MAX];	/* <rundir>/<name>.log */
	char pid_path[PATH_MAX];	/* <rundir>/<name>.pid */
	char rundir[PATH_MAX];
};

/* Fill `inst` from the arguments, or the environment, or the defaults.
 * Returns 0 or -EINVAL for a bad name.
 */
int inst_init(struct xvs_inst *inst, const char *name, const char *bpffs,
	      const char *rundir);
/* Make sure bpffs is mounted under the pin directory and create it. */
int inst_prepare_pins(const struct xvs_inst *inst);
/* Open a pinned map of the instance; returns an fd or -errno. */
int inst_map_fd(const struct xvs_inst *inst, const char *map);
/* Path of a pinned object inside the instance directory. */
void inst_pin_path(const struct xvs_inst *inst, char *buf, size_t len,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* XVS_PIN_H */

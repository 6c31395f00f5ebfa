// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* loader/pin.c - see pin.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "pin.h"
#include "log.h"
#include "util.h"

static const char *pick(const char *arg, const char *env, const char *def)
{
	const char *v;

	if (arg && *arg)
		return arg;
	v = getenv(env);
	return v && *v ? v : def;
}

int inst_init(struct xvs_inst *inst, const char *name, const char *bpffs,
	      const char *rundir)
{
	const char *n = pick(name, "XVS_INSTANCE", XVS_DEFAULT_INSTANCE);
	const char *b = pick(bpffs, "XVS_BPFFS", XVS_DEFAULT_BPFFS);
	const char *r = pick(rundir, "XVS_RUNDIR", XVS_DEFAULT_RUNDIR);
	size_t i;

	memset(inst, 0, sizeof(*inst));
	if (strlen(n) >= sizeof(inst->name) || !*n)
		return -EINVAL;
	for (i = 0; n[i]; i++)
		if (!(n[i] == '-' || n[i] == '_' || n[i] == '.' ||
		      (n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
		      (n[i] >= '0' && n[i] <= '9')) || (i == 0 && n[i] == '.'))
			return -EINVAL;
	strcpy(inst->name, n);
	snprintf(inst->pin_dir, sizeof(inst->pin_dir), "%s/%s", b, n);
	snprintf(inst->rundir, sizeof(inst->rundir), "%s", r);
	snprintf(inst->sock_path, sizeof(inst->sock_path), "%s/%s.sock", r, n);
	snprintf(inst->log_path, sizeof(inst->log_path), "%s/%s.log", r, n);
	snprintf(inst->pid_path, sizeof(inst->pid_path), "%s/%s.pid", r, n);
	return 0;
}

/* The directory that holds the instance directories, e.g. /sys/fs/bpf/xvs. */
static void parent_dir(const char *path, char *buf, size_t len)
{
	char *slash;

	snprintf(buf, len, "%s", path);
	slash = strrchr(buf, '/');
	if (slash && slash != buf)
		*slash = '\0';
}

int inst_prepare_pins(const struct xvs_inst *inst)
{
	char root[PATH_MAX];
	struct statfs st;
	int err;

	parent_dir(inst->pin_dir, root, sizeof(root));
	err = mkdir_p(root, 0700);
	if (err && err != -EROFS)
		return err;
	if (statfs(root, &st) == 0 && st.f_type != BPF_FS_MAGIC) {
		/* No bpffs here (a fresh mount namespace, or never mounted):
		 * mount one on /sys/fs/bpf if that is where we pin.
		 */
		if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type != BPF_FS_MAGIC &&
		    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") == 0)
			pr_info("mounted bpffs on /sys/fs/bpf");
		err = mkdir_p(root, 0700);
		if (err)
			return err;
		if (statfs(root, &st) || st.f_type != BPF_FS_MAGIC) {
			pr_err("'%s' is not on a BPF filesystem (mount -t bpf bpf DIR)",
			       root);
			return -ENOTSUP;
		}
	}
	return mkdir_p(inst->pin_dir, 0700);
}

void inst_pin_path(const struct xvs_inst *inst, char *buf, size_t len,
		   const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(buf, len, "%s/", inst->pin_dir);
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

int inst_map_fd(const struct xvs_inst *inst, const char *map)
{
	char path[PATH_MAX];
	int fd;

	inst_pin_path(inst, path, sizeof(path), "%s", map);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

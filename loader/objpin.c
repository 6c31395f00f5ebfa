// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* loader/objpin.c - see objpin.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "objpin.h"
#include "log.h"

static int is_internal(const struct bpf_map *map)
{
	return strchr(bpf_map__name(map), '.') != NULL;
}

static int reuse_one(struct bpf_map *map, const char *path)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, err = 0;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
	} else if (info.type != bpf_map__type(map) ||
		   info.key_size != bpf_map__key_size(map) ||
		   info.value_size != bpf_map__value_size(map)) {
		pr_err("pinned map '%s' has another layout (left by another xvs version); "
		       "'xvsd --reset' with the same instance options removes it", path);
		err = -EINVAL;
	} else {
		/* Same size as pinned, whatever was asked (xvs_fdb). */
		bpf_map__set_max_entries(map, info.max_entries);
		err = bpf_map__reuse_fd(map, fd);
	}
	close(fd);
	return err;
}

int obj_reuse_pinned(struct bpf_object *obj, const char *dir)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map(map, obj) {
		if (is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		err = reuse_one(map, path);
		if (err)
			return err;
	}
	return 0;
}

int obj_pin_maps(struct bpf_object *obj, const char *dir)
{
	char path[PATH_MAX];
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (!access(path, F_OK))
			continue;
		if (bpf_obj_pin(bpf_map__fd(map), path)) {
			pr_err("Couldn't pin '%s': %s", path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

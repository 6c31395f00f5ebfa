/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/objpin.h - share one set of pinned maps among BPF objects.
 *
 * Before an object loads, obj_reuse_pinned() points each of its maps that
 * has a pin in `dir` at the pinned map, after checking that type, key and
 * value sizes agree (a map of another layout - an older ABI - is an error,
 * not a silent reuse).  After it loads, obj_pin_maps() pins the maps that
 * were new.  Internal maps (.rodata, .bss) stay private to the object.
 */
#ifndef XVS_OBJPIN_H
#define XVS_OBJPIN_H

struct bpf_object;

int obj_reuse_pinned(struct bpf_object *obj, const char *dir);
int obj_pin_maps(struct bpf_object *obj, const char *dir);

#endif /* XVS_OBJPIN_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * selftests/lib/check.h - CHECK() for the table-driven unit tests: a
 * failed condition is a KTAP diagnostic line with where and why, and one
 * more in `fails`, which the case reports.
 */
#ifndef XVS_SELFTESTS_CHECK_H
#define XVS_SELFTESTS_CHECK_H

#include <stdio.h>

static int fails;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		fails++;						\
	}								\
} while (0)

#endif /* XVS_SELFTESTS_CHECK_H */

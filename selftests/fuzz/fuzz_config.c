// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_config - libFuzzer target for the configuration file parser and
 * validator (loader/config.c), and for the plan of what it accepts
 * (loader/plan.c, against an empty switch).  Any input must give either
 * a valid configuration or error lines, never a crash, a leak or
 * undefined behaviour (built with ASan and UBSan).
 *
 *   make -C selftests .output/fuzz_config
 *   selftests/.output/fuzz_config -max_total_time=60 NEW_DIR selftests/fuzz/corpus/config
 *
 * test_fuzz_config.sh runs it for a bounded time over the corpus here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/config.h"

/* Names starting with "nosuch" do not exist: no syscalls, deterministic. */
static bool fake_exists(const char *name)
{
	return strncmp(name, "nosuch", 6) != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config_opts opts = { .iface_exists = fake_exists };
	static const struct xvs_snapshot empty;
	struct xvs_config cfg;
	struct plan plan;
	json_object *req;

	if (!config_parse_buf((const char *)data, size, "fuzz.yaml", &cfg, &opts)) {
		if (!plan_build(&cfg, &empty, &plan)) {
			req = plan_batch(&plan);
			json_object_put(req);
			plan_free(&plan);
		}
	}
	config_free(&cfg);
	return 0;
}

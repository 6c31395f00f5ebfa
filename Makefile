# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# xvs - one entry point for building, testing and running the switch.
# `make help` lists the targets.  Quiet by default; V=1 shows commands.

OUTPUT		?= .output
CLANG		?= clang
BPFTOOL		?= bpftool
CC		?= cc
PREFIX		?= /usr/local

ARCH		:= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
CFLAGS		?= -g -O2
CFLAGS		+= -Wall -Wextra -Wno-unused-parameter -Werror -std=gnu11 \
		   -I. -I$(OUTPUT) -D_GNU_SOURCE
BPF_CFLAGS	:= -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I.
LDLIBS		:= -lbpf -lelf -lz -ljson-c -lyaml

# The trace objects (`xvsctl trace`) are the hooks' own entry files built
# with XVS_TRACE: every side effect becomes a record (maps/trace.h).
BPF_PROGS	:= xvs_xdp xvs_tc xvs_xdp_trace xvs_tc_trace xvs_xsk
BPF_OBJS	:= $(patsubst %,$(OUTPUT)/%.bpf.o,$(BPF_PROGS))
SKELS		:= $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS))

# Code both xvsd and xvsctl link: logging, names, pinned-map access, JSON,
# the configuration file, flow rules as text.
COMMON_SRCS	:= loader/log.c loader/names.c loader/pin.c loader/util.c \
		   loader/config.c loader/plan.c loader/flow_parse.c
XVSD_SRCS	:= $(COMMON_SRCS) loader/xvsd.c loader/datapath.c loader/objpin.c \
		   loader/port.c loader/fdb.c loader/upcall.c loader/ctl_server.c \
		   loader/netlink.c loader/tunnel.c loader/flow.c loader/afxdp.c \
		   loader/relay.c
XVSCTL_SRCS	:= $(COMMON_SRCS) ctl/xvsctl.c ctl/show.c ctl/fdb.c \
		   ctl/client.c ctl/print.c ctl/state.c ctl/stats.c ctl/config.c \
		   ctl/port.c ctl/apply.c ctl/tunnel.c ctl/trace.c ctl/frame.c \
		   ctl/flow.c

XVSD_OBJS	:= $(patsubst %.c,$(OUTPUT)/%.o,$(XVSD_SRCS))
XVSCTL_OBJS	:= $(patsubst %.c,$(OUTPUT)/%.o,$(XVSCTL_SRCS))

# The benchmarks: bench_dp drives the XDP object with a sink program of
# its own on the far veth, and reuses the loader's pinning, logging and
# flow table (its rules are what xvsd writes);
# bench_fwd runs whole switches (xvsd, the Linux bridge) between a
# generator and sinks of its own.  bench/run.sh runs them all.
BENCH_OBJS	:= $(patsubst %,$(OUTPUT)/bench/%.o,bench_dp bench_flows report memory) \
		   $(patsubst %.c,$(OUTPUT)/%.o,loader/log.c loader/objpin.c loader/util.c \
		     loader/flow.c loader/flow_parse.c)
BENCH_FWD_OBJS	:= $(patsubst %,$(OUTPUT)/bench/%.o,bench_fwd topo report learn ovs afxdp) \
		   $(patsubst %.c,$(OUTPUT)/%.o,loader/log.c loader/util.c)
BENCH_SKELS	:= $(patsubst %,$(OUTPUT)/bench/%.skel.h,bench_sink bench_gen bench_micro)
BENCH_ARGS	:= $(if $(filter 1 y yes,$(QUICK)),-q) $(if $(SCENARIO),-s $(SCENARIO))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-10s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS) $(SKELS) $(BENCH_SKELS:.skel.h=.bpf.o) $(BENCH_SKELS)
.PHONY: all help deps clean test vmtest bench demo demo-down install selftests \
	examples

all: $(OUTPUT)/xvsd $(OUTPUT)/xvsctl

help:
	@echo 'make            build xvsd and xvsctl into $(OUTPUT)/'
	@echo 'make deps       install the Debian packages the project needs'
	@echo 'make demo       install, build, run the switch on a demo topology'
	@echo 'make demo-down  tear the demo down'
	@echo 'make test       install, build, run the suite on this kernel and in a 6.1 VM (VM=0: here only)'
	@echo 'make vmtest     the same in a VM on Debian 12'"'"'s 6.1 kernel (KERNEL=vmlinuz, VM_TESTS=...)'
	@echo 'make bench      build and run the benchmarks (root; QUICK=1: ~1 min; SCENARIO=name; OVS=1)'
	@echo 'make selftests  build the test artefacts only'
	@echo 'make examples   build the example AF_XDP consumer (xsk_client)'
	@echo 'make install    install xvsd and xvsctl under $(PREFIX)'
	@echo 'make clean      remove build outputs'
	@echo 'V=1             show full commands'

deps:
	$(Q)tools/deps.sh

$(OUTPUT) $(OUTPUT)/loader $(OUTPUT)/ctl $(OUTPUT)/bench:
	$(Q)mkdir -p $@

# The BPF side: clang -> object -> skeleton.
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c vmlinux.h | $(OUTPUT)
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/%_trace.bpf.o: bpf/%.bpf.c vmlinux.h | $(OUTPUT)
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DXVS_TRACE -MMD -MP -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

# Userspace objects wait for the skeletons (only datapath.c includes them).
$(OUTPUT)/loader/%.o: loader/%.c $(SKELS) | $(OUTPUT)/loader
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/ctl/%.o: ctl/%.c | $(OUTPUT)/ctl
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The VM relay (loader/relay.c) uses libxdp's AF_XDP socket API.
$(OUTPUT)/xvsd: LDLIBS += -lxdp
$(OUTPUT)/xvsd: $(XVSD_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/xvsctl: $(XVSCTL_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/bench/%.bpf.o: bench/%.bpf.c vmlinux.h | $(OUTPUT)/bench
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/bench/%.skel.h: $(OUTPUT)/bench/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(OUTPUT)/bench/%.o: bench/%.c $(OUTPUT)/xvs_xdp.skel.h $(OUTPUT)/xvs_tc.skel.h $(BENCH_SKELS) | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(OUTPUT)/bench -MMD -MP -c $< -o $@

$(OUTPUT)/bench/bench_dp: $(BENCH_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/bench/bench_fwd: $(BENCH_FWD_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# The example AF_XDP consumer (README: AF_XDP ports); test_afxdp.sh
# drives it.
EXAMPLES	:= $(OUTPUT)/examples/xsk_client

examples: $(EXAMPLES)

$(OUTPUT)/examples:
	$(Q)mkdir -p $@

$(OUTPUT)/examples/%: examples/%.c | $(OUTPUT)/examples
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP $< -lxdp -lbpf -o $@

selftests: all
	$(Q)$(MAKE) --no-print-directory -C selftests

test: deps
	$(Q)$(MAKE) --no-print-directory all $(OUTPUT)/bench/bench_dp \
		$(OUTPUT)/bench/bench_fwd $(EXAMPLES)
	$(Q)$(MAKE) --no-print-directory -C selftests
	$(Q)selftests/lanes.sh $(if $(filter 0 n no,$(VM)),--no-vm) $(VM_LANE_TESTS)

# The suite in a VM (virtme-ng, QEMU without KVM) on another kernel:
# Debian 12's stock one unless KERNEL=path/to/vmlinuz (its modules beside
# it, in <root>/lib/modules/<version>).  Under TCG a test runs ~10x slower
# than here, so only VM_TESTS run (VM_TESTS= runs them all; ~15 min as
# given); results in $(OUTPUT)/vm/results/.  `make test`'s VM lane runs
# VM_LANE_TESTS (~7 min): the BPF objects on 6.1 through every datapath
# unit test, XDP and flow rules end to end, and the interop tests the host
# cannot run.
VM_TESTS	?= test_datapath test_vlan_datapath test_flow_datapath \
		   test_tunnel_datapath test_config test_l2.sh test_xdp.sh \
		   test_vlan.sh test_vlan_interop.sh test_gre.sh test_gre_interop.sh \
		   test_flow.sh
VM_LANE_TESTS	?= test_datapath test_vlan_datapath test_flow_datapath \
		   test_tunnel_datapath test_config test_xdp.sh \
		   test_vlan_interop.sh test_gre_interop.sh test_flow.sh
vmtest: deps
	$(Q)tools/vm-deps.sh
	$(Q)$(MAKE) --no-print-directory all $(OUTPUT)/bench/bench_dp \
		$(OUTPUT)/bench/bench_fwd $(EXAMPLES)
	$(Q)$(MAKE) --no-print-directory -C selftests
	$(Q)k='$(KERNEL)'; \
	[ -n "$$k" ] || k=$$(tools/vm-deps.sh kernel $(OUTPUT)/vm/kernel) || exit 1; \
	selftests/vmtest.sh -k "$$k" -o $(OUTPUT)/vm/results $(VM_TESTS)

# Results go to bench/results/ (not tracked); QUICK=1 for a short run,
# SCENARIO=name for one scenario (bench/run.sh -h lists them); OVS=1
# installs Open vSwitch too, measured whenever it is installed.
bench: deps
	$(Q)$(if $(filter 1 y yes,$(OVS)),tools/deps.sh ovs,true)
	$(Q)$(MAKE) --no-print-directory all $(OUTPUT)/bench/bench_dp \
		$(OUTPUT)/bench/bench_fwd $(EXAMPLES)
	$(Q)bench/run.sh $(BENCH_ARGS)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)examples/demo.sh up

demo-down:
	$(Q)examples/demo.sh down

install: all
	install -D -m 0755 $(OUTPUT)/xvsd $(DESTDIR)$(PREFIX)/sbin/xvsd
	install -D -m 0755 $(OUTPUT)/xvsctl $(DESTDIR)$(PREFIX)/sbin/xvsctl

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf $(OUTPUT)
	$(Q)$(MAKE) --no-print-directory -C selftests clean

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/loader/*.d $(OUTPUT)/ctl/*.d \
		   $(OUTPUT)/bench/*.d $(OUTPUT)/examples/*.d)

# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks against the kernel's kmem driver, included by the top-level
# Makefile.
#
#   make bench                 both bench VMs on the default kernel, then
#                              docs/benchmarks.md, docs/benchmarks.json,
#                              docs/benchmarks-scaling.png
#   make bench KVER=...        the same on another kernel of
#                              scripts/kernels.list (its module is built in
#                              build/module/KVER/); results per kernel in
#                              build/bench/KVER/, never overwriting another's
#   make bench BENCH=compare   one of them (compare, scaling, setup1t, setup1t2g)
#   make bench-report          only remake the docs: every kernel's last
#                              passing run of each bench VM, side by side
#   make numabench             only the microbenchmark, build/bench/numabench
#                              (and build/bench/daxbench, a mapping's faults
#                              and bandwidth)
#
# Under TCG the compare VM takes about 10 minutes, the scaling VM 20 (its
# 2047-section steps) on a quiet host and an hour or more on a busy one; the
# setup1t VM (1 TiB through pmemctl setup on 2 GiB of DRAM: 128 MiB memory
# blocks) and the setup1t2g VM (the same on 65 GiB: 2 GiB blocks) each grow
# the NVDIMM's sparse backing file by the 16 GiB of struct pages its
# sections hold. The
# smoke test tests/integration/bench-smoke.sh runs the same measuring code
# on a small device as part of `make check`.

NUMABENCH := $(BUILD)/bench/numabench
DAXBENCH := $(BUILD)/bench/daxbench

.PHONY: bench bench-report numabench

numabench: $(NUMABENCH) $(DAXBENCH)

$(NUMABENCH): $(TOP)/bench/numabench.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ $< -lnuma

$(DAXBENCH): $(TOP)/bench/daxbench.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ $<

# The kernel booted is the default one unless KVER= is given, as for
# `make check`; KDIR is recomputed for it (env -u), as tests/run.sh does.
bench: deps
	@env -u KDIR $(MAKE) --no-print-directory KVER=$(KMP_TEST_KVER) module-kver numabench tools
	@KVER=$(KMP_TEST_KVER) KMP_MODULE=$(BUILD)/module/$(KMP_TEST_KVER)/kmem_pmem.ko \
		$(TOP)/bench/run-bench.sh $(BENCH)

bench-report:
	@$(TOP)/bench/run-bench.sh --report-only

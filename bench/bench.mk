# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks against the kernel's kmem driver, included by the top-level
# Makefile.
#
#   make bench                 both bench VMs, then docs/benchmarks.md,
#                              docs/benchmarks.json, docs/benchmarks-scaling.png
#   make bench BENCH=compare   one of them (compare, scaling); the report
#                              takes the other's last passing run
#   make bench-report          only remake the docs from the last passing runs
#   make numabench             only the microbenchmark, build/bench/numabench
#
# Takes about 25 minutes under TCG, most of it the 2047-section step of the
# scaling VM. The smoke test tests/integration/bench-smoke.sh runs the same
# measuring code on a small device as part of `make check`.

NUMABENCH := $(BUILD)/bench/numabench

.PHONY: bench bench-report numabench

numabench: $(NUMABENCH)

$(NUMABENCH): $(TOP)/bench/numabench.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ $< -lnuma

bench: deps
	@$(MAKE) --no-print-directory all numabench
	@$(TOP)/bench/run-bench.sh $(BENCH)

bench-report:
	@$(TOP)/bench/run-bench.sh --report-only

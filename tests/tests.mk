# SPDX-License-Identifier: GPL-2.0
#
# Test, demo and harness targets, included by the top-level Makefile.
#
#   make check           deps, build, every unit and VM test (tests/run.sh)
#   make check T=name    one test (unit or VM), for the edit-run loop
#   make demo            deps, build, then the narrated demo in a VM
#   make initramfs       (re)build only the test VM's initramfs
#
# V=1 streams each test's output; KVER= picks the kernel to build and boot.
# The kernel-matrix tier (tests/run.sh: the main tests on every other kernel
# of scripts/kernels.list) is on, with its kernels in the deps; KMP_MATRIX=0
# leaves it out.
KMP_MATRIX ?= 1

.PHONY: check demo initramfs

check: deps $(if $(filter 1,$(KMP_MATRIX)),deps-matrix)
	@$(MAKE) --no-print-directory all KVER=$(KMP_TEST_KVER) KMP_WERROR=y
	@KVER=$(KMP_TEST_KVER) KMP_MATRIX=$(KMP_MATRIX) $(TOP)/tests/run.sh $(T)

demo: deps
	@$(MAKE) --no-print-directory all KVER=$(KMP_TEST_KVER)
	@KVER=$(KMP_TEST_KVER) $(TOP)/tests/demo/run-demo.sh

initramfs:
	@$(TOP)/tests/vm/ensure-initramfs.sh $(KMP_TEST_KVER) $(BUILD)/vm

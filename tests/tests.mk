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
# KMP_MATRIX=1 adds the kernel-matrix tier (tests/run.sh), and its kernels
# to the deps.

.PHONY: check demo initramfs

check: deps $(if $(filter 1,$(KMP_MATRIX)),deps-matrix)
	@$(MAKE) --no-print-directory all KVER=$(KMP_TEST_KVER) KMP_WERROR=y
	@KVER=$(KMP_TEST_KVER) $(TOP)/tests/run.sh $(T)

demo: deps
	@$(MAKE) --no-print-directory all KVER=$(KMP_TEST_KVER)
	@KVER=$(KMP_TEST_KVER) $(TOP)/tests/demo/run-demo.sh

initramfs:
	@$(TOP)/tests/vm/ensure-initramfs.sh $(KMP_TEST_KVER) $(BUILD)/vm

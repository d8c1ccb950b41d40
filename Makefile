# SPDX-License-Identifier: GPL-2.0
#
# Build kmem_pmem.ko against the Debian kernel headers and the tools.
#
#   make                 module + tools
#   make check [T=name]  unit tests and VM integration tests (tests/tests.mk)
#   make demo            the demo VM (tests/tests.mk)
#   make install         module (updates/, depmod) and tools on this machine
#   make uninstall       remove what make install installed
#   make deb             Debian packages kmem-pmem-dkms and pmemctl (build/deb/)
#   make clean           back to the cloned tree
#
# KVER selects the kernel to build for: by default the running kernel
# (`uname -r`) when its build directory exists, else the project's default
# kernel (scripts/kver.sh: the first of scripts/kernels.list, 6.12). `make check` and
# `make demo` boot the default kernel unless KVER= is given. Kernels that
# cannot be installed here (scripts/kernels.list, `fetch`) live under
# build/kernels/ (`make deps KVER=...`). KDIR overrides the headers directory.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

KMP_DEFAULT_KVER := $(shell $(TOP)/scripts/kver.sh)
ifeq ($(origin KVER),undefined)
KMP_RUNNING_KVER := $(shell uname -r)
KVER := $(if $(wildcard /lib/modules/$(KMP_RUNNING_KVER)/build),$(KMP_RUNNING_KVER),$(KMP_DEFAULT_KVER))
# The kernel the tests boot: the default one unless KVER= was given.
KMP_TEST_KVER := $(KMP_DEFAULT_KVER)
else
KMP_TEST_KVER := $(KVER)
endif
KDIR ?= $(shell $(TOP)/scripts/kernel.sh kdir $(KVER))
# Kbuild variables this system needs for KVER's headers (scripts/kernel.sh).
KMP_KBUILD_FLAGS := $(shell $(TOP)/scripts/kernel.sh makeflags $(KVER))
# The private drivers/dax structures as the kernel's BTF lays them out
# (scripts/dax-btf-headers.sh).
KMP_DAX_INCLUDE := $(BUILD)/kernel-$(KVER)/dax-btf

export KVER KDIR

.PHONY: all module module-kver tools deps deps-matrix clean install uninstall deb
all: module tools

deps:
	KVER=$(KMP_TEST_KVER) $(TOP)/scripts/deps.sh

# Every kernel of the kernel matrix (scripts/kernels.list): apt or fetched.
deps-matrix:
	@for k in $$(awk '!/^#/ && NF { print $$1 }' $(TOP)/scripts/kernels.list); do \
		KVER=$$k $(TOP)/scripts/deps.sh || exit; done

$(KMP_DAX_INCLUDE)/dax-private.h:
	$(TOP)/scripts/dax-btf-headers.sh $(KVER) $(KDIR) $(KMP_DAX_INCLUDE) $(shell $(TOP)/scripts/kernel.sh image $(KVER))

module: $(KMP_DAX_INCLUDE)/dax-private.h
	@test -d $(KDIR) || { echo "error: no kernel headers in $(KDIR) (run 'make deps' or set KDIR=)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) $(KMP_KBUILD_FLAGS) KMP_DAX_INCLUDE=$(KMP_DAX_INCLUDE) KMP_WERROR=$(KMP_WERROR) modules

# The module for KVER in a directory of its own, build/module/KVER/ (the
# sources linked there), so that one tree holds a module per kernel of the
# kernel matrix (tests/run.sh) beside the one `make module` builds in place.
KMP_MODULE_DIR := $(BUILD)/module/$(KVER)
module-kver: $(KMP_DAX_INCLUDE)/dax-private.h
	@test -d $(KDIR) || { echo "error: no kernel headers in $(KDIR) (run 'make deps KVER=$(KVER)' or set KDIR=)" >&2; exit 1; }
	@mkdir -p $(KMP_MODULE_DIR) && cd $(KMP_MODULE_DIR) && find . -maxdepth 1 -xtype l -delete && \
		find . -maxdepth 1 -name '*.mod.c' -type l -delete && \
		for f in $(TOP)/Kbuild $(filter-out %.mod.c,$(wildcard $(TOP)/*.[ch])); do ln -sf $$f .; done
	$(MAKE) -C $(KDIR) M=$(KMP_MODULE_DIR) $(KMP_KBUILD_FLAGS) KMP_DAX_INCLUDE=$(KMP_DAX_INCLUDE) KMP_WERROR=$(KMP_WERROR) modules

tools:
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools; fi

# Module into /lib/modules/$(KVER)/updates (then depmod), tools into
# /usr/local; see docs/admin-guide.md.
install: all
	$(MAKE) -C $(KDIR) M=$(TOP) $(KMP_KBUILD_FLAGS) KMP_DAX_INCLUDE=$(KMP_DAX_INCLUDE) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools install; fi

uninstall:
	-@if [ -d /run/systemd/system ]; then systemctl disable pmemctl-restore.service 2>/dev/null; fi
	rm -f /lib/modules/$(KVER)/updates/kmem_pmem.ko /lib/modules/$(KVER)/updates/kmem_pmem.ko.*
	depmod -a $(KVER)
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools uninstall; fi

# The packages, with Debian's tooling and the version from git
# (scripts/mkdeb.sh: installs its build dependencies; lintian errors fail):
# build/deb/*.deb.
deb:
	$(TOP)/scripts/mkdeb.sh $(BUILD)/deb

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(TOP) $(KMP_KBUILD_FLAGS) clean; fi
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools clean; fi
	rm -rf $(BUILD)

-include $(TOP)/tests/tests.mk
-include $(TOP)/bench/bench.mk

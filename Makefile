# SPDX-License-Identifier: GPL-2.0
#
# Build kmem_pmem.ko against the Debian kernel headers and the tools.
#
#   make                 module + tools
#   make check [T=name]  unit tests and VM integration tests (tests/tests.mk)
#   make demo            the demo VM (tests/tests.mk)
#   make install         module (updates/, depmod) and tools on this machine
#   make clean           back to the cloned tree
#
# KVER selects the kernel to build for and boot (default: the one the
# linux-image-amd64 metapackage points at, i.e. Debian 12's stock kernel).
# KDIR overrides the headers directory.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

KVER ?= $(shell $(TOP)/scripts/kver.sh)
KDIR ?= /usr/src/linux-headers-$(KVER)
# Private drivers/dax headers, taken from the same kernel version's source.
KMP_DAX_INCLUDE := $(BUILD)/kernel-$(KVER)/dax

export KVER KDIR

.PHONY: all module tools deps clean install
all: module tools

deps:
	$(TOP)/scripts/deps.sh

$(KMP_DAX_INCLUDE)/dax-private.h:
	$(TOP)/scripts/dax-private-headers.sh $(KVER) $(KMP_DAX_INCLUDE)

module: $(KMP_DAX_INCLUDE)/dax-private.h
	@test -d $(KDIR) || { echo "error: no kernel headers in $(KDIR) (run 'make deps' or set KDIR=)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) KMP_DAX_INCLUDE=$(KMP_DAX_INCLUDE) modules

tools:
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools; fi

# Module into /lib/modules/$(KVER)/updates (then depmod), tools into
# /usr/local; see docs/admin-guide.md.
install: all
	$(MAKE) -C $(KDIR) M=$(TOP) KMP_DAX_INCLUDE=$(KMP_DAX_INCLUDE) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools install; fi

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(TOP) clean; fi
	@if [ -f $(TOP)/tools/Makefile ]; then $(MAKE) -C $(TOP)/tools clean; fi
	rm -rf $(BUILD)

-include $(TOP)/tests/tests.mk
-include $(TOP)/bench/bench.mk

# SPDX-License-Identifier: GPL-2.0
#
# kalts: ALTS for the Linux kernel.
#
#   make                 module for the stock Debian kernel, userspace, selftests, examples
#   make module          build/stock/alts.ko (W=1)
#   make examples        examples/build/: libalts echo and file clients and servers
#   make module-debug    build/debug/alts.ko against the debug kernel
#   make check           every test (what tools/run-tests runs)
#   make sparse          the module through sparse (C=2)
#   make checkpatch      scripts/checkpatch.pl --strict over kernel/ and the uapi

BUILD      := $(CURDIR)/build
# The newest Debian amd64 headers on this machine (the stock kernel's).
KVER       ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 | sed 's|.*/linux-headers-||')
STOCK_KDIR ?= /usr/src/linux-headers-$(KVER)
MODULE_SRC := Kbuild $(wildcard kernel/*.c kernel/*.h) include/uapi/linux/alts.h

all: module userspace selftests examples

# Out-of-tree modules build in their source directory, so each kernel gets a
# copy of the sources under build/.
define build_module
	mkdir -p $(BUILD)/$(1)
	rsync -a --delete-excluded --include='*/' --include='*.c' --include='*.h' \
		--include=Kbuild --exclude='*' Kbuild kernel include $(BUILD)/$(1)/
	$(MAKE) -C $(2) M=$(BUILD)/$(1) W=1 $(3) modules 2>&1 | tee $(BUILD)/$(1)/build.log
	@! grep -E 'warning:|error:' $(BUILD)/$(1)/build.log
	@test -f $(BUILD)/$(1)/alts.ko
endef

module: $(BUILD)/stock/alts.ko

$(BUILD)/stock/alts.ko: $(MODULE_SRC)
	$(call build_module,stock,$(STOCK_KDIR))

module-debug:
	$(call build_module,debug,$$(tools/vm/debug-kernel.sh | tail -n 1))

sparse:
	$(call build_module,sparse,$(STOCK_KDIR),C=2)

checkpatch:
	perl $$(tools/vm/ksrc.sh)/scripts/checkpatch.pl --strict --no-tree --terse \
		--show-types -f kernel/*.c kernel/*.h include/uapi/linux/alts.h

# libalts first and once: examples link it, and a parallel make would
# otherwise build it twice at the same time.
libalts:
	$(MAKE) -C userspace/libalts

userspace: libalts
	$(MAKE) -C userspace/record
	$(MAKE) -C userspace all

selftests:
	$(MAKE) -C selftests O=$(BUILD)/selftests all

examples: libalts
	$(MAKE) -C examples

check-userspace:
	$(MAKE) -C userspace/record check
	$(MAKE) -C userspace check

check:
	tools/run-tests

clean:
	rm -rf $(BUILD)
	$(MAKE) -C userspace/record clean
	$(MAKE) -C userspace/libalts clean
	$(MAKE) -C examples clean
	$(MAKE) -C userspace clean

.PHONY: all module module-debug sparse checkpatch libalts userspace selftests examples check-userspace check clean

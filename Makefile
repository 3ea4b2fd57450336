# gmm: a small KVM VMM and a guest kernel whose memory manager works like Linux's.
#   make          build the VMM (build/vmm) and the guest kernel (build/guest.elf)
#   make test     install what is missing (scripts/setup.sh), build, run every test
#   make bench    print the figures (bench/), with the platform they ran on
#   make clean
# Each part adds its own targets in mk/<part>.mk; this file holds what they share.

BUILD    := build
CC       ?= gcc
V        ?= 0
Q        := $(if $(filter 1,$(V)),,@)

# Host code: the VMM, the swap backend, tests, benchmarks.
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -pthread \
               -D_GNU_SOURCE -Iinclude -I. -MMD -MP \
               $(shell xml2-config --cflags 2>/dev/null)
HOST_LDLIBS := $(shell xml2-config --libs 2>/dev/null) -ljansson -luring -ldl -pthread -lm

ALL_TARGETS   :=
TEST_BINS     :=
BENCH_TARGETS :=

.PHONY: all test check bench clean setup
all: all-targets

include $(sort $(wildcard mk/*.mk))

all-targets: $(ALL_TARGETS)
.PHONY: all-targets

# `make test` works on a fresh machine: set-up first, then build, then run.
test:
	$(Q)scripts/setup.sh
	$(Q)$(MAKE) --no-print-directory check

check: $(ALL_TARGETS) $(TEST_BINS)
	$(Q)scripts/run-tests.sh $(TEST_BINS)

bench:
	$(Q)scripts/setup.sh
	$(Q)$(MAKE) --no-print-directory $(ALL_TARGETS) $(BENCH_TARGETS)
	$(Q)scripts/run-bench.sh $(BENCH_TARGETS)

setup:
	$(Q)scripts/setup.sh

clean:
	rm -rf $(BUILD)

# Generic host compile rule.
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

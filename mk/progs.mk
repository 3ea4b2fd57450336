# Test programs for the guest (tests/progs/*.c): plain C against the Linux
# system-call ABI, built as static binaries with musl (DESIGN.md decision
# 5), so the same binary runs on the host's Linux (the oracle) and in our
# guest. tests/test_progs_host.c runs them on the host.
PROG_SRCS := $(wildcard tests/progs/*.c)
PROGS     := $(PROG_SRCS:tests/progs/%.c=$(BUILD)/progs/%)

$(BUILD)/progs/%: tests/progs/%.c tests/progs/check.h
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -O2 -Wall -Wextra -o $@ $<

ALL_TARGETS += $(PROGS)

# Benchmarks of the VMM itself (other parts add theirs to BENCH_TARGETS).
$(BUILD)/bench/bench_boot: bench/bench_boot.c bench/platform.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

BENCH_TARGETS += $(BUILD)/bench/bench_boot

# Process figures: static musl programs run on the host and in the guest.
BENCH_PROGS := $(patsubst bench/progs/%.c,$(BUILD)/bench/progs/%,$(wildcard bench/progs/*.c))

$(BUILD)/bench/progs/%: bench/progs/%.c
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -O2 -Wall -o $@ $<

$(BUILD)/bench/bench_process: bench/bench_process.c bench/platform.h $(BENCH_PROGS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

BENCH_TARGETS += $(BUILD)/bench/bench_process

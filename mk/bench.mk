# Benchmarks of the VMM itself (other parts add theirs to BENCH_TARGETS).
$(BUILD)/bench/bench_boot: bench/bench_boot.c bench/platform.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

BENCH_TARGETS += $(BUILD)/bench/bench_boot

# Page tables, TLB shootdowns, vmalloc (issue 5, part A). The sources join
# the build through mk/mm.mk (guest/mm) and mk/guest.mk's wildcard (arch);
# here only the figure:
#   build/bench/bench_tlb   IPIs per 512-page range flush with the mm live
#                           on 2 CPUs, under our VMM and QEMU (make bench)
$(BUILD)/bench/bench_tlb: bench/bench_tlb.c bench/platform.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

BENCH_TARGETS += $(BUILD)/bench/bench_tlb

# SLUB's benchmark (issue 5): build/bench/bench_slub compares guest/mm's
# kmalloc/kfree, compiled for the host with the shim as one -flto program
# (as bench_page_alloc), with glibc malloc, jemalloc and mimalloc; the
# latter two are loaded into child processes with LD_PRELOAD, so nothing
# links against them (scripts/setup.sh installs libjemalloc-dev and
# libmimalloc-dev). The SLUB sources themselves join GUEST_MM_SRCS in
# mk/mm.mk.
$(BUILD)/bench/bench_slub: bench/bench_slub.c bench/platform.h $(MM_HOST_SRCS) \
		$(wildcard guest/include/mm/*.h guest/include/kernel/*.h guest/mm/*.h guest/mm/host/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(MM_HOST_CFLAGS) -Ibench -flto -o $@ \
		bench/bench_slub.c $(MM_HOST_SRCS) -pthread

BENCH_TARGETS += $(BUILD)/bench/bench_slub

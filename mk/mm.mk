# guest/mm: the page allocator and friends (issue 3).
#
# GUEST_MM_SRCS   guest/mm sources compiled into the guest kernel (with the
#                 guest's freestanding flags; mk/guest.mk compiles them).
# MM_HOST_LIB     the same sources built for the host with the shim of
#                 guest/mm/host (printk, panic, smp, irqflags, simulated
#                 physical memory), linked into every tests/test_*.c.
# MM_HOST_CFLAGS  what a host program that uses guest/mm compiles with.
# bench: build/bench/bench_page_alloc prints the allocator's figures.

GUEST_MM_SRCS := guest/mm/memblock.c guest/mm/mm_init.c guest/mm/page_alloc.c \
                 guest/mm/vmstat.c guest/mm/debug.c guest/mm/page_alloc_selftest.c \
                 guest/mm/vmstat_page.c
# SLUB (issue 5): kmem_cache/kmalloc, its debug checks, its self-test.
GUEST_MM_SRCS += guest/mm/slub.c guest/mm/slub_debug.c guest/mm/slub_selftest.c
GUEST_MM_SRCS += guest/mm/pgtable.c guest/mm/vmalloc.c guest/mm/vmalloc_selftest.c

MM_HOST_CFLAGS := -DGMM_HOST -Iguest/include -Iguest/mm/host
# The page-table format headers (asm/pgtable*.h, portable C) for the walker;
# after the system's, so that no asm/ header of the C library is shadowed.
MM_HOST_CFLAGS += -idirafter guest/arch/x86_64/include
MM_HOST_SRCS   := $(GUEST_MM_SRCS) guest/mm/host/shim.c guest/mm/host/check.c \
                  guest/mm/host/pgtable_shim.c
MM_HOST_OBJS   := $(MM_HOST_SRCS:%.c=$(BUILD)/mmhost/%.o)
MM_HOST_LIB    := $(BUILD)/libmm_host.a

$(BUILD)/mmhost/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) $(MM_HOST_CFLAGS) -c $< -o $@

$(MM_HOST_LIB): $(MM_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The benchmark compiles guest/mm and the shim with it as one -flto program,
# so the shim's smp_processor_id()/arch_local_irq_*() inline the way a
# kernel's per-CPU reads do instead of costing a call each.
$(BUILD)/bench/bench_page_alloc: bench/bench_page_alloc.c bench/platform.h $(MM_HOST_SRCS) \
		$(wildcard guest/include/mm/*.h guest/include/kernel/*.h guest/mm/*.h guest/mm/host/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(MM_HOST_CFLAGS) -Ibench -flto -o $@ \
		bench/bench_page_alloc.c $(MM_HOST_SRCS) -pthread

ALL_TARGETS   += $(MM_HOST_LIB)
BENCH_TARGETS += $(BUILD)/bench/bench_page_alloc
# User address spaces (issue 6): VMAs, faults/CoW/zero page, anon rmap,
# the page cache, the mm_user_selftest switch.
MM_USER_SRCS  := guest/mm/vma_tree.c guest/mm/mmap.c guest/mm/memory.c guest/mm/rmap.c \
                 guest/mm/filemap.c guest/mm/mm_user_selftest.c
GUEST_MM_SRCS += $(MM_USER_SRCS)
MM_HOST_SRCS  += $(MM_USER_SRCS)
MM_HOST_OBJS  += $(MM_USER_SRCS:%.c=$(BUILD)/mmhost/%.o)
$(MM_HOST_LIB): $(MM_USER_SRCS:%.c=$(BUILD)/mmhost/%.o)

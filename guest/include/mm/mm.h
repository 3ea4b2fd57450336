/*
 * Page helpers and the memory manager's set-up interface
 * (Linux: include/linux/mm.h, include/linux/page_ref.h, mm/internal.h).
 *
 * Boot sequence, in kmain on the boot CPU, after ACPI is parsed (so that
 * nr_cpu_ids, nr_node_ids, cpu_to_node() and node_distance() answer) and
 * before anything else allocates pages:
 *
 *   memblock_init_from_bootinfo(boot_info);  RAM of the boot memory map;
 *                                            reserves the low 1 MiB, the
 *                                            kernel image, the counters region
 *   memblock_set_node(start, size, nid);     for each SRAT range (numa_meminfo)
 *   memblock_reserve(start, size);           everything else already in use
 *                                            (an initrd, ...)
 *   mm_core_init();                          nodes, zones, memmap, zonelists,
 *                                            watermarks, per-CPU lists. From
 *                                            here the buddy allocator owns all
 *                                            free memory: memblock is frozen
 *   alloc_pages(...) / __free_pages(...)     on any CPU, with interrupts on or off
 *
 * Diagnostics (e.g. on command-line switches): show_buddyinfo() and
 * show_numa_stats() (mm/vmstat.h); page_alloc_selftest_cpu() on each CPU
 * (e.g. in ap_main() and once on the boot CPU), then page_alloc_selftest()
 * once on one CPU while the others are idle.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <kernel/types.h>
#include <kernel/compiler.h>
#include <mm/page_types.h>
#include <mm/mm_types.h>
#include <mm/page-flags.h>
#include <mm/mmzone.h>
#include <mm/gfp.h>

/* The smallest order whose block holds SIZE bytes (Linux's get_order). */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* Reference count (atomic). */
static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);
}

static inline void set_page_count(struct page *page, int v)
{
	__atomic_store_n(&page->_refcount, v, __ATOMIC_RELAXED);
}

static inline void set_page_refcounted(struct page *page)
{
	set_page_count(page, 1);
}

static inline void page_ref_inc(struct page *page)
{
	__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
}

static inline int page_ref_dec_return(struct page *page)
{
	return __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL);
}

static inline void get_page(struct page *page)
{
	page_ref_inc(page);
}

/* Drop a reference on an order-0 page; free it with the last one. */
static inline void put_page(struct page *page)
{
	__free_pages(page, 0);
}

/* Number of page-table entries mapping the page (0 = none). */
static inline int page_mapcount(const struct page *page)
{
	return __atomic_load_n(&page->_mapcount, __ATOMIC_RELAXED);
}

static inline bool page_mapped(const struct page *page)
{
	return page_mapcount(page) != 0;
}

static inline unsigned long page_private(const struct page *page)
{
	return page->private;
}

static inline void set_page_private(struct page *page, unsigned long private)
{
	page->private = private;
}

/* Order recorded at allocation (-1 if the page is not an allocated head). */
static inline int page_alloc_order(const struct page *page)
{
	return (int)((page->flags & PG_ORDER_MASK) >> PG_ORDER_SHIFT) - 1;
}

/*
 * Set-up (mm_init.c). mm_core_init() builds everything from memblock and
 * must run once, before any allocation, on one CPU. page_alloc_init_late()
 * initialises every struct page not yet initialised (the guest never needs
 * it; host tests use it to make lock counts independent of deferred init).
 */
void mm_core_init(void);
void page_alloc_init_late(void);
/* Initialise and free the next part of a zone's deferred memory; false when
 * the zone has none left. The allocator calls it when a zone runs low. */
bool deferred_grow_zone(struct zone *zone, unsigned int order);

/* Give a PG_reserved page (e.g. ACPI tables, init memory) to the allocator. */
void free_reserved_page(struct page *page);

/*
 * Watermarks (page_alloc.c). min_free_kbytes is computed at boot as Linux
 * does (sqrt(16 * lowmem KiB), clamped to [128, 262144]); set_min_free_kbytes()
 * is the vm.min_free_kbytes sysctl: it sets it and recomputes every zone's
 * min/low/high watermarks and lowmem reserves.
 */
extern int min_free_kbytes;
extern int watermark_scale_factor;
void set_min_free_kbytes(int kbytes);
void setup_per_zone_wmarks(void);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);

/* Print the page's fields and why (mm/debug.c); bad_page() then panics. */
void dump_page(const struct page *page, const char *reason);

/*
 * Guest self-tests (page_alloc_selftest.c); each prints one line per check:
 *   "page_alloc selftest: <check>: PASS" or "...: FAIL (<why>)".
 * page_alloc_selftest_cpu(): on the CPU it runs on: an order-0 allocation
 *   comes from that CPU's node (or the nearest node with memory) and counts
 *   numa_hit and local_node. Run it on every CPU.
 * page_alloc_selftest(): for every node with memory: fill it, check that the
 *   next allocation preferring it comes from its nearest node and counts
 *   numa_miss there and numa_foreign on it; then that every page is back.
 *   Run it on one CPU while the others do not allocate.
 * Both return the number of failed checks.
 */
int page_alloc_selftest_cpu(void);
int page_alloc_selftest(void);

#endif

/*
 * The buddy allocator of guest/mm, compiled for the host (guest/mm/host):
 * split and merge by PFN arithmetic, lazy struct page init, random
 * alloc/free sequences that keep the invariants, fragmentation, GFP flags.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/vmstat.h>
#include "mm_host.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct zone *zone_of(int nid, enum zone_type zt)
{
	return &NODE_DATA(nid)->node_zones[zt];
}

static void expect_invariants(const struct mm_host_block *held, size_t n)
{
	const char *why = mm_host_check(held, n, true);

	cr_assert_null(why, "invariant broken: %s", why);
}

/* Struct pages of free frames (no byte reserved) at or above pfn that have
 * anything written into them: none, if nothing initialised them. */
static unsigned long touched_free_struct_pages_from(unsigned long from)
{
	static const struct page zero;
	unsigned long pfn, n = 0;

	for (pfn = from; pfn < max_pfn; pfn++)
		if (pfn_valid(pfn) && memblock_is_memory(PFN_PHYS(pfn)) &&
		    !memblock_is_region_reserved(PFN_PHYS(pfn), PAGE_SIZE) &&
		    memcmp(pfn_to_page(pfn), &zero, sizeof(zero)))
			n++;
	return n;
}

Test(buddy, boot_initialises_only_reserved_struct_pages_and_first_alloc_up_to_high_watermark)
{
	struct zone *z;
	struct page *page;
	unsigned long pfn, reserved_ok = 0;

	mm_host_boot_simple(1 * GiB, 1, -1);
	z = zone_of(0, ZONE_DMA32);
	cr_expect_eq(touched_free_struct_pages_from(0), 0, "boot touched free frames' struct pages");
	for (pfn = 0; pfn < max_pfn; pfn++)
		if (memblock_is_region_reserved(PFN_PHYS(pfn), PAGE_SIZE))
			reserved_ok += PageReserved(pfn_to_page(pfn)) && page_ref_count(pfn_to_page(pfn)) == 1;
	cr_expect_eq(reserved_ok, z->present_pages - z->managed_pages, "reserved frames initialised");
	cr_expect_eq(z->nr_deferred, z->managed_pages);
	cr_expect_eq(z->deferred_pfn, z->zone_start_pfn);
	cr_expect_eq(zone_page_state(z, NR_FREE_PAGES), 0);

	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_not_null(page);
	/* Sections until the zone is over its high watermark: here 2 of 256. */
	cr_expect(high_wmark_pages(z) > PAGES_PER_SECTION - 512 &&
		  high_wmark_pages(z) < 2 * PAGES_PER_SECTION - 512);
	cr_expect_eq(z->deferred_pfn, z->zone_start_pfn + 2 * PAGES_PER_SECTION);
	cr_expect_eq(touched_free_struct_pages_from(z->deferred_pfn), 0);
	cr_expect_eq(z->nr_deferred, z->managed_pages - (2 * PAGES_PER_SECTION - 512),
		     "section 0 has 512 free frames, section 1 all 1024");
	cr_expect_geq(zone_page_state(z, NR_FREE_PAGES) + per_cpu_pageset(z, 0)->count,
		      high_wmark_pages(z));
	cr_expect_eq(page_to_nid(page), 0);
	cr_expect_eq(page_ref_count(page), 1);
	__free_pages(page, 0);
	drain_all_pages(NULL);
	expect_invariants(NULL, 0);
}

Test(buddy, struct_page_recovers_pfn_node_zone_and_address)
{
	struct mm_host_mem mem[] = {
		{ 0, 64 * MiB, 0 },
		{ 4 * GiB, 64 * MiB, 0 },
	};
	struct mm_host_machine m = { .nr_nodes = 1, .nr_cpus = 1, .mem = mem, .nr_mem = 2,
				     .reserve_like_guest = true, .min_free_kbytes = -1 };
	struct page *normal, *dma32;

	mm_host_boot(&m);
	normal = alloc_pages(GFP_KERNEL, 2);
	dma32 = alloc_pages(GFP_KERNEL | __GFP_DMA32, 2);
	cr_assert(normal && dma32);
	cr_expect_eq(page_zonenum(normal), ZONE_NORMAL);
	cr_expect_geq(page_to_pfn(normal), ZONE_DMA32_END_PFN);
	cr_expect_eq(page_zonenum(dma32), ZONE_DMA32);
	cr_expect_lt(page_to_pfn(dma32), ZONE_DMA32_END_PFN);
	cr_expect_eq(pfn_to_page(page_to_pfn(normal)), normal);
	cr_expect_eq(virt_to_page(page_address(normal)), normal);
	cr_expect_eq(__pa(page_address(normal)), page_to_phys(normal));
	cr_expect_eq(page_zone(normal), zone_of(0, ZONE_NORMAL));
	cr_expect_eq(page_zone(normal + 3), zone_of(0, ZONE_NORMAL));
	cr_expect_eq(page_to_pfn(normal + 3), page_to_pfn(normal) + 3);
	cr_expect_eq(page_alloc_order(normal), 2);
	__free_pages(normal, 2);
	__free_pages(dma32, 2);
	expect_invariants(NULL, 0);
}

Test(buddy, split_by_pfn_arithmetic_leaves_one_free_block_per_order)
{
	struct zone *z;
	struct page *page;
	unsigned long pfn, before[NR_PAGE_ORDERS];
	unsigned int o;

	mm_host_boot_simple(64 * MiB, 1, 0);
	z = zone_of(0, ZONE_DMA32);
	page_alloc_init_late();
	zone_pcp_disable(z);
	/* Take every block below order 10, so only whole order-10 blocks are free. */
	for (o = 0; o < MAX_PAGE_ORDER; o++)
		while (z->free_area[o].nr_free)
			cr_assert_not_null(alloc_pages(GFP_KERNEL, o));
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		before[o] = z->free_area[o].nr_free;
	cr_assert_gt(before[MAX_PAGE_ORDER], 0);

	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_not_null(page);
	pfn = page_to_pfn(page);
	cr_expect_eq(pfn % MAX_ORDER_NR_PAGES, 0, "order-0 page at the head of the split block");
	for (o = 0; o < MAX_PAGE_ORDER; o++) {
		struct page *half = pfn_to_page(pfn + (1UL << o));

		cr_expect_eq(z->free_area[o].nr_free, 1, "order %u: one free half", o);
		cr_expect(PageBuddy(half) && page_private(half) == o,
			  "the order-%u half is the block at pfn + 2^%u", o, o);
	}
	cr_expect_eq(z->free_area[MAX_PAGE_ORDER].nr_free, before[MAX_PAGE_ORDER] - 1);

	__free_pages(page, 0);
	for (o = 0; o < MAX_PAGE_ORDER; o++)
		cr_expect_eq(z->free_area[o].nr_free, 0, "order %u merged away", o);
	cr_expect_eq(z->free_area[MAX_PAGE_ORDER].nr_free, before[MAX_PAGE_ORDER]);
	cr_expect(PageBuddy(page) && page_private(page) == MAX_PAGE_ORDER);
}

Test(buddy, freeing_both_buddies_merges_them)
{
	struct zone *z;
	struct page *a, *b, *low;
	unsigned long pa, pb;

	unsigned int o;

	mm_host_boot_simple(64 * MiB, 1, 0);
	z = zone_of(0, ZONE_DMA32);
	page_alloc_init_late();
	zone_pcp_disable(z);
	/* With no free block of order <= 3 left, both come from one split. */
	for (o = 0; o <= 3; o++)
		while (z->free_area[o].nr_free)
			cr_assert_not_null(alloc_pages(GFP_KERNEL, o));
	a = alloc_pages(GFP_KERNEL, 3);
	b = alloc_pages(GFP_KERNEL, 3);
	cr_assert(a && b);
	pa = page_to_pfn(a);
	pb = page_to_pfn(b);
	cr_assert_eq(pa ^ 8, pb, "two order-3 blocks in a row are buddies (0x%lx, 0x%lx)", pa, pb);
	__free_pages(a, 3);
	cr_expect(PageBuddy(a) && page_private(a) == 3, "alone, the block stays order 3");
	__free_pages(b, 3);
	low = pfn_to_page(pa & pb);
	cr_expect(!PageBuddy(pfn_to_page(pa | pb)), "the higher buddy is no longer a head");
	cr_expect(PageBuddy(low) && page_private(low) >= 4, "merged into order >= 4");
	cr_expect_null(mm_host_check(NULL, 0, false));
}

Test(buddy, free_reserved_page_gives_a_reserved_frame_to_the_allocator)
{
	struct zone *z;
	struct page *page;
	unsigned long managed;

	mm_host_boot_simple(16 * MiB, 1, 0);
	z = zone_of(0, ZONE_DMA32);
	page = pfn_to_page(PFN_DOWN(1 * MiB));  /* in the "kernel image" */
	cr_assert(PageReserved(page) && page_ref_count(page) == 1);
	managed = z->managed_pages;
	free_reserved_page(page);
	drain_all_pages(NULL);
	cr_expect_not(PageReserved(page));
	cr_expect_eq(z->managed_pages, managed + 1);
	cr_expect(PageBuddy(page) && page_private(page) == 0, "alone: its neighbours are reserved");
	expect_invariants(NULL, 0);
}

Test(buddy, allocating_before_mm_core_init_panics)
{
	cr_expect(MM_HOST_PANICS(alloc_pages(GFP_KERNEL, 0)));
	cr_expect(strstr(mm_host_panic_message(), "before mm_core_init"));
}

/* ---- Random sequences ---- */

static unsigned long long rng_state;

static unsigned long long rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned int random_order(void)
{
	unsigned int r = (unsigned int)(rnd() % 100);

	if (r < 60)
		return 0;
	if (r < 85)
		return 1 + (unsigned int)(rnd() % 3);
	return 4 + (unsigned int)(rnd() % 7);
}

static gfp_t random_gfp(void)
{
	unsigned int r = (unsigned int)(rnd() % 100);
	gfp_t gfp = r < 70 ? GFP_KERNEL : r < 85 ? GFP_ATOMIC : GFP_NOWAIT;

	if (rnd() % 10 == 0)
		gfp |= __GFP_THISNODE;
	if (rnd() % 20 == 0)
		gfp |= __GFP_ZERO;
	return gfp | __GFP_NOWARN;
}

/* Each held block carries its pfn in every page's first word. */
static void stamp(struct page *page, unsigned int order)
{
	unsigned long i, pfn = page_to_pfn(page);

	for (i = 0; i < (1UL << order); i++)
		*(unsigned long *)page_address(page + i) = pfn + i;
}

static void check_stamp(struct page *page, unsigned int order)
{
	unsigned long i, pfn = page_to_pfn(page);

	for (i = 0; i < (1UL << order); i++)
		cr_assert_eq(*(unsigned long *)page_address(page + i), pfn + i,
			     "page 0x%lx overwritten while allocated", pfn + i);
}

static bool all_zero(struct page *page, unsigned int order)
{
	const unsigned char *p = page_address(page);
	size_t i;

	for (i = 0; i < (PAGE_SIZE << order); i += 64)
		if (p[i] || p[i + 63])
			return false;
	return true;
}

/* Two nodes split inside a section, four CPUs, a reserved hole mid-node. */
static void boot_two_nodes(void)
{
	static const struct mm_host_mem mem[] = {
		{ 0, 22 * MiB, 0 },
		{ 22 * MiB, 24 * MiB, 1 },
	};
	static const int cpu_node[] = { 0, 0, 1, 1 };
	struct mm_host_machine m = { .nr_nodes = 2, .nr_cpus = 4, .cpu_node = cpu_node,
				     .mem = mem, .nr_mem = 2, .reserve_like_guest = true,
				     .min_free_kbytes = 256 };

	mm_host_set_topology(2, 4, cpu_node, NULL);
	memblock_reserve(10 * MiB + 12 * 1024, 28 * 1024);
	mm_host_boot(&m);
}

static void random_sequence(unsigned long long seed, unsigned int nr_ops)
{
	static struct mm_host_block held[30000];
	size_t nr = 0;
	unsigned int op;
	struct zone *z;

	rng_state = seed;
	boot_two_nodes();
	for (op = 0; op < nr_ops; op++) {
		unsigned int r = (unsigned int)(rnd() % 100);

		mm_host_set_cpu((unsigned int)(rnd() % nr_cpu_ids));
		if (r < 55 && nr < sizeof(held) / sizeof(held[0])) {
			unsigned int order = random_order();
			gfp_t gfp = random_gfp();
			int nid = (int)(rnd() % 3) - 1;         /* -1: local */
			struct page *page = nid < 0 ? alloc_pages(gfp, order)
						    : alloc_pages_node(nid, gfp, order);

			if (!page)
				continue;
			if (gfp & __GFP_ZERO)
				cr_assert(all_zero(page, order), "__GFP_ZERO page not zero");
			if ((gfp & __GFP_THISNODE) && nid >= 0)
				cr_assert_eq(page_to_nid(page), nid, "__GFP_THISNODE fell back");
			cr_assert_eq(page_alloc_order(page), (int)order);
			stamp(page, order);
			held[nr].page = page;
			held[nr].order = order;
			nr++;
		} else if (r < 97 && nr) {
			size_t i = rnd() % nr;

			check_stamp(held[i].page, held[i].order);
			__free_pages(held[i].page, held[i].order);
			held[i] = held[--nr];
		} else if (r < 99) {
			drain_local_pages(NULL);
		} else {
			drain_all_pages(NULL);
		}
		if (op % 512 == 0)
			expect_invariants(held, nr);
	}
	expect_invariants(held, nr);

	while (nr) {
		nr--;
		check_stamp(held[nr].page, held[nr].order);
		__free_pages(held[nr].page, held[nr].order);
	}
	drain_all_pages(NULL);
	expect_invariants(NULL, 0);
	for_each_populated_zone(z) {
		cr_expect_eq(zone_page_state(z, NR_FREE_PAGES) + z->nr_deferred, z->managed_pages,
			     "node %d %s: every page back", zone_to_nid(z), z->name);
		cr_expect_eq(zone_pcp_pages(z), 0);
	}
}

Test(buddy_random, seed_1_keeps_invariants_and_gets_every_page_back, .timeout = 120)
{
	random_sequence(1, 40000);
}

Test(buddy_random, seed_2_keeps_invariants_and_gets_every_page_back, .timeout = 120)
{
	random_sequence(0x9e3779b97f4a7c15ULL, 40000);
}

Test(buddy_random, seed_3_keeps_invariants_and_gets_every_page_back, .timeout = 120)
{
	random_sequence(20261122, 40000);
}

Test(buddy_random, seed_4_keeps_invariants_and_gets_every_page_back, .timeout = 120)
{
	random_sequence(0xdeadbeefcafeULL, 40000);
}

/* ---- Fragmentation ---- */

Test(fragmentation, free_every_other_page_then_order1_fails_free_rest_then_max_order_returns)
{
	static struct page *pages[8192];
	unsigned long n = 0, i, freed = 0, initial[NR_PAGE_ORDERS];
	unsigned int o;
	struct zone *z;
	struct page *page;

	mm_host_boot_simple(16 * MiB, 1, 0);     /* [2 MiB, 16 MiB - memmap) free */
	z = zone_of(0, ZONE_DMA32);
	page_alloc_init_late();
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		initial[o] = z->free_area[o].nr_free;
	cr_assert_gt(initial[MAX_PAGE_ORDER], 0, "an order-%d block to begin with", MAX_PAGE_ORDER);

	while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL)
		pages[n++] = page;
	cr_assert_eq(n, z->managed_pages, "filled with order-0 pages: %lu of %lu", n,
		     z->managed_pages);
	cr_expect_eq(zone_page_state(z, NR_FREE_PAGES), 0);
	cr_expect_null(mm_host_check(NULL, 0, false));

	for (i = 0; i < n; i++) {
		if (page_to_pfn(pages[i]) % 2 == 0) {
			__free_pages(pages[i], 0);
			pages[i] = NULL;
			freed++;
		}
	}
	drain_all_pages(NULL);
	cr_expect_eq(freed, n / 2);
	cr_expect_eq(z->free_area[0].nr_free, freed, "every free page alone");
	cr_expect_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1),
		       "order 1 with only every other page free");
	cr_expect_null(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1));

	for (i = 0; i < n; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	cr_assert_not_null(page, "order %d available again", MAX_PAGE_ORDER);
	__free_pages(page, MAX_PAGE_ORDER);
	drain_all_pages(NULL);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		cr_expect_eq(z->free_area[o].nr_free, initial[o], "order %u: as before", o);
	cr_expect_eq(zone_page_state(z, NR_FREE_PAGES), z->managed_pages);
	expect_invariants(NULL, 0);
}

/* ---- GFP flags and watermarks ---- */

Test(gfp, zero_flag_returns_zeroed_pages)
{
	struct page *page;

	mm_host_boot_simple(32 * MiB, 1, -1);
	page = alloc_pages(GFP_KERNEL, 2);
	memset(page_address(page), 0xa5, 4 * PAGE_SIZE);
	__free_pages(page, 2);
	drain_all_pages(NULL);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	cr_assert(all_zero(page, 2));
	__free_pages(page, 2);
	cr_expect_eq(*(unsigned long *)get_zeroed_page(GFP_KERNEL), 0);
}

Test(gfp, dma32_allocations_stay_below_4g_and_kernel_prefers_normal)
{
	struct mm_host_mem mem[] = {
		{ 0, 32 * MiB, 0 },
		{ 4 * GiB, 32 * MiB, 0 },
	};
	struct mm_host_machine m = { .nr_nodes = 1, .nr_cpus = 1, .mem = mem, .nr_mem = 2,
				     .reserve_like_guest = true, .min_free_kbytes = 128 };
	struct page *page;
	int i;

	mm_host_boot(&m);
	cr_expect(populated_zone(zone_of(0, ZONE_DMA32)) && populated_zone(zone_of(0, ZONE_NORMAL)));
	cr_expect_gt(zone_of(0, ZONE_DMA32)->lowmem_reserve[ZONE_NORMAL], 0);
	for (i = 0; i < 100; i++) {
		page = alloc_pages(GFP_DMA32, 0);
		cr_assert_not_null(page);
		cr_expect_lt(page_to_pfn(page), ZONE_DMA32_END_PFN);
	}
	page = alloc_pages(GFP_KERNEL, 0);
	cr_expect_eq(page_zonenum(page), ZONE_NORMAL);
}

Test(gfp, thisnode_fails_when_node_is_full_instead_of_falling_back)
{
	struct page *page;
	unsigned long n = 0;

	boot_two_nodes();
	while ((page = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0)) != NULL) {
		cr_assert_eq(page_to_nid(page), 1);
		n++;
	}
	cr_expect_gt(n, 1000);
	page = alloc_pages_node(1, GFP_KERNEL | __GFP_NOWARN, 0);
	cr_assert_not_null(page);
	cr_expect_eq(page_to_nid(page), 0, "without __GFP_THISNODE it falls back");
}

Test(gfp, atomic_dips_into_the_min_reserve_kernel_does_not)
{
	struct zone *z;
	struct page *page;
	unsigned long kernel_stop, atomic_stop;

	mm_host_boot_simple(64 * MiB, 1, 1024);
	z = zone_of(0, ZONE_DMA32);
	page_alloc_init_late();
	zone_pcp_disable(z);
	while (alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0))
		;
	kernel_stop = zone_page_state(z, NR_FREE_PAGES);
	cr_expect_eq(kernel_stop, min_wmark_pages(z), "GFP_KERNEL stops at the min watermark");
	page = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0);
	cr_expect_null(page, "GFP_NOWAIT gets no reserves");
	while (alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0))
		;
	atomic_stop = zone_page_state(z, NR_FREE_PAGES);
	/* min - min/2 - (min - min/2)/4 */
	cr_expect_lt(atomic_stop, kernel_stop);
	cr_expect_eq(atomic_stop, (min_wmark_pages(z) - min_wmark_pages(z) / 2) -
				  (min_wmark_pages(z) - min_wmark_pages(z) / 2) / 4);
}

Test(gfp, order_above_max_fails_and_warns)
{
	mm_host_boot_simple(32 * MiB, 1, -1);
	mm_host_console_clear();
	cr_expect_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	cr_expect(strstr(mm_host_console(), "page allocation failure: order:11"));
}

Test(watermarks, computed_as_linux_from_min_free_kbytes)
{
	struct zone *z;
	unsigned long managed, min, low;

	mm_host_boot_simple(1 * GiB, 2, -1);
	z = zone_of(0, ZONE_DMA32);
	managed = z->managed_pages;
	/* min_free_kbytes = int_sqrt(16 * lowmem KiB), clamped to [128, 262144]. */
	for (min = 0; (min + 1) * (min + 1) <= 16 * managed * 4; min++)
		;
	cr_expect_eq((unsigned long)min_free_kbytes, min, "int_sqrt(16 * %lu KiB)", managed * 4);
	min = (unsigned long)min_free_kbytes / 4;
	low = min + (min / 4 > managed * 10 / 10000 ? min / 4 : managed * 10 / 10000);
	cr_expect_eq(min_wmark_pages(z), min);
	cr_expect_eq(low_wmark_pages(z), low);
	cr_expect_eq(high_wmark_pages(z), low + (low - min));
	/* batch: (managed >> 10) / 4 = 63 -> rounddown_pow_of_two(63 + 31) - 1 = 63. */
	cr_expect_eq(z->pageset_batch, 63);
	cr_expect_eq(z->pageset_high, (int)(low / 2 > 63 * 4 ? low / 2 : 63 * 4));

	set_min_free_kbytes(8192);
	cr_expect_eq(min_wmark_pages(z), 2048);
}

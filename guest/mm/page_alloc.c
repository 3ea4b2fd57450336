/*
 * The buddy page allocator with per-CPU page lists (Linux: mm/page_alloc.c).
 *
 * Buddy: a zone's free memory is a set of blocks of 2^order pages, each
 * aligned to its size, each on free_area[order] with its head page marked
 * PageBuddy and its order in page->private. The buddy of the block at pfn
 * is the block at pfn ^ (1 << order) (__find_buddy_pfn); allocating splits
 * the smallest big-enough block in halves, putting the unused halves back
 * (__rmqueue_smallest, expand); freeing merges the block with its buddy as
 * long as the buddy is free and whole, then files the result
 * (__free_one_page). Only PFN arithmetic is used: page + (pfn' - pfn).
 *
 * Per-CPU lists (PCP): each CPU keeps, per zone, lists of free blocks of
 * order 0..PAGE_ALLOC_COSTLY_ORDER. Allocation and free of those orders go
 * there first; an empty list is refilled with pcp->batch pages in one
 * zone->lock round trip (rmqueue_bulk), a list over pcp->high pages gives
 * pcp->batch back in one (free_pcppages_bulk). Pages on a PCP list are
 * "allocated" as far as the buddy lists and NR_FREE_PAGES are concerned.
 *
 * Locking rules:
 * - zone->lock, always taken with interrupts off (spin_lock_irqsave, or
 *   spin_lock where they are already off), protects the zone's free_area
 *   lists and counts, NR_FREE_PAGES, deferred_pfn/nr_deferred, and
 *   page_type/private/buddy_list of the pages on those lists.
 * - pcp->lock protects one CPU's per_cpu_pages of one zone and the pages on
 *   its lists. It is taken with interrupts off, by the owning CPU on every
 *   per-CPU allocation and free (uncontended, so cheap), and by another CPU
 *   only to drain the lists (drain_all_pages). Interrupts off means an
 *   interrupt handler on this CPU never finds the lists half-updated. (This
 *   is Linux 6.x's pcp->lock; it is what lets one CPU drain another's lists
 *   without asking it to.)
 * - Lock order: pcp->lock before zone->lock.
 * - Per-CPU counters (per_cpu_zonestat) are written only by their CPU, with
 *   interrupts off; readers sum them (vmstat.c).
 * - An allocated block belongs to its caller until it is freed; the free
 *   path checks it (free_pages_prepare) before taking any lock.
 */
#include "internal.h"
#include <mm/vmstat.h>
#include <kernel/irqflags.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/string.h>

int min_free_kbytes = 1024;
int user_min_free_kbytes = -1;
int watermark_scale_factor = 10;
/* Part of a lower zone kept from requests that could use a higher zone. */
static int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = {
	[ZONE_DMA32] = 256,
	[ZONE_NORMAL] = 32,
};

/* ---- Checks ---- */

__noreturn static void bad_page(const struct page *page, const char *reason)
{
	printk("BUG: Bad page state on cpu %u  pfn:%05lx\n", smp_processor_id(),
	       page_to_pfn(page));
	dump_page(page, reason);
	panic("Bad page state: %s", reason);
}

/* Why a page is not in the state a free page must be in. */
static const char *page_bad_reason(const struct page *page, unsigned long flags)
{
	if (unlikely(page_mapcount(page) != 0))
		return "nonzero mapcount";
	if (unlikely(page->mapping != NULL))
		return "non-NULL mapping";
	if (unlikely(page_ref_count(page) != 0))
		return "nonzero _refcount";
	if (unlikely(page->page_type != 0))
		return "page still has a page_type";
	if (unlikely(page->flags & flags)) {
		if (flags == PAGE_FLAGS_CHECK_AT_FREE)
			return "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
		return "PAGE_FLAGS_CHECK_AT_PREP flag(s) set";
	}
	return "bad page state";
}

/* The same test in one branch, for the fast paths (Linux: page_expected_state). */
static inline bool page_expected_state(const struct page *page, unsigned long flags)
{
	return !(((unsigned long)page->mapping | (page->flags & flags)) |
		 (unsigned int)(page_mapcount(page) | page_ref_count(page) | (int)page->page_type));
}

__noreturn static void bad_page_state(const struct page *page, unsigned long flags)
{
	bad_page(page, page_bad_reason(page, flags));
}

/* Check a block being freed and clear what the allocation set. */
static inline void free_pages_prepare(struct page *page, unsigned int order)
{
	int alloc_order = page_alloc_order(page);

	if (unlikely(alloc_order != (int)order)) {
		if (alloc_order < 0)
			bad_page(page, "freeing a page that is not an allocated block");
		printk("page_alloc: block allocated with order %d freed with order %u\n",
		       alloc_order, order);
		bad_page(page, "wrong order");
	}
	if (unlikely(!page_expected_state(page, PAGE_FLAGS_CHECK_AT_FREE)))
		bad_page_state(page, PAGE_FLAGS_CHECK_AT_FREE);
	page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
}

/* A page taken off a free list must look free (Linux: check_new_page). */
static inline void check_new_page(const struct page *page)
{
	if (unlikely(!page_expected_state(page, PAGE_FLAGS_CHECK_AT_PREP)))
		bad_page_state(page, PAGE_FLAGS_CHECK_AT_PREP);
}

/* ---- The buddy lists (zone->lock held) ---- */

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	__SetPageBuddy(page);
}

static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page_private(page);
}

static inline unsigned long __find_buddy_pfn(unsigned long page_pfn, unsigned int order)
{
	return page_pfn ^ (1UL << order);
}

/* buddy is the free head of a block of the same order in the same zone. */
static inline bool page_is_buddy(const struct page *page, const struct page *buddy,
				 unsigned int order)
{
	if (!PageBuddy(buddy) || buddy_order(buddy) != order)
		return false;
	return page_zone_id(page) == page_zone_id(buddy);
}

static inline struct page *find_buddy_page_pfn(struct page *page, unsigned long pfn,
					       unsigned int order, unsigned long *buddy_pfn)
{
	unsigned long __buddy_pfn = __find_buddy_pfn(pfn, order);
	struct page *buddy = page + (__buddy_pfn - pfn);

	if (buddy_pfn)
		*buddy_pfn = __buddy_pfn;
	return page_is_buddy(page, buddy, order) ? buddy : NULL;
}

static inline void add_to_free_list(struct page *page, struct zone *zone,
				    unsigned int order, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	if (tail)
		list_add_tail(&page->buddy_list, &area->free_list);
	else
		list_add(&page->buddy_list, &area->free_list);
	area->nr_free++;
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone,
					   unsigned int order)
{
	if (unlikely(!list_del_entry_valid(&page->buddy_list)))
		bad_page(page, "corrupted free list");
	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	set_page_private(page, 0);
	zone->free_area[order].nr_free--;
}

/*
 * If the block's buddy one order up is free, the block is likely to merge
 * soon: queue it at the tail so it is allocated last (Linux heuristic).
 */
static inline bool buddy_merge_likely(unsigned long pfn, unsigned long buddy_pfn,
				      struct page *page, unsigned int order)
{
	unsigned long higher_page_pfn;
	struct page *higher_page;

	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	higher_page_pfn = buddy_pfn & pfn;
	higher_page = page + (higher_page_pfn - pfn);
	return find_buddy_page_pfn(higher_page, higher_page_pfn, order + 1, NULL) != NULL;
}

/* Free a block, merging it with its buddy for as long as that is free. */
static void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order)
{
	unsigned long buddy_pfn = 0;
	struct page *buddy;

	if (unlikely(pfn & ((1UL << order) - 1)))
		bad_page(page, "freed block not aligned to its order");

	zone->vm_stat[NR_FREE_PAGES] += 1UL << order;
	while (order < MAX_PAGE_ORDER) {
		buddy = find_buddy_page_pfn(page, pfn, order, &buddy_pfn);
		if (!buddy)
			break;
		del_page_from_free_list(buddy, zone, order);
		page = page + ((buddy_pfn & pfn) - pfn);
		pfn = buddy_pfn & pfn;
		order++;
	}
	set_buddy_order(page, order);
	add_to_free_list(page, zone, order, buddy_merge_likely(pfn, __find_buddy_pfn(pfn, order),
							       page, order));
}

/* Give the halves of a block of order high not needed for order low back. */
static inline void expand(struct zone *zone, struct page *page, unsigned int low,
			  unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high, false);
		set_buddy_order(&page[size], high);
	}
}

/* Take the smallest free block of at least order 2^order pages and split it. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order)
{
	unsigned int current_order;

	for (current_order = order; current_order < NR_PAGE_ORDERS; current_order++) {
		struct free_area *area = &zone->free_area[current_order];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, buddy_list);
		if (unlikely(!PageBuddy(page) || buddy_order(page) != current_order ||
			     page_zone(page) != zone))
			bad_page(page, "corrupted free list");
		del_page_from_free_list(page, zone, current_order);
		expand(zone, page, order, current_order);
		zone->vm_stat[NR_FREE_PAGES] -= 1UL << order;
		return page;
	}
	return NULL;
}

void __free_pages_core_locked(struct zone *zone, unsigned long pfn, unsigned int order)
{
	__free_one_page(pfn_to_page(pfn), pfn, zone, order);
}

/* ---- Counters (interrupts off) ---- */

/*
 * Linux's zone_statistics: hit/miss/foreign compare the zone used with the
 * preferred zone (first usable zone of the preferred node); local/other
 * compare it with the node of the CPU allocating.
 */
static inline void zone_statistics(struct zone *preferred_zone, struct zone *z,
				   unsigned int cpu, unsigned int order)
{
	struct per_cpu_zonestat *zs = per_cpu_zonestats(z, cpu);

	if (zone_to_nid(z) == zone_to_nid(preferred_zone)) {
		zs->vm_numa_event[NUMA_HIT]++;
	} else {
		zs->vm_numa_event[NUMA_MISS]++;
		per_cpu_zonestats(preferred_zone, cpu)->vm_numa_event[NUMA_FOREIGN]++;
	}
	zs->vm_numa_event[zone_to_nid(z) == mm_cpu_node[cpu] ? NUMA_LOCAL : NUMA_OTHER]++;
	zs->vm_events[PGALLOC] += 1UL << order;
}

/* ---- Per-CPU lists ---- */

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER;
}

/* Blocks to move from the buddy lists per refill. */
static inline int nr_pcp_alloc(const struct per_cpu_pages *pcp, unsigned int order)
{
	if (unlikely(pcp->high < pcp->batch))
		return 1;
	return order ? max(pcp->batch >> order, 2) : pcp->batch;
}

/* Move count blocks of order to list, under one zone->lock (irqs off). */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count,
			struct list_head *list)
{
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue_smallest(zone, order);

		if (unlikely(!page))
			break;
		list_add_tail(&page->pcp_list, list);
	}
	spin_unlock(&zone->lock);
	return i;
}

/*
 * Give count pages (at least) from pcp's lists back to the buddy lists,
 * under one zone->lock; oldest pages first, lists in turn.
 * pcp->lock held, irqs off.
 */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp)
{
	unsigned int pindex = 0;

	count = min(count, pcp->count);
	if (count <= 0)
		return;
	spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order, tries = 0;

		do {
			if (unlikely(++tries > NR_PCP_LISTS))
				panic("page_alloc: per-CPU count %d but its lists are empty",
				      pcp->count);
			order = pindex;
			list = &pcp->lists[pindex];
			pindex = (pindex + 1) % NR_PCP_LISTS;
		} while (list_empty(list));
		do {
			struct page *page = list_last_entry(list, struct page, pcp_list);

			if (unlikely(!list_del_entry_valid(&page->pcp_list)))
				bad_page(page, "corrupted per-CPU list");
			list_del(&page->pcp_list);
			count -= 1 << order;
			pcp->count -= 1 << order;
			__free_one_page(page, page_to_pfn(page), zone, order);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
}

/* Take a block from pcp's list of order, refilling it if empty. */
static struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order,
				      struct per_cpu_pages *pcp, struct list_head *list)
{
	struct page *page;

	if (list_empty(list)) {
		int alloced;

		if (unlikely(pcp->high == 0))
			return NULL;    /* being disabled: use the buddy path */
		alloced = rmqueue_bulk(zone, order, nr_pcp_alloc(pcp, order), list);
		pcp->count += alloced << order;
		if (unlikely(list_empty(list)))
			return NULL;
	}
	page = list_first_entry(list, struct page, pcp_list);
	if (unlikely(!list_del_entry_valid(&page->pcp_list)))
		bad_page(page, "corrupted per-CPU list");
	list_del(&page->pcp_list);
	pcp->count -= 1 << order;
	return page;
}

static struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone,
				    unsigned int order)
{
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long flags;
	unsigned int cpu;

	local_irq_save(flags);
	cpu = smp_processor_id();
	pcp = per_cpu_pageset(zone, cpu);
	spin_lock(&pcp->lock);
	page = __rmqueue_pcplist(zone, order, pcp, &pcp->lists[order]);
	spin_unlock(&pcp->lock);
	if (page)
		zone_statistics(preferred_zone, zone, cpu, order);
	local_irq_restore(flags);
	return page;
}

/* Put a freed block on pcp's list; give a batch back if over pcp->high. */
static void free_unref_page_commit(struct zone *zone, struct per_cpu_pages *pcp,
				   struct page *page, unsigned int order)
{
	pcp->count += 1 << order;
	list_add(&page->pcp_list, &pcp->lists[order]);
	if (pcp->count >= pcp->high)
		free_pcppages_bulk(zone, pcp->high < pcp->batch ? pcp->count : pcp->batch, pcp);
}

/* ---- Allocation ---- */

/* The zone-locked path: straight from the buddy lists. */
static struct page *rmqueue_buddy(struct zone *preferred_zone, struct zone *zone,
				  unsigned int order)
{
	struct page *page;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	page = __rmqueue_smallest(zone, order);
	spin_unlock(&zone->lock);
	if (page)
		zone_statistics(preferred_zone, zone, smp_processor_id(), order);
	local_irq_restore(flags);
	return page;
}

static inline struct page *rmqueue(struct zone *preferred_zone, struct zone *zone,
				   unsigned int order)
{
	struct page *page;

	if (likely(pcp_allowed_order(order)) && likely(!READ_ONCE(zone->pcp_disabled))) {
		page = rmqueue_pcplist(preferred_zone, zone, order);
		if (likely(page))
			return page;
	}
	return rmqueue_buddy(preferred_zone, zone, order);
}

bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages);

/*
 * Would the zone still have more than mark free pages (plus the part kept
 * from higher-zone requests) after this allocation, and has it a free block
 * big enough? Reserves: __GFP_HIGH may use half of the min watermark, and
 * an atomic __GFP_HIGH request a quarter of the rest too.
 */
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;
	unsigned int o;

	free_pages -= (1L << order) - 1;
	if (alloc_flags & ALLOC_MIN_RESERVE) {
		min -= min / 2;
		if (alloc_flags & ALLOC_NON_BLOCK)
			min -= min / 4;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (o = order; o < NR_PAGE_ORDERS; o++)
		if (READ_ONCE(z->free_area[o].nr_free))
			return true;
	return false;
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   (long)zone_page_state(z, NR_FREE_PAGES));
}

static inline bool zone_watermark_fast(struct zone *z, unsigned int order,
				       unsigned long mark, int highest_zoneidx,
				       unsigned int alloc_flags)
{
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES);

	if (!order && free_pages > (long)mark + z->lowmem_reserve[highest_zoneidx])
		return true;
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

static inline bool zone_has_deferred(const struct zone *zone)
{
	return READ_ONCE(zone->deferred_pfn) < zone_end_pfn(zone);
}

/*
 * Memory whose struct pages are not initialised yet is free memory: before
 * a zone counts as low, initialise more of it (a section at a time) until
 * the zone is over its high watermark for this order, or has none left.
 * Returns true if it grew.
 */
static bool zone_grow_deferred(struct zone *zone, unsigned int order, int highest_zoneidx)
{
	bool grew = false;

	while (zone_has_deferred(zone) && deferred_grow_zone(zone, order)) {
		grew = true;
		if (zone_watermark_ok(zone, order, high_wmark_pages(zone), highest_zoneidx, 0))
			break;
	}
	return grew;
}

/* What a newly allocated block looks like to its owner. */
static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	check_new_page(page);
	set_page_private(page, 0);
	set_page_refcounted(page);
	page->flags |= (unsigned long)(order + 1) << PG_ORDER_SHIFT;
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

/* Walk the zonelist for a zone over its watermark and take a block there. */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags,
					   const struct alloc_context *ac)
{
	struct zoneref *z = ac->preferred_zoneref;
	struct zone *zone;

	for_next_zone_zonelist(zone, z, ac->highest_zoneidx) {
		struct page *page;
		unsigned long mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);

		if (!zone_watermark_fast(zone, order, mark, ac->highest_zoneidx, alloc_flags)) {
			/* Under the watermark: a zone with deferred memory grows. */
			if (zone_grow_deferred(zone, order, ac->highest_zoneidx))
				goto try_this_zone;
			if (!(alloc_flags & ALLOC_NO_WATERMARKS))
				continue;
		}
try_this_zone:
		page = rmqueue(ac->preferred_zoneref->zone, zone, order);
		if (page) {
			prep_new_page(page, order, gfp);
			return page;
		}
		if (zone_grow_deferred(zone, order, ac->highest_zoneidx))
			goto try_this_zone;
	}
	return NULL;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_MIN_RESERVE;
	if (!(gfp & __GFP_DIRECT_RECLAIM))
		alloc_flags |= ALLOC_NON_BLOCK;
	return alloc_flags;
}

static void warn_alloc(gfp_t gfp, unsigned int order, int preferred_nid)
{
	if (gfp & __GFP_NOWARN)
		return;
	printk("cpu %u: page allocation failure: order:%u, mode:0x%x, preferred node %d\n",
	       smp_processor_id(), order, gfp, preferred_nid);
}

/*
 * Under the low watermark everywhere: retry down to the min watermark (and
 * into the reserves for __GFP_HIGH/atomic requests). A caller that may
 * block also gets the pages every CPU holds on its lists drained back first
 * (later issues add reclaim here); an atomic one never waits for anything.
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order,
					   const struct alloc_context *ac)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp);
	struct page *page;

	page = get_page_from_freelist(gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (gfpflags_allow_blocking(gfp)) {
		drain_all_pages(NULL);
		page = get_page_from_freelist(gfp, order, alloc_flags, ac);
		if (page)
			return page;
	}
	return NULL;
}

struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid)
{
	struct alloc_context ac;
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		warn_alloc(gfp, order, preferred_nid);
		return NULL;
	}
	if (unlikely((unsigned int)preferred_nid >= nr_online_nodes)) {
		if (!nr_online_nodes)
			panic("alloc_pages() before mm_core_init()");
		preferred_nid = 0;
	}
	ac.highest_zoneidx = gfp_zone(gfp);
	ac.zonelist = &NODE_DATA(preferred_nid)->node_zonelists[
		(gfp & __GFP_THISNODE) ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK];
	ac.preferred_zoneref = first_zones_zonelist(ac.zonelist, ac.highest_zoneidx);
	if (unlikely(!ac.preferred_zoneref->zone)) {
		warn_alloc(gfp, order, preferred_nid);
		return NULL;
	}

	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, &ac);
	if (likely(page))
		return page;
	page = __alloc_pages_slowpath(gfp, order, &ac);
	if (!page)
		warn_alloc(gfp, order, preferred_nid);
	return page;
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/* ---- Free ---- */

/* The zone-locked path: straight to the buddy lists. */
static void free_one_page(struct zone *zone, struct page *page, unsigned long pfn,
			  unsigned int order)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(page, pfn, zone, order);
	spin_unlock(&zone->lock);
	per_cpu_zonestats(zone, smp_processor_id())->vm_events[PGFREE] += 1UL << order;
	local_irq_restore(flags);
}

void free_unref_page(struct page *page, unsigned int order)
{
	struct zone *zone;
	struct per_cpu_pages *pcp;
	unsigned long flags;
	unsigned int cpu;

	free_pages_prepare(page, order);
	zone = page_zone(page);
	if (unlikely(!pcp_allowed_order(order) || READ_ONCE(zone->pcp_disabled))) {
		free_one_page(zone, page, page_to_pfn(page), order);
		return;
	}
	local_irq_save(flags);
	cpu = smp_processor_id();
	pcp = per_cpu_pageset(zone, cpu);
	spin_lock(&pcp->lock);
	free_unref_page_commit(zone, pcp, page, order);
	spin_unlock(&pcp->lock);
	per_cpu_zonestats(zone, cpu)->vm_events[PGFREE] += 1UL << order;
	local_irq_restore(flags);
}

void __free_pages(struct page *page, unsigned int order)
{
	int ref = page_ref_dec_return(page);

	if (likely(ref == 0))
		free_unref_page(page, order);
	else if (unlikely(ref < 0))
		bad_page(page, "double free, or free of a tail page (_refcount was already 0)");
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

void free_reserved_page(struct page *page)
{
	struct zone *zone = page_zone(page);

	if (unlikely(!PageReserved(page)))
		bad_page(page, "free_reserved_page() of a page that is not reserved");
	__ClearPageReserved(page);
	page->flags |= 1UL << PG_ORDER_SHIFT;     /* an order-0 block */
	set_page_count(page, 1);
	__atomic_fetch_add(&zone->managed_pages, 1UL, __ATOMIC_RELAXED);
	__free_pages(page, 0);
}

/* ---- Draining ---- */

static void drain_pages_zone(unsigned int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = per_cpu_pageset(zone, cpu);
	unsigned long flags;

	if (!READ_ONCE(pcp->count))
		return;
	local_irq_save(flags);
	spin_lock(&pcp->lock);
	free_pcppages_bulk(zone, pcp->count, pcp);
	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
}

static void drain_pages(unsigned int cpu, struct zone *zone)
{
	if (zone) {
		drain_pages_zone(cpu, zone);
		return;
	}
	for_each_populated_zone(zone)
		drain_pages_zone(cpu, zone);
}

void drain_local_pages(struct zone *zone)
{
	drain_pages(smp_processor_id(), zone);
}

void drain_all_pages(struct zone *zone)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		drain_pages(cpu, zone);
}

/* ---- Sizes: watermarks, lowmem reserves, PCP batch and high ---- */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (sizeof(long) * 8 - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static void setup_per_zone_lowmem_reserve(void)
{
	pg_data_t *pgdat;

	for_each_online_pgdat(pgdat) {
		int i, j;

		for (i = 0; i < MAX_NR_ZONES - 1; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			int ratio = sysctl_lowmem_reserve_ratio[i];
			bool clear = !ratio || !zone_managed_pages(zone);
			unsigned long managed_pages = 0;

			for (j = i + 1; j < MAX_NR_ZONES; j++) {
				managed_pages += zone_managed_pages(&pgdat->node_zones[j]);
				zone->lowmem_reserve[j] = clear ? 0 : (long)(managed_pages / (unsigned long)ratio);
			}
		}
	}
}

/*
 * Linux's __setup_per_zone_wmarks: min_free_kbytes is shared among zones in
 * proportion to their size; low and high are each a quarter of min, or
 * watermark_scale_factor/10000 of the zone if that is more, above the last.
 */
void setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *zone;

	for_each_zone(zone)
		lowmem_pages += zone_managed_pages(zone);
	for_each_zone(zone) {
		unsigned long flags, tmp;

		spin_lock_irqsave(&zone->lock, flags);
		tmp = lowmem_pages ? pages_min * zone_managed_pages(zone) / lowmem_pages : 0;
		zone->_watermark[WMARK_MIN] = tmp;
		tmp = max(tmp >> 2, zone_managed_pages(zone) *
				    (unsigned long)watermark_scale_factor / 10000);
		zone->_watermark[WMARK_LOW] = min_wmark_pages(zone) + tmp;
		zone->_watermark[WMARK_HIGH] = low_wmark_pages(zone) + tmp;
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

/* About 0.1% of the zone, at most 1 MiB, as a 2^n - 1 number (Linux). */
static int zone_batchsize(const struct zone *zone)
{
	unsigned long batch = min(zone_managed_pages(zone) >> 10, (1UL << 20) / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = batch + batch / 2;
	batch = (1UL << (63 - __builtin_clzl(batch))) - 1;     /* rounddown_pow_of_two - 1 */
	return (int)batch;
}

/* The zone's low watermark split over the CPUs of its node, at least 4 batches. */
static int zone_highsize(const struct zone *zone, int batch)
{
	unsigned int cpu, nr_split_cpus = 0;
	unsigned long high;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (cpu_to_node(cpu) == zone_to_nid(zone))
			nr_split_cpus++;
	if (!nr_split_cpus)
		nr_split_cpus = nr_cpu_ids;
	high = low_wmark_pages(zone) / nr_split_cpus;
	return (int)max(high, (unsigned long)batch << 2);
}

/* Boot pagesets: nothing is cached until zone_pcp_update() sizes them. */
void zone_pcp_init(struct zone *zone)
{
	unsigned int cpu;
	int i;

	zone->pageset_high = 0;
	zone->pageset_batch = 1;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct per_cpu_pages *pcp = per_cpu_pageset(zone, cpu);

		spin_lock_init(&pcp->lock);
		pcp->count = 0;
		pcp->high = 0;
		pcp->batch = 1;
		for (i = 0; i < NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
	}
}

static void zone_set_pageset_high_and_batch(struct zone *zone, int high, int batch)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct per_cpu_pages *pcp = per_cpu_pageset(zone, cpu);
		unsigned long flags;

		local_irq_save(flags);
		spin_lock(&pcp->lock);
		WRITE_ONCE(pcp->high, high);
		WRITE_ONCE(pcp->batch, batch);
		spin_unlock(&pcp->lock);
		local_irq_restore(flags);
	}
}

void zone_pcp_update(struct zone *zone)
{
	int batch = max(1, zone_batchsize(zone));

	zone->pageset_batch = batch;
	zone->pageset_high = zone_highsize(zone, batch);
	if (!READ_ONCE(zone->pcp_disabled))
		zone_set_pageset_high_and_batch(zone, zone->pageset_high, zone->pageset_batch);
}

void zone_pcp_disable(struct zone *zone)
{
	WRITE_ONCE(zone->pcp_disabled, true);
	zone_set_pageset_high_and_batch(zone, 0, 1);
	drain_all_pages(zone);
}

void zone_pcp_enable(struct zone *zone)
{
	zone_set_pageset_high_and_batch(zone, zone->pageset_high, zone->pageset_batch);
	WRITE_ONCE(zone->pcp_disabled, false);
}

static void recalculate_sizes(void)
{
	struct zone *zone;

	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
	for_each_populated_zone(zone)
		zone_pcp_update(zone);
}

/* Linux's init_per_zone_wmark_min: min_free_kbytes = sqrt(16 * lowmem KiB). */
void init_per_zone_wmark_min(void)
{
	unsigned long lowmem_kbytes = 0;
	struct zone *zone;
	int new_min;

	for_each_zone(zone)
		lowmem_kbytes += zone_managed_pages(zone) << (PAGE_SHIFT - 10);
	new_min = (int)int_sqrt(lowmem_kbytes * 16);
	if (new_min > user_min_free_kbytes)
		min_free_kbytes = min(max(new_min, 128), 262144);
	recalculate_sizes();
}

void set_min_free_kbytes(int kbytes)
{
	if (kbytes < 0)
		kbytes = 0;
	user_min_free_kbytes = kbytes;
	min_free_kbytes = kbytes;
	if (mem_section)
		recalculate_sizes();
}

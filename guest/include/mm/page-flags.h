/*
 * The page->flags word and page types (Linux: include/linux/page-flags.h,
 * include/linux/page-flags-layout.h).
 *
 *   63  62 61     56 55          32 31   24 23       20 19        0
 *  [ zone | node    | section      | spare | alloc order | PG_* bits ]
 *
 * section/node/zone are written once, when the struct page is initialised
 * (set_page_links); they never change while the frame exists.
 * "alloc order" is our debugging field (not in Linux): order+1 of the
 * allocation a head page belongs to, 0 while the page is free. __free_pages
 * compares it with the order it is given (bad_page "wrong order").
 *
 * Non-atomic __SetPageX/__ClearPageX are for pages nobody else can see
 * (free, or just allocated); SetPageX/ClearPageX are atomic.
 */
#ifndef MM_PAGE_FLAGS_H
#define MM_PAGE_FLAGS_H

#include <kernel/types.h>
#include <kernel/compiler.h>
#include <mm/mm_types.h>

enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_arch_1,
	PG_reserved,            /* never given to the allocator (memblock reserved) */
	PG_private,
	PG_private_2,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	PG_swapcache,
	__NR_PAGEFLAGS
};

_Static_assert(__NR_PAGEFLAGS <= 20, "PG_* bits overflow into the order field");

#define PAGE_FLAGS_MASK         ((1UL << __NR_PAGEFLAGS) - 1)

#define PG_ORDER_SHIFT          20
#define PG_ORDER_MASK           (0xfUL << PG_ORDER_SHIFT)

#define SECTIONS_WIDTH          24
#define NODES_WIDTH             6
#define ZONES_WIDTH             2
#define SECTIONS_PGSHIFT        32
#define NODES_PGSHIFT           (SECTIONS_PGSHIFT + SECTIONS_WIDTH)
#define ZONES_PGSHIFT           (NODES_PGSHIFT + NODES_WIDTH)
#define SECTIONS_MASK           ((1UL << SECTIONS_WIDTH) - 1)
#define NODES_MASK              ((1UL << NODES_WIDTH) - 1)
#define ZONES_MASK              ((1UL << ZONES_WIDTH) - 1)
/* The bits that identify the (node, zone) a page belongs to. */
#define ZONEID_PGSHIFT          NODES_PGSHIFT
#define ZONEID_MASK             ((1UL << (NODES_WIDTH + ZONES_WIDTH)) - 1)

/*
 * Flags that must be clear when a page is freed (Linux's list), and all PG_*
 * bits plus the order field, which must be clear when a page is handed out.
 */
#define PAGE_FLAGS_CHECK_AT_FREE \
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_private | \
	 1UL << PG_private_2 | 1UL << PG_writeback | 1UL << PG_reserved | \
	 1UL << PG_active | 1UL << PG_unevictable | 1UL << PG_mlocked | \
	 1UL << PG_swapcache)
#define PAGE_FLAGS_CHECK_AT_PREP (PAGE_FLAGS_MASK | PG_ORDER_MASK)

static inline bool test_bit_flags(const struct page *page, int nr)
{
	return (READ_ONCE(page->flags) >> nr) & 1UL;
}

#define PAGEFLAG(uname, lname) \
static inline bool Page##uname(const struct page *page) \
{ return test_bit_flags(page, PG_##lname); } \
static inline void SetPage##uname(struct page *page) \
{ __atomic_fetch_or(&page->flags, 1UL << PG_##lname, __ATOMIC_RELAXED); } \
static inline void ClearPage##uname(struct page *page) \
{ __atomic_fetch_and(&page->flags, ~(1UL << PG_##lname), __ATOMIC_RELAXED); } \
static inline void __SetPage##uname(struct page *page) \
{ page->flags |= 1UL << PG_##lname; } \
static inline void __ClearPage##uname(struct page *page) \
{ page->flags &= ~(1UL << PG_##lname); }

PAGEFLAG(Locked, locked)
PAGEFLAG(Writeback, writeback)
PAGEFLAG(Referenced, referenced)
PAGEFLAG(Uptodate, uptodate)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Head, head)
PAGEFLAG(Active, active)
PAGEFLAG(Workingset, workingset)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
PAGEFLAG(Reclaim, reclaim)
PAGEFLAG(SwapBacked, swapbacked)
PAGEFLAG(Unevictable, unevictable)
PAGEFLAG(Mlocked, mlocked)
PAGEFLAG(SwapCache, swapcache)

/* Page types: what a page with no mapping is used for (page->page_type). */
#define PGTY_buddy      0xf0000000u     /* free, head of a block in a free_area */
#define PGTY_slab       0xf5000000u     /* head page of a slab (mm/slub.c) */
#define PGTY_large_kmalloc 0xf6000000u  /* head of a kmalloc() above KMALLOC_MAX_CACHE_SIZE */

static inline bool PageBuddy(const struct page *page)
{
	return READ_ONCE(page->page_type) == PGTY_buddy;
}

static inline void __SetPageBuddy(struct page *page)
{
	page->page_type = PGTY_buddy;
}

static inline void __ClearPageBuddy(struct page *page)
{
	page->page_type = 0;
}

#define PAGE_TYPE_OPS(uname, lname) \
static inline bool Page##uname(const struct page *page) \
{ return READ_ONCE(page->page_type) == PGTY_##lname; } \
static inline void __SetPage##uname(struct page *page) \
{ page->page_type = PGTY_##lname; } \
static inline void __ClearPage##uname(struct page *page) \
{ page->page_type = 0; }

PAGE_TYPE_OPS(Slab, slab)
PAGE_TYPE_OPS(LargeKmalloc, large_kmalloc)

/* Tail pages of a multi-page slab name their head (mm_types.h). */
static inline bool PageTail(const struct page *page)
{
	return READ_ONCE(page->compound_head) & 1;
}

static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = READ_ONCE(page->compound_head);

	if (unlikely(head & 1))
		return (struct page *)(head - 1);
	return (struct page *)page;
}

#endif

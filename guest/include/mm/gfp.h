/*
 * Allocation flags and the page allocator's entry points
 * (Linux: include/linux/gfp_types.h, include/linux/gfp.h).
 *
 * The flag names and their meaning are Linux's; the bit values are ours
 * (they are not an ABI). What the allocator honours today:
 *   __GFP_DMA32        only ZONE_DMA32 (below 4 GiB); default is up to NORMAL
 *   __GFP_ZERO         zero the pages before returning them
 *   __GFP_THISNODE     the preferred node only, no fallback to other nodes
 *   __GFP_HIGH         may dip further below the min watermark (GFP_ATOMIC)
 *   __GFP_DIRECT_RECLAIM  caller may block: the slow path may drain the
 *                      other CPUs' lists (and, in later issues, reclaim).
 *                      Without it (GFP_ATOMIC, GFP_NOWAIT) the allocator
 *                      never sleeps, never reclaims, never drains.
 *   __GFP_NOWARN       no "page allocation failure" message
 * The others are accepted and kept for later issues.
 */
#ifndef MM_GFP_H
#define MM_GFP_H

#include <kernel/types.h>
#include <kernel/smp.h>
#include <mm/mmzone.h>

#define __GFP_DMA32             ((gfp_t)0x00001u)
#define __GFP_MOVABLE           ((gfp_t)0x00002u)
#define __GFP_HIGH              ((gfp_t)0x00004u)
#define __GFP_IO                ((gfp_t)0x00008u)
#define __GFP_FS                ((gfp_t)0x00010u)
#define __GFP_ZERO              ((gfp_t)0x00020u)
#define __GFP_DIRECT_RECLAIM    ((gfp_t)0x00040u)
#define __GFP_KSWAPD_RECLAIM    ((gfp_t)0x00080u)
#define __GFP_NOWARN            ((gfp_t)0x00100u)
#define __GFP_RETRY_MAYFAIL     ((gfp_t)0x00200u)
#define __GFP_NOFAIL            ((gfp_t)0x00400u)
#define __GFP_NORETRY           ((gfp_t)0x00800u)
#define __GFP_MEMALLOC          ((gfp_t)0x01000u)
#define __GFP_COMP              ((gfp_t)0x02000u)
#define __GFP_NOMEMALLOC        ((gfp_t)0x04000u)
#define __GFP_HARDWALL          ((gfp_t)0x08000u)
#define __GFP_THISNODE          ((gfp_t)0x10000u)
#define __GFP_ACCOUNT           ((gfp_t)0x20000u)

#define __GFP_RECLAIM           (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC              (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL              (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT      (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT              (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO                (__GFP_RECLAIM)
#define GFP_NOFS                (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER                (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA32               __GFP_DMA32
#define GFP_HIGHUSER            GFP_USER
#define GFP_HIGHUSER_MOVABLE    (GFP_HIGHUSER | __GFP_MOVABLE)

/* The highest zone an allocation with these flags may use. */
static inline enum zone_type gfp_zone(gfp_t gfp)
{
	return (gfp & __GFP_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
}

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return !!(gfp & __GFP_DIRECT_RECLAIM);
}

/*
 * Allocate 2^order contiguous pages, preferring preferred_nid and falling
 * back through that node's zonelist (nearest node first). Returns the head
 * page with _refcount 1, or NULL. Callable with interrupts off; never sleeps.
 */
struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid);

/* Drop a reference on an allocated block; the last one frees it. order must
 * be the order it was allocated with (checked: bad_page "wrong order"). */
void __free_pages(struct page *page, unsigned int order);

/* Free a block whose last reference is already gone (_refcount == 0). */
void free_unref_page(struct page *page, unsigned int order);

/* From the current CPU's node. */
static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return __alloc_pages(gfp, order, numa_node_id());
}

/* From node nid (NUMA_NO_NODE: the current CPU's node). */
static inline struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	return __alloc_pages(gfp, order, nid);
}

#define alloc_page(gfp)         alloc_pages(gfp, 0)
#define __free_page(page)       __free_pages((page), 0)

unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define __get_free_page(gfp)    __get_free_pages((gfp), 0)
#define free_page(addr)         free_pages((addr), 0)

/* Per-CPU lists: give this CPU's (or every CPU's) cached pages of zone
 * (NULL: of every zone) back to the buddy lists. */
void drain_local_pages(struct zone *zone);
void drain_all_pages(struct zone *zone);

/* Turn a zone's per-CPU lists off (drained; every allocation and free then
 * takes zone->lock) and back on. Used by the benchmark and by tests. */
void zone_pcp_disable(struct zone *zone);
void zone_pcp_enable(struct zone *zone);

#endif

/*
 * struct page: one per 4 KiB physical frame (Linux: include/linux/mm_types.h).
 *
 * A struct page that is all zero bytes is the valid "not yet initialised"
 * state: the memory the VMM gives the guest is zero-filled, the memmap is
 * allocated from memory nothing has written (memblock_alloc_try_nid_raw),
 * and mm_init.c initialises struct pages only when their frames are first
 * handed to the page allocator (deferred init, see mm_init.c). Therefore,
 * unlike Linux, the counts below are stored unbiased: _mapcount 0 means
 * "not mapped" (Linux stores -1), page_type 0 means "no type".
 *
 * page->flags (mm/page-flags.h) holds the PG_* bits in its low bits and the
 * page's section, node and zone in its high bits, so page_to_pfn(),
 * page_to_nid() and page_zone() work from the page alone.
 */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include <kernel/types.h>
#include <kernel/list.h>

struct address_space;

struct page {
	unsigned long flags;            /* PG_* bits; section, node, zone */
	union {
		struct {                /* buddy, per-CPU list, page cache, anon */
			union {
				struct list_head lru;        /* LRU lists (reclaim) */
				struct list_head buddy_list; /* zone free_area list */
				struct list_head pcp_list;   /* per_cpu_pages list */
			};
			struct address_space *mapping;
			unsigned long index;    /* offset within mapping */
			/* Owner's word; for a free buddy head: its order. */
			unsigned long private;
		};
		/* Tail page of a multi-page slab (mm/slab.h overlays struct slab
		 * on the head page): the head page's address + 1, as Linux's
		 * compound_head. Bit 0 is never set in the lru word of a head. */
		unsigned long compound_head;
	};
	unsigned int page_type;         /* PGTY_* (0 = none), see page-flags.h */
	int _mapcount;                  /* page-table mappings (0 = unmapped) */
	int _refcount;                  /* references; 0 = free */
	unsigned int _unused;           /* reserved for later issues */
};

_Static_assert(sizeof(struct page) == 64, "struct page must be 64 bytes");

#endif

/* Shared set-up of the user-memory host tests (test_vma.c, test_mm_fault.c):
 * a 64 MiB one-node machine with SLUB and 4-level page tables. */
#ifndef TESTS_MM_USER_HOST_H
#define TESTS_MM_USER_HOST_H

#include <mm/mm.h>
#include <mm/mm_user.h>
#include <mm/pgtable.h>
#include <mm/slab.h>
#include <mm/vma.h>
#include <mm/vmstat.h>
#include <mm/vm_event_item.h>
#include "guest/mm/slab.h"
#include "mm_host.h"
#include "pgtable_host.h"


static inline void mm_user_boot_levels(unsigned int levels)
{
	mm_host_boot_simple(64ULL << 20, 1, -1);
	page_alloc_init_late();
	mm_host_set_paging(levels);
	mm_host_paging_init();
	setup_slub_debug(NULL);
	kmem_cache_init();
	zero_page();
}

static inline void mm_user_boot(void)
{
	mm_user_boot_levels(4);
}

/* Free + per-CPU + deferred pages: what comes back when all is freed. */
static inline unsigned long avail_pages(void)
{
	return node_available_pages(0);
}

/* Everything the user-memory code caches, given back (slabs, clean
 * page-cache pages), so avail_pages() can be compared exactly. */
static inline void mm_user_settle(void)
{
	mm_user_drain();
}

#endif

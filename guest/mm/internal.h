/*
 * Declarations shared by the files of guest/mm only (Linux: mm/internal.h).
 */
#ifndef GUEST_MM_INTERNAL_H
#define GUEST_MM_INTERNAL_H

#include <mm/mm.h>

/* alloc_flags: which watermark to check, and which reserves may be used. */
#define ALLOC_WMARK_MIN         WMARK_MIN
#define ALLOC_WMARK_LOW         WMARK_LOW
#define ALLOC_WMARK_HIGH        WMARK_HIGH
#define ALLOC_NO_WATERMARKS     0x04    /* don't check watermarks at all */
#define ALLOC_WMARK_MASK        (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_MIN_RESERVE       0x08    /* __GFP_HIGH: half of the min reserve */
#define ALLOC_NON_BLOCK         0x10    /* cannot block: a quarter more */
#define ALLOC_RESERVES          (ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_NO_WATERMARKS)

/* What an allocation walks: computed once in __alloc_pages(). */
struct alloc_context {
	struct zonelist *zonelist;
	struct zoneref *preferred_zoneref;
	enum zone_type highest_zoneidx;
};

/* page_alloc.c */
extern int user_min_free_kbytes;
void __free_pages_core_locked(struct zone *zone, unsigned long pfn, unsigned int order);
void init_per_zone_wmark_min(void);
void zone_pcp_init(struct zone *zone);
void zone_pcp_update(struct zone *zone);

/* mm_init.c */
extern int mm_cpu_node[NR_CPUS];        /* cpu_to_node(), cached at boot */
void build_all_zonelists(void);

#endif

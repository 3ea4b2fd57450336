/*
 * Nodes, zones, free areas, per-CPU page lists and the memory model
 * (Linux: include/linux/mmzone.h, include/linux/nodemask.h).
 *
 * Memory model: SPARSEMEM with 4 MiB sections (one MAX_PAGE_ORDER block).
 * mem_section[pfn >> PFN_SECTION_SHIFT] points at the struct pages of that
 * section; a section's struct pages live on the node that owns the
 * section's first frame, in one array per node allocated from that node by
 * memblock (mm_init.c). A buddy block never crosses a section, so buddy
 * arithmetic (page + (buddy_pfn - pfn)) stays inside one array.
 *
 * Zones: ZONE_DMA32 is the part of a node below 4 GiB, ZONE_NORMAL the part
 * above. A guest with less than 4 GiB has everything in DMA32 and empty
 * NORMAL zones, as Linux has. (No ZONE_MOVABLE: nothing needs it yet.)
 */
#ifndef MM_MMZONE_H
#define MM_MMZONE_H

#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/smp.h>
#include <mm/page_types.h>
#include <mm/mm_types.h>
#include <mm/page-flags.h>

/* Buddy orders: blocks of 2^0 .. 2^MAX_PAGE_ORDER pages (Linux 6.x names;
 * older kernels call NR_PAGE_ORDERS "MAX_ORDER"). */
#define MAX_PAGE_ORDER          10
#define NR_PAGE_ORDERS          (MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES      (1UL << MAX_PAGE_ORDER)
/* Orders above this are "costly"; orders up to it are cached per CPU. */
#define PAGE_ALLOC_COSTLY_ORDER 3
#define NR_PCP_LISTS            (PAGE_ALLOC_COSTLY_ORDER + 1)

#define PFN_SECTION_SHIFT       MAX_PAGE_ORDER
#define SECTION_SIZE_BITS       (PFN_SECTION_SHIFT + PAGE_SHIFT)
#define PAGES_PER_SECTION       (1UL << PFN_SECTION_SHIFT)
#define PAGE_SECTION_MASK       (~(PAGES_PER_SECTION - 1))

_Static_assert(MAX_NUMNODES <= (1 << NODES_WIDTH), "node id does not fit page->flags");

enum zone_type {
	ZONE_DMA32,             /* below 4 GiB: 32-bit DMA */
	ZONE_NORMAL,            /* everything above */
	MAX_NR_ZONES
};
#define ZONE_DMA32_END_PFN      (1UL << (32 - PAGE_SHIFT))

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

enum zone_stat_item {
	NR_FREE_PAGES,          /* pages in the free_area lists (not PCP) */
	NR_VM_ZONE_STAT_ITEMS
};

/* Per zone, per CPU events (Linux's numa_stat_item, same order). */
enum numa_stat_item {
	NUMA_HIT,               /* allocated on the preferred node */
	NUMA_MISS,              /* allocated here, preferred another node */
	NUMA_FOREIGN,           /* preferred here, allocated on another node */
	NUMA_INTERLEAVE_HIT,    /* (no interleave policy yet: stays 0) */
	NUMA_LOCAL,             /* allocated on the allocating CPU's node */
	NUMA_OTHER,             /* allocated on another node than the CPU's */
	NR_VM_NUMA_EVENT_ITEMS
};

/* Per zone, per CPU page counts (Linux: pgalloc_<zone>, pgfree). */
enum zone_event_item {
	PGALLOC,                /* pages allocated from this zone */
	PGFREE,                 /* pages freed to this zone */
	NR_ZONE_EVENT_ITEMS
};

/* One list per order: heads of free blocks of that order (no migratetypes). */
struct free_area {
	struct list_head free_list;
	unsigned long nr_free;          /* blocks on the list */
};

/* Per-CPU cache of free pages of one zone (orders 0..PAGE_ALLOC_COSTLY_ORDER). */
struct per_cpu_pages {
	spinlock_t lock;                /* owner CPU, or a remote drainer */
	int count;                      /* pages on the lists (1 << order each) */
	int high;                       /* drain batch pages when count >= high */
	int batch;                      /* pages moved per zone->lock round trip */
	struct list_head lists[NR_PCP_LISTS];   /* index: order */
};

/* Per-CPU event counters of one zone: single writer (the CPU, irqs off). */
struct per_cpu_zonestat {
	unsigned long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
	unsigned long vm_events[NR_ZONE_EVENT_ITEMS];
};

/*
 * The per-CPU part of one zone. Each CPU has an array of these (one per
 * zone of every node) in its own per-CPU area, allocated on the CPU's node;
 * Linux has the same two objects as zone->per_cpu_pageset and
 * zone->per_cpu_zonestats percpu pointers.
 */
struct zone_percpu {
	struct per_cpu_pages pcp;
	struct per_cpu_zonestat stat;
} ____cacheline_aligned;

extern struct zone_percpu *zone_percpu_area[NR_CPUS];

struct pglist_data;

struct zone {
	/* Read-mostly: set at init (and by setup_per_zone_wmarks). */
	unsigned long _watermark[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];     /* kept free from higher-zone requests */
	int node;
	unsigned int zone_pcpu_idx;     /* index into zone_percpu_area[cpu][] */
	struct pglist_data *zone_pgdat;
	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;    /* zone_end_pfn - zone_start_pfn */
	unsigned long present_pages;    /* frames with memory */
	unsigned long managed_pages;    /* present - reserved: the allocator's */
	int pageset_high;               /* per_cpu_pages high and batch */
	int pageset_batch;
	bool pcp_disabled;              /* zone_pcp_disable(): buddy path only */

	/* Written by the allocator, under lock. */
	spinlock_t lock ____cacheline_aligned;
	struct free_area free_area[NR_PAGE_ORDERS];
	unsigned long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	/* Deferred struct page init: frames >= deferred_pfn are not yet
	 * initialised nor free; nr_deferred of them are free memory. */
	unsigned long deferred_pfn;
	unsigned long nr_deferred;
} ____cacheline_aligned;

/* A zonelist: zones to try, best first, ending with a NULL zone. */
#define MAX_ZONES_PER_ZONELIST  (MAX_NUMNODES * MAX_NR_ZONES)

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

struct zonelist {
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];
};

enum {
	ZONELIST_FALLBACK,      /* all nodes with memory, nearest first */
	ZONELIST_NOFALLBACK,    /* this node only (__GFP_THISNODE) */
	MAX_ZONELISTS
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones;                   /* highest populated zone index + 1 */
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	unsigned long node_memmap_pages; /* struct pages allocated on this node */
} pg_data_t;

extern struct pglist_data *node_data[MAX_NUMNODES];
#define NODE_DATA(nid)          (node_data[nid])

/* Node sets (MAX_NUMNODES <= 64: one word). */
typedef struct { unsigned long bits; } nodemask_t;

enum node_states {
	N_ONLINE,               /* has a pglist_data */
	N_MEMORY,               /* has memory */
	N_CPU,                  /* has CPUs */
	NR_NODE_STATES
};
extern nodemask_t node_states[NR_NODE_STATES];
extern unsigned int nr_online_nodes;    /* nodes 0 .. nr_online_nodes-1 are online */

static inline bool node_state(int nid, enum node_states state)
{
	return (node_states[state].bits >> nid) & 1UL;
}

/* (kernel/numa.h has for_each_online_node for the ACPI view of nodes.) */
#define for_each_node_state(nid, state) \
	for ((nid) = 0; (nid) < (int)nr_online_nodes; (nid)++) \
		if (node_state((nid), (state)))
#define for_each_online_pgdat(pgdat) \
	for (int nid__ = 0; nid__ < (int)nr_online_nodes; nid__++) \
		if (((pgdat) = NODE_DATA(nid__)) != NULL)
/* Every zone of every online node, populated or not. */
#define for_each_zone(zone) \
	for (int zid__ = 0; zid__ < (int)nr_online_nodes * MAX_NR_ZONES; zid__++) \
		if (NODE_DATA(zid__ / MAX_NR_ZONES) && \
		    ((zone) = &NODE_DATA(zid__ / MAX_NR_ZONES)->node_zones[zid__ % MAX_NR_ZONES]))
#define for_each_populated_zone(zone) \
	for_each_zone(zone) if (populated_zone(zone))

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *zone, unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn && pfn < zone_end_pfn(zone);
}

static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}

static inline unsigned long zone_managed_pages(const struct zone *zone)
{
	return READ_ONCE(zone->managed_pages);
}

static inline bool managed_zone(const struct zone *zone)
{
	return zone_managed_pages(zone) != 0;
}

static inline int zone_to_nid(const struct zone *zone)
{
	return zone->node;
}

#define zone_idx(zone)          ((int)((zone) - (zone)->zone_pgdat->node_zones))

static inline unsigned long zone_page_state(const struct zone *zone,
					    enum zone_stat_item item)
{
	return READ_ONCE(zone->vm_stat[item]);
}

#define min_wmark_pages(z)      ((z)->_watermark[WMARK_MIN])
#define low_wmark_pages(z)      ((z)->_watermark[WMARK_LOW])
#define high_wmark_pages(z)     ((z)->_watermark[WMARK_HIGH])
#define wmark_pages(z, i)       ((z)->_watermark[i])

static inline struct per_cpu_pages *per_cpu_pageset(const struct zone *zone,
						    unsigned int cpu)
{
	return &zone_percpu_area[cpu][zone->zone_pcpu_idx].pcp;
}

static inline struct per_cpu_zonestat *per_cpu_zonestats(const struct zone *zone,
							 unsigned int cpu)
{
	return &zone_percpu_area[cpu][zone->zone_pcpu_idx].stat;
}

/* Zonelist walking (Linux: first_zones_zonelist, for_each_zone_zonelist). */
static inline struct zoneref *next_zones_zonelist(struct zoneref *z,
						  enum zone_type highest_zoneidx)
{
	while (z->zone && z->zone_idx > (int)highest_zoneidx)
		z++;
	return z;
}

static inline struct zoneref *first_zones_zonelist(struct zonelist *zonelist,
						   enum zone_type highest_zoneidx)
{
	return next_zones_zonelist(zonelist->_zonerefs, highest_zoneidx);
}

#define for_next_zone_zonelist(zone, z, highidx) \
	for (z = next_zones_zonelist(z, highidx), zone = z->zone; \
	     zone; \
	     z = next_zones_zonelist(++z, highidx), zone = z->zone)
#define for_each_zone_zonelist(zone, z, zlist, highidx) \
	for (z = first_zones_zonelist(zlist, highidx), zone = z->zone; \
	     zone; \
	     z = next_zones_zonelist(++z, highidx), zone = z->zone)

/*
 * Sections. section_mem_map holds (memmap - first pfn of the section), so
 * that pfn_to_page(pfn) is one add, with SECTION_HAS_MEM_MAP in bit 0.
 */
struct mem_section {
	unsigned long section_mem_map;
};
#define SECTION_HAS_MEM_MAP     1UL
#define SECTION_MAP_MASK        (~(sizeof(struct page) - 1))

extern struct mem_section *mem_section;  /* nr_mem_sections entries */
extern unsigned long nr_mem_sections;
extern unsigned long max_pfn;            /* end of the highest memory */

static inline unsigned long pfn_to_section_nr(unsigned long pfn)
{
	return pfn >> PFN_SECTION_SHIFT;
}

static inline unsigned long section_nr_to_pfn(unsigned long nr)
{
	return nr << PFN_SECTION_SHIFT;
}

/* true if pfn has a struct page (it may be a hole inside a section). */
static inline bool pfn_valid(unsigned long pfn)
{
	unsigned long nr = pfn_to_section_nr(pfn);

	return nr < nr_mem_sections &&
	       (mem_section[nr].section_mem_map & SECTION_HAS_MEM_MAP);
}

/* Integer arithmetic: the encoded base is not itself a valid pointer. */
static inline struct page *pfn_to_page(unsigned long pfn)
{
	return (struct page *)((mem_section[pfn_to_section_nr(pfn)].section_mem_map &
				SECTION_MAP_MASK) + pfn * sizeof(struct page));
}

static inline unsigned long page_to_section(const struct page *page)
{
	return (page->flags >> SECTIONS_PGSHIFT) & SECTIONS_MASK;
}

/* Needs an initialised struct page (every page the allocator hands out is). */
static inline unsigned long page_to_pfn(const struct page *page)
{
	return ((unsigned long)page - (mem_section[page_to_section(page)].section_mem_map &
				       SECTION_MAP_MASK)) / sizeof(struct page);
}

static inline int page_to_nid(const struct page *page)
{
	return (int)((page->flags >> NODES_PGSHIFT) & NODES_MASK);
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> ZONES_PGSHIFT) & ZONES_MASK);
}

/* (node, zone) identity: two pages with equal ids share a zone. */
static inline unsigned long page_zone_id(const struct page *page)
{
	return (page->flags >> ZONEID_PGSHIFT) & ZONEID_MASK;
}

static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(page_to_nid(page))->node_zones[page_zonenum(page)];
}

static inline pg_data_t *page_pgdat(const struct page *page)
{
	return NODE_DATA(page_to_nid(page));
}

static inline void set_page_links(struct page *page, enum zone_type zone,
				  int nid, unsigned long pfn)
{
	page->flags = (page->flags & ((1UL << SECTIONS_PGSHIFT) - 1)) |
		      ((unsigned long)zone << ZONES_PGSHIFT) |
		      ((unsigned long)nid << NODES_PGSHIFT) |
		      (pfn_to_section_nr(pfn) << SECTIONS_PGSHIFT);
}

#define page_to_phys(page)      PFN_PHYS(page_to_pfn(page))
#define phys_to_page(pa)        pfn_to_page(PHYS_PFN(pa))

static inline void *page_address(const struct page *page)
{
	return __va(PFN_PHYS(page_to_pfn(page)));
}

#define virt_to_page(va)        pfn_to_page(PHYS_PFN(__pa(va)))
#define virt_to_pfn(va)         PHYS_PFN(__pa(va))

#endif

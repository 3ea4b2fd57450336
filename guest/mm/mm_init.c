/*
 * Nodes, zones, the memmap and zonelists, built from memblock; struct pages
 * initialised on demand (Linux: mm/mm_init.c, mm/sparse.c, and the zonelist
 * part of mm/page_alloc.c).
 *
 * What mm_core_init() touches is proportional to the number of nodes,
 * sections (4 MiB each), CPUs and reserved pages, not to the number of
 * frames: it allocates every node's struct page array (on that node) but
 * leaves it as it came, zero-filled, which is the "not initialised" state.
 * The struct pages of reserved memory are initialised at once (PG_reserved,
 * _refcount 1), as Linux does: two stores per page, and the memmap itself
 * (1/64 of memory) is most of it. Those of free memory are initialised
 * only when a zone needs more free pages (deferred_grow_zone(), Linux's
 * deferred_init_memmap idea done on demand instead of by a thread): when a
 * zone is under its watermark or cannot serve an order, the allocator has
 * it initialise and free the zone's next section, and again, until the
 * zone is over its high watermark (page_alloc.c: zone_grow_deferred).
 *
 * Locking: mm_core_init() runs once, on one CPU, before any allocation.
 * deferred_grow_zone() claims a range of the zone under zone->lock,
 * initialises its struct pages without the lock (no one else can reach
 * them: they are on no list and the range is claimed), then takes
 * zone->lock again to put them on the free lists.
 */
#include "internal.h"
#include <mm/memblock.h>
#include <mm/vmstat.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/string.h>

unsigned long page_offset_base = PAGE_OFFSET_DEFAULT;

struct pglist_data *node_data[MAX_NUMNODES];
nodemask_t node_states[NR_NODE_STATES];
unsigned int nr_online_nodes;

struct mem_section *mem_section;
unsigned long nr_mem_sections;
unsigned long max_pfn;

struct zone_percpu *zone_percpu_area[NR_CPUS];
int mm_cpu_node[NR_CPUS];

static const char *const zone_names[MAX_NR_ZONES] = {
	[ZONE_DMA32] = "DMA32",
	[ZONE_NORMAL] = "Normal",
};

static void node_set_state(int nid, enum node_states state)
{
	node_states[state].bits |= 1UL << nid;
}

/* Which nodes exist: those SRAT reports and those memblock names. */
static void numa_setup_nodes(void)
{
	unsigned int n = nr_node_ids ? nr_node_ids : 1;
	unsigned long i;
	unsigned int cpu;
	bool unassigned = false;

	for (i = 0; i < memblock.memory.cnt; i++) {
		int nid = memblock.memory.regions[i].nid;

		if (nid == NUMA_NO_NODE)
			unassigned = true;
		else if ((unsigned int)nid + 1 > n)
			n = (unsigned int)nid + 1;
	}
	if (unassigned) {
		pr_warn("mm: memory outside every NUMA node given to node 0\n");
		for (i = 0; i < memblock.memory.cnt; i++) {
			struct memblock_region *r = &memblock.memory.regions[i];

			if (r->nid == NUMA_NO_NODE) {
				memblock_set_node(r->base, r->size, 0);
				i = (unsigned long)-1;  /* the array changed: rescan */
			}
		}
	}
	if (n > MAX_NUMNODES)
		panic("mm: %u NUMA nodes, at most %d supported", n, MAX_NUMNODES);
	nr_online_nodes = n;
	for (i = 0; i < n; i++)
		node_set_state((int)i, N_ONLINE);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		int nid = cpu_to_node(cpu);

		if (nid < 0 || (unsigned int)nid >= n)
			pr_warn("mm: cpu %u has no valid node (%d)\n", cpu, nid);
		else
			node_set_state(nid, N_CPU);
	}
}

/* Each node's pglist_data, on the node itself where it has memory. */
static void alloc_node_data(void)
{
	unsigned int nid;

	for (nid = 0; nid < nr_online_nodes; nid++) {
		pg_data_t *pgdat = memblock_alloc_try_nid(sizeof(*pgdat), SMP_CACHE_BYTES,
							  0, MEMBLOCK_ALLOC_ANYWHERE, (int)nid);
		if (!pgdat)
			panic("mm: no memory for node %u's pglist_data", nid);
		pgdat->node_id = (int)nid;
		node_data[nid] = pgdat;
	}
}

/*
 * The memory model (Linux: sparse_init). Every section with memory gets
 * PAGES_PER_SECTION struct pages from the node owning its first frame;
 * each node's are one allocation, left untouched (zero).
 */
static void sparse_init(void)
{
	unsigned long count[MAX_NUMNODES] = { 0 };
	unsigned long map[MAX_NUMNODES];
	unsigned long i, s, e, nr;
	unsigned int n;
	int nid;

	max_pfn = PFN_DOWN(memblock_end_of_DRAM());
	nr_mem_sections = DIV_ROUND_UP(max_pfn, PAGES_PER_SECTION);
	mem_section = memblock_alloc(nr_mem_sections * sizeof(*mem_section), SMP_CACHE_BYTES);
	if (!mem_section)
		panic("mm: no memory for %lu mem_section entries", nr_mem_sections);

	/* Owner of each section, kept as (nid + 1) << 1 until the maps exist. */
	for_each_mem_pfn_range(i, NUMA_NO_NODE, &s, &e, &nid) {
		for (nr = pfn_to_section_nr(s); nr <= pfn_to_section_nr(e - 1); nr++) {
			if (mem_section[nr].section_mem_map)
				continue;
			mem_section[nr].section_mem_map = (unsigned long)(nid + 1) << 1;
			count[nid]++;
		}
	}
	for (n = 0; n < nr_online_nodes; n++) {
		phys_addr_t size = count[n] * PAGES_PER_SECTION * sizeof(struct page);
		void *p;

		if (!count[n])
			continue;
		p = memblock_alloc_try_nid_raw(size, PAGE_SIZE, 0, MEMBLOCK_ALLOC_ANYWHERE, (int)n);
		if (!p)
			panic("mm: no memory for node %u's memmap (%llu KiB)", n,
			      (unsigned long long)(size >> 10));
		if (!memblock_free_memory_zeroed)
			memset(p, 0, size);
		if (memblock_nid_of(__pa(p)) != (int)n)
			pr_warn("mm: node %u's memmap is on node %d\n", n, memblock_nid_of(__pa(p)));
		map[n] = (unsigned long)p;
		NODE_DATA(n)->node_memmap_pages = count[n] * PAGES_PER_SECTION;
	}
	for (nr = 0; nr < nr_mem_sections; nr++) {
		unsigned long v = mem_section[nr].section_mem_map;

		if (!v)
			continue;
		n = (unsigned int)(v >> 1) - 1;
		mem_section[nr].section_mem_map =
			(map[n] - section_nr_to_pfn(nr) * sizeof(struct page)) | SECTION_HAS_MEM_MAP;
		map[n] += PAGES_PER_SECTION * sizeof(struct page);
	}
}

/* Every CPU's per-zone pagesets and counters, on the CPU's node. */
static void setup_zone_percpu_areas(void)
{
	phys_addr_t size = (phys_addr_t)nr_online_nodes * MAX_NR_ZONES * sizeof(struct zone_percpu);
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		int nid = cpu_to_node(cpu);

		if (nid < 0 || (unsigned int)nid >= nr_online_nodes)
			nid = NUMA_NO_NODE;
		mm_cpu_node[cpu] = nid;
		zone_percpu_area[cpu] = memblock_alloc_try_nid(size, SMP_CACHE_BYTES, 0,
							       MEMBLOCK_ALLOC_ANYWHERE, nid);
		if (!zone_percpu_area[cpu])
			panic("mm: no memory for cpu %u's per-CPU page lists", cpu);
	}
}

static unsigned long zone_range_pages(int nid, unsigned long zs, unsigned long ze, bool free_only)
{
	unsigned long i, s, e, nr = 0;

	if (free_only) {
		for_each_free_mem_pfn_range(i, nid, zs, ze, &s, &e)
			nr += e - s;
	} else {
		for_each_mem_pfn_range(i, nid, &s, &e, NULL)
			if (s < ze && zs < e)
				nr += min(e, ze) - max(s, zs);
	}
	return nr;
}

/* Spans and page counts of a node and its zones (Linux: free_area_init_node). */
static void free_area_init_node(int nid)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	unsigned long start = ~0UL, end = 0, present = 0, i, s, e;
	int j;

	for_each_mem_pfn_range(i, nid, &s, &e, NULL) {
		start = min(start, s);
		end = max(end, e);
		present += e - s;
	}
	if (!present)
		start = end = 0;
	pgdat->node_start_pfn = start;
	pgdat->node_spanned_pages = end - start;
	pgdat->node_present_pages = present;
	if (present)
		node_set_state(nid, N_MEMORY);

	for (j = 0; j < MAX_NR_ZONES; j++) {
		struct zone *zone = &pgdat->node_zones[j];
		unsigned long lo = j == ZONE_DMA32 ? 0 : ZONE_DMA32_END_PFN;
		unsigned long hi = j == ZONE_DMA32 ? ZONE_DMA32_END_PFN : ~0UL;
		unsigned long zs = min(max(start, lo), hi), ze = min(max(end, lo), hi);
		int order;

		zone->node = nid;
		zone->zone_pgdat = pgdat;
		zone->name = zone_names[j];
		zone->zone_pcpu_idx = (unsigned int)(nid * MAX_NR_ZONES + j);
		zone->zone_start_pfn = zs;
		zone->spanned_pages = ze - zs;
		zone->present_pages = zone_range_pages(nid, zs, ze, false);
		zone->managed_pages = zone_range_pages(nid, zs, ze, true);
		spin_lock_init(&zone->lock);
		for (order = 0; order < NR_PAGE_ORDERS; order++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list);
		zone->deferred_pfn = zs;
		zone->nr_deferred = zone->managed_pages;
		zone_pcp_init(zone);
		if (zone->present_pages)
			pgdat->nr_zones = j + 1;
	}
}

/*
 * Reserved memory's struct pages: PG_reserved, _refcount 1, node and zone
 * (Linux: memmap_init_reserved_pages). A partly reserved page counts as
 * reserved. The loop is two stores per page (the struct pages are zero),
 * since the memmap itself, 1/64 of memory, is reserved memory too.
 */
static void init_reserved_range(unsigned long spfn, unsigned long epfn, int nid)
{
	while (spfn < epfn) {
		unsigned long end = min(epfn, ALIGN(spfn + 1, PAGES_PER_SECTION));
		struct page *page, *last;
		unsigned long flags;

		if (!pfn_valid(spfn)) {
			spfn = end;
			continue;
		}
		page = pfn_to_page(spfn);
		last = page + (end - spfn);
		page->flags = 0;
		set_page_links(page, spfn < ZONE_DMA32_END_PFN ? ZONE_DMA32 : ZONE_NORMAL, nid, spfn);
		flags = page->flags | 1UL << PG_reserved;
		for (; page < last; page++) {
			page->flags = flags;
			page->_refcount = 1;
		}
		spfn = end;
	}
}

static void memmap_init_reserved_pages(void)
{
	const struct memblock_type *mem = &memblock.memory, *rsv = &memblock.reserved;
	unsigned long i, j;

	for (i = 0; i < mem->cnt; i++) {
		const struct memblock_region *m = &mem->regions[i];
		phys_addr_t m_end = m->base + m->size;

		for (j = 0; j < rsv->cnt; j++) {
			const struct memblock_region *r = &rsv->regions[j];
			phys_addr_t s = max(m->base, r->base), e = min(m_end, r->base + r->size);

			if (s < e)
				init_reserved_range(PFN_DOWN(s), PFN_UP(e), m->nid);
		}
	}
}

/* Initialise struct pages [spfn, epfn) of one section as free pages of zone. */
static void deferred_init_pages(struct zone *zone, unsigned long spfn, unsigned long epfn)
{
	struct page *page = pfn_to_page(spfn), *end = page + (epfn - spfn);
	unsigned long links;

	/* Never-initialised struct pages are zero: the whole init is the links. */
	page->flags = 0;
	set_page_links(page, (enum zone_type)zone_idx(zone), zone_to_nid(zone), spfn);
	links = page->flags;
	for (; page < end; page++)
		page->flags = links;
}

/* Free [spfn, epfn) to the buddy lists in the largest aligned blocks. */
static void deferred_free_range(struct zone *zone, unsigned long spfn, unsigned long epfn)
{
	while (spfn < epfn) {
		unsigned int order = spfn ? (unsigned int)__builtin_ctzl(spfn) : MAX_PAGE_ORDER;
		unsigned int fit = 63 - (unsigned int)__builtin_clzl(epfn - spfn);

		order = min(min(order, fit), (unsigned int)MAX_PAGE_ORDER);
		__free_pages_core_locked(zone, spfn, order);
		spfn += 1UL << order;
	}
}

bool deferred_grow_zone(struct zone *zone, unsigned int order)
{
	int nid = zone_to_nid(zone);
	unsigned long end = zone_end_pfn(zone);
	unsigned long flags, spfn, epfn, s, e, i, nr;

	(void)order;    /* a section (an order-MAX_PAGE_ORDER block) per call */
	for (;;) {
		spin_lock_irqsave(&zone->lock, flags);
		spfn = zone->deferred_pfn;
		if (spfn >= end) {
			spin_unlock_irqrestore(&zone->lock, flags);
			return false;
		}
		epfn = min(ALIGN(spfn + 1, PAGES_PER_SECTION), end);
		zone->deferred_pfn = epfn;
		spin_unlock_irqrestore(&zone->lock, flags);

		nr = 0;
		for_each_free_mem_pfn_range(i, nid, spfn, epfn, &s, &e) {
			deferred_init_pages(zone, s, e);
			nr += e - s;
		}
		if (!nr)
			continue;       /* all reserved or a hole: next section */

		spin_lock_irqsave(&zone->lock, flags);
		for_each_free_mem_pfn_range(i, nid, spfn, epfn, &s, &e)
			deferred_free_range(zone, s, e);
		zone->nr_deferred -= nr;
		spin_unlock_irqrestore(&zone->lock, flags);
		return true;
	}
}

void page_alloc_init_late(void)
{
	struct zone *zone;

	for_each_populated_zone(zone)
		while (deferred_grow_zone(zone, MAX_PAGE_ORDER))
			;
}

/*
 * Zonelists (Linux: build_all_zonelists). Each node's fallback list holds
 * the populated zones of every node with memory, nodes ordered by
 * find_next_best_node(): the node itself, then by SLIT distance from it
 * (row `node` of the table: distances may be asymmetric); equal distances
 * prefer a higher node id over a lower one, then the node chosen least
 * often so far (node_load), so that equally distant nodes take turns across
 * the nodes' lists. Within a node, zones go highest first.
 */
#define PENALTY_FOR_NODE_WITH_CPUS 1

static int node_load[MAX_NUMNODES];

static int find_next_best_node(int node, nodemask_t *used_node_mask)
{
	int n, val, min_val = __INT_MAX__, best_node = NUMA_NO_NODE;

	if (!(used_node_mask->bits & (1UL << node)) && node_state(node, N_MEMORY)) {
		used_node_mask->bits |= 1UL << node;
		return node;
	}
	for_each_node_state(n, N_MEMORY) {
		if (used_node_mask->bits & (1UL << n))
			continue;
		val = node_distance(node, n);
		val += (n < node);              /* prefer the next node */
		if (node_state(n, N_CPU))
			val += PENALTY_FOR_NODE_WITH_CPUS;
		val *= MAX_NUMNODES;
		val += node_load[n];            /* then the less used one */
		if (val < min_val) {
			min_val = val;
			best_node = n;
		}
	}
	if (best_node >= 0)
		used_node_mask->bits |= 1UL << best_node;
	return best_node;
}

static int build_zonerefs_node(pg_data_t *pgdat, struct zoneref *zonerefs)
{
	int zone_type = MAX_NR_ZONES, nr_zones = 0;

	do {
		struct zone *zone = &pgdat->node_zones[--zone_type];

		if (populated_zone(zone)) {
			zonerefs[nr_zones].zone = zone;
			zonerefs[nr_zones].zone_idx = zone_type;
			nr_zones++;
		}
	} while (zone_type);
	return nr_zones;
}

static void build_zonelists(pg_data_t *pgdat)
{
	int node_order[MAX_NUMNODES];
	int node, nr_nodes = 0, i;
	int local_node = pgdat->node_id, prev_node = local_node;
	nodemask_t used_mask = { 0 };
	struct zoneref *zonerefs;

	while ((node = find_next_best_node(local_node, &used_mask)) >= 0) {
		/* Spread the first node of each distance group round-robin. */
		if (node_distance(local_node, node) != node_distance(local_node, prev_node))
			node_load[node] += 1;
		node_order[nr_nodes++] = node;
		prev_node = node;
	}

	zonerefs = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	for (i = 0; i < nr_nodes; i++)
		zonerefs += build_zonerefs_node(NODE_DATA(node_order[i]), zonerefs);
	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;

	zonerefs = pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	zonerefs += build_zonerefs_node(pgdat, zonerefs);
	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;
}

void build_all_zonelists(void)
{
	int nid;

	memset(node_load, 0, sizeof(node_load));
	for_each_node_state(nid, N_ONLINE)
		build_zonelists(NODE_DATA(nid));
}

static void mm_report(void)
{
	unsigned long total_managed = 0, total_present = 0;
	struct zone *zone;
	int nid;

	for_each_node_state(nid, N_ONLINE) {
		pg_data_t *pgdat = NODE_DATA(nid);

		if (!pgdat->node_present_pages) {
			printk("mm: node %d: no memory\n", nid);
			continue;
		}
		printk("mm: node %d: [mem 0x%llx-0x%llx] %lu pages, memmap %lu KiB\n", nid,
		       (unsigned long long)PFN_PHYS(pgdat->node_start_pfn),
		       (unsigned long long)PFN_PHYS(pgdat->node_start_pfn +
						    pgdat->node_spanned_pages) - 1,
		       pgdat->node_present_pages,
		       pgdat->node_memmap_pages * sizeof(struct page) >> 10);
	}
	for_each_populated_zone(zone) {
		printk("mm: node %d zone %s: %lu managed pages, watermarks min %lu low %lu high %lu, pcp high %d batch %d\n",
		       zone_to_nid(zone), zone->name, zone->managed_pages,
		       min_wmark_pages(zone), low_wmark_pages(zone), high_wmark_pages(zone),
		       zone->pageset_high, zone->pageset_batch);
		total_managed += zone->managed_pages;
		total_present += zone->present_pages;
	}
	printk("mm: %u nodes, %lu sections, min_free_kbytes %d; struct pages of free memory initialised on demand\n",
	       nr_online_nodes, nr_mem_sections, min_free_kbytes);
	printk("mm: Memory: %luK/%luK available (%luK reserved)\n",
	       total_managed << (PAGE_SHIFT - 10), total_present << (PAGE_SHIFT - 10),
	       (total_present - total_managed) << (PAGE_SHIFT - 10));
}

void mm_core_init(void)
{
	int nid;

	if (mem_section)
		panic("mm_core_init() called twice");
	if (!memblock.memory.cnt)
		panic("mm: no memory (memblock is empty)");
	if (nr_cpu_ids == 0 || nr_cpu_ids > NR_CPUS)
		panic("mm: nr_cpu_ids %u out of range", nr_cpu_ids);

	numa_setup_nodes();
	alloc_node_data();
	sparse_init();
	setup_zone_percpu_areas();
	/* From here on the allocator owns free memory: no more memblock. */
	memblock.frozen = true;

	for_each_node_state(nid, N_ONLINE)
		free_area_init_node(nid);
	memmap_init_reserved_pages();
	build_all_zonelists();
	init_per_zone_wmark_min();
	mm_report();
}

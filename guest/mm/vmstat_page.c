/*
 * Publishing the counters page (mm/vmstat_page.h, include/gmm/counters.h).
 *
 * Global section: nr_free_pages, the allocator's events (pgalloc, pgfree),
 * the numa_* events summed over nodes (/proc/vmstat names), then every
 * VM_EVENT_ITEMS event, nr_slab_reclaimable and nr_slab_unreclaimable
 * (pages in slabs and large kmallocs), then /proc/slabinfo's columns of
 * the caches SLUB makes at boot, before the page is laid out (mm_boot.c):
 * kmem_cache and kmalloc-8 .. kmalloc-8k, named "slab.<cache>.<column>"
 * with column one of active_objs, num_objs, objsize, objperslab,
 * pagesperslab, active_slabs, num_slabs (e.g. "slab.kmalloc-64.active_objs",
 * at most 29 characters). kmem_cache_node (whose names would not fit 31
 * characters) and caches created later count in the totals only. Per
 * node: MemTotal, MemFree, MemUsed (kB, per-node
 * meminfo), nr_free_pages, nr_slab_reclaimable, nr_slab_unreclaimable,
 * the numastat events (numa_hit ... other_node), and
 * buddy_<zone>_<order>: the free blocks of /proc/buddyinfo.
 *
 * Consistency: a zone's nr_free_pages and its free blocks are read under
 * zone->lock, so within a snapshot nr_free_pages == sum of blocks << order
 * exactly, node by node. Events are per-CPU sums read without locks (they
 * only grow). Slab figures are counters SLUB keeps as slabs come and go
 * (mm/slub.c), read without locks: a cache's row may be a moment
 * inconsistent with itself, never torn. The whole snapshot is written
 * between two seqlock updates.
 *
 * Locking: only the publishing CPU writes the page (single writer). It
 * publishes from its timer interrupt, which may have interrupted that very
 * CPU inside zone->lock: so it only trylocks, and a zone it cannot lock
 * keeps its previous (consistent) figures until the next publish.
 */
#include <gmm/counters.h>
#include <kernel/irqflags.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include "slab.h"
#include <mm/vm_event_item.h>
#include <mm/vmstat.h>
#include <mm/vmstat_page.h>

struct vm_event_state vm_event_states[NR_CPUS];

#define VM_EVENT_NAME(item, name) [item] = name,
const char *const vm_event_name[NR_VM_EVENT_ITEMS] = { VM_EVENT_ITEMS(VM_EVENT_NAME) };
#undef VM_EVENT_NAME

unsigned long global_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += READ_ONCE(vm_event_states[cpu].event[item]);
	return sum;
}

/* Global counters before the VM events, and the per-node ones before buddyinfo. */
enum { G_FREE, G_PGALLOC, G_PGFREE, G_NUMA, NR_G_FIXED = G_NUMA + NR_VM_NUMA_EVENT_ITEMS };
enum { N_MEMTOTAL, N_MEMFREE, N_MEMUSED, N_FREE, N_SLAB_RECLAIMABLE, N_SLAB_UNRECLAIMABLE,
       N_NUMA, NR_N_FIXED = N_NUMA + NR_VM_NUMA_EVENT_ITEMS };
/* After the VM events: the slab totals, then each published cache's row. */
enum { G_SLAB_RECLAIMABLE = NR_G_FIXED + NR_VM_EVENT_ITEMS, G_SLAB_UNRECLAIMABLE, G_SLAB_CACHES };
enum { SI_ACTIVE_OBJS, SI_NUM_OBJS, SI_OBJSIZE, SI_OBJPERSLAB, SI_PAGESPERSLAB,
       SI_ACTIVE_SLABS, SI_NUM_SLABS, NR_SI };
/*
 * Their names, laid out by the compiler: in interpreted ring 0 a store
 * costs ~3 us (PLATFORM.md), so building 98 names a byte at a time took
 * ~30 ms of boot; copying them is 4 rep movsq steps each.
 */
#define SLABINFO_NAMES(cache) { "slab." cache ".active_objs", "slab." cache ".num_objs", \
	"slab." cache ".objsize", "slab." cache ".objperslab", "slab." cache ".pagesperslab", \
	"slab." cache ".active_slabs", "slab." cache ".num_slabs" }
static const char slab_counter_names[][NR_SI][GMM_COUNTER_NAME_LEN] = {
	SLABINFO_NAMES("kmem_cache"), SLABINFO_NAMES("kmalloc-8"), SLABINFO_NAMES("kmalloc-16"),
	SLABINFO_NAMES("kmalloc-32"), SLABINFO_NAMES("kmalloc-64"), SLABINFO_NAMES("kmalloc-96"),
	SLABINFO_NAMES("kmalloc-128"), SLABINFO_NAMES("kmalloc-192"), SLABINFO_NAMES("kmalloc-256"),
	SLABINFO_NAMES("kmalloc-512"), SLABINFO_NAMES("kmalloc-1k"), SLABINFO_NAMES("kmalloc-2k"),
	SLABINFO_NAMES("kmalloc-4k"), SLABINFO_NAMES("kmalloc-8k"),
};
#define NR_PUB_CACHES   ARRAY_SIZE(slab_counter_names)
/* The same caches: kmem_cache, then kmalloc_caches[] by size. */
static const u8 pub_kmalloc_index[NR_PUB_CACHES - 1] = { 3, 4, 5, 6, 1, 7, 2, 8, 9, 10, 11, 12, 13 };
static struct kmem_cache *pub_cache[NR_PUB_CACHES];
static unsigned int nr_pub_caches;
static unsigned int nr_global;

/* buddyinfo is published for the zones populated on some node (as
 * /proc/buddyinfo lists populated zones only). */
static int pub_zone[MAX_NR_ZONES], nr_pub_zones;
static unsigned int nr_per_node;

static struct gmm_counters_header *page_hdr;
static u64 *page_values;
/* Each zone's free and deferred pages as last read under its lock. */
static struct { unsigned long free, deferred; } zone_last[MAX_NUMNODES][MAX_NR_ZONES];

/*
 * Name i is the concatenation of A, B, C, D (any may be ""), cut to fit.
 * Laying the page out is mostly this, and interpreted ring 0 (PLATFORM.md)
 * charges per instruction: one tight byte loop, no vsnprintf (~0.5 ms a
 * name), no strlen+memcpy per part (dearer than the loop here).
 */
static void set_name(char *names, unsigned int i, const char *a, const char *b, const char *c,
		     const char *d)
{
	char *q = names + (size_t)i * GMM_COUNTER_NAME_LEN, *end = q + GMM_COUNTER_NAME_LEN - 1;

	while (*a && q < end)
		*q++ = *a++;
	while (*b && q < end)
		*q++ = *b++;
	while (*c && q < end)
		*q++ = *c++;
	while (*d && q < end)
		*q++ = *d++;
	*q = '\0';
}

/* The boot caches, if SLUB is up (host tests may lay out a page without). */
static void choose_slab_caches(void)
{
	nr_pub_caches = 0;
	if (!kmem_cache)
		return;
	pub_cache[nr_pub_caches++] = kmem_cache;
	for (unsigned int i = 0; i < ARRAY_SIZE(pub_kmalloc_index); i++)
		pub_cache[nr_pub_caches++] = kmalloc_caches[pub_kmalloc_index[i]];
}

static void write_names(char *names)
{
	static const char *const zone_names[MAX_NR_ZONES] = { "DMA32", "Normal" };
	static const char *const order_name[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10" };
	_Static_assert(ARRAY_SIZE(order_name) == NR_PAGE_ORDERS, "a name per order");
	static const char *const fixed_global[NR_G_FIXED] = { "nr_free_pages", "pgalloc", "pgfree" };
	static const char *const fixed_node[N_NUMA] = {
		"MemTotal", "MemFree", "MemUsed", "nr_free_pages",
		"nr_slab_reclaimable", "nr_slab_unreclaimable",
	};
	unsigned int i, k;

	for (i = 0; i < G_NUMA; i++)
		set_name(names, i, fixed_global[i], "", "", "");
	for (k = 0; k < NR_VM_NUMA_EVENT_ITEMS; k++)
		set_name(names, G_NUMA + k, numa_stat_name[k], "", "", "");
	for (k = 0; k < NR_VM_EVENT_ITEMS; k++)
		set_name(names, NR_G_FIXED + k, vm_event_name[k], "", "", "");
	set_name(names, G_SLAB_RECLAIMABLE, "nr_slab_reclaimable", "", "", "");
	set_name(names, G_SLAB_UNRECLAIMABLE, "nr_slab_unreclaimable", "", "", "");
	memcpy(names + (size_t)G_SLAB_CACHES * GMM_COUNTER_NAME_LEN, slab_counter_names,
	       nr_pub_caches * sizeof(slab_counter_names[0]));

	names += (size_t)nr_global * GMM_COUNTER_NAME_LEN;
	for (i = 0; i < N_NUMA; i++)
		set_name(names, i, fixed_node[i], "", "", "");
	for (k = 0; k < NR_VM_NUMA_EVENT_ITEMS; k++)
		set_name(names, N_NUMA + k, numastat_node_name[k], "", "", "");
	for (i = 0; i < (unsigned int)nr_pub_zones; i++)
		for (k = 0; k < NR_PAGE_ORDERS; k++)
			set_name(names, NR_N_FIXED + i * NR_PAGE_ORDERS + k, "buddy_",
				 zone_names[pub_zone[i]], "_", order_name[k]);
}

int vmstat_page_init(void *region, size_t size)
{
	struct gmm_counters_header *h = region;
	struct zone *zone;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		bool populated = false;
		for_each_populated_zone(zone)
			populated |= zone_idx(zone) == z;
		if (populated)
			pub_zone[nr_pub_zones++] = z;
	}
	nr_per_node = NR_N_FIXED + (unsigned int)nr_pub_zones * NR_PAGE_ORDERS;
	choose_slab_caches();
	nr_global = G_SLAB_CACHES + nr_pub_caches * NR_SI;
	size_t names = sizeof(*h);
	size_t values = ALIGN(names + (nr_global + nr_per_node) * GMM_COUNTER_NAME_LEN, 8);
	size_t end = values + (nr_global + (size_t)nr_online_nodes * nr_per_node) * sizeof(u64);

	if (end > size) {
		pr_err("vmstat: %zu bytes of counters do not fit the %zu-byte counters page\n", end, size);
		return -1;
	}
	h->layout_version = GMM_COUNTERS_LAYOUT;
	h->header_size = sizeof(*h);
	h->region_size = (u32)end;
	h->nr_nodes = nr_online_nodes;
	h->nr_cpus = nr_cpu_ids;
	h->nr_global = nr_global;
	h->nr_per_node = nr_per_node;
	h->names_offset = (u32)names;
	h->values_offset = (u32)values;
	write_names((char *)region + names);
	page_values = (u64 *)((char *)region + values);
	/* A cache's geometry does not change: written once. */
	for (unsigned int i = 0; i < nr_pub_caches; i++) {
		u64 *row = &page_values[G_SLAB_CACHES + i * NR_SI];
		struct slabinfo si;

		get_slabinfo(pub_cache[i], &si);
		row[SI_OBJSIZE] = si.objsize;
		row[SI_OBJPERSLAB] = si.objects_per_slab;
		row[SI_PAGESPERSLAB] = 1U << si.cache_order;
	}
	page_hdr = h;
	vmstat_page_publish(0);
	__atomic_store_n(&h->magic, GMM_COUNTERS_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

/* One node's section; adds the node's free pages to *free_total. */
static void fold_node(int nid, u64 *v, u64 *free_total)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	unsigned long managed = 0, free = 0, deferred = 0, flags;

	for (int i = 0; i < nr_pub_zones; i++) {
		int z = pub_zone[i];
		struct zone *zone = &pgdat->node_zones[z];
		u64 *buddy = &v[NR_N_FIXED + i * NR_PAGE_ORDERS];

		managed += zone->managed_pages;
		local_irq_save(flags);
		if (spin_trylock(&zone->lock)) {
			zone_last[nid][z].free = zone->vm_stat[NR_FREE_PAGES];
			zone_last[nid][z].deferred = zone->nr_deferred;
			for (int o = 0; o < NR_PAGE_ORDERS; o++)
				buddy[o] = zone->free_area[o].nr_free;
			spin_unlock(&zone->lock);
		}
		local_irq_restore(flags);
		free += zone_last[nid][z].free;
		deferred += zone_last[nid][z].deferred;
	}
	/* MemFree counts memory not yet initialised (deferred) as free, not
	 * the per-CPU lists, as Linux's per-node meminfo does. */
	v[N_MEMTOTAL] = (u64)managed << (PAGE_SHIFT - 10);
	v[N_MEMFREE] = (u64)(free + deferred) << (PAGE_SHIFT - 10);
	v[N_MEMUSED] = v[N_MEMTOTAL] - v[N_MEMFREE];
	v[N_FREE] = free;
	v[N_SLAB_RECLAIMABLE] = node_slab_pages(nid, true);
	v[N_SLAB_UNRECLAIMABLE] = node_slab_pages(nid, false);
	for (int k = 0; k < NR_VM_NUMA_EVENT_ITEMS; k++)
		v[N_NUMA + k] = node_numa_event_state(nid, (enum numa_stat_item)k);
	*free_total += free;
}

void vmstat_page_publish(u64 uptime_ns)
{
	struct gmm_counters_header *h = page_hdr;
	u64 *g = page_values, free_total = 0;
	struct zone *zone;

	if (!h)
		return;
	__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELAXED);    /* odd: writing */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (unsigned int nid = 0; nid < nr_online_nodes; nid++)
		fold_node((int)nid, &g[nr_global + (size_t)nid * nr_per_node], &free_total);
	g[G_FREE] = free_total;
	g[G_PGALLOC] = g[G_PGFREE] = 0;
	for_each_populated_zone(zone) {
		g[G_PGALLOC] += zone_event_state(zone, PGALLOC);
		g[G_PGFREE] += zone_event_state(zone, PGFREE);
	}
	for (int k = 0; k < NR_VM_NUMA_EVENT_ITEMS; k++)
		g[G_NUMA + k] = global_numa_event_state((enum numa_stat_item)k);
	for (int k = 0; k < NR_VM_EVENT_ITEMS; k++)
		g[NR_G_FIXED + k] = global_vm_event((enum vm_event_item)k);
	g[G_SLAB_RECLAIMABLE] = g[G_SLAB_UNRECLAIMABLE] = 0;
	for (unsigned int nid = 0; nid < nr_online_nodes; nid++) {
		g[G_SLAB_RECLAIMABLE] += node_slab_pages((int)nid, true);
		g[G_SLAB_UNRECLAIMABLE] += node_slab_pages((int)nid, false);
	}
	/* get_slabinfo() inlined: each store costs ~3 us in ring 0 here. */
	for (unsigned int i = 0; i < nr_pub_caches; i++) {
		u64 *row = &g[G_SLAB_CACHES + i * NR_SI];
		unsigned long slabs = 0, objs = 0, nr_free = 0;

		for (unsigned int nid = 0; nid < nr_online_nodes; nid++) {
			const struct kmem_cache_node *n = pub_cache[i]->node[nid];

			if (n) {
				slabs += READ_ONCE(n->nr_slabs);
				objs += READ_ONCE(n->total_objects);
				nr_free += READ_ONCE(n->partial_free);
			}
		}
		row[SI_ACTIVE_OBJS] = objs > nr_free ? objs - nr_free : 0;
		row[SI_NUM_OBJS] = objs;
		row[SI_ACTIVE_SLABS] = row[SI_NUM_SLABS] = slabs;
	}
	h->uptime_ns = uptime_ns;
	h->nr_publishes++;
	__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELEASE);    /* even: done */
}

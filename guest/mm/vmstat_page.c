/*
 * Publishing the counters page (mm/vmstat_page.h, include/gmm/counters.h).
 *
 * Global section: nr_free_pages, the allocator's events (pgalloc, pgfree),
 * the numa_* events summed over nodes (/proc/vmstat names), then every
 * VM_EVENT_ITEMS event. Per node: MemTotal, MemFree, MemUsed (kB, per-node
 * meminfo), nr_free_pages, the numastat events (numa_hit ... other_node),
 * and buddy_<zone>_<order>: the free blocks of /proc/buddyinfo.
 *
 * Consistency: a zone's nr_free_pages and its free blocks are read under
 * zone->lock, so within a snapshot nr_free_pages == sum of blocks << order
 * exactly, node by node. Events are per-CPU sums read without locks (they
 * only grow). The whole snapshot is written between two seqlock updates.
 *
 * Locking: only the publishing CPU writes the page (single writer). It
 * publishes from its timer interrupt, which may have interrupted that very
 * CPU inside zone->lock: so it only trylocks, and a zone it cannot lock
 * keeps its previous (consistent) figures until the next publish.
 */
#include <gmm/counters.h>
#include <kernel/irqflags.h>
#include <kernel/printk.h>
#include <kernel/sprintf.h>
#include <kernel/string.h>
#include <mm/mm.h>
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
enum { N_MEMTOTAL, N_MEMFREE, N_MEMUSED, N_FREE, N_NUMA,
       NR_N_FIXED = N_NUMA + NR_VM_NUMA_EVENT_ITEMS };
#define NR_GLOBAL    (NR_G_FIXED + NR_VM_EVENT_ITEMS)

/* buddyinfo is published for the zones populated on some node (as
 * /proc/buddyinfo lists populated zones only). */
static int pub_zone[MAX_NR_ZONES], nr_pub_zones;
static unsigned int nr_per_node;

static struct gmm_counters_header *page_hdr;
static u64 *page_values;
/* Each zone's free and deferred pages as last read under its lock. */
static struct { unsigned long free, deferred; } zone_last[MAX_NUMNODES][MAX_NR_ZONES];

static void set_name(char *names, unsigned int i, const char *fmt, const char *a, int b)
{
	snprintf(names + (size_t)i * GMM_COUNTER_NAME_LEN, GMM_COUNTER_NAME_LEN, fmt, a, b);
}

static void write_names(char *names)
{
	static const char *const zone_names[MAX_NR_ZONES] = { "DMA32", "Normal" };
	static const char *const fixed_global[NR_G_FIXED] = { "nr_free_pages", "pgalloc", "pgfree" };
	static const char *const fixed_node[N_NUMA] = { "MemTotal", "MemFree", "MemUsed", "nr_free_pages" };
	unsigned int i, k;

	for (i = 0; i < G_NUMA; i++)
		set_name(names, i, "%s", fixed_global[i], 0);
	for (k = 0; k < NR_VM_NUMA_EVENT_ITEMS; k++)
		set_name(names, G_NUMA + k, "%s", numa_stat_name[k], 0);
	for (k = 0; k < NR_VM_EVENT_ITEMS; k++)
		set_name(names, NR_G_FIXED + k, "%s", vm_event_name[k], 0);

	names += (size_t)NR_GLOBAL * GMM_COUNTER_NAME_LEN;
	for (i = 0; i < N_NUMA; i++)
		set_name(names, i, "%s", fixed_node[i], 0);
	for (k = 0; k < NR_VM_NUMA_EVENT_ITEMS; k++)
		set_name(names, N_NUMA + k, "%s", numastat_node_name[k], 0);
	for (i = 0; i < (unsigned int)nr_pub_zones; i++)
		for (k = 0; k < NR_PAGE_ORDERS; k++)
			set_name(names, NR_N_FIXED + i * NR_PAGE_ORDERS + k, "buddy_%s_%d",
				 zone_names[pub_zone[i]], (int)k);
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
	size_t names = sizeof(*h);
	size_t values = ALIGN(names + (NR_GLOBAL + nr_per_node) * GMM_COUNTER_NAME_LEN, 8);
	size_t end = values + (NR_GLOBAL + (size_t)nr_online_nodes * nr_per_node) * sizeof(u64);

	if (end > size) {
		pr_err("vmstat: %zu bytes of counters do not fit the %zu-byte counters page\n", end, size);
		return -1;
	}
	h->layout_version = GMM_COUNTERS_LAYOUT;
	h->header_size = sizeof(*h);
	h->region_size = (u32)end;
	h->nr_nodes = nr_online_nodes;
	h->nr_cpus = nr_cpu_ids;
	h->nr_global = NR_GLOBAL;
	h->nr_per_node = nr_per_node;
	h->names_offset = (u32)names;
	h->values_offset = (u32)values;
	write_names((char *)region + names);
	page_values = (u64 *)((char *)region + values);
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
		fold_node((int)nid, &g[NR_GLOBAL + (size_t)nid * nr_per_node], &free_total);
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
	h->uptime_ns = uptime_ns;
	h->nr_publishes++;
	__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELEASE);    /* even: done */
}

/*
 * Self-tests of the page allocator that run in the guest (and, through the
 * host shim, in the host tests): what each CPU gets, what happens when a
 * node is full, and that every page comes back. One console line per check:
 *
 *   page_alloc selftest: cpu 1 (node 1): order-0 page from node 1, numa_hit +1, local_node +1: PASS
 *   page_alloc selftest: node 0 full (4000 pages taken): next page from node 1 (nearest: 1), numa_miss +1 on node 1, numa_foreign +1 on node 0: PASS
 *   page_alloc selftest: all pages back: node 0 16000 before 16000 after: PASS
 *   page_alloc selftest: 3 passed, 0 failed
 *
 * A failed check prints FAIL instead of PASS. Counter deltas are read from
 * this CPU's own per-CPU counters with interrupts off, so they are exact
 * whatever other CPUs do; the fill test and the final count need the other
 * CPUs not to allocate meanwhile.
 */
#include <mm/mm.h>
#include <mm/vmstat.h>
#include <kernel/irqflags.h>
#include <kernel/printk.h>

int page_alloc_selftest_cpu(void)
{
	unsigned long flags, hit0, loc0, hit1, loc1;
	struct zoneref *z;
	struct page *page;
	unsigned int cpu;
	int nid, expect, got, local_stat;
	bool ok;

	local_irq_save(flags);
	cpu = smp_processor_id();
	nid = numa_node_id();
	if (nid < 0 || (unsigned int)nid >= nr_online_nodes)
		nid = 0;
	/* The node itself, or for a node without memory its nearest one. */
	z = first_zones_zonelist(&NODE_DATA(nid)->node_zonelists[ZONELIST_FALLBACK], ZONE_NORMAL);
	expect = z->zone ? zone_to_nid(z->zone) : NUMA_NO_NODE;
	local_stat = expect == numa_node_id() ? NUMA_LOCAL : NUMA_OTHER;
	if (expect == NUMA_NO_NODE) {
		local_irq_restore(flags);
		printk("page_alloc selftest: cpu %u (node %d): no memory anywhere: FAIL\n", cpu, nid);
		return 1;
	}
	hit0 = this_cpu_node_numa_event(expect, NUMA_HIT);
	loc0 = this_cpu_node_numa_event(expect, (enum numa_stat_item)local_stat);
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	hit1 = this_cpu_node_numa_event(expect, NUMA_HIT);
	loc1 = this_cpu_node_numa_event(expect, (enum numa_stat_item)local_stat);
	got = page ? page_to_nid(page) : NUMA_NO_NODE;
	if (page)
		__free_pages(page, 0);
	local_irq_restore(flags);

	ok = got == expect && hit1 - hit0 == 1 && loc1 - loc0 == 1;
	printk("page_alloc selftest: cpu %u (node %d): order-0 page from node %d, numa_hit +%lu, %s +%lu: %s\n",
	       cpu, nid, got, hit1 - hit0, numastat_node_name[local_stat], loc1 - loc0,
	       ok ? "PASS" : "FAIL");
	return !ok;
}

/* The first node after nid in nid's zonelist: where its overflow goes. */
static int nearest_other_node(int nid)
{
	struct zoneref *z;

	for (z = NODE_DATA(nid)->node_zonelists[ZONELIST_FALLBACK]._zonerefs; z->zone; z++)
		if (zone_to_nid(z->zone) != nid)
			return zone_to_nid(z->zone);
	return NUMA_NO_NODE;
}

/* Fill node nid, allocate once more preferring it, give everything back.
 * Returns 0 (pass), 1 (fail) or -1 (skipped). */
static int selftest_node_full(int nid)
{
	LIST_HEAD(held);
	struct page *page, *tmp;
	unsigned long flags, taken = 0, miss0, foreign0, miss1, foreign1;
	int order, got, expect = nearest_other_node(nid);
	bool ok;

	if (expect == NUMA_NO_NODE) {
		printk("page_alloc selftest: node %d full: SKIP (no other node with memory)\n", nid);
		return -1;
	}
	for (order = MAX_PAGE_ORDER; order >= 0; order--) {
		while ((page = alloc_pages_node(nid, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN,
						(unsigned int)order)) != NULL) {
			set_page_private(page, (unsigned long)order);
			list_add(&page->lru, &held);
			taken += 1UL << order;
		}
	}

	local_irq_save(flags);
	miss0 = this_cpu_node_numa_event(expect, NUMA_MISS);
	foreign0 = this_cpu_node_numa_event(nid, NUMA_FOREIGN);
	page = alloc_pages_node(nid, GFP_KERNEL | __GFP_NOWARN, 0);
	miss1 = this_cpu_node_numa_event(expect, NUMA_MISS);
	foreign1 = this_cpu_node_numa_event(nid, NUMA_FOREIGN);
	local_irq_restore(flags);
	got = page ? page_to_nid(page) : NUMA_NO_NODE;
	if (page)
		__free_pages(page, 0);

	list_for_each_entry_safe(page, tmp, &held, lru) {
		order = (int)page_private(page);
		list_del(&page->lru);
		set_page_private(page, 0);
		__free_pages(page, (unsigned int)order);
	}

	ok = got == expect && miss1 - miss0 == 1 && foreign1 - foreign0 == 1;
	printk("page_alloc selftest: node %d full (%lu pages taken): next page from node %d (nearest: %d), numa_miss +%lu on node %d, numa_foreign +%lu on node %d: %s\n",
	       nid, taken, got, expect, miss1 - miss0, expect, foreign1 - foreign0, nid,
	       ok ? "PASS" : "FAIL");
	return !ok;
}

int page_alloc_selftest(void)
{
	unsigned long before[MAX_NUMNODES], after;
	int nid, r, passed = 0, failed = 0;
	bool ok;

	drain_all_pages(NULL);
	for_each_node_state(nid, N_MEMORY)
		before[nid] = node_available_pages(nid);

	for_each_node_state(nid, N_MEMORY) {
		r = selftest_node_full(nid);
		if (r == 0)
			passed++;
		else if (r > 0)
			failed++;
	}

	drain_all_pages(NULL);
	for_each_node_state(nid, N_MEMORY) {
		after = node_available_pages(nid);
		ok = after == before[nid];
		printk("page_alloc selftest: all pages back: node %d %lu before %lu after: %s\n",
		       nid, before[nid], after, ok ? "PASS" : "FAIL");
		if (ok)
			passed++;
		else
			failed++;
	}
	printk("page_alloc selftest: %d passed, %d failed\n", passed, failed);
	return failed;
}

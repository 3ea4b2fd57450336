/*
 * Per-CPU page lists of guest/mm (host build): refills and drains move
 * pcp->batch pages per zone->lock acquisition (counted with the lock's
 * nr_acquired), drain_all_pages empties every CPU's lists, orders above
 * PAGE_ALLOC_COSTLY_ORDER and disabled lists go straight to the zone, and
 * CPUs allocating in parallel keep the invariants.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>

#include <mm/mm.h>
#include <mm/vmstat.h>
#include "mm_host.h"

#define GiB (1ULL << 30)

static struct zone *z;

/* 1 GiB on one node, every struct page initialised (so growth takes no
 * locks during the test), batch 63. */
static void setup(unsigned int nr_cpus)
{
	mm_host_boot_simple(1 * GiB, nr_cpus, -1);
	page_alloc_init_late();
	z = &NODE_DATA(0)->node_zones[ZONE_DMA32];
	cr_assert_eq(z->pageset_batch, 63);
}

static unsigned long zone_locks(void)
{
	return z->lock.nr_acquired;
}

Test(pcp, refill_moves_one_batch_per_zone_lock_acquisition)
{
	struct per_cpu_pages *pcp;
	unsigned long locks;
	int batch, i;

	setup(1);
	pcp = per_cpu_pageset(z, 0);
	batch = pcp->batch;
	cr_assert_eq(pcp->count, 0);
	locks = zone_locks();
	for (i = 0; i < 3 * batch; i++)
		cr_assert_not_null(alloc_pages(GFP_KERNEL, 0));
	cr_expect_eq(zone_locks() - locks, 3, "3 batches of %d pages: 3 acquisitions, got %lu",
		     batch, zone_locks() - locks);
	cr_expect_eq(pcp->count, 0);
	cr_assert_not_null(alloc_pages(GFP_KERNEL, 0));
	cr_expect_eq(zone_locks() - locks, 4);
	cr_expect_eq(pcp->count, batch - 1);
}

Test(pcp, higher_order_refill_moves_batch_shifted_by_order_blocks)
{
	struct per_cpu_pages *pcp;
	unsigned long locks;

	setup(1);
	pcp = per_cpu_pageset(z, 0);
	locks = zone_locks();
	cr_assert_not_null(alloc_pages(GFP_KERNEL, 3));
	cr_expect_eq(zone_locks() - locks, 1);
	/* max(63 >> 3, 2) = 7 blocks of 8 pages, one handed out. */
	cr_expect_eq(pcp->count, 6 * 8);
	cr_expect_eq(list_count_nodes(&pcp->lists[3]), 6);
}

Test(pcp, free_above_high_gives_back_one_batch_per_zone_lock_acquisition)
{
	static struct page *pages[4096];
	struct per_cpu_pages *pcp;
	unsigned long locks, free_before;
	int i, n, count, drains = 0;

	setup(1);
	pcp = per_cpu_pageset(z, 0);
	n = pcp->high + 5 * pcp->batch;
	cr_assert_lt(n, 4096);
	for (i = 0; i < n; i++)
		pages[i] = alloc_pages(GFP_KERNEL, 0);

	count = pcp->count;
	locks = zone_locks();
	free_before = zone_page_state(z, NR_FREE_PAGES);
	for (i = 0; i < n; i++) {
		__free_pages(pages[i], 0);
		/* The model: over high, one batch goes back under one lock. */
		if (++count >= pcp->high) {
			count -= pcp->batch;
			drains++;
		}
		cr_assert_eq(pcp->count, count, "after %d frees", i + 1);
		cr_assert_lt(pcp->count, pcp->high);
	}
	cr_expect_geq(drains, 5);
	cr_expect_eq(zone_locks() - locks, (unsigned long)drains);
	cr_expect_eq(zone_page_state(z, NR_FREE_PAGES) - free_before,
		     (unsigned long)drains * pcp->batch);
	cr_expect_null(mm_host_check(NULL, 0, true));
}

Test(pcp, drain_all_pages_empties_every_cpus_lists_one_lock_each)
{
	struct page *p[2][10];
	unsigned long locks;
	unsigned int cpu;
	int i;

	setup(3);
	for (cpu = 0; cpu < 2; cpu++) {
		mm_host_set_cpu(cpu);
		for (i = 0; i < 10; i++)
			p[cpu][i] = alloc_pages(GFP_KERNEL, i % 4);
		for (i = 0; i < 10; i++)
			__free_pages(p[cpu][i], i % 4);
		cr_assert_gt(per_cpu_pageset(z, cpu)->count, 0);
	}
	cr_assert_eq(per_cpu_pageset(z, 2)->count, 0);

	mm_host_set_cpu(0);
	drain_local_pages(z);
	cr_expect_eq(per_cpu_pageset(z, 0)->count, 0);
	cr_expect_gt(per_cpu_pageset(z, 1)->count, 0, "drain_local_pages leaves cpu 1 alone");

	mm_host_set_cpu(2);
	locks = zone_locks();
	drain_all_pages(NULL);
	for (cpu = 0; cpu < 3; cpu++)
		cr_expect_eq(per_cpu_pageset(z, cpu)->count, 0, "cpu %u drained", cpu);
	cr_expect_eq(zone_locks() - locks, 1, "only cpu 1 had pages: one acquisition");
	cr_expect_eq(zone_page_state(z, NR_FREE_PAGES), z->managed_pages);
	cr_expect_null(mm_host_check(NULL, 0, true));
}

Test(pcp, orders_above_costly_bypass_the_lists)
{
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long locks;

	setup(1);
	pcp = per_cpu_pageset(z, 0);
	locks = zone_locks();
	page = alloc_pages(GFP_KERNEL, PAGE_ALLOC_COSTLY_ORDER + 1);
	cr_assert_not_null(page);
	__free_pages(page, PAGE_ALLOC_COSTLY_ORDER + 1);
	cr_expect_eq(zone_locks() - locks, 2, "one acquisition to allocate, one to free");
	cr_expect_eq(pcp->count, 0);
	cr_expect(PageBuddy(page), "freed straight to the buddy lists");
}

Test(pcp, disabled_lists_send_every_alloc_and_free_through_the_zone_lock)
{
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long locks;
	int i;

	setup(1);
	pcp = per_cpu_pageset(z, 0);
	for (i = 0; i < 5; i++)
		__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
	cr_assert_gt(pcp->count, 0);
	zone_pcp_disable(z);
	cr_expect_eq(pcp->count, 0, "disabling drains");
	cr_expect_eq(pcp->high, 0);
	locks = zone_locks();
	for (i = 0; i < 100; i++) {
		page = alloc_pages(GFP_KERNEL, i % 4);
		__free_pages(page, i % 4);
	}
	cr_expect_eq(zone_locks() - locks, 200);
	cr_expect_eq(pcp->count, 0);
	zone_pcp_enable(z);
	cr_expect_eq(pcp->high, z->pageset_high);
	locks = zone_locks();
	for (i = 0; i < 10; i++)
		__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
	cr_expect_eq(zone_locks() - locks, 1, "enabled again: one refill");
}

Test(pcp, counters_count_pgalloc_and_pgfree_per_cpu)
{
	struct page *page;

	setup(2);
	mm_host_set_cpu(1);
	page = alloc_pages(GFP_KERNEL, 2);
	mm_host_set_cpu(0);
	__free_pages(page, 2);
	cr_expect_eq(per_cpu_zonestats(z, 1)->vm_events[PGALLOC], 4);
	cr_expect_eq(per_cpu_zonestats(z, 0)->vm_events[PGFREE], 4);
	cr_expect_eq(zone_event_state(z, PGALLOC), 4);
	cr_expect_eq(zone_event_state(z, PGFREE), 4);
}

/* ---- Parallel CPUs ---- */

struct worker {
	unsigned int cpu;
	unsigned long long seed;
	unsigned long allocs;
};

static volatile int stop_drainer;

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct page *held[256] = { 0 };
	unsigned int orders[256] = { 0 };
	unsigned long long x = w->seed;
	int i;

	mm_host_set_cpu(w->cpu);
	for (i = 0; i < 200000; i++) {
		unsigned int slot;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		slot = (unsigned int)(x % 256);
		if (held[slot]) {
			__free_pages(held[slot], orders[slot]);
			held[slot] = NULL;
		} else {
			orders[slot] = (unsigned int)((x >> 20) % 5);
			held[slot] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, orders[slot]);
			w->allocs += held[slot] != NULL;
		}
	}
	for (i = 0; i < 256; i++)
		if (held[i])
			__free_pages(held[i], orders[i]);
	return NULL;
}

static void *drainer_fn(void *arg)
{
	mm_host_set_cpu(2);
	while (!stop_drainer)
		drain_all_pages(NULL);
	return NULL;
}

Test(pcp_parallel, two_cpus_and_a_remote_drainer_keep_invariants, .timeout = 60)
{
	struct worker w[2] = { { 0, 1, 0 }, { 1, 2, 0 } };
	pthread_t t[2], d;
	int i;

	setup(3);
	pthread_create(&d, NULL, drainer_fn, NULL);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker_fn, &w[i]);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	stop_drainer = 1;
	pthread_join(d, NULL);
	cr_expect_gt(w[0].allocs + w[1].allocs, 100000);
	mm_host_set_cpu(0);
	drain_all_pages(NULL);
	cr_expect_null(mm_host_check(NULL, 0, true));
	cr_expect_eq(zone_page_state(z, NR_FREE_PAGES), z->managed_pages);
}

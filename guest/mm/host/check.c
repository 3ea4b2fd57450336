/*
 * The allocator's invariants, checked from the outside by walking its
 * structures (see mm_host_check() in mm_host.h). For tests; single thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/vmstat.h>
#include "mm_host.h"

enum owner { FREE_NONE, FREE_BUDDY, FREE_PCP, HELD };
static const char *const owner_name[] = { "nowhere", "a free list", "a per-CPU list", "held" };

static char msg[512];
static unsigned char *owner;    /* per pfn */

#define FAIL(...) do { snprintf(msg, sizeof(msg), __VA_ARGS__); goto out; } while (0)

/* Mark 2^order frames from pfn as belonging to who; false if one is taken. */
static bool mark(unsigned long pfn, unsigned int order, enum owner who)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		if (pfn + i >= max_pfn || owner[pfn + i] != FREE_NONE) {
			snprintf(msg, sizeof(msg), "pfn 0x%lx is in %s and in %s", pfn + i,
				 pfn + i >= max_pfn ? "no memory" : owner_name[owner[pfn + i]],
				 owner_name[who]);
			return false;
		}
		owner[pfn + i] = (unsigned char)who;
	}
	return true;
}

static unsigned long zone_deferred_free(struct zone *zone)
{
	unsigned long i, s, e, nr = 0;

	for_each_free_mem_pfn_range(i, zone_to_nid(zone), zone->deferred_pfn,
				    zone_end_pfn(zone), &s, &e)
		nr += e - s;
	return nr;
}

const char *mm_host_check(const struct mm_host_block *held, size_t nr_held, bool conserve)
{
	unsigned long *held_in_zone = calloc(nr_online_nodes * MAX_NR_ZONES, sizeof(long));
	struct zone *zone;
	const char *ret = NULL;
	unsigned int cpu;
	size_t h;

	owner = calloc(max_pfn + 1, 1);
	msg[0] = '\0';

	for (h = 0; h < nr_held; h++) {
		struct page *page = held[h].page;
		unsigned long pfn = page_to_pfn(page);

		if (page_ref_count(page) < 1)
			FAIL("held block at pfn 0x%lx has _refcount %d", pfn, page_ref_count(page));
		if (page_alloc_order(page) != (int)held[h].order)
			FAIL("held block at pfn 0x%lx has order %d, allocated as %u", pfn,
			     page_alloc_order(page), held[h].order);
		if (!mark(pfn, held[h].order, HELD))
			goto out;
		held_in_zone[page_zone(page)->zone_pcpu_idx] += 1UL << held[h].order;
	}

	for_each_zone(zone) {
		unsigned long free = 0, pcp = 0, deferred;
		unsigned int order;

		for (order = 0; order < NR_PAGE_ORDERS; order++) {
			struct free_area *area = &zone->free_area[order];
			unsigned long n = 0;
			struct page *page;

			list_for_each_entry(page, &area->free_list, buddy_list) {
				unsigned long pfn = page_to_pfn(page), bpfn = pfn ^ (1UL << order), i;

				if (!PageBuddy(page) || page_private(page) != order)
					FAIL("node %d %s order %u: pfn 0x%lx on the list is not a buddy of that order",
					     zone_to_nid(zone), zone->name, order, pfn);
				if (page_zone(page) != zone)
					FAIL("pfn 0x%lx on node %d %s's list belongs to another zone",
					     pfn, zone_to_nid(zone), zone->name);
				if (pfn & ((1UL << order) - 1))
					FAIL("free block pfn 0x%lx not aligned to order %u", pfn, order);
				if (pfn < zone->zone_start_pfn || pfn + (1UL << order) > zone_end_pfn(zone))
					FAIL("free block pfn 0x%lx order %u outside its zone", pfn, order);
				/* Above deferred_pfn only frames free_reserved_page() gave. */
				for (i = max(pfn, zone->deferred_pfn); i < pfn + (1UL << order); i++)
					if (!memblock_is_reserved(PFN_PHYS(i)))
						FAIL("free block pfn 0x%lx order %u in the deferred part of its zone",
						     pfn, order);
				if (page_ref_count(page) != 0)
					FAIL("free block pfn 0x%lx has _refcount %d", pfn, page_ref_count(page));
				for (i = 1; i < (1UL << order); i++)
					if (page_zone_id(page + i) != page_zone_id(page) ||
					    PageBuddy(page + i) || page_ref_count(page + i))
						FAIL("pfn 0x%lx inside free block 0x%lx order %u is not a clean tail",
						     pfn + i, pfn, order);
				if (order < MAX_PAGE_ORDER && zone_spans_pfn(zone, bpfn) && pfn_valid(bpfn)) {
					struct page *buddy = pfn_to_page(bpfn);

					if (PageBuddy(buddy) && page_private(buddy) == order &&
					    page_zone_id(buddy) == page_zone_id(page))
						FAIL("free buddies 0x%lx and 0x%lx (order %u) not merged",
						     pfn, bpfn, order);
				}
				if (!mark(pfn, order, FREE_BUDDY))
					goto out;
				n++;
				if (n > area->nr_free)
					break;
			}
			if (n != area->nr_free)
				FAIL("node %d %s order %u: nr_free %lu, %lu blocks on the list",
				     zone_to_nid(zone), zone->name, order, area->nr_free, n);
			free += n << order;
		}
		if (free != zone_page_state(zone, NR_FREE_PAGES))
			FAIL("node %d %s: NR_FREE_PAGES %lu, free lists hold %lu",
			     zone_to_nid(zone), zone->name, zone_page_state(zone, NR_FREE_PAGES), free);

		for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
			struct per_cpu_pages *p = per_cpu_pageset(zone, cpu);
			unsigned long n = 0;

			for (order = 0; order < NR_PCP_LISTS; order++) {
				struct page *page;

				list_for_each_entry(page, &p->lists[order], pcp_list) {
					unsigned long pfn = page_to_pfn(page);

					if (PageBuddy(page) || page_ref_count(page) != 0 ||
					    page_zone(page) != zone || (pfn & ((1UL << order) - 1)))
						FAIL("cpu %u node %d %s order %u: bad page pfn 0x%lx on the per-CPU list",
						     cpu, zone_to_nid(zone), zone->name, order, pfn);
					if (!mark(pfn, order, FREE_PCP))
						goto out;
					n += 1UL << order;
					if (n > (unsigned long)p->count)
						break;
				}
			}
			if (n != (unsigned long)p->count)
				FAIL("cpu %u node %d %s: pcp count %d, lists hold %lu",
				     cpu, zone_to_nid(zone), zone->name, p->count, n);
			pcp += n;
		}

		deferred = zone_deferred_free(zone);
		if (deferred != zone->nr_deferred)
			FAIL("node %d %s: nr_deferred %lu, memblock says %lu free frames above deferred_pfn",
			     zone_to_nid(zone), zone->name, zone->nr_deferred, deferred);
		if (conserve &&
		    free + pcp + held_in_zone[zone->zone_pcpu_idx] + deferred != zone->managed_pages)
			FAIL("node %d %s: free %lu + per-CPU %lu + held %lu + deferred %lu != managed %lu",
			     zone_to_nid(zone), zone->name, free, pcp,
			     held_in_zone[zone->zone_pcpu_idx], deferred, zone->managed_pages);
	}
out:
	if (msg[0])
		ret = msg;
	free(owner);
	free(held_in_zone);
	return ret;
}

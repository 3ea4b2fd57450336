/*
 * Reading the allocator's counters, and the /proc/buddyinfo and numastat
 * reports (Linux: mm/vmstat.c, drivers/base/node.c).
 *
 * Locking: none. Every value is read with READ_ONCE; per-CPU event counters
 * only grow and have one writer each (vmstat.h), free counts are written
 * under zone->lock and read here without it, so a report is a snapshot
 * that can be a few pages off while other CPUs allocate.
 */
#include <mm/mm.h>
#include <mm/vmstat.h>
#include <kernel/printk.h>

const char *const numa_stat_name[NR_VM_NUMA_EVENT_ITEMS] = {
	[NUMA_HIT] = "numa_hit",
	[NUMA_MISS] = "numa_miss",
	[NUMA_FOREIGN] = "numa_foreign",
	[NUMA_INTERLEAVE_HIT] = "numa_interleave",
	[NUMA_LOCAL] = "numa_local",
	[NUMA_OTHER] = "numa_other",
};

const char *const numastat_node_name[NR_VM_NUMA_EVENT_ITEMS] = {
	[NUMA_HIT] = "numa_hit",
	[NUMA_MISS] = "numa_miss",
	[NUMA_FOREIGN] = "numa_foreign",
	[NUMA_INTERLEAVE_HIT] = "interleave_hit",
	[NUMA_LOCAL] = "local_node",
	[NUMA_OTHER] = "other_node",
};

unsigned long zone_numa_event_state(struct zone *zone, enum numa_stat_item item)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += READ_ONCE(per_cpu_zonestats(zone, cpu)->vm_numa_event[item]);
	return sum;
}

unsigned long zone_event_state(struct zone *zone, enum zone_event_item item)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += READ_ONCE(per_cpu_zonestats(zone, cpu)->vm_events[item]);
	return sum;
}

unsigned long node_numa_event_state(int nid, enum numa_stat_item item)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_numa_event_state(&NODE_DATA(nid)->node_zones[i], item);
	return sum;
}

unsigned long global_numa_event_state(enum numa_stat_item item)
{
	unsigned long sum = 0;
	int nid;

	for_each_node_state(nid, N_ONLINE)
		sum += node_numa_event_state(nid, item);
	return sum;
}

unsigned long this_cpu_node_numa_event(int nid, enum numa_stat_item item)
{
	unsigned int cpu = smp_processor_id();
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		sum += READ_ONCE(per_cpu_zonestats(&NODE_DATA(nid)->node_zones[i], cpu)
				 ->vm_numa_event[item]);
	return sum;
}

unsigned long node_free_pages(int nid)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_page_state(&NODE_DATA(nid)->node_zones[i], NR_FREE_PAGES);
	return sum;
}

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;
	int nid;

	for_each_node_state(nid, N_ONLINE)
		sum += node_free_pages(nid);
	return sum;
}

unsigned long zone_pcp_pages(struct zone *zone)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += (unsigned long)READ_ONCE(per_cpu_pageset(zone, cpu)->count);
	return sum;
}

unsigned long node_pcp_pages(int nid)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_pcp_pages(&NODE_DATA(nid)->node_zones[i]);
	return sum;
}

unsigned long node_deferred_pages(int nid)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		sum += READ_ONCE(NODE_DATA(nid)->node_zones[i].nr_deferred);
	return sum;
}

unsigned long node_available_pages(int nid)
{
	return node_free_pages(nid) + node_pcp_pages(nid) + node_deferred_pages(nid);
}

void show_buddyinfo(void)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		printk("Node %d, zone %8s %6lu %6lu %6lu %6lu %6lu %6lu %6lu %6lu %6lu %6lu %6lu \n",
		       zone_to_nid(zone), zone->name,
		       READ_ONCE(zone->free_area[0].nr_free), READ_ONCE(zone->free_area[1].nr_free),
		       READ_ONCE(zone->free_area[2].nr_free), READ_ONCE(zone->free_area[3].nr_free),
		       READ_ONCE(zone->free_area[4].nr_free), READ_ONCE(zone->free_area[5].nr_free),
		       READ_ONCE(zone->free_area[6].nr_free), READ_ONCE(zone->free_area[7].nr_free),
		       READ_ONCE(zone->free_area[8].nr_free), READ_ONCE(zone->free_area[9].nr_free),
		       READ_ONCE(zone->free_area[10].nr_free));
	}
}

_Static_assert(NR_PAGE_ORDERS == 11, "show_buddyinfo prints 11 orders");

void show_numa_stats(void)
{
	int nid, i;

	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		printk("%s %lu\n", numa_stat_name[i], global_numa_event_state(i));
	for_each_node_state(nid, N_ONLINE) {
		unsigned long v[NR_VM_NUMA_EVENT_ITEMS];

		for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
			v[i] = node_numa_event_state(nid, i);
		printk("node%d %s %lu %s %lu %s %lu %s %lu %s %lu %s %lu\n", nid,
		       numastat_node_name[0], v[0], numastat_node_name[1], v[1],
		       numastat_node_name[2], v[2], numastat_node_name[3], v[3],
		       numastat_node_name[4], v[4], numastat_node_name[5], v[5]);
	}
}

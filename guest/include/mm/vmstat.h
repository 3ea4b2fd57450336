/*
 * Memory statistics (Linux: include/linux/vmstat.h, mm/vmstat.c).
 *
 * Zone page counts (NR_FREE_PAGES) are kept under zone->lock; events
 * (numa_*, pgalloc, pgfree) are per CPU and per zone, each written only by
 * its CPU with interrupts off. A reader sums the per-CPU values: every
 * counter only grows, so a sum read at any time is a valid total for some
 * moment between the start and the end of the read (a later issue publishes
 * these on the counters page under a seqlock).
 */
#ifndef MM_VMSTAT_H
#define MM_VMSTAT_H

#include <kernel/types.h>
#include <mm/mmzone.h>

/* Sum of a zone's per-CPU event over every CPU. */
unsigned long zone_numa_event_state(struct zone *zone, enum numa_stat_item item);
unsigned long zone_event_state(struct zone *zone, enum zone_event_item item);
/* Sum over the zones of a node, and over every node. */
unsigned long node_numa_event_state(int nid, enum numa_stat_item item);
unsigned long global_numa_event_state(enum numa_stat_item item);
/* This CPU's own count for node nid: exact, whatever other CPUs do. */
unsigned long this_cpu_node_numa_event(int nid, enum numa_stat_item item);

/* Pages in the buddy free lists (Linux's nr_free_pages(): PCP excluded). */
unsigned long nr_free_pages(void);
unsigned long node_free_pages(int nid);
/* Pages on per-CPU lists, and free pages whose struct pages are not
 * initialised yet: with the free lists, all the free memory there is. */
unsigned long zone_pcp_pages(struct zone *zone);
unsigned long node_pcp_pages(int nid);
unsigned long node_deferred_pages(int nid);
unsigned long node_available_pages(int nid);   /* free + PCP + deferred */

extern const char *const numa_stat_name[NR_VM_NUMA_EVENT_ITEMS];      /* /proc/vmstat */
extern const char *const numastat_node_name[NR_VM_NUMA_EVENT_ITEMS];  /* nodeN/numastat */

/*
 * Console reports, in Linux's formats:
 * show_buddyinfo()   /proc/buddyinfo: "Node 0, zone    DMA32  <nr_free per order>"
 * show_numa_stats()  the numa_* lines of /proc/vmstat, then per node
 *                    "node0 numa_hit N numa_miss N numa_foreign N
 *                     interleave_hit N local_node N other_node N"
 *                    (/sys/devices/system/node/node0/numastat on one line)
 */
void show_buddyinfo(void);
void show_numa_stats(void);

#endif

/*
 * The counters page: guest memory-manager counters the host reads live,
 * without stopping the guest (DESIGN.md decision 6).
 *
 * The VMM backs a shared-memory region (/dev/shm/gmm-<pid>) and maps it at
 * boot_info.counters_paddr; the guest writes, the host only reads.
 *
 *   [struct gmm_counters_header]
 *   [names: (nr_global + nr_per_node) x GMM_COUNTER_NAME_LEN bytes]
 *   [values: u64 global[nr_global]; u64 node[nr_nodes][nr_per_node]]
 *
 * Names are Linux's (/proc/vmstat, /proc/meminfo, /proc/buddyinfo, per-node
 * meminfo) and travel in the region, so a host tool reads any guest whose
 * layout_version it knows, whatever counters that guest has; a region with
 * a wrong magic or an unknown layout version is refused.
 *
 * Seqlock: the guest makes seq odd, writes every value, makes seq even
 * (with release ordering). A reader copies the values between two reads of
 * an equal, even seq, and retries otherwise; it never sees a torn snapshot.
 * The guest fills names and sizes first and stores magic last.
 */
#ifndef GMM_COUNTERS_H
#define GMM_COUNTERS_H

#include <stdint.h>

#define GMM_COUNTERS_MAGIC    0x5441545320424d47ULL   /* "GMB STAT" */
#define GMM_COUNTERS_LAYOUT   1
#define GMM_COUNTERS_PADDR    0xfe000000ULL           /* in the MMIO hole */
#define GMM_COUNTERS_SIZE     (256 * 1024)
#define GMM_COUNTER_NAME_LEN  32

struct gmm_counters_header {
	uint64_t magic;            /* GMM_COUNTERS_MAGIC, stored last */
	uint32_t layout_version;   /* GMM_COUNTERS_LAYOUT */
	uint32_t header_size;      /* sizeof(struct gmm_counters_header) */
	uint32_t region_size;      /* bytes in use, <= the mapping */
	uint32_t nr_nodes;
	uint32_t nr_cpus;
	uint32_t nr_global;        /* counters in the global section */
	uint32_t nr_per_node;      /* counters in each node's section */
	uint32_t names_offset;     /* from the start of the region */
	uint32_t values_offset;    /* from the start of the region, 8-aligned */
	uint32_t reserved0;
	uint64_t seq;              /* seqlock word, odd while writing */
	uint64_t uptime_ns;        /* guest time of the last publish */
	uint64_t nr_publishes;     /* how many times the guest published */
};

#endif

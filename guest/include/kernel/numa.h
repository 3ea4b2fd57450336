/*
 * NUMA topology from ACPI (kernel/numa.c, filled by kernel/acpi.c): which
 * physical ranges and CPUs each node has, and the SLIT distances. Nodes
 * are numbered by their SRAT proximity domain. With no SRAT, node 0 holds
 * all memory and every CPU; with no SLIT, distances are 10 (local) and
 * 20 (remote).
 *
 * For guest/mm: numa_meminfo lists each node's [start, end) physical
 * ranges as the SRAT gives them (sorted by start). They are what the node
 * spans, not all of it usable RAM: intersect with the boot memory map
 * (boot_info->memmap, BOOT_MEM_RAM entries), as memblock does
 * (kernel/mm_boot.c).
 */
#ifndef KERNEL_NUMA_H
#define KERNEL_NUMA_H

#include <kernel/smp.h>
#include <kernel/types.h>

#define NR_NODE_MEMBLKS   (MAX_NUMNODES * 2)
#define LOCAL_DISTANCE    10
#define REMOTE_DISTANCE   20

struct numa_memblk {
	phys_addr_t start;
	phys_addr_t end;      /* exclusive */
	int nid;
};

struct numa_meminfo {
	int nr_blks;
	struct numa_memblk blk[NR_NODE_MEMBLKS];
};

extern struct numa_meminfo numa_meminfo;

/* Every memory range of node NID. */
#define for_each_node_memblk(mb, nid) \
	for ((mb) = &numa_meminfo.blk[0]; (mb) < &numa_meminfo.blk[numa_meminfo.nr_blks]; (mb)++) \
		if ((mb)->nid != (nid)) ; else

bool node_online(int nid);            /* has memory or CPUs */
unsigned int num_online_nodes(void);
#define for_each_online_node(nid) \
	for ((nid) = 0; (nid) < (int)nr_node_ids; (nid)++) if (!node_online(nid)) ; else

u64 node_spanned_bytes(int nid);      /* sum of the node's SRAT ranges */
int phys_to_nid(phys_addr_t pa);      /* NUMA_NO_NODE outside every range */

/* For the ACPI parser, before numa_init(). */
void numa_add_memblk(int nid, phys_addr_t start, phys_addr_t end);
void numa_set_apicid_node(u32 apic_id, int nid);
void numa_set_distance(int from, int to, int distance);

/* After ACPI: fall back to one node if there was no SRAT, map every CPU
 * to its node, count the nodes. */
void numa_init(void);

/* The `numactl --hardware` report (kernel/topology.c). */
void numa_print_topology(void);

#endif

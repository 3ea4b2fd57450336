/*
 * The boot-time allocator (kernel/early_alloc.c): a bump allocator per
 * NUMA node over the RAM of the boot memory map, above the kernel image.
 * Memory comes back zero-filled (the VMM hands over zeroed RAM and nothing
 * else has touched it; under QEMU, !boot_ram_zeroed, it is cleared here)
 * as direct-map pointers. Nothing is ever freed.
 *
 * For guest/mm (memblock): everything handed out is reported by
 * early_alloc_for_each_used(), per node, so it can be reserved.
 */
#ifndef KERNEL_EARLY_ALLOC_H
#define KERNEL_EARLY_ALLOC_H

#include <kernel/types.h>

/* After numa_init(): build the free ranges. */
void early_alloc_init(void);

/* SIZE bytes aligned to ALIGN (a power of two) on node NID, else on any
 * node (NUMA_NO_NODE: any node). Panics if no node has room. */
void *early_alloc(size_t size, size_t align, int nid);

/* Call FN for each range handed out so far: [start, end) on node NID. */
void early_alloc_for_each_used(void (*fn)(phys_addr_t start, phys_addr_t end, int nid,
					  void *data), void *data);

/* RAM of node NID still free for early_alloc: the node's RAM minus the
 * boot data (below 1 MiB), the kernel image and early allocations. */
u64 early_alloc_free_bytes(int nid);

#endif

/*
 * Early physical memory management (Linux: include/linux/memblock.h).
 *
 * memblock.memory lists the RAM ranges with their NUMA node, memblock.reserved
 * the ranges in use (kernel image, boot structures, early allocations). Both
 * are sorted arrays of non-overlapping ranges; adjacent compatible ranges
 * are merged. Early allocations come from memory minus reserved, top-down.
 *
 * After mm_core_init() the page allocator owns all free memory and memblock
 * is frozen (read-only): mm_init.c keeps reading it to initialise struct
 * pages on demand. Adding, reserving or allocating then fails with a warning.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include <kernel/types.h>
#include <kernel/smp.h>

#define INIT_MEMBLOCK_REGIONS   128
#define MEMBLOCK_ALLOC_ANYWHERE (~(phys_addr_t)0)

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	int nid;                        /* NUMA_NO_NODE until known */
	unsigned int flags;
};

struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	const char *name;
};

struct memblock {
	bool frozen;                    /* set by mm_core_init() */
	phys_addr_t current_limit;      /* allocations stay below this */
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

struct boot_info;

/* RAM ranges and their nodes. memblock_add_node() also (re)sets the node of
 * a range already added; memblock_set_node() only sets it. */
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid);
int memblock_set_node(phys_addr_t base, phys_addr_t size, int nid);
int memblock_remove(phys_addr_t base, phys_addr_t size);

/* Ranges in use; memblock_phys_free() undoes memblock_reserve(). */
int memblock_reserve(phys_addr_t base, phys_addr_t size);
int memblock_phys_free(phys_addr_t base, phys_addr_t size);

/*
 * RAM from the VMM's boot memory map (BOOT_MEM_RAM entries, with the node
 * the VMM gave; ACPI SRAT stays authoritative), and reserved: the low 1 MiB
 * (boot GDT, page tables, boot info, ACPI tables), the kernel image, the
 * boot_info structure and the counters region. Returns 0 or -1.
 */
int memblock_init_from_bootinfo(const struct boot_info *bi);

/*
 * Whether free RAM reads as zero, as our VMM hands it over (true, the
 * default). Under QEMU the firmware has run first and it is false: then
 * the struct page arrays, which rely on zero meaning "not initialised",
 * are cleared when allocated. Set before mm_core_init().
 */
extern bool memblock_free_memory_zeroed;

/*
 * Allocation. The phys variants return a physical address (0 on failure),
 * the others a direct-map pointer (NULL on failure). nid: the node to
 * allocate from (NUMA_NO_NODE: any); the _try_nid variants fall back to any
 * node. Everything but the _raw variant zeroes the memory; _raw relies on
 * free memory being untouched (zero-filled by the VMM), which is how the
 * memmap stays untouched until it is used.
 */
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end, int nid);
phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid);
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align,
			     phys_addr_t min_addr, phys_addr_t max_addr, int nid);
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align,
				 phys_addr_t min_addr, phys_addr_t max_addr, int nid);

static inline void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	return memblock_alloc_try_nid(size, align, 0, MEMBLOCK_ALLOC_ANYWHERE,
				      NUMA_NO_NODE);
}

static inline void *memblock_alloc_node(phys_addr_t size, phys_addr_t align, int nid)
{
	return memblock_alloc_try_nid(size, align, 0, MEMBLOCK_ALLOC_ANYWHERE, nid);
}

/* Queries. */
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
phys_addr_t memblock_start_of_DRAM(void);
phys_addr_t memblock_end_of_DRAM(void);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
int memblock_nid_of(phys_addr_t addr);  /* NUMA_NO_NODE if not memory */
void memblock_dump_all(void);

/*
 * Iterators over page frame ranges (Linux: for_each_mem_pfn_range,
 * for_each_free_mem_pfn_range_in_zone). *idx starts at 0.
 * next_mem_pfn_range: the memory ranges of node nid (NUMA_NO_NODE: all),
 * in address order, with their node. next_free_mem_pfn_range: the parts of
 * those ranges not reserved, clipped to [start_pfn, end_pfn). Both return
 * false when there are no more.
 */
bool next_mem_pfn_range(unsigned long *idx, int nid, unsigned long *out_start,
			unsigned long *out_end, int *out_nid);
bool next_free_mem_pfn_range(unsigned long *idx, int nid,
			     unsigned long start_pfn, unsigned long end_pfn,
			     unsigned long *out_start, unsigned long *out_end);

#define for_each_mem_pfn_range(i, nid, p_start, p_end, p_nid) \
	for (i = 0; next_mem_pfn_range(&(i), nid, p_start, p_end, p_nid); )
#define for_each_free_mem_pfn_range(i, nid, spfn, epfn, p_start, p_end) \
	for (i = 0; next_free_mem_pfn_range(&(i), nid, spfn, epfn, p_start, p_end); )

#endif

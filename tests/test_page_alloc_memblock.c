/*
 * memblock of guest/mm (host build): the boot memory map and early
 * allocator the page allocator is built from.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <gmm/bootinfo.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include "mm_host.h"

#define MiB (1ULL << 20)

static void expect_region(const struct memblock_type *t, unsigned long i, phys_addr_t base,
			  phys_addr_t size, int nid)
{
	cr_assert_lt(i, t->cnt, "%s has %lu ranges", t->name, t->cnt);
	cr_expect(t->regions[i].base == base && t->regions[i].size == size &&
		  t->regions[i].nid == nid,
		  "%s[%lu] = [0x%llx +0x%llx] node %d, expected [0x%llx +0x%llx] node %d", t->name, i,
		  (unsigned long long)t->regions[i].base, (unsigned long long)t->regions[i].size,
		  t->regions[i].nid, (unsigned long long)base, (unsigned long long)size, nid);
}

Test(memblock, adjacent_ranges_of_one_node_merge_and_of_two_nodes_do_not)
{
	memblock_add_node(0, 4 * MiB, 0);
	memblock_add_node(8 * MiB, 4 * MiB, 0);
	memblock_add_node(4 * MiB, 4 * MiB, 0);
	memblock_add_node(12 * MiB, 4 * MiB, 1);
	cr_expect_eq(memblock.memory.cnt, 2);
	expect_region(&memblock.memory, 0, 0, 12 * MiB, 0);
	expect_region(&memblock.memory, 1, 12 * MiB, 4 * MiB, 1);
	cr_expect_eq(memblock_phys_mem_size(), 16 * MiB);
	cr_expect_eq(memblock_end_of_DRAM(), 16 * MiB);
}

Test(memblock, set_node_splits_a_range_as_srat_says)
{
	memblock_add(0, 16 * MiB);
	cr_expect_eq(memblock.memory.regions[0].nid, NUMA_NO_NODE);
	memblock_set_node(6 * MiB, 4 * MiB, 1);
	memblock_set_node(0, 6 * MiB, 0);
	memblock_set_node(10 * MiB, 6 * MiB, 0);
	cr_expect_eq(memblock.memory.cnt, 3);
	expect_region(&memblock.memory, 0, 0, 6 * MiB, 0);
	expect_region(&memblock.memory, 1, 6 * MiB, 4 * MiB, 1);
	expect_region(&memblock.memory, 2, 10 * MiB, 6 * MiB, 0);
	cr_expect_eq(memblock_nid_of(7 * MiB), 1);
	cr_expect_eq(memblock_nid_of(17 * MiB), NUMA_NO_NODE);
}

Test(memblock, overlapping_reservations_merge_and_free_splits)
{
	memblock_reserve(1 * MiB, 2 * MiB);
	memblock_reserve(2 * MiB, 2 * MiB);
	memblock_reserve(8 * MiB, 1 * MiB);
	cr_expect_eq(memblock.reserved.cnt, 2);
	expect_region(&memblock.reserved, 0, 1 * MiB, 3 * MiB, NUMA_NO_NODE);
	memblock_phys_free(2 * MiB, 1 * MiB);
	cr_expect_eq(memblock.reserved.cnt, 3);
	expect_region(&memblock.reserved, 0, 1 * MiB, 1 * MiB, NUMA_NO_NODE);
	expect_region(&memblock.reserved, 1, 3 * MiB, 1 * MiB, NUMA_NO_NODE);
	cr_expect(memblock_is_reserved(3 * MiB));
	cr_expect_not(memblock_is_reserved(2 * MiB));
	cr_expect(memblock_is_region_reserved(2 * MiB, 1 * MiB + 1));
	cr_expect_eq(memblock_reserved_size(), 3 * MiB);
}

Test(memblock, allocations_come_top_down_from_the_node_around_reservations)
{
	phys_addr_t a, b, c;

	mm_host_map_phys(0, 32 * MiB);
	memblock_add_node(0, 16 * MiB, 0);
	memblock_add_node(16 * MiB, 16 * MiB, 1);
	memblock_reserve(15 * MiB, 1 * MiB);
	a = memblock_phys_alloc_range(64 * 1024, PAGE_SIZE, 0, MEMBLOCK_ALLOC_ANYWHERE, 0);
	cr_expect_eq(a, 15 * MiB - 64 * 1024, "highest free range of node 0");
	b = memblock_phys_alloc_range(2 * MiB, 2 * MiB, 0, MEMBLOCK_ALLOC_ANYWHERE, 1);
	cr_expect_eq(b, 30 * MiB);
	c = memblock_phys_alloc_range(20 * MiB, PAGE_SIZE, 0, MEMBLOCK_ALLOC_ANYWHERE, 1);
	cr_expect_eq(c, 0, "node 1 cannot hold 20 MiB");
	cr_expect(memblock_is_reserved(a) && memblock_is_reserved(b + 2 * MiB - 1));
	cr_expect_null(memblock_alloc_try_nid_raw(20 * MiB, PAGE_SIZE, 0, MEMBLOCK_ALLOC_ANYWHERE, 0),
		       "nowhere has 20 MiB free in one piece");
	cr_expect_not_null(memblock_alloc_node(12 * MiB, PAGE_SIZE, 1), "12 MiB fit in node 1");
}

Test(memblock, try_nid_falls_back_to_another_node_and_zeroes)
{
	unsigned char *p;

	mm_host_map_phys(0, 32 * MiB);
	memblock_add_node(0, 16 * MiB, 0);
	memblock_add_node(16 * MiB, 16 * MiB, 1);
	memset(__va(20 * MiB), 0xff, 4096);
	memblock_reserve(0, 15 * MiB);
	p = memblock_alloc_try_nid(2 * MiB, PAGE_SIZE, 0, MEMBLOCK_ALLOC_ANYWHERE, 0);
	cr_assert_not_null(p);
	cr_expect_eq(memblock_nid_of(__pa(p)), 1, "node 0 is full: node 1");
	p = memblock_alloc_try_nid(4096, 4096, 20 * MiB, 20 * MiB + 4096, 1);
	cr_assert_eq(__pa(p), 20 * MiB);
	cr_expect_eq(p[0] | p[4095], 0, "memblock_alloc zeroes");
}

Test(memblock, free_range_iterator_walks_memory_minus_reserved_per_node)
{
	unsigned long i, s, e, got[8][2], n = 0;

	memblock_add_node(0, 8 * MiB, 0);
	memblock_add_node(8 * MiB, 8 * MiB, 1);
	memblock_reserve(1 * MiB + 100, 1 * MiB);       /* partial pages stay reserved */
	memblock_reserve(7 * MiB, 2 * MiB);             /* across the node boundary */
	for_each_free_mem_pfn_range(i, 0, 0, ~0UL, &s, &e) {
		got[n][0] = s;
		got[n][1] = e;
		n++;
	}
	cr_assert_eq(n, 2);
	cr_expect(got[0][0] == 0 && got[0][1] == PFN_DOWN(1 * MiB));
	cr_expect(got[1][0] == PFN_UP(2 * MiB + 100) && got[1][1] == PFN_DOWN(7 * MiB));
	n = 0;
	for_each_free_mem_pfn_range(i, 1, PFN_DOWN(10 * MiB), PFN_DOWN(12 * MiB), &s, &e) {
		cr_expect(s == PFN_DOWN(10 * MiB) && e == PFN_DOWN(12 * MiB), "clipped");
		n++;
	}
	cr_expect_eq(n, 1);
}

Test(memblock, bootinfo_adds_ram_and_reserves_low_memory_kernel_and_counters)
{
	static struct boot_info bi;

	bi.magic = BOOT_INFO_MAGIC;
	bi.nr_memmap = 3;
	bi.memmap[0] = (struct boot_mem_entry){ 0, 32 * MiB, BOOT_MEM_RAM, 0 };
	bi.memmap[1] = (struct boot_mem_entry){ 32 * MiB, 1 * MiB, BOOT_MEM_RESERVED, 0 };
	bi.memmap[2] = (struct boot_mem_entry){ 64 * MiB, 32 * MiB, BOOT_MEM_RAM, 1 };
	bi.kernel_paddr_start = 1 * MiB;
	bi.kernel_paddr_end = 3 * MiB + 123;
	bi.counters_paddr = 90 * MiB;
	bi.counters_size = 64 * 1024;
	cr_assert_eq(memblock_init_from_bootinfo(&bi), 0);
	cr_expect_eq(memblock.memory.cnt, 2);
	expect_region(&memblock.memory, 1, 64 * MiB, 32 * MiB, 1);
	expect_region(&memblock.reserved, 0, 0, 3 * MiB + 123, NUMA_NO_NODE);
	expect_region(&memblock.reserved, 1, 90 * MiB, 64 * 1024, NUMA_NO_NODE);
	bi.magic = 0;
	cr_expect_eq(memblock_init_from_bootinfo(&bi), -1);
}

Test(memblock, frozen_after_mm_core_init)
{
	mm_host_boot_simple(16 * MiB, 1, -1);
	mm_host_console_clear();
	cr_expect_eq(memblock_reserve(8 * MiB, 4096), -1);
	cr_expect_eq(memblock_phys_alloc_range(4096, 4096, 0, MEMBLOCK_ALLOC_ANYWHERE, 0), 0);
	cr_expect(strstr(mm_host_console(), "after mm_core_init() ignored"));
}

/*
 * The page-table walker and vmalloc of guest/mm on the host, in both paging
 * modes: the same code must fold the p4d level with 4 levels and use it
 * with 5 (which our KVM cannot run, but the tables are plain memory here),
 * map vmalloc areas page by page with an unmapped guard page after each,
 * use 2 MiB pages only where aligned, share the kernel half between mms,
 * take page-table pages from the node asked for, and free an mm's tables
 * after one flush. (The guest's vmalloc_selftest writes through vmalloc
 * addresses, which need a real MMU: it runs in guests, tests/
 * test_guest_paging.c.)
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/vmalloc.h>
#include <asm/tlbflush.h>
#include "mm_host.h"
#include "pgtable_host.h"

static void boot(unsigned int levels)
{
	mm_host_boot_simple(64ULL << 20, 1, -1);
	mm_host_set_paging(levels);
	mm_host_paging_init();
	memset(&mm_host_tlb, 0, sizeof(mm_host_tlb));
}

static unsigned long pte_pfn_at(pgd_t *pgd, unsigned long addr, unsigned int *level)
{
	pte_t *pte = lookup_address_in_pgd(pgd, addr, level);

	if (!pte || !pte_present(*pte))
		return 0;
	return *level == PG_LEVEL_2M ? pmd_pfn(*(pmd_t *)pte) + ((addr & ~PMD_MASK) >> PAGE_SHIFT)
				     : pte_pfn(*pte);
}

ParameterizedTestParameters(walker, one_page_of_a_user_mm)
{
	static unsigned int levels[] = { 4, 5 };
	return cr_make_param_array(unsigned int, levels, 2);
}

/* One page in an empty user half: 4 levels need a pud, a pmd and a pte
 * table (the pgd entry is the p4d entry), 5 levels a p4d table too. */
ParameterizedTest(unsigned int *levels, walker, one_page_of_a_user_mm)
{
	struct mm_struct mm;
	struct page *page;
	unsigned long tables, addr = *levels == 5 ? 1UL << 52 : 1UL << 40;
	unsigned int level;

	boot(*levels);
	cr_assert_eq(pgtable_l5_enabled(), *levels == 5);
	cr_assert_eq(mm_alloc_pgd(&mm, 0), 0);
	cr_assert_eq(memcmp(mm.pgd + KERNEL_PGD_BOUNDARY, init_mm.pgd + KERNEL_PGD_BOUNDARY,
			    KERNEL_PGD_PTRS * sizeof(pgd_t)), 0, "the kernel half is init_mm's");
	if (*levels == 4)
		cr_assert_eq((void *)p4d_offset(pgd_offset(&mm, addr), addr), (void *)pgd_offset(&mm, addr),
			     "4 levels: the p4d entry is the pgd entry");
	tables = nr_page_table_pages();
	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_eq(vmap_pages_range_mm(&mm, addr, addr + PAGE_SIZE, PAGE_KERNEL, &page, 0), 0);
	cr_assert_eq(nr_page_table_pages() - tables, *levels - 1, "%u levels: %lu new tables", *levels,
		     nr_page_table_pages() - tables);
	cr_assert_eq(pte_pfn_at(mm.pgd, addr, &level), page_to_pfn(page));
	cr_assert_eq(level, PG_LEVEL_4K);
	cr_assert_null(lookup_address_in_pgd(mm.pgd, addr + PMD_SIZE * 512, &level),
		       "the next pud entry is empty");
	cr_assert_eq(vmap_pages_range_mm(&mm, addr, addr + PAGE_SIZE, PAGE_KERNEL, &page, 0), -16,
		     "mapping over a present entry is -EBUSY");

	vunmap_range_mm(&mm, addr, addr + PAGE_SIZE);
	free_pgd_range(&mm, 0, (unsigned long)KERNEL_PGD_BOUNDARY * PGDIR_SIZE);
	cr_assert_eq(nr_page_table_pages(), tables, "every table of the user half freed");
	cr_assert_eq(mm_host_tlb.mm_flushes, 1, "one flush before the tables are freed");
	cr_assert(mm_host_tlb.last_freed_tables);
	cr_assert_eq(mm_host_tlb.last_mm, &mm);
	cr_assert_eq(memcmp(mm.pgd + KERNEL_PGD_BOUNDARY, init_mm.pgd + KERNEL_PGD_BOUNDARY,
			    KERNEL_PGD_PTRS * sizeof(pgd_t)), 0, "the kernel half is untouched");
	mm_free_pgd(&mm);
	__free_pages(page, 0);
}

ParameterizedTestParameters(walker, vmalloc_maps_scattered_pages_with_guards)
{
	static unsigned int levels[] = { 4, 5 };
	return cr_make_param_array(unsigned int, levels, 2);
}

ParameterizedTest(unsigned int *levels, walker, vmalloc_maps_scattered_pages_with_guards)
{
	struct mm_struct mm;
	unsigned int level;
	char *p, *q;

	boot(*levels);
	cr_assert_eq(mm_alloc_pgd(&mm, 0), 0);      /* cloned before the vmalloc */
	p = vmalloc(5 * PAGE_SIZE);
	q = vmalloc(PAGE_SIZE);
	cr_assert_not_null(p);
	cr_assert(is_vmalloc_addr(p));
	if (*levels == 5)
		cr_assert_geq((unsigned long)p, 0xffa0000000000000UL, "5 levels: above 2^47 (%p)", p);
	else
		cr_assert_geq((unsigned long)p, 0xffffc90000000000UL);
	cr_assert_eq(q, p + 6 * PAGE_SIZE, "the next area starts after the guard page");
	for (int i = 0; i < 5; i++) {
		struct page *page = vmalloc_to_page(p + i * PAGE_SIZE);

		cr_assert_not_null(page);
		cr_assert_eq(pte_pfn_at(init_mm.pgd, (unsigned long)p + i * PAGE_SIZE, &level),
			     page_to_pfn(page));
		cr_assert_eq(level, PG_LEVEL_4K);
		/* Another mm sees it through the shared kernel half. */
		cr_assert_eq(pte_pfn_at(mm.pgd, (unsigned long)p + i * PAGE_SIZE, &level), page_to_pfn(page));
		pte_t *pte = lookup_address((unsigned long)p + i * PAGE_SIZE, &level);
		cr_assert(!pte_exec(*pte) && pte_write(*pte), "PAGE_KERNEL: writable, no-execute");
	}
	cr_assert_eq(pte_pfn_at(init_mm.pgd, (unsigned long)p + 5 * PAGE_SIZE, &level), 0, "guard page");
	cr_assert_eq(pte_pfn_at(init_mm.pgd, (unsigned long)p - PAGE_SIZE, &level), 0, "page below");

	vfree(p);
	cr_assert_eq(pte_pfn_at(init_mm.pgd, (unsigned long)p, &level), 0, "vfree unmaps at once");
	cr_assert_eq(mm_host_tlb.kernel_flushes, 0, "... but flushes lazily");
	vm_unmap_aliases();
	cr_assert_eq(mm_host_tlb.kernel_flushes, 1);
	cr_assert_eq(mm_host_tlb.last_start, (unsigned long)p);
	cr_assert_eq(mm_host_tlb.last_end, (unsigned long)p + 6 * PAGE_SIZE);
	vfree(q);
	mm_free_pgd(&mm);
}

Test(walker, two_mib_pages_only_where_aligned)
{
	unsigned long va;
	unsigned int level;

	boot(4);
	va = VMALLOC_START + (64UL << 20);
	cr_assert_eq(vmap_range_noflush(va, va + (4UL << 20) + 3 * PAGE_SIZE, 2UL << 20, PAGE_KERNEL,
					PMD_SHIFT, 0), 0);
	cr_assert_eq(pte_pfn_at(init_mm.pgd, va, &level), (2UL << 20) >> PAGE_SHIFT);
	cr_assert_eq(level, PG_LEVEL_2M);
	cr_assert_eq(pte_pfn_at(init_mm.pgd, va + (3UL << 20) + 5 * PAGE_SIZE, &level),
		     ((5UL << 20) >> PAGE_SHIFT) + 5);
	cr_assert_eq(level, PG_LEVEL_2M);
	cr_assert_eq(pte_pfn_at(init_mm.pgd, va + (4UL << 20) + 2 * PAGE_SIZE, &level),
		     ((6UL << 20) >> PAGE_SHIFT) + 2);
	cr_assert_eq(level, PG_LEVEL_4K, "the unaligned tail is 4 KiB pages");
	vunmap_range_noflush(va, va + (4UL << 20) + 3 * PAGE_SIZE);
	cr_assert_eq(pte_pfn_at(init_mm.pgd, va, &level), 0);

	/* Physically unaligned: 4 KiB pages throughout. */
	cr_assert_eq(vmap_range_noflush(va, va + (2UL << 20), (2UL << 20) + PAGE_SIZE, PAGE_KERNEL,
					PMD_SHIFT, 0), 0);
	cr_assert_eq(pte_pfn_at(init_mm.pgd, va + PAGE_SIZE, &level), ((2UL << 20) >> PAGE_SHIFT) + 2);
	cr_assert_eq(level, PG_LEVEL_4K);
}

Test(walker, vmalloc_node_takes_pages_and_tables_from_the_node)
{
	static const struct mm_host_mem mem[] = { { 0, 32 << 20, 0 }, { 32 << 20, 32 << 20, 1 } };
	struct mm_host_machine m = { .nr_nodes = 2, .nr_cpus = 2, .mem = mem, .nr_mem = 2,
				     .reserve_like_guest = true, .min_free_kbytes = -1 };
	unsigned int level;

	mm_host_boot(&m);
	mm_host_set_paging(4);
	mm_host_paging_init();
	for (int nid = 0; nid < 2; nid++) {
		unsigned long tables = nr_page_table_pages();
		char *p = __vmalloc_node(3 * PAGE_SIZE, PMD_SIZE, GFP_KERNEL, nid);

		cr_assert_not_null(p);
		for (int i = 0; i < 3; i++)
			cr_assert_eq(page_to_nid(vmalloc_to_page(p + i * PAGE_SIZE)), nid);
		cr_assert_geq(nr_page_table_pages() - tables, 1, "a new 2 MiB region needs a pte table");
		pte_t *pte = lookup_address((unsigned long)p, &level);
		cr_assert_eq(page_to_nid(virt_to_page(pte)), nid, "the pte table is on node %d", nid);
	}
}

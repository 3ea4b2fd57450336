/* Host implementations of the arch paging state and TLB flushes guest/mm
 * calls (see pgtable_host.h). */
#include <stdio.h>
#include <stdlib.h>

#include <kernel/panic.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include "pgtable_host.h"

unsigned int __pgtable_l5_enabled;
unsigned int pgdir_shift = 39;
unsigned int ptrs_per_p4d = 1;
pteval_t __supported_pte_mask = ~0UL;
unsigned long vmalloc_base = VMALLOC_BASE_L4;
unsigned long tlb_single_page_flush_ceiling = 33;

struct mm_host_tlb mm_host_tlb;

void mm_host_set_paging(unsigned int levels)
{
	if (levels != 4 && levels != 5) {
		fprintf(stderr, "mm_host: %u-level paging?\n", levels);
		abort();
	}
	__pgtable_l5_enabled = levels == 5;
	pgdir_shift = levels == 5 ? 48 : 39;
	ptrs_per_p4d = levels == 5 ? 512 : 1;
	vmalloc_base = levels == 5 ? VMALLOC_BASE_L5 : VMALLOC_BASE_L4;
}

void mm_host_paging_init(void)
{
	struct mm_struct tmp;

	if (mm_alloc_pgd(&tmp, 0))
		panic("mm_host_paging_init: no memory for init_mm's pgd");
	init_mm.pgd = tmp.pgd;
	/* As paging_init: the vmalloc range's top-level entry exists before
	 * any mm copies the kernel half. */
	pgd_t *pgd = pgd_offset_k(VMALLOC_START);
	p4d_t *p4d = p4d_alloc_node(&init_mm, pgd, VMALLOC_START, 0);
	if (!p4d || !pud_alloc_node(&init_mm, p4d, VMALLOC_START, 0))
		panic("mm_host_paging_init: no memory for the vmalloc range's tables");
	vmalloc_init();
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	mm_host_tlb.kernel_flushes++;
	mm_host_tlb.last_start = start;
	mm_host_tlb.last_end = end;
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned int stride_shift, bool freed_tables)
{
	(void)stride_shift;
	mm_host_tlb.mm_flushes++;
	mm_host_tlb.last_mm = mm;
	mm_host_tlb.last_start = start;
	mm_host_tlb.last_end = end;
	mm_host_tlb.last_freed_tables = freed_tables;
}

void flush_tlb_all(void)
{
	mm_host_tlb.all_flushes++;
}

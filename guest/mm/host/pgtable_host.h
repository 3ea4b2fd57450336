/*
 * The host shim's side of page tables and TLB flushes (pgtable_shim.c):
 * the paging mode guest/mm walks, and flush functions that record what
 * they were asked instead of touching a TLB.
 */
#ifndef MM_PGTABLE_HOST_H
#define MM_PGTABLE_HOST_H

#include <kernel/types.h>

struct mm_struct;

/* 4 or 5 levels (sets pgtable_l5_enabled(), PGDIR_SHIFT, PTRS_PER_P4D and
 * VMALLOC_START as the guest's paging_init would). */
void mm_host_set_paging(unsigned int levels);
/* init_mm gets an empty pgd with the vmalloc range's top-level entry, and
 * the vmalloc range is set up (after mm_host_boot and mm_host_set_paging). */
void mm_host_paging_init(void);

struct mm_host_tlb {
	unsigned long kernel_flushes;   /* flush_tlb_kernel_range calls */
	unsigned long mm_flushes;       /* flush_tlb_mm_range calls */
	unsigned long all_flushes;      /* flush_tlb_all calls */
	unsigned long last_start, last_end;
	struct mm_struct *last_mm;
	bool last_freed_tables;
};
extern struct mm_host_tlb mm_host_tlb;

#endif

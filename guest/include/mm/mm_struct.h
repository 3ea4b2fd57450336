/*
 * struct mm_struct: an address space (Linux: the mm_struct of
 * include/linux/mm_types.h, and init_mm of mm/init-mm.c): what the page
 * tables and TLB shootdowns need, then a user address space's VMAs,
 * layout, counters and reference count (mm/mm_user.h, mm/vma.h).
 *
 *   pgd              top-level page table; the kernel half (entries
 *                    KERNEL_PGD_BOUNDARY..511) is a copy of init_mm's and
 *                    so shares every kernel mapping (asm/pgtable.h)
 *   page_table_lock  guards linking new page-table pages into this mm's
 *                    tables (guest/mm/pgtable.c has the rules)
 *   cpu_bitmap       mm_cpumask(): the CPUs that have this mm loaded, lazily
 *                    or not, and may so hold its translations in their TLBs
 *                    (asm/tlbflush.h)
 *   context          the arch part: the TLB generation (asm/mmu.h)
 *
 * init_mm is the kernel's own: its pgd (swapper_pg_dir) maps only the
 * kernel half; every CPU runs on it until it loads another mm. Kernel
 * mappings are flushed on every CPU, so init_mm's cpumask is not used.
 */
#ifndef MM_MM_STRUCT_H
#define MM_MM_STRUCT_H

#include <kernel/cpumask.h>
#include <kernel/spinlock.h>
#include <asm/mmu.h>
#include <asm/pgtable_types.h>
#include <kernel/list.h>

struct vm_area_struct;

/* Per-mm resident page counts (Linux's rss_stat, /proc/self/statm). */
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES, NR_MM_COUNTERS };

struct mm_struct {
	pgd_t *pgd;
	spinlock_t page_table_lock;
	struct cpumask cpu_bitmap;
	mm_context_t context;
	/* User address spaces (mm/mm_user.h, guest/mm/mmap.c). */
	struct vm_area_struct *mm_rb;   /* VMAs by address: AVL tree root */
	struct list_head mmap;          /* the same VMAs in address order */
	int map_count;                  /* number of VMAs */
	int mm_users;                   /* references (mmget/mmput) */
	spinlock_t mmap_lock;           /* VMAs and user PTEs */
	unsigned long mmap_base;        /* top-down get_unmapped_area starts here */
	unsigned long start_brk, brk;   /* heap */
	unsigned long start_stack;      /* top of the stack VMA */
	unsigned long stack_limit;      /* lowest address the stack may grow to */
	unsigned long total_vm;         /* pages in VMAs */
	long rss_stat[NR_MM_COUNTERS];
};

extern struct mm_struct init_mm;

static inline struct cpumask *mm_cpumask(struct mm_struct *mm)
{
	return &mm->cpu_bitmap;
}

#endif

/*
 * TLB shootdowns and switching address spaces (Linux: arch/x86/include/
 * asm/tlbflush.h, arch/x86/mm/tlb.c; ours: tlb.c). No instructions here:
 * guest/mm includes this, and the host shim implements the flushes.
 *
 * THE RULES (every writer of page tables follows them):
 *
 * 1. Change, then flush, then reuse. Whoever clears or changes a present
 *    entry calls a flush covering it before the old page (or page-table
 *    page) may be used for anything else. The flushes are synchronous: they
 *    return once every CPU that may hold the translation has dropped it
 *    (each remote CPU acknowledges; smp_call_function_many() waits).
 *
 * 2. Who is interrupted. A user mm's flush (flush_tlb_mm_range) goes to
 *    the CPUs in mm_cpumask(mm), except those in lazy TLB mode (running a
 *    kernel thread on the mm's tables: enter_lazy_tlb). Those are skipped;
 *    the mm's tlb_gen tells them to flush everything when they switch back
 *    to it (switch_mm). A flush that frees page-table pages (freed_tables)
 *    interrupts the lazy CPUs too, which then drop the mm for init_mm, as
 *    their CPU could otherwise walk the freed tables speculatively.
 *    Kernel mappings (init_mm: direct map, vmalloc, ioremap) are shared by
 *    every mm, so flush_tlb_kernel_range/flush_tlb_all go to every online
 *    CPU.
 *
 * 3. One IPI per remote CPU per batch. A range is one flush_tlb_info sent
 *    once to each target; a range of more than tlb_single_page_flush_ceiling
 *    pages (33, Linux's) becomes a full flush of each target's TLB. The
 *    vmalloc purge and arch_tlbbatch_flush() gather many pages into one
 *    such batch.
 *
 * 4. Never flush while holding a spinlock that another CPU may spin on
 *    with interrupts off: the flush waits for that CPU to answer the IPI.
 *
 * Counters (vm events, /proc/vmstat names):
 *   nr_tlb_remote_flush           batches sent to at least one other CPU
 *   nr_tlb_remote_flush_received  flush IPIs a CPU handled
 *   nr_tlb_local_flush_one        pages invalidated one by one (invlpg) on
 *                                 the initiating CPU
 *   nr_tlb_local_flush_all        full flushes on the initiating CPU
 *                                 (and on a CPU catching up in switch_mm)
 */
#ifndef ASM_TLBFLUSH_H
#define ASM_TLBFLUSH_H

#include <kernel/compiler.h>
#include <kernel/cpumask.h>
#include <kernel/smp.h>
#include <kernel/types.h>
#include <mm/page_types.h>

struct mm_struct;

#define TLB_FLUSH_ALL   (~0UL)

/* Ranges longer than this many pages are flushed whole (Linux's default). */
extern unsigned long tlb_single_page_flush_ceiling;

/* What one shootdown asks of each CPU (Linux's struct flush_tlb_info). */
struct flush_tlb_info {
	struct mm_struct *mm;       /* NULL: kernel mappings */
	unsigned long start;
	unsigned long end;          /* exclusive; TLB_FLUSH_ALL: everything */
	u64 new_tlb_gen;            /* the mm's generation this flush brings */
	unsigned int initiating_cpu;
	u8 stride_shift;            /* PAGE_SHIFT, or PMD_SHIFT for 2 MiB pages */
	bool freed_tables;          /* page-table pages go away: lazy CPUs too */
};

/* Per-CPU TLB state (Linux's cpu_tlbstate). Written by its own CPU with
 * interrupts off; is_lazy is read by the CPUs deciding whom to flush. */
struct tlb_state {
	struct mm_struct *loaded_mm;    /* whose tables CR3 holds */
	u64 loaded_mm_tlb_gen;          /* loaded_mm's tlb_gen this TLB reflects */
	bool is_lazy;                   /* loaded_mm kept for a kernel thread */
} ____cacheline_aligned;

extern struct tlb_state cpu_tlbstate[NR_CPUS];

/* Load MM's tables on this CPU (interrupts off / on), as the scheduler
 * will on a task switch. */
void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next);
void switch_mm(struct mm_struct *prev, struct mm_struct *next);
/* This CPU keeps MM loaded but runs kernel code only (lazy TLB). */
void enter_lazy_tlb(struct mm_struct *mm);
/* At CPU start: init_mm loaded, TLB flushed, state reset. */
void initialize_tlbstate_and_flush(void);

/* [start, end) of MM, pages of 1 << stride_shift bytes. */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned int stride_shift, bool freed_tables);
#define flush_tlb_mm(mm) flush_tlb_mm_range((mm), 0UL, TLB_FLUSH_ALL, 0U, true)
/* Linux's VMA forms; any VMA type with a vm_mm member will do. */
#define flush_tlb_range(vma, start, end) \
	flush_tlb_mm_range((vma)->vm_mm, (start), (end), PAGE_SHIFT, false)
#define flush_tlb_page(vma, addr) \
	flush_tlb_mm_range((vma)->vm_mm, (addr), (addr) + PAGE_SIZE, PAGE_SHIFT, false)

/* Kernel mappings in [start, end), on every online CPU. */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
/* Everything, on every online CPU. */
void flush_tlb_all(void);
/* This CPU only (Linux's flush_tlb_local / __flush_tlb_all), counted as
 * local flushes. */
void flush_tlb_local(void);
void flush_tlb_one_kernel(unsigned long addr);

/*
 * Batched unmapping (Linux's arch_tlbflush_unmap_batch, for reclaim):
 * gather the CPUs of every mm a page was unmapped from, then one full
 * flush on each of them, one IPI per CPU however many pages and mms.
 */
struct arch_tlbflush_unmap_batch {
	struct cpumask cpumask;
};
void arch_tlbbatch_add_pending(struct arch_tlbflush_unmap_batch *batch, struct mm_struct *mm,
			       unsigned long uaddr);
void arch_tlbbatch_flush(struct arch_tlbflush_unmap_batch *batch);

/* tlb_selftest on the command line (tlb_selftest.c): PASS/FAIL lines;
 * returns the number of failed checks. */
int tlb_selftest(void);

#endif

/*
 * TLB shootdowns and address-space switches (asm/tlbflush.h has the rules;
 * Linux: arch/x86/mm/tlb.c, without PCID: no CPU here has it, so every CR3
 * write flushes all, and switch_mm needs no ASID bookkeeping).
 *
 * Locking: none of its own. cpu_tlbstate[cpu] is written by its CPU with
 * interrupts off; other CPUs read is_lazy when choosing whom to interrupt.
 * An mm's tlb_gen only grows (atomic); mm_cpumask bits are set and cleared
 * atomically by the CPU they stand for. The ordering that keeps a lazy
 * CPU from missing a flush:
 *   initiator: write PTEs; tlb_gen++ (atomic, a full barrier); read is_lazy
 *   lazy CPU:  is_lazy = false (seq_cst store, a full barrier); read tlb_gen
 * so either the initiator sees the CPU is not lazy and interrupts it, or
 * the CPU sees the new generation and flushes itself.
 */
#include <kernel/cpu.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/smp_call.h>
#include <mm/mm_struct.h>
#include <mm/vm_event_item.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

struct tlb_state cpu_tlbstate[NR_CPUS];
unsigned long tlb_single_page_flush_ceiling = 33;

static inline struct tlb_state *this_tlbstate(void)
{
	return &cpu_tlbstate[smp_processor_id()];
}

/* Flush this CPU's whole TLB (no global pages: a CR3 reload does it). */
static void __flush_tlb_local(void)
{
	native_write_cr3(read_cr3());
}

void flush_tlb_local(void)
{
	__flush_tlb_local();
	count_vm_event(NR_TLB_LOCAL_FLUSH_ALL);
}

void flush_tlb_one_kernel(unsigned long addr)
{
	native_flush_tlb_one_user(addr);
	count_vm_event(NR_TLB_LOCAL_FLUSH_ONE);
}

static u64 inc_mm_tlb_gen(struct mm_struct *mm)
{
	return __atomic_add_fetch(&mm->context.tlb_gen, 1, __ATOMIC_SEQ_CST);
}

/* ---- Switching address spaces ---- */

void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next)
{
	unsigned int cpu = smp_processor_id();
	struct tlb_state *ts = &cpu_tlbstate[cpu];
	struct mm_struct *real_prev = ts->loaded_mm;
	u64 next_gen;

	(void)prev;     /* what the CPU really runs on is in cpu_tlbstate */
	if (real_prev == next) {
		/* Back from lazy mode (or a no-op): catch up if a flush was
		 * skipped meanwhile (the barrier pairs with inc_mm_tlb_gen). */
		__atomic_store_n(&ts->is_lazy, false, __ATOMIC_SEQ_CST);
		next_gen = __atomic_load_n(&next->context.tlb_gen, __ATOMIC_SEQ_CST);
		if (ts->loaded_mm_tlb_gen != next_gen) {
			__flush_tlb_local();
			count_vm_event(NR_TLB_LOCAL_FLUSH_ALL);
			ts->loaded_mm_tlb_gen = next_gen;
		}
		return;
	}
	/* Stop remote flushes for the old mm; take them for the new one
	 * before loading it (the atomic set orders the tlb_gen read after). */
	if (real_prev && real_prev != &init_mm)
		cpumask_clear_cpu(cpu, mm_cpumask(real_prev));
	if (next != &init_mm)
		cpumask_set_cpu(cpu, mm_cpumask(next));
	__atomic_store_n(&ts->is_lazy, false, __ATOMIC_SEQ_CST);
	next_gen = __atomic_load_n(&next->context.tlb_gen, __ATOMIC_SEQ_CST);
	native_write_cr3(__pa(next->pgd));     /* flushes everything */
	ts->loaded_mm = next;
	ts->loaded_mm_tlb_gen = next_gen;
}

void switch_mm(struct mm_struct *prev, struct mm_struct *next)
{
	unsigned long flags;

	local_irq_save(flags);
	switch_mm_irqs_off(prev, next);
	local_irq_restore(flags);
}

void enter_lazy_tlb(struct mm_struct *mm)
{
	struct tlb_state *ts = this_tlbstate();

	(void)mm;
	if (ts->loaded_mm == &init_mm)
		return;
	__atomic_store_n(&ts->is_lazy, true, __ATOMIC_SEQ_CST);
}

void initialize_tlbstate_and_flush(void)
{
	struct tlb_state *ts = this_tlbstate();

	native_write_cr3(__pa(init_mm.pgd));
	ts->loaded_mm = &init_mm;
	ts->loaded_mm_tlb_gen = __atomic_load_n(&init_mm.context.tlb_gen, __ATOMIC_SEQ_CST);
	ts->is_lazy = false;
}

/* ---- Flushing an mm ---- */

/* On each target CPU (from the IPI) and on the initiator. Interrupts off. */
static void flush_tlb_func(void *info)
{
	const struct flush_tlb_info *f = info;
	struct tlb_state *ts = this_tlbstate();
	struct mm_struct *loaded_mm = ts->loaded_mm;
	bool local = smp_processor_id() == f->initiating_cpu;
	u64 mm_tlb_gen, local_tlb_gen;

	if (!local)
		count_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED);
	if (f->mm != loaded_mm)
		return;         /* switched away meanwhile: its CR3 write flushed */
	if (ts->is_lazy) {
		/* Page tables are going away: stop using this mm's at all. */
		switch_mm_irqs_off(NULL, &init_mm);
		return;
	}
	mm_tlb_gen = __atomic_load_n(&loaded_mm->context.tlb_gen, __ATOMIC_SEQ_CST);
	local_tlb_gen = ts->loaded_mm_tlb_gen;
	if (local_tlb_gen == mm_tlb_gen)
		return;         /* an earlier flush covered this one */
	/* Page by page only if this flush is the one step we miss; else all. */
	if (f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_tlb_gen + 1 &&
	    f->new_tlb_gen == mm_tlb_gen) {
		unsigned long n = 0;

		for (unsigned long addr = f->start; addr < f->end; addr += 1UL << f->stride_shift, n++)
			native_flush_tlb_one_user(addr);
		if (local)
			count_vm_events(NR_TLB_LOCAL_FLUSH_ONE, n);
	} else {
		__flush_tlb_local();
		if (local)
			count_vm_event(NR_TLB_LOCAL_FLUSH_ALL);
	}
	ts->loaded_mm_tlb_gen = mm_tlb_gen;
}

/* Send F to every other CPU in MASK that may hold the mm's translations
 * (lazy ones only when tables are freed): one IPI each, waiting for all. */
static void flush_tlb_multi(const struct cpumask *mask, const struct flush_tlb_info *f)
{
	struct cpumask targets = { { 0 } };
	unsigned int cpu, n = 0;

	for_each_cpu(cpu, mask) {
		if (cpu == f->initiating_cpu || !cpu_online(cpu))
			continue;
		if (!f->freed_tables && __atomic_load_n(&cpu_tlbstate[cpu].is_lazy, __ATOMIC_SEQ_CST))
			continue;
		cpumask_set_cpu(cpu, &targets);
		n++;
	}
	if (!n)
		return;
	count_vm_event(NR_TLB_REMOTE_FLUSH);
	smp_call_function_many(&targets, flush_tlb_func, (void *)f);
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned int stride_shift, bool freed_tables)
{
	struct flush_tlb_info info;
	unsigned long flags;

	if (mm == &init_mm) {           /* kernel mappings are everyone's */
		flush_tlb_kernel_range(start, end);
		return;
	}
	if (end != TLB_FLUSH_ALL &&
	    ((end - start) >> stride_shift) > tlb_single_page_flush_ceiling) {
		start = 0;
		end = TLB_FLUSH_ALL;
	}
	local_irq_save(flags);          /* stay on this CPU */
	info.mm = mm;
	info.start = start;
	info.end = end;
	info.stride_shift = (u8)stride_shift;
	info.freed_tables = freed_tables;
	info.initiating_cpu = smp_processor_id();
	/* After the PTE writes, before reading who to interrupt. */
	info.new_tlb_gen = inc_mm_tlb_gen(mm);
	if (mm == this_tlbstate()->loaded_mm)
		flush_tlb_func(&info);
	flush_tlb_multi(mm_cpumask(mm), &info);
	local_irq_restore(flags);
}

/* ---- Kernel mappings: on every CPU ---- */

static void do_kernel_range_flush(void *info)
{
	const struct flush_tlb_info *f = info;
	bool local = smp_processor_id() == f->initiating_cpu;

	if (!local)
		count_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED);
	if (f->end == TLB_FLUSH_ALL) {
		__flush_tlb_local();
		if (local)
			count_vm_event(NR_TLB_LOCAL_FLUSH_ALL);
		return;
	}
	for (unsigned long addr = f->start; addr < f->end; addr += PAGE_SIZE)
		native_flush_tlb_one_user(addr);
	if (local)
		count_vm_events(NR_TLB_LOCAL_FLUSH_ONE, (f->end - f->start) >> PAGE_SHIFT);
}

static void flush_kernel_on_all(unsigned long start, unsigned long end)
{
	struct flush_tlb_info info = { .start = start, .end = end, .stride_shift = PAGE_SHIFT };
	struct cpumask others = { { 0 } };
	unsigned long flags;
	unsigned int cpu, n = 0;

	local_irq_save(flags);
	info.initiating_cpu = smp_processor_id();
	do_kernel_range_flush(&info);
	for_each_online_cpu(cpu)
		if (cpu != info.initiating_cpu) {
			cpumask_set_cpu(cpu, &others);
			n++;
		}
	if (n) {
		count_vm_event(NR_TLB_REMOTE_FLUSH);
		smp_call_function_many(&others, do_kernel_range_flush, &info);
	}
	local_irq_restore(flags);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	start &= PAGE_MASK;
	if (end != TLB_FLUSH_ALL)
		end = ALIGN(end, PAGE_SIZE);
	if (end == TLB_FLUSH_ALL ||
	    ((end - start) >> PAGE_SHIFT) > tlb_single_page_flush_ceiling)
		flush_kernel_on_all(0, TLB_FLUSH_ALL);
	else if (end > start)
		flush_kernel_on_all(start, end);
}

void flush_tlb_all(void)
{
	flush_kernel_on_all(0, TLB_FLUSH_ALL);
}

/* ---- Batched unmapping ---- */

void arch_tlbbatch_add_pending(struct arch_tlbflush_unmap_batch *batch, struct mm_struct *mm,
			       unsigned long uaddr)
{
	unsigned int cpu;

	(void)uaddr;
	/* The generation moves now, so lazy CPUs catch up on their own. */
	inc_mm_tlb_gen(mm);
	for_each_cpu(cpu, mm_cpumask(mm))
		cpumask_set_cpu(cpu, &batch->cpumask);
}

static void flush_tlb_batched(void *info)
{
	(void)info;
	count_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED);
	__flush_tlb_local();
}

void arch_tlbbatch_flush(struct arch_tlbflush_unmap_batch *batch)
{
	struct cpumask targets = { { 0 } };
	unsigned long flags;
	unsigned int cpu, me, n = 0;

	local_irq_save(flags);
	me = smp_processor_id();
	for_each_cpu(cpu, &batch->cpumask) {
		if (cpu == me) {
			flush_tlb_local();
			continue;
		}
		if (!cpu_online(cpu) || __atomic_load_n(&cpu_tlbstate[cpu].is_lazy, __ATOMIC_SEQ_CST))
			continue;
		cpumask_set_cpu(cpu, &targets);
		n++;
	}
	if (n) {
		count_vm_event(NR_TLB_REMOTE_FLUSH);
		smp_call_function_many(&targets, flush_tlb_batched, NULL);
	}
	cpumask_clear(&batch->cpumask);
	local_irq_restore(flags);
}

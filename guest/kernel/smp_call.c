/*
 * Cross-CPU function calls (kernel/smp_call.h).
 *
 * Each CPU has one call_function_data (cfd): the call it is making, with
 * the count of targets still to run it. Each target CPU has a mailbox with
 * one slot per source CPU; a source puts its cfd in the slot, then sends
 * the IPI; the target's handler empties every slot, runs the function and
 * decrements the count. A source has at most one call in flight (it waits
 * for it), so one slot per source is enough, and no lock is needed: slots
 * are exchanged atomically, and the count is atomic.
 */
#include <kernel/compiler.h>
#include <kernel/cpu.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp_call.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <mm/gfp.h>
#include <mm/mm.h>

struct call_function_data {
	smp_call_func_t func;
	void *info;
	unsigned int pending;      /* targets that have not run func yet */
} ____cacheline_aligned;

static struct call_function_data cfd[NR_CPUS];
/* mailbox[target][source]: the source's cfd while it waits for target. */
static struct call_function_data **mailbox[NR_CPUS];
static unsigned long ipis_sent;

/* Run every call waiting in this CPU's mailbox. */
static void flush_call_queue(void)
{
	struct call_function_data **box = mailbox[smp_processor_id()];

	for (unsigned int src = 0; src < nr_cpu_ids; src++) {
		struct call_function_data *c = __atomic_exchange_n(&box[src], NULL, __ATOMIC_ACQUIRE);
		if (!c)
			continue;
		c->func(c->info);
		__atomic_fetch_sub(&c->pending, 1, __ATOMIC_RELEASE);
	}
}

static void call_function_interrupt(struct pt_regs *regs)
{
	(void)regs;
	flush_call_queue();
}

/* The reschedule IPI only wakes its target from hlt: nothing to do here. */
static void reschedule_interrupt(struct pt_regs *regs)
{
	(void)regs;
}

void smp_send_reschedule(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);           /* xAPIC: ICR2 then ICR, not to be interleaved */
	apic_send_ipi(cpu_to_apicid(cpu), RESCHEDULE_VECTOR);
	local_irq_restore(flags);
}

void smp_call_init(void)
{
	unsigned long bytes = (unsigned long)nr_cpu_ids * nr_cpu_ids * sizeof(void *);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(bytes));

	if (!page)
		panic("smp: no memory for %u call mailboxes", nr_cpu_ids);
	struct call_function_data **slots = page_address(page);
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		mailbox[cpu] = slots + (unsigned long)cpu * nr_cpu_ids;
	set_irq_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
	set_irq_handler(RESCHEDULE_VECTOR, reschedule_interrupt);
}

void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func, void *info)
{
	unsigned long flags;
	unsigned int me, cpu, n = 0;

	local_irq_save(flags);           /* stay on this CPU and its cfd */
	me = smp_processor_id();
	struct call_function_data *c = &cfd[me];
	c->func = func;
	c->info = info;
	for_each_cpu(cpu, mask)
		n += cpu != me && cpu_online(cpu);
	__atomic_store_n(&c->pending, n, __ATOMIC_RELAXED);
	for_each_cpu(cpu, mask) {
		if (cpu == me || !cpu_online(cpu))
			continue;
		__atomic_store_n(&mailbox[cpu][me], c, __ATOMIC_RELEASE);
		apic_send_ipi(cpu_to_apicid(cpu), CALL_FUNCTION_VECTOR);
		__atomic_fetch_add(&ipis_sent, 1, __ATOMIC_RELAXED);
	}
	while (__atomic_load_n(&c->pending, __ATOMIC_ACQUIRE)) {
		flush_call_queue();      /* serve whoever is calling us meanwhile */
		cpu_relax();
	}
	local_irq_restore(flags);
}

void smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info)
{
	struct cpumask mask = { { 0 } };
	unsigned long flags;

	if (cpu == smp_processor_id()) {
		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
		return;
	}
	cpumask_set_cpu(cpu, &mask);
	smp_call_function_many(&mask, func, info);
}

void on_each_cpu(smp_call_func_t func, void *info)
{
	struct cpumask all = { { 0 } };
	unsigned long flags;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		cpumask_set_cpu(cpu, &all);
	smp_call_function_many(&all, func, info);
	local_irq_save(flags);
	func(info);
	local_irq_restore(flags);
}

unsigned long smp_call_ipis_sent(void)
{
	return __atomic_load_n(&ipis_sent, __ATOMIC_RELAXED);
}

/* smp_call_test on the command line: every CPU calls every other CPU at
 * the same time (interrupts off on the callers: the waits must serve each
 * other), then on_each_cpu reaches every CPU exactly once. */
static unsigned int call_hits[NR_CPUS];

static void count_hit(void *info)
{
	(void)info;
	__atomic_fetch_add(&call_hits[smp_processor_id()], 1, __ATOMIC_RELAXED);
}

static void call_everyone(void *info)
{
	struct cpumask all = { { 0 } };
	unsigned int cpu;

	(void)info;
	for_each_online_cpu(cpu)
		cpumask_set_cpu(cpu, &all);
	smp_call_function_many(&all, count_hit, NULL);
}

int smp_call_selftest(void)
{
	unsigned int cpu, n = num_online_cpus(), bad = 0;

	/* Each CPU (from an IPI of ours) calls all others: n*(n-1) hits. */
	on_each_cpu(call_everyone, NULL);
	for_each_online_cpu(cpu)
		bad += call_hits[cpu] != n - 1;
	printk("smp_call selftest: %u CPUs calling each other at once: %s\n", n, bad ? "FAIL" : "PASS");
	for_each_online_cpu(cpu)
		call_hits[cpu] = 0;
	on_each_cpu(count_hit, NULL);
	unsigned int bad2 = 0;
	for_each_online_cpu(cpu)
		bad2 += call_hits[cpu] != 1;
	printk("smp_call selftest: on_each_cpu ran once on each of %u CPUs: %s\n", n, bad2 ? "FAIL" : "PASS");
	return (int)(bad + bad2);
}

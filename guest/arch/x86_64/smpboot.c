/*
 * Bringing up the application processors.
 *
 * Under our VMM (include/gmm/bootinfo.h) an AP is started paravirtually:
 * the BSP allocates the AP's per-CPU area, boot stack and exception
 * stacks on the AP's node (the stacks in the vmalloc range, each with an
 * unmapped guard page below), writes {stack_top, per-CPU area} into
 * boot_info->ap_start[index], and writes index to PORT_AP_START. The VMM
 * enters _start on that vCPU in 64-bit mode, and entry.S calls ap_main().
 * The VMM's vCPU index is the KVM vCPU id, which is the APIC id: we pass
 * cpu_to_apicid(cpu), the logical CPU number coming from the MADT order.
 *
 * Under QEMU (PVH entry, asm/pvh.h) the APs wait for INIT/SIPI and start
 * in real mode: smp_init() selects wakeup_cpu_via_init_sipi() (sipi.c: a
 * trampoline below 1 MiB, then _start and the same ap_main).
 *
 * Synchronisation: each AP sets its own bit in the online mask (atomic,
 * kernel/cpu.c); the BSP polls the count from its idle loop, waking on
 * its timer tick, bounded by SMP_BOOT_TIMEOUT_S.
 */
#include <gmm/ports.h>
#include <kernel/boot.h>
#include <kernel/cpu.h>
#include <kernel/cmdline.h>
#include <kernel/jiffies.h>
#include <kernel/numa.h>
#include <kernel/smp_call.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/pvh.h>
#include <asm/realmode.h>
#include <asm/setup.h>
#include <asm/time.h>
#include <asm/tlbflush.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/vmalloc.h>

#define THREAD_SIZE         16384
#define SMP_BOOT_TIMEOUT_S  5

void ap_main(unsigned long index, unsigned long arg);

/* Allocate and fill CPU's per-CPU area and stacks, on its node. */
static struct percpu *alloc_cpu_area(unsigned int cpu)
{
	int node = cpu_to_node(cpu);
	/* Only the per-CPU area needs zeroing (zeroing is slow in ring 0 here).
	 * Stacks are vmalloc'd (Linux's vmap stacks): an unmapped page lies
	 * below each, so an overflow faults instead of corrupting memory. */
	struct page *pcp = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, get_order(sizeof(struct percpu)));
	void *stack = vmalloc_node(THREAD_SIZE, node);
	void *ist = vmalloc_node(N_EXCEPTION_STACKS * EXCEPTION_STKSZ, node);
	if (!pcp || !stack || !ist)
		panic("smp: no memory for CPU %u's per-CPU area and stacks on node %d", cpu, node);
	struct percpu *pc = page_address(pcp);

	percpu_init_area(pc, cpu, cpu_to_apicid(cpu), node,
			 (unsigned long)stack + THREAD_SIZE, ist);
	return pc;
}

/* Our VMM's start: boot_info->ap_start[] and an OUT to PORT_AP_START. */
static void wakeup_cpu_via_vmm(unsigned int cpu, struct percpu *pc)
{
	u32 index = pc->apic_id;

	if (index >= BOOT_MAX_CPUS)
		panic("smp: CPU %u: APIC id %u beyond boot_info.ap_start[]", cpu, index);
	boot_info->ap_start[index].stack_top = pc->stack_top;
	boot_info->ap_start[index].arg = (u64)pc;
	barrier();     /* the VMM reads ap_start[] when it sees the OUT */
	outl(index, PORT_AP_START);
}

static void (*wakeup_secondary_cpu)(unsigned int cpu, struct percpu *pc) = wakeup_cpu_via_vmm;

/* First C code of an AP, on the stack the BSP gave it (entry.S). */
void ap_main(unsigned long index, unsigned long arg)
{
	struct percpu *pc = (struct percpu *)arg;

	if (!pc || pc->self != pc)
		panic("smp: AP %lu started without its per-CPU area", index);
	cpu_init(pc);
	initialize_tlbstate_and_flush();   /* entry.S loaded init_mm's tables */
	apic_ap_setup();
	if (read_apic_id() != pc->apic_id)
		panic("smp: CPU %u has APIC id %u, MADT says %u", pc->cpu, read_apic_id(),
		      pc->apic_id);
	lapic_timer_setup();
	if (cmdline_has("mm_selftest"))
		page_alloc_selftest_cpu();
	printk("smp: CPU %u (APIC %u) node %d online\n", pc->cpu, pc->apic_id, pc->node);
	set_cpu_online(pc->cpu);
	cpu_startup_entry();
}

static void wait_for_cpus(void)
{
	unsigned long deadline = READ_ONCE(jiffies) + SMP_BOOT_TIMEOUT_S * HZ;

	while (num_online_cpus() < nr_cpu_ids && time_before(READ_ONCE(jiffies), deadline))
		safe_halt();   /* woken by the next tick */
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (!cpu_online(cpu))
			panic("smp: CPU %u (APIC %u) node %d did not come online within %d s",
			      cpu, cpu_to_apicid(cpu), cpu_to_node(cpu), SMP_BOOT_TIMEOUT_S);
}

void smp_init(void)
{
	struct percpu *bsp = this_cpu();

	smp_call_init();
	bsp->node = cpu_to_node(0);
	set_cpu_online(0);
	if (pvh_boot)
		wakeup_secondary_cpu = wakeup_cpu_via_init_sipi;
	if (nr_cpu_ids > 1)
		printk("smp: Bringing up secondary CPUs ...\n");
	for (unsigned int cpu = 1; cpu < nr_cpu_ids; cpu++)
		wakeup_secondary_cpu(cpu, alloc_cpu_area(cpu));
	wait_for_cpus();
	printk("smp: Brought up %u nodes, %u CPUs\n", num_online_nodes(), num_online_cpus());
}

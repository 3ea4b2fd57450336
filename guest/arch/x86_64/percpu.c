/*
 * Per-CPU areas and the per-CPU part of CPU start-up (cpu_init). The boot
 * CPU's area and exception stacks are static, so exceptions report from
 * the first C instruction on; an AP's come from alloc_pages_node() on its node
 * (smpboot.c).
 */
#include <kernel/smp.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/percpu.h>

struct percpu *per_cpu_area[NR_CPUS];
void syscall_init(void);

static struct percpu boot_percpu;
static u8 boot_ist_stacks[N_EXCEPTION_STACKS * EXCEPTION_STKSZ] __attribute__((aligned(4096)));
extern char boot_stack_top[];     /* entry.S */

void percpu_init_area(struct percpu *pc, unsigned int cpu, u32 apic_id, int node,
		      unsigned long stack_top, void *ist_stacks)
{
	pc->self = pc;
	pc->cpu = cpu;
	pc->apic_id = apic_id;
	pc->node = node;
	pc->stack_top = stack_top;
	pc->ist_stacks = ist_stacks;
	per_cpu_area[cpu] = pc;
}

/* Make PC this CPU's: descriptor tables, then the GS base. */
void cpu_init(struct percpu *pc)
{
	gdt_init_cpu(pc);
	wrmsr(MSR_GS_BASE, (u64)pc);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	idt_load();
	syscall_init();     /* process.c */
}

/* The boot CPU; its APIC id and node are filled in once they are known. */
struct percpu *boot_cpu_init(void)
{
	percpu_init_area(&boot_percpu, 0, 0, 0, (unsigned long)boot_stack_top, boot_ist_stacks);
	cpu_init(&boot_percpu);
	return &boot_percpu;
}

unsigned int smp_processor_id(void)
{
	return this_cpu_read(cpu);
}

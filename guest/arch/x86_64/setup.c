/* The arch side of boot, in the order kmain() calls it. */
#include <kernel/cpu.h>
#include <kernel/irqflags.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/time.h>

/* Exceptions report from here on (the IDT is loaded). */
void arch_early_init(void)
{
	idt_setup();
	boot_cpu_init();
}

/* LAPIC on, 8259 masked; the boot CPU's APIC id becomes CPU 0's. */
void arch_init_irq(void)
{
	apic_bsp_setup();
	this_cpu()->apic_id = read_apic_id();
	set_boot_cpu_apicid(this_cpu()->apic_id);
}

void arch_time_init(void)
{
	time_init();
	local_irq_enable();
}

void arch_cpu_idle(void)
{
	safe_halt();
}

/* Set by the entry (head_pvh.S under QEMU when the CPU has LA57); our VMM
 * always enters with 4-level paging. */
unsigned int pgtable_levels(void)
{
	return read_cr4() & X86_CR4_LA57 ? 5 : 4;
}

/*
 * Interrupt dispatch: a handler per vector, set at boot before the source
 * is enabled (the table is read without a lock; a store of a pointer is
 * atomic). do_irq() runs with interrupts off and sends the EOI.
 */
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/percpu.h>

static irq_handler_t irq_handlers[NR_VECTORS];

void set_irq_handler(unsigned int vector, irq_handler_t handler)
{
	if (vector >= FIRST_EXTERNAL_VECTOR && vector < NR_VECTORS)
		WRITE_ONCE(irq_handlers[vector], handler);
}

void do_irq(struct pt_regs *regs)
{
	unsigned int vector = (unsigned int)regs->vector;
	irq_handler_t handler = READ_ONCE(irq_handlers[vector]);

	this_cpu()->irq_count++;
	if (vector == SPURIOUS_APIC_VECTOR)
		return;                 /* a spurious interrupt takes no EOI */
	if (handler)
		handler(regs);
	else
		printk("irq: CPU %u: unexpected vector 0x%x\n", smp_processor_id(), vector);
	apic_eoi();
	if ((regs->cs & 3) == 3)
		exit_to_user_mode(regs);   /* preemption, fatal signals (process.c) */
}

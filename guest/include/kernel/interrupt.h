/*
 * Device interrupts (Linux: include/linux/interrupt.h). A driver asks for
 * its IRQ with request_irq(); the handler runs in interrupt context on the
 * CPU the interrupt is routed to, interrupts off, and must return
 * IRQ_HANDLED if its device raised it (IRQ_NONE if not: the line may be
 * shared). The local APIC EOI is sent after the handlers return, so a
 * level-triggered device must have lowered its line by then.
 *
 * IRQ numbers are Linux's on a PC: 0-15 are ISA IRQs, wired to a GSI
 * through the MADT's interrupt source overrides (a PCI device's
 * "interrupt line" register holds one of these under both of our
 * hypervisors); 16 and up are GSIs of the IOAPIC (PCI, level, active low).
 * Implemented by the arch's IOAPIC driver (arch/x86_64/io_apic.c).
 */
#ifndef KERNEL_INTERRUPT_H
#define KERNEL_INTERRUPT_H

#include <kernel/types.h>

typedef enum { IRQ_NONE = 0, IRQ_HANDLED = 1 } irqreturn_t;
typedef irqreturn_t (*irq_action_fn)(int irq, void *dev_id);

#define IRQF_SHARED     0x80    /* other devices may use the same IRQ */

/* Route IRQ to the boot CPU and call HANDLER(irq, DEV_ID) on each
 * interrupt. 0, or -EINVAL (no such IRQ, no IOAPIC), -EBUSY (taken and
 * not shared by both). */
int request_irq(unsigned int irq, irq_action_fn handler, unsigned long flags,
		const char *name, void *dev_id);
void free_irq(unsigned int irq, void *dev_id);

/* Interrupts taken on IRQ so far (for tests and reports). */
unsigned long irq_count(unsigned int irq);

#endif

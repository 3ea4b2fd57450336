/*
 * Interrupt dispatch (irq.c). Every vector >= 32 enters do_irq(), which
 * calls the handler set for it and then sends the LAPIC EOI (except for
 * the spurious vector, which takes none). Handlers run with interrupts
 * disabled on the CPU that took the interrupt.
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <asm/ptrace.h>
#include <asm/irq_vectors.h>

typedef void (*irq_handler_t)(struct pt_regs *regs);

/* Install HANDLER for VECTOR (32..255), replacing any earlier one. */
void set_irq_handler(unsigned int vector, irq_handler_t handler);

void do_irq(struct pt_regs *regs);        /* from entry_64.S */
void do_exception(struct pt_regs *regs);  /* traps.c, from entry_64.S */

#endif

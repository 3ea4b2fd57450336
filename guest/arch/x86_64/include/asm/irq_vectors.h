/* Interrupt vectors: 0-31 exceptions, the rest from include/gmm/ports.h. */
#ifndef ASM_IRQ_VECTORS_H
#define ASM_IRQ_VECTORS_H

#include <gmm/ports.h>

#define NR_VECTORS              256
#define FIRST_EXTERNAL_VECTOR   32
#define LOCAL_TIMER_VECTOR      VEC_LAPIC_TIMER
#define CALL_FUNCTION_VECTOR    VEC_CALL_FUNCTION
#define RESCHEDULE_VECTOR       VEC_RESCHEDULE
/* Device interrupts through the IOAPIC: IRQ n (ISA IRQ or GSI) takes
 * vector IRQ0_VECTOR + n, below every system vector (io_apic.c). */
#define IRQ0_VECTOR             0x30
#define NR_IRQS                 24     /* one IOAPIC's pins */
#define SPURIOUS_APIC_VECTOR    VEC_SPURIOUS

/* Exception numbers (Linux's X86_TRAP_*) */
#define X86_TRAP_DE     0
#define X86_TRAP_DB     1
#define X86_TRAP_NMI    2
#define X86_TRAP_BP     3
#define X86_TRAP_UD     6
#define X86_TRAP_DF     8
#define X86_TRAP_GP     13
#define X86_TRAP_PF     14
#define X86_TRAP_MC     18

#endif

/* Arch entry points that generic kernel code (guest/kernel) calls. */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <kernel/types.h>

struct pt_regs;

void arch_early_init(void);        /* BSP: per-CPU area, GDT/TSS, IDT */
void arch_init_irq(void);          /* BSP: LAPIC, 8259 masked */
void arch_time_init(void);         /* BSP: timer tick; enables interrupts */
void smp_init(void);               /* BSP: start the APs, wait for them */

unsigned int pgtable_levels(void); /* 4, or 5 with LA57 */

void arch_cpu_idle(void);          /* halt until the next interrupt */
__attribute__((noreturn)) void machine_power_off(void);   /* exit status 0 */
__attribute__((noreturn)) void machine_panic_exit(void);  /* EXIT_GUEST_PANIC */

/* Raise exception TRAPNR (X86_TRAP_PF, _GP, _UD or _DE) on purpose. */
/* Not exceptions: accesses no device answers (crash=io, crash=mmio). */
#define CRASH_UNHANDLED_PORT  0x100
#define CRASH_UNHANDLED_MMIO  0x101
/* A write to kernel text (read-only): #PF with error code 0x3. */
#define CRASH_WRITE_TEXT      0x102
/* A write just below the stack, into its guard page: #PF, error code 0x2. */
#define CRASH_STACK_GUARD     0x103
void arch_trigger_exception(int trapnr);

void show_regs(struct pt_regs *regs);    /* traps.c */

#endif

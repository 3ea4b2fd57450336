/* Interrupt enable state. Implemented by guest/arch/x86_64 (pushf/cli/sti)
 * and by the host shim of guest/mm (no-ops). */
#ifndef KERNEL_IRQFLAGS_H
#define KERNEL_IRQFLAGS_H

unsigned long arch_local_irq_save(void);          /* disable, return previous state */
void arch_local_irq_restore(unsigned long flags);
void arch_local_irq_enable(void);
void arch_local_irq_disable(void);
int  arch_irqs_disabled(void);

#define local_irq_save(f)    ((f) = arch_local_irq_save())
#define local_irq_restore(f) arch_local_irq_restore(f)
#define local_irq_enable()   arch_local_irq_enable()
#define local_irq_disable()  arch_local_irq_disable()

#endif

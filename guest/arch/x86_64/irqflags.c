/* Interrupt enable state (kernel/irqflags.h): RFLAGS.IF. */
#include <kernel/irqflags.h>
#include <asm/processor.h>

unsigned long arch_local_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void arch_local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		__asm__ __volatile__("sti" ::: "memory");
}

void arch_local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

void arch_local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

int arch_irqs_disabled(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return !(flags & X86_EFLAGS_IF);
}

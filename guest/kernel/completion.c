/* Completions (kernel/completion.h): halt until done, woken by IPI. */
#include <kernel/completion.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <kernel/smp_call.h>
#include <asm/processor.h>

void complete(struct completion *x)
{
	unsigned long flags;
	int cpu;

	spin_lock_irqsave(&x->lock, flags);
	__atomic_store_n(&x->done, 1, __ATOMIC_RELEASE);
	cpu = x->waiter_cpu;
	spin_unlock_irqrestore(&x->lock, flags);
	/* From here on X may be gone: only CPU is used. */
	if (cpu >= 0 && (unsigned int)cpu != smp_processor_id())
		smp_send_reschedule((unsigned int)cpu);
}

void wait_for_completion(struct completion *x)
{
	unsigned long flags;

	if (arch_irqs_disabled())
		panic("wait_for_completion with interrupts disabled would never wake");
	spin_lock_irqsave(&x->lock, flags);
	x->waiter_cpu = (int)smp_processor_id();
	while (!x->done) {
		spin_unlock(&x->lock);
		safe_halt();             /* interrupts off until the hlt: no wake-up is lost */
		local_irq_disable();
		spin_lock(&x->lock);
	}
	x->waiter_cpu = -1;
	spin_unlock_irqrestore(&x->lock, flags);
}

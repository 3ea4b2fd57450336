/* The idle loop every CPU ends in: halt until an interrupt, and look for
 * work (a pending crash=, queued work: kernel/workqueue.h) each time it
 * wakes. The check and the halt run with interrupts off up to the sti;hlt
 * pair, so a wake-up cannot slip in between. */
#include <kernel/cpu.h>
#include <kernel/crash.h>
#include <kernel/irqflags.h>
#include <kernel/sched.h>
#include <kernel/workqueue.h>
#include <asm/setup.h>

void cpu_startup_entry(void)
{
	for (;;) {
		local_irq_disable();
		crash_check_pending();
		if (run_queued_work())
			continue;
		if (sched_idle())     /* tasks to run (kernel/sched.c) */
			continue;
		arch_cpu_idle();
	}
}

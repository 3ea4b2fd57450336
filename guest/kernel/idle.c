/* The idle loop every CPU ends in: halt until an interrupt, and look for
 * work (for now only a pending crash=) each time it wakes. The check and
 * the halt run with interrupts off up to the sti;hlt pair, so a wake-up
 * cannot slip in between. */
#include <kernel/cpu.h>
#include <kernel/crash.h>
#include <kernel/irqflags.h>
#include <asm/setup.h>

void cpu_startup_entry(void)
{
	for (;;) {
		local_irq_disable();
		crash_check_pending();
		arch_cpu_idle();
	}
}

/*
 * panic() and the shared tail of every fatal report. One CPU reports: the
 * first to claim panic_cpu. A CPU that faults while it is reporting ends
 * the VM at once (no report of the report); any other CPU that panics
 * meanwhile stops, since the reporter's write to PORT_DEBUG_EXIT ends the
 * VM anyway. Other CPUs are not stopped.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/sprintf.h>
#include <kernel/irqflags.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/stacktrace.h>

#define PANIC_CPU_INVALID (-1)

static int panic_cpu = PANIC_CPU_INVALID;

void panic_begin(void)
{
	int this_cpu = (int)smp_processor_id();
	int old = PANIC_CPU_INVALID;

	local_irq_disable();
	if (!__atomic_compare_exchange_n(&panic_cpu, &old, this_cpu, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		if (old == this_cpu)
			machine_panic_exit();     /* recursive: straight out */
		halt_forever();                   /* another CPU is reporting */
	}
	console_unlock_for_panic();
}

void panic_end(const char *msg)
{
	printk("Kernel panic - not syncing: %s\n", msg);
	machine_panic_exit();
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("Kernel panic - not syncing: %s\n", msg);
	printk("CPU: %u\n", smp_processor_id());
	printk("Call Trace:\n");
	show_trace(0, (unsigned long)__builtin_frame_address(0));
	machine_panic_exit();
}

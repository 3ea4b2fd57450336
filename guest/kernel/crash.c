/*
 * crash=pf|gp|ud|de|panic|io|mmio|text|stack, crash_cpu=N (default 0): a deliberate fault
 * once the machine is up, to test the panic report and the exit status.
 *   pf     write to an unmapped address       -> #PF, error code 0x2
 *   gp     read a non-canonical address       -> #GP
 *   ud     ud2                                -> #UD
 *   de     divide by zero                     -> #DE
 *   panic  panic()
 *   io     read a port no device owns         -> the VMM stops the VM (status 71)
 *   mmio   read MMIO no device owns           -> the same, for MMIO
 *   text   write to kernel text (read-only)   -> #PF, error code 0x3
 *   stack  write just below the CPU's stack   -> #PF, error code 0x2 (guard page)
 * On CPU 0 it happens at once; another CPU is told through crash_cpu and
 * crashes from its idle loop when its next timer tick wakes it.
 *
 * crash_cpu is written once by the BSP and read by the idle loops.
 */
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/crash.h>
#include <kernel/jiffies.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <asm/irq_vectors.h>
#include <asm/setup.h>

#define CRASH_WAIT_S 5

struct crash_kind {
	const char *name;
	int trapnr;          /* -1: panic() */
};

static const struct crash_kind crash_kinds[] = {
	{ "pf", X86_TRAP_PF }, { "gp", X86_TRAP_GP }, { "ud", X86_TRAP_UD },
	{ "de", X86_TRAP_DE }, { "panic", -1 },
	{ "io", CRASH_UNHANDLED_PORT }, { "mmio", CRASH_UNHANDLED_MMIO },
	{ "text", CRASH_WRITE_TEXT }, { "stack", CRASH_STACK_GUARD },
};

static const struct crash_kind *crash_kind;
static int crash_cpu = -1;

static __noreturn __attribute__((noinline)) void crash_now(void)
{
	unsigned int cpu = smp_processor_id();

	printk("crash: CPU %u: crash=%s\n", cpu, crash_kind->name);
	if (crash_kind->trapnr >= 0)
		arch_trigger_exception(crash_kind->trapnr);
	panic("crash=%s on CPU %u", crash_kind->name, cpu);
}

void crash_check_pending(void)
{
	if (READ_ONCE(crash_cpu) == (int)smp_processor_id())
		crash_now();
}

void crash_boot(void)
{
	const char *what = cmdline_get("crash");
	unsigned long cpu = 0;

	if (!what)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(crash_kinds); i++)
		if (!strcmp(what, crash_kinds[i].name))
			crash_kind = &crash_kinds[i];
	if (!crash_kind) {
		printk("crash: unknown crash=%s (pf, gp, ud, de, panic, io, mmio, text, stack), ignored\n", what);
		return;
	}
	if (cmdline_has("crash_cpu") &&
	    (!cmdline_get_ulong("crash_cpu", &cpu) || cpu >= nr_cpu_ids || !cpu_online(cpu))) {
		printk("crash: no CPU %s, using CPU 0\n", cmdline_get("crash_cpu"));
		cpu = 0;
	}
	if (cpu == 0)
		crash_now();

	WRITE_ONCE(crash_cpu, (int)cpu);
	unsigned long deadline = READ_ONCE(jiffies) + CRASH_WAIT_S * HZ;
	while (time_before(READ_ONCE(jiffies), deadline))
		arch_cpu_idle();
	panic("crash: CPU %lu did not crash within %d s", cpu, CRASH_WAIT_S);
}

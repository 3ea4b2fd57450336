/*
 * CPU exceptions (vectors 0-31). Every one is fatal for now: print the
 * report the tests look for, then end the VM with EXIT_GUEST_PANIC.
 *   PANIC: CPU <n>: exception <vec> (<name>) error code 0x<ec>
 *   CR2: 0x<cr2>
 *   <registers>
 *   Call Trace:
 *    [<addr>] sym+off/size
 *   Kernel panic - not syncing: Fatal exception
 * A fault inside this path (panic_begin sees this CPU already panicking)
 * ends the VM at once.
 */
#include <kernel/ksyms.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/setup.h>
#include <asm/stacktrace.h>

static const char *const exception_names[32] = {
	[0]  = "#DE Divide error",
	[1]  = "#DB Debug",
	[2]  = "NMI Non-maskable interrupt",
	[3]  = "#BP Breakpoint",
	[4]  = "#OF Overflow",
	[5]  = "#BR Bound range exceeded",
	[6]  = "#UD Invalid opcode",
	[7]  = "#NM Device not available",
	[8]  = "#DF Double fault",
	[9]  = "Coprocessor segment overrun",
	[10] = "#TS Invalid TSS",
	[11] = "#NP Segment not present",
	[12] = "#SS Stack-segment fault",
	[13] = "#GP General protection fault",
	[14] = "#PF Page fault",
	[16] = "#MF x87 floating-point exception",
	[17] = "#AC Alignment check",
	[18] = "#MC Machine check",
	[19] = "#XM SIMD floating-point exception",
	[20] = "#VE Virtualization exception",
	[21] = "#CP Control protection exception",
	[28] = "#HV Hypervisor injection exception",
	[29] = "#VC VMM communication exception",
	[30] = "#SX Security exception",
};

void show_regs(struct pt_regs *regs)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, sizeof(sym), regs->ip);
	printk("RIP: %04lx:%016lx %s\n", regs->cs, regs->ip, sym);
	printk("RSP: %04lx:%016lx RFLAGS: %08lx\n", regs->ss, regs->sp, regs->flags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->ax, regs->bx, regs->cx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->dx, regs->si, regs->di);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", regs->bp, regs->r8, regs->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	printk("CS: %04lx SS: %04lx CR0: %016lx CR3: %016lx CR4: %016lx\n",
	       regs->cs, regs->ss, read_cr0(), read_cr3(), read_cr4());
}

/* process.c: system calls (the #PF fallback) and user-mode faults. */
bool handle_user_exception(struct pt_regs *regs, unsigned long cr2);

void do_exception(struct pt_regs *regs)
{
	unsigned long cr2 = read_cr2();   /* before anything can fault again */
	unsigned long vec = regs->vector;
	const char *name = vec < 32 && exception_names[vec] ? exception_names[vec] : "Reserved";

	if ((regs->cs & 3) == 3 && handle_user_exception(regs, cr2))
		return;

	panic_begin();
	printk("PANIC: CPU %u: exception %lu (%s) error code 0x%lx\n",
	       smp_processor_id(), vec, name, regs->error_code);
	printk("CR2: 0x%016lx\n", cr2);
	show_regs(regs);
	printk("Call Trace:\n");
	show_trace(regs->ip, regs->bp);
	panic_end("Fatal exception");
}

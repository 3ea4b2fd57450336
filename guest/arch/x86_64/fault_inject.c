/* Deliberate exceptions for crash= (kernel/crash.c), written in assembly
 * so the compiler cannot fold or drop them. */
#include <kernel/printk.h>
#include <asm/io.h>
#include <asm/irq_vectors.h>
#include <asm/percpu.h>
#include <asm/setup.h>

/* Never mapped: the hypervisor hole below Linux's direct map (PML4 slot
 * 256). A write there is a not-present #PF, error code 0x2. */
#define CRASH_PF_ADDR      0xffff8000dead0000UL
#define NON_CANONICAL_ADDR 0x8000000000000000UL
/* No device answers here: the VMM must stop with a register dump. */
#define UNHANDLED_PORT     0x510
/* Every CPU's stack: 16 KiB (smpboot.c THREAD_SIZE, entry.S's boot stack),
 * with an unmapped guard page below. */
#define STACK_SIZE         16384
#define UNHANDLED_MMIO     0xfd000000UL   /* in the MMIO hole, reached through ioremap() */

void arch_trigger_exception(int trapnr)
{
	switch (trapnr) {
	case X86_TRAP_PF:
		__asm__ __volatile__("movq $0, (%0)" : : "r"(CRASH_PF_ADDR) : "memory");
		break;
	case X86_TRAP_GP:
		__asm__ __volatile__("movq (%0), %%rax" : : "r"(NON_CANONICAL_ADDR) : "rax", "memory");
		break;
	case X86_TRAP_UD:
		__asm__ __volatile__("ud2");
		break;
	case CRASH_UNHANDLED_PORT: {
		unsigned char v;
		__asm__ __volatile__("inb %w1, %0" : "=a"(v) : "Nd"(UNHANDLED_PORT));
		break;
	}
	case CRASH_UNHANDLED_MMIO: {
		void *mmio = ioremap(UNHANDLED_MMIO, 4);
		__asm__ __volatile__("movl (%0), %%eax" : : "r"(mmio) : "rax", "memory");
		break;
	}
	case CRASH_STACK_GUARD: {
		unsigned long below = this_cpu()->stack_top - STACK_SIZE - 8;
		printk("crash: writing at 0x%lx, just below this CPU's stack\n", below);
		__asm__ __volatile__("movq $0, (%0)" : : "r"(below) : "memory");
		break;
	}
	case CRASH_WRITE_TEXT:
		/* Kernel text is mapped read-only: #PF, error code 0x3. */
		__asm__ __volatile__("movb $0xcc, (%0)" : : "r"(arch_trigger_exception) : "memory");
		break;
	case X86_TRAP_DE: {
		unsigned int lo = 1, hi = 0, zero = 0;
		__asm__ __volatile__("divl %2" : "+a"(lo), "+d"(hi) : "r"(zero));
		break;
	}
	}
}

/*
 * Backtraces by the frame-pointer chain: with -fno-omit-frame-pointer
 * every function starts with push %rbp; mov %rsp, %rbp, so [rbp] is the
 * caller's rbp and [rbp + 8] the return address. entry.S starts each
 * stack with rbp = 0. The walk runs in the panic path: it only follows
 * frames that look sane (aligned, in the kernel half, moving up the same
 * stack) so a corrupt chain ends the trace instead of faulting.
 */
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include <asm/page.h>
#include <asm/stacktrace.h>

#define MAX_FRAMES      32
#define MAX_FRAME_SIZE  (64UL << 10)
#define KERNEL_HALF     0xffff800000000000UL

static void print_entry(unsigned long addr, bool is_return)
{
	char sym[KSYM_SYMBOL_LEN];

	if (is_return)
		sprint_backtrace(sym, sizeof(sym), addr);
	else
		sprint_symbol(sym, sizeof(sym), addr);
	printk(" [<%016lx>] %s\n", addr, sym);
}

void show_trace(unsigned long ip, unsigned long bp)
{
	if (ip)
		print_entry(ip, false);
	for (int n = 0; n < MAX_FRAMES; n++) {
		if (bp < KERNEL_HALF || (bp & 7))
			break;
		const unsigned long *frame = (const unsigned long *)bp;
		unsigned long next = frame[0], ret = frame[1];
		if (!ret)
			break;
		print_entry(ret, true);
		if (next <= bp || next - bp > MAX_FRAME_SIZE)
			break;
		bp = next;
	}
}

/* Register frame built by the exception/interrupt entry (entry_64.S). */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#ifndef __ASSEMBLY__
/* Field order is the push order of entry_64.S, reversed. */
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10;
	unsigned long r9, r8, ax, cx, dx, si, di;
	unsigned long vector;      /* pushed by the stub */
	unsigned long error_code;  /* by the CPU, or 0 by the stub */
	/* hardware interrupt frame */
	unsigned long ip, cs, flags, sp, ss;
};
#endif

#endif

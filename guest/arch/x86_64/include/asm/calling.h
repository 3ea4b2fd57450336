/*
 * Saving and restoring the general registers around a kernel entry, in the
 * order of struct pt_regs (asm/ptrace.h): the exception/interrupt stubs
 * (entry_64.S) and the system-call entry (switch_64.S) build the same frame.
 * Assembly only. Below the saved registers sit the vector and error code
 * (pushed by the stub, or made up by the syscall entry), then the CPU's
 * iret frame; RESTORE_REGS drops the vector and error code too.
 */
#ifndef ASM_CALLING_H
#define ASM_CALLING_H

#ifdef __ASSEMBLY__

	.macro SAVE_REGS
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	.endm

	.macro RESTORE_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	addq	$16, %rsp		/* vector, error code */
	.endm

#endif
#endif

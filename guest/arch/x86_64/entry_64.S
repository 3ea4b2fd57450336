/*
 * Exception and interrupt entry: one 16-byte stub per vector (entry_stubs
 * + 16 * vector, used by idt.c), which pushes a dummy error code where the
 * CPU does not push one, then the vector, then jumps to the common code
 * that saves the general registers as a struct pt_regs and calls
 *   do_exception(regs)  for vectors 0-31 (traps.c)
 *   do_irq(regs)        for vectors 32-255 (irq.c)
 * No swapgs: the kernel's GS base stays loaded in user mode too (user
 * code cannot change it without FSGSBASE; process.c, switch_64.S).
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

#include <asm/calling.h>

	.text
	.p2align 4
	.globl entry_stubs
entry_stubs:
	.set	vec, 0
	.rept	256
1:
	.if !HAS_ERROR_CODE(vec)
	pushq	$0
	.endif
	pushq	$vec
	.if vec < 32
	jmp	exception_common
	.else
	jmp	irq_common
	.endif
	.org	1b + 16		/* exactly 16 bytes; an error if larger */
	.set	vec, vec + 1
	.endr

/* The frame is 16-byte aligned here (CPU frame + 2 + 15 quadwords). */
exception_common:
	cld
	SAVE_REGS
	movq	%rsp, %rdi
	call	do_exception
	RESTORE_REGS
	iretq

irq_common:
	cld
	SAVE_REGS
	movq	%rsp, %rdi
	call	do_irq
	RESTORE_REGS
	iretq

	.section .note.GNU-stack, "", @progbits

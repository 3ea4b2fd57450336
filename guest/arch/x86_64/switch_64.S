/*
 * Processes, arch side (C in process.c):
 *   __switch_to_asm(prev, next)  save the callee-saved registers on prev's
 *                                kernel stack, take next's; returns prev (the
 *                                task switched away from) on next's stack
 *   ret_from_fork                a new task's first return: finish the switch,
 *                                then to user mode from its pt_regs
 *   entry_SYSCALL_64             LSTAR: the `syscall` instruction on real
 *                                KVM. Under kvm_pvm the fetch here faults
 *                                (#PF 0x15, PLATFORM.md) and traps.c takes
 *                                that #PF as the system call instead.
 * GS: the kernel's GS base is kept in user mode too (user code has no way
 * to change it: no wrgsbase, CR4.FSGSBASE is off), so there is no swapgs.
 * Offsets in struct percpu (asm/percpu.h; checked in process.c).
 */
#define PERCPU_KERNEL_SP  64
#define PERCPU_USER_SP    72
#define TASK_SP           0

#include <asm/calling.h>

	.text
	.globl __switch_to_asm
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, TASK_SP(%rdi)
	movq	TASK_SP(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movq	%rdi, %rax
	ret

	.globl ret_from_fork
ret_from_fork:
	movq	%rax, %rdi
	call	schedule_tail		/* finish the switch, exit_to_user_mode */
	RESTORE_REGS
	iretq

	.p2align 4
	.globl entry_SYSCALL_64
entry_SYSCALL_64:
	movq	%rsp, %gs:PERCPU_USER_SP
	movq	%gs:PERCPU_KERNEL_SP, %rsp
	pushq	$0x2b			/* __USER_DS: a pt_regs as an exception builds it */
	pushq	%gs:PERCPU_USER_SP
	pushq	%r11
	pushq	$0x33			/* __USER_CS */
	pushq	%rcx
	pushq	$0			/* error code */
	pushq	$-1			/* vector: a system call */
	cld
	SAVE_REGS
	movq	%rsp, %rdi
	call	syscall_from_entry
	RESTORE_REGS
	iretq

	.section .note.GNU-stack, "", @progbits

/*
 * _start: the ELF entry, on every vCPU (include/gmm/bootinfo.h has the
 * state the VMM leaves). 64-bit mode, boot page tables, interrupts off.
 *   BSP (RSI == 0): RSP is 0; take the boot stack and call
 *                   kmain(RDI = boot_info physical address).
 *   AP  (RSI != 0): RSP is the stack the BSP put in boot_info.ap_start[],
 *                   RDX its argument; call ap_main(RSI = cpu index, RDX).
 *                   That stack is in the vmalloc range, which only the
 *                   kernel's page tables map: load them (ap_start_cr3,
 *                   init_64.c) before the first push.
 * RBP = 0 marks the bottom frame, where backtraces stop.
 */

#define BOOT_STACK_SIZE 16384

	.section .head.text, "ax"
	.code64
	.globl _start
_start:
	cld
	xorl	%ebp, %ebp
	testq	%rsi, %rsi
	jnz	1f

	leaq	boot_stack_top(%rip), %rsp
	call	kmain			/* rdi = boot_info paddr */
	jmp	2f

1:	movq	ap_start_cr3(%rip), %rax
	testq	%rax, %rax
	jz	3f
	movq	%rax, %cr3
3:	andq	$-16, %rsp
	movq	%rsi, %rdi		/* cpu index */
	movq	%rdx, %rsi		/* argument: the AP's per-CPU area */
	call	ap_main
2:	cli
	hlt
	jmp	2b

	.section .bss
	.balign 4096
	.globl boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:			/* left unmapped by paging_init */
	.skip	4096
boot_stack:
	.skip	BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits

/*
 * The AP trampoline (asm/realmode.h): real mode -> 32-bit protected mode
 * -> long mode -> entry.S's _start, as an AP. It is data in the kernel
 * image: sipi.c copies [trampoline_start, trampoline_end) to
 * TRAMPOLINE_PADDR, where it runs. So every address in it is written as
 * TR(label), the label's address in that copy, and nothing in it may
 * depend on where the image is linked.
 *
 * The AP enters at TRAMPOLINE_PADDR in real mode (CS = TRAMPOLINE_PADDR >>
 * 4, IP = 0) after INIT/SIPI, interrupts off. Its registers on reaching
 * _start are what entry.S expects of an AP under our VMM:
 *   RSP = stack_top, RSI = CPU number (non-zero), RDX = per-CPU area.
 */
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/realmode.h>
#include <asm/segment.h>

#define TR(x)   (TRAMPOLINE_PADDR + (x) - trampoline_start)
#define TD(f)   (TR(trampoline_data) + (f))

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start, trampoline_data, trampoline_end

	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax			/* DS = the page we run in */
	movw	%ax, %ds
	lgdtl	tr_gdt_desc - trampoline_start
	movl	%cr0, %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$__KERNEL32_CS, $TR(tr_start32)

	.code32
tr_start32:
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	/* The BSP's paging mode: CR4.LA57 must be set before CR0.PG. */
	movl	TD(TD_CR4), %eax
	movl	%eax, %cr4
	movl	TD(TD_CR3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	TD(TD_EFER), %eax
	xorl	%edx, %edx
	wrmsr
	movl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_ET | X86_CR0_PE), %eax
	movl	%eax, %cr0
	ljmpl	$__KERNEL_CS, $TR(tr_start64)

	.code64
tr_start64:
	movq	TD(TD_STACK), %rsp
	movq	TD(TD_CPU), %rsi
	movq	TD(TD_ARG), %rdx
	movq	TD(TD_ENTRY), %rax
	movl	$1, TD(TD_STARTED)		/* the BSP may reuse the data now */
	jmpq	*%rax

	.balign 8
tr_gdt:						/* Linux's selectors, asm/segment.h */
	.quad	0
	.quad	0x00cf9b000000ffff		/* 0x08 __KERNEL32_CS */
	.quad	0x00af9b000000ffff		/* 0x10 __KERNEL_CS */
	.quad	0x00cf93000000ffff		/* 0x18 __KERNEL_DS */
tr_gdt_desc:
	.word	tr_gdt_desc - tr_gdt - 1
	.long	TR(tr_gdt)

	.balign 8
trampoline_data:				/* struct trampoline_data */
	.fill	TD_SIZE, 1, 0
trampoline_end:

	.section .note.GNU-stack, "", @progbits

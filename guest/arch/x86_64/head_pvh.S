/*
 * The PVH entry (asm/pvh.h): what QEMU's -kernel jumps to, at the physical
 * address the Xen ELF note below gives. Entry state (Xen's PVH ABI): flat
 * 32-bit protected mode, paging off, interrupts off, GDTR undefined,
 * EBX = physical address of struct hvm_start_info, nothing else defined.
 *
 * The code runs at its physical address (the kernel is linked at -2 GiB:
 * _pa() of a symbol is where it was loaded) until long mode is on, then
 * jumps to its linked address and takes the same road as entry.S's BSP
 * path: boot stack, kmain(boot_info physical address), with the
 * boot_info pvh.c builds from hvm_start_info.
 *
 * Page tables: static, in .data, the same views our VMM builds
 * (include/gmm/bootinfo.h), 2 MiB pages:
 *   identity [0, 4 GiB)               PML4[0]   -> pvh_pdpt_ident
 *   PAGE_OFFSET + [0, 4 GiB)          PML4[273] -> pvh_pdpt_direct (pvh.c
 *                                     extends it over RAM above 4 GiB)
 *   KERNEL_VIRT_BASE + [0, 1 GiB)     PML4[511] -> pvh_pdpt_kernel
 * all three sharing the four PDs of pvh_pd. With LA57 the CPU walks five
 * levels: pvh_pml5[0] and pvh_pml5[511] both point to the one PML4, so the
 * 4-level addresses above (low half: PML5 index 0; 0xffff888000000000 and
 * -2 GiB: PML5 index 511) mean the same under both. CR4.LA57 can only be
 * set while paging is off, so the choice is made here, once.
 */
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pvh.h>
#include <asm/segment.h>

#define _pa(x)          ((x) - PVH_KERNEL_VIRT_BASE)
#define PTE_TABLE       0x003           /* present, writable */
#define PTE_LARGE       0x083           /* present, writable, 2 MiB page */

	.section .head.pvh, "ax"
	.code32
	.globl pvh_start_xen
pvh_start_xen:
	cli
	cld
	movl	%ebx, %esi			/* hvm_start_info, for pvh.c */

	lgdt	_pa(pvh_gdt_desc)
	ljmp	$__KERNEL32_CS, $_pa(1f)
1:	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	/* Long mode is required; EFER.NX only where the CPU has it (#GP else). */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	.Lno_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$X86_FEATURE_LM, %edx
	jz	.Lno_long_mode
	movl	$(EFER_LME | EFER_SCE), %edi
	testl	$X86_FEATURE_NX, %edx
	jz	2f
	orl	$EFER_NX, %edi

	/* 5-level paging if CPUID.(7,0):ECX.LA57. */
2:	movl	$_pa(pvh_pml4), %ebp
	movl	$X86_CR4_PAE, %ebx
	xorl	%eax, %eax
	cpuid
	cmpl	$7, %eax
	jb	3f
	movl	$7, %eax
	xorl	%ecx, %ecx
	cpuid
	movl	$X86_CR4_PAE, %ebx		/* cpuid clobbered it */
	testl	$X86_FEATURE_LA57, %ecx
	jz	3f
	movl	$_pa(pvh_pml5), %ebp
	orl	$X86_CR4_LA57, %ebx

3:	movl	%ebx, %cr4
	movl	%ebp, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	%edi, %eax
	wrmsr
	movl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_ET | X86_CR0_PE), %eax
	movl	%eax, %cr0			/* long mode is active */
	ljmp	$__KERNEL_CS, $_pa(pvh_start64)

.Lno_long_mode:					/* nothing to report with yet */
	hlt
	jmp	.Lno_long_mode

	.code64
pvh_start64:
	movabsq	$1f, %rax			/* to the linked address */
	jmpq	*%rax
1:	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp			/* bottom frame for backtraces */
	movl	%esi, %edi
	call	pvh_init_boot_info		/* -> boot_info physical address */
	movq	%rax, %rdi
	call	kmain
2:	cli
	hlt
	jmp	2b

/* The entry note QEMU's loader looks for (in a PT_NOTE, kernel.ld). The
 * descriptor is pointer-sized, as Linux's, since QEMU reads 8 bytes. */
	.section .note.Xen, "a", @note
	.balign 4
	.long	4				/* namesz: "Xen\0" */
	.long	8				/* descsz */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.balign 4
	.quad	_pa(pvh_start_xen)
	.balign 4

	.section .data.pvh, "aw"
	.balign 8
pvh_gdt:					/* Linux's selectors, asm/segment.h */
	.quad	0
	.quad	0x00cf9b000000ffff		/* 0x08 __KERNEL32_CS */
	.quad	0x00af9b000000ffff		/* 0x10 __KERNEL_CS */
	.quad	0x00cf93000000ffff		/* 0x18 __KERNEL_DS */
pvh_gdt_end:
pvh_gdt_desc:
	.word	pvh_gdt_end - pvh_gdt - 1
	.long	_pa(pvh_gdt)

	.balign 4096
	.globl pvh_pml4				/* pvh.c extends the direct map */
pvh_pml5:
	.quad	_pa(pvh_pml4) + PTE_TABLE
	.fill	510, 8, 0
	.quad	_pa(pvh_pml4) + PTE_TABLE
pvh_pml4:
	.quad	_pa(pvh_pdpt_ident) + PTE_TABLE
	.fill	PVH_PML4_DIRECT - 1, 8, 0
	.quad	_pa(pvh_pdpt_direct) + PTE_TABLE
	.fill	511 - PVH_PML4_DIRECT - 1, 8, 0
	.quad	_pa(pvh_pdpt_kernel) + PTE_TABLE
pvh_pdpt_ident:
	.quad	_pa(pvh_pd) + PTE_TABLE, _pa(pvh_pd) + 0x1000 + PTE_TABLE
	.quad	_pa(pvh_pd) + 0x2000 + PTE_TABLE, _pa(pvh_pd) + 0x3000 + PTE_TABLE
	.fill	508, 8, 0
pvh_pdpt_direct:
	.quad	_pa(pvh_pd) + PTE_TABLE, _pa(pvh_pd) + 0x1000 + PTE_TABLE
	.quad	_pa(pvh_pd) + 0x2000 + PTE_TABLE, _pa(pvh_pd) + 0x3000 + PTE_TABLE
	.fill	508, 8, 0
pvh_pdpt_kernel:
	.fill	PVH_PDPT_KERNEL, 8, 0
	.quad	_pa(pvh_pd) + PTE_TABLE		/* -2 GiB -> physical [0, 1 GiB) */
	.fill	511 - PVH_PDPT_KERNEL, 8, 0
pvh_pd:						/* [0, 4 GiB) in 2 MiB pages */
	.set	i, 0
	.rept	2048
	.quad	(i << 21) + PTE_LARGE
	.set	i, i + 1
	.endr

	.section .note.GNU-stack, "", @progbits

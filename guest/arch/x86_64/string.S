/*
 * memcpy and memset with rep movsq / rep stosq: the instruction emulator
 * of our platform runs a rep string instruction one element at a time
 * (PLATFORM.md), so moving 8 bytes per element is ~8x faster than bytes.
 * Frame pointers are kept so that backtraces through them stay whole.
 */
	.text

/* void *memcpy(void *dst, const void *src, size_t n) */
	.globl memcpy
	.type memcpy, @function
memcpy:
	pushq	%rbp
	movq	%rsp, %rbp
	movq	%rdi, %rax
	movq	%rdx, %rcx
	shrq	$3, %rcx
	andl	$7, %edx
	rep movsq
	movl	%edx, %ecx
	rep movsb
	popq	%rbp
	ret
	.size memcpy, . - memcpy

/* void *memset(void *s, int c, size_t n) */
	.globl memset
	.type memset, @function
memset:
	pushq	%rbp
	movq	%rsp, %rbp
	movq	%rdi, %r9
	movzbl	%sil, %eax
	movabsq	$0x0101010101010101, %r8
	imulq	%r8, %rax
	movq	%rdx, %rcx
	shrq	$3, %rcx
	andl	$7, %edx
	rep stosq
	movl	%edx, %ecx
	rep stosb
	movq	%r9, %rax
	popq	%rbp
	ret
	.size memset, . - memset

	.section .note.GNU-stack, "", @progbits

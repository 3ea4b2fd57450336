/*
 * Per-CPU GDT and TSS. Each CPU has its own GDT (in its per-CPU area) so
 * that its TSS descriptor, which ltr marks busy, is its own, as in Linux.
 * Layout (Linux's; PLATFORM.md: ring 3 works only with it):
 *   0x08 kernel 32-bit CS   0x10 kernel CS   0x18 kernel DS
 *   0x23 user 32-bit CS     0x2b user DS     0x33 user CS
 *   0x40 TSS (16 bytes)
 * The TSS holds the interrupt stack table: #DF, NMI and #MC run on their
 * own stacks (IST_INDEX_*), so a kernel stack overflow still reports.
 */
#include <kernel/string.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/percpu.h>

static const u64 gdt_template[GDT_ENTRIES] = {
	[__KERNEL32_CS >> 3] = 0x00cf9b000000ffffULL,
	[__KERNEL_CS >> 3]   = 0x00af9b000000ffffULL,
	[__KERNEL_DS >> 3]   = 0x00cf93000000ffffULL,
	[__USER32_CS >> 3]   = 0x00cffb000000ffffULL,
	[__USER_DS >> 3]     = 0x00cff3000000ffffULL,
	[__USER_CS >> 3]     = 0x00affb000000ffffULL,
};

/* A 64-bit available-TSS descriptor (two GDT slots). */
static void set_tss_desc(u64 *slot, unsigned long base, u32 limit)
{
	slot[0] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
		  (0x89ULL << 40) |                 /* present, type 9 */
		  ((u64)(limit >> 16 & 0xf) << 48) |
		  ((base >> 24 & 0xffULL) << 56);
	slot[1] = base >> 32;
}

static void tss_init(struct percpu *pc)
{
	struct tss_struct *tss = &pc->tss;
	unsigned long ist = (unsigned long)pc->ist_stacks;

	tss->sp0 = pc->stack_top;
	for (int i = 0; i < N_EXCEPTION_STACKS; i++)
		tss->ist[i] = ist + (unsigned long)(i + 1) * EXCEPTION_STKSZ;
	tss->io_bitmap_base = sizeof(*tss);    /* no I/O bitmap */
}

/*
 * Load PC's GDT and TSS on this CPU and reload every segment register.
 * Loading GS clears the GS base on some CPUs: the caller sets it after.
 */
void gdt_init_cpu(struct percpu *pc)
{
	u64 *gdt = pc->gdt.gdt;
	struct desc_ptr desc = { sizeof(pc->gdt.gdt) - 1, (u64)gdt };

	memcpy(gdt, gdt_template, sizeof(gdt_template));
	tss_init(pc);
	set_tss_desc(&gdt[__TSS_SEL >> 3], (unsigned long)&pc->tss, sizeof(pc->tss) - 1);

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		"ltr %w3"
		: : "m"(desc), "i"(__KERNEL_CS), "i"(__KERNEL_DS), "r"(__TSS_SEL)
		: "rax", "memory");
}

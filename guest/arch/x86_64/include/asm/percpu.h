/*
 * Per-CPU data, reached through the GS base (MSR_GS_BASE), as Linux's
 * this_cpu_*: %gs:0 holds the area's own address, so this_cpu() is one
 * load. The boot CPU's area is static (percpu.c); an AP's is allocated on
 * its node by smpboot.c before the AP starts, and passed to it as the
 * start argument. Fields are written by their own CPU only, except the
 * ones the BSP fills before the AP runs.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/smp.h>
#include <asm/desc.h>

struct percpu {
	struct percpu *self;        /* %gs:0 */
	unsigned int cpu;           /* logical CPU number, 0 = boot CPU */
	int node;                   /* NUMA node (SRAT) */
	u32 apic_id;
	u32 pad0;
	unsigned long stack_top;    /* the CPU's boot/idle stack */
	unsigned long timer_ticks;  /* LAPIC timer interrupts taken */
	unsigned long irq_count;    /* interrupts taken (all vectors) */
	void *ist_stacks;           /* N_EXCEPTION_STACKS * EXCEPTION_STKSZ */
	void *current_task;         /* kernel/sched.h: the running task */
	unsigned long kernel_sp;    /* its kernel stack top (= TSS.sp0) */
	unsigned long user_sp;      /* syscall entry scratch (switch_64.S) */
	struct gdt_page gdt;
	struct tss_struct tss __aligned(16);
} ____cacheline_aligned;

/* Every CPU's area by number (NULL until set up). */
extern struct percpu *per_cpu_area[NR_CPUS];

/* This CPU's area. The self pointer never changes for a CPU and nothing
 * migrates yet, so the read needs no volatile. */
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

#define this_cpu_read(field) (this_cpu()->field)

void percpu_init_area(struct percpu *pc, unsigned int cpu, u32 apic_id, int node,
		      unsigned long stack_top, void *ist_stacks);
void cpu_init(struct percpu *pc);   /* GDT, TSS, GS base, IDT on this CPU */
struct percpu *boot_cpu_init(void); /* the BSP's static area, loaded */

#endif

/* Descriptor tables: GDT, TSS, IDT. */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <kernel/types.h>
#include <asm/segment.h>

/* IST slots (TSS.ist[n - 1]); the IDT gate holds n. */
#define IST_INDEX_DF    1
#define IST_INDEX_NMI   2
#define IST_INDEX_MCE   3
#define N_EXCEPTION_STACKS 3
#define EXCEPTION_STKSZ 8192

struct tss_struct {
	u32 reserved0;
	u64 sp0, sp1, sp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 io_bitmap_base;
} __attribute__((packed));

struct gdt_page {
	u64 gdt[GDT_ENTRIES];
} __attribute__((aligned(16)));

struct desc_ptr {
	u16 size;
	u64 address;
} __attribute__((packed));

struct percpu;
void gdt_init_cpu(struct percpu *pc);   /* gdt.c: fill + load GDT and TSS */
void idt_setup(void);                   /* idt.c: fill the shared IDT (once) */
void idt_load(void);                    /* idt.c: lidt on this CPU */

#endif

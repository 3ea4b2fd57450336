/*
 * The IDT, shared by all CPUs: filled once by the BSP (idt_setup), loaded
 * by each CPU (idt_load). Every vector has a stub in entry_64.S; all are
 * interrupt gates (IF cleared on entry), ring 0 only. #DF, NMI and #MC
 * switch to their IST stacks.
 */
#include <asm/desc.h>
#include <asm/irq_vectors.h>
#include <asm/segment.h>

struct gate_desc {
	u16 offset_low;
	u16 segment;
	u8  ist;
	u8  type_attr;     /* P | DPL | type */
	u16 offset_middle;
	u32 offset_high;
	u32 reserved;
} __attribute__((packed));

#define GATE_INTERRUPT  0x8e   /* present, DPL 0, 64-bit interrupt gate */
#define ENTRY_STUB_SIZE 16

extern const char entry_stubs[];   /* entry_64.S */

static struct gate_desc idt_table[NR_VECTORS] __attribute__((aligned(4096)));

static void set_gate(unsigned int vec, unsigned long addr, unsigned int ist)
{
	struct gate_desc *g = &idt_table[vec];

	g->offset_low = (u16)addr;
	g->segment = __KERNEL_CS;
	g->ist = (u8)ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_middle = (u16)(addr >> 16);
	g->offset_high = (u32)(addr >> 32);
}

void idt_setup(void)
{
	unsigned long base = (unsigned long)entry_stubs;

	for (unsigned int vec = 0; vec < NR_VECTORS; vec++)
		set_gate(vec, base + vec * ENTRY_STUB_SIZE, 0);
	idt_table[X86_TRAP_DF].ist = IST_INDEX_DF;
	idt_table[X86_TRAP_NMI].ist = IST_INDEX_NMI;
	idt_table[X86_TRAP_MC].ist = IST_INDEX_MCE;
}

void idt_load(void)
{
	struct desc_ptr desc = { sizeof(idt_table) - 1, (u64)idt_table };

	__asm__ __volatile__("lidt %0" : : "m"(desc));
}

/*
 * The kernel's own page tables (Linux: arch/x86/mm/init_64.c, init.c):
 * paging_init() builds init_mm's tables and loads them, replacing the boot
 * tables of the VMM (or of head_pvh.S under QEMU), which mapped everything
 * with 2 MiB read-write-execute pages plus an identity map of 0-4 GiB.
 *
 *   direct map    PAGE_OFFSET + [0, 1 MiB) and every memblock RAM range,
 *                 read-write, no-execute; 2 MiB pages wherever a 2 MiB
 *                 stretch is wholly RAM, 4 KiB pages at unaligned edges.
 *                 A table comes from the node of the RAM it is first
 *                 needed for (a pmd table spans 1 GiB, so small nodes
 *                 share one). The alias of the kernel's text and rodata
 *                 is read-only.
 *   kernel image  KERNEL_VIRT_BASE + its physical address, 4 KiB pages by
 *                 kernel.ld's sections: text read-only+executable, rodata
 *                 and the symbol table read-only, data and bss read-write
 *                 no-execute; the page below the boot CPU's stack unmapped.
 *   vmalloc       its one top-level entry and the tables under it are made
 *                 now, so every mm that copies the kernel half of init_mm's
 *                 pgd sees every later vmalloc/ioremap mapping.
 * No identity map: device memory is reached through ioremap() (ioremap.c),
 * the xAPIC registers included. APs load these tables in entry.S before
 * they touch their (vmalloc'd) stacks; APs started by INIT/SIPI first run
 * their trampoline on trampoline_pgd (the kernel half plus the first
 * 2 MiB identity-mapped, executable).
 *
 * Ring 0 is interpreted on our platform (PLATFORM.md): this touches only
 * the table pages it needs (a handful, zeroed by the page allocator) and
 * writes one entry per 2 MiB of RAM and per 4 KiB of the kernel image.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/vmalloc.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

#define ISA_END_ADDRESS 0x100000UL

unsigned int __pgtable_l5_enabled;
unsigned int pgdir_shift = 39;
unsigned int ptrs_per_p4d = 1;
pteval_t __supported_pte_mask = ~0UL;
unsigned long vmalloc_base = VMALLOC_BASE_L4;
unsigned long ap_start_cr3;

extern char _text[], _etext[], __start_rodata[], _sdata[], _end[];
extern char boot_stack_guard[], boot_stack[];      /* entry.S */

static unsigned long nr_2m, nr_4k;

/* The paging mode the entry chose (CR4.LA57) and what entries may hold. */
static void pgtable_mode_init(void)
{
	if (read_cr4() & X86_CR4_LA57) {
		__pgtable_l5_enabled = 1;
		pgdir_shift = 48;
		ptrs_per_p4d = 512;
		vmalloc_base = VMALLOC_BASE_L5;
	}
	if (!(rdmsr(MSR_EFER) & EFER_NX))
		__supported_pte_mask &= ~_PAGE_NX;
}

/* PAGE_OFFSET + [start, end) -> [start, end), 2 MiB pages where aligned. */
static void map_direct_piece(phys_addr_t start, phys_addr_t end, pgprot_t prot, int nid)
{
	unsigned long lo = ALIGN(start, PMD_SIZE), hi = ALIGN_DOWN(end, PMD_SIZE), big;

	if (start >= end)
		return;
	if (vmap_range_noflush((unsigned long)__va(start), (unsigned long)__va(end), start, prot,
			       PMD_SHIFT, nid))
		panic("paging: cannot map [0x%lx, 0x%lx) in the direct map", (unsigned long)start,
		      (unsigned long)end);
	big = hi > lo ? (hi - lo) / PMD_SIZE : 0;
	nr_2m += big;
	nr_4k += (end - start) / PAGE_SIZE - big * (PMD_SIZE / PAGE_SIZE);
}

/* One RAM range: read-only where it holds the kernel's text and rodata. */
static void map_direct(phys_addr_t start, phys_addr_t end, int nid)
{
	phys_addr_t ro_start = __pa_symbol(_text), ro_end = __pa_symbol(_sdata);

	map_direct_piece(start, min(end, ro_start), PAGE_KERNEL, nid);
	map_direct_piece(max(start, ro_start), min(end, ro_end), PAGE_KERNEL_RO, nid);
	map_direct_piece(max(start, ro_end), end, PAGE_KERNEL, nid);
}

static unsigned long kernel_map_init(void)
{
	unsigned long i, spfn, epfn, mapped = 0;
	int nid, first_nid = -1;

	for_each_mem_pfn_range(i, NUMA_NO_NODE, &spfn, &epfn, &nid) {
		phys_addr_t start = max(PFN_PHYS(spfn), (phys_addr_t)ISA_END_ADDRESS), end = PFN_PHYS(epfn);

		if (first_nid < 0)
			first_nid = nid;
		if (start < end) {
			map_direct(start, end, nid);
			mapped += end - start;
		}
	}
	/* The first MiB: boot_info, ACPI tables, the AP trampoline. */
	map_direct(0, ISA_END_ADDRESS, first_nid < 0 ? 0 : first_nid);
	return mapped + ISA_END_ADDRESS;
}

/* KERNEL_VIRT_BASE + pa -> pa for the image section [start, end). */
static void map_kernel_section(const char *start, const char *end, pgprot_t prot, int nid)
{
	unsigned long s = (unsigned long)start, e = (unsigned long)end;

	if (s >= e)
		return;
	if (vmap_range_noflush(s, e, __pa_symbol(s), prot, PAGE_SHIFT, nid))
		panic("paging: cannot map the kernel image at 0x%lx", s);
}

static void kernel_image_map_init(void)
{
	int nid = memblock_nid_of(__pa_symbol(_text));

	if (nid < 0)
		nid = 0;
	map_kernel_section(_text, _etext, PAGE_KERNEL_ROX, nid);
	map_kernel_section(__start_rodata, _sdata, PAGE_KERNEL_RO, nid);
	map_kernel_section(_sdata, boot_stack_guard, PAGE_KERNEL, nid);
	/* boot_stack_guard stays unmapped: the boot CPU's stack overflows
	 * into a fault, not into .bss. */
	map_kernel_section(boot_stack, _end, PAGE_KERNEL, nid);
}

/* The vmalloc range's top-level entry and the tables under it, so that
 * pgd_alloc()'s copy of the kernel half shares all later mappings there
 * (Linux's preallocate_vmalloc_pages). */
static void preallocate_vmalloc_pages(void)
{
	pgd_t *pgd = pgd_offset_k(VMALLOC_START);
	p4d_t *p4d = p4d_alloc_node(&init_mm, pgd, VMALLOC_START, numa_node_id());

	if (!p4d || !pud_alloc_node(&init_mm, p4d, VMALLOC_START, numa_node_id()))
		panic("paging: no memory for the vmalloc range's page tables");
}

void paging_init(void)
{
	struct page *pgd_page;
	unsigned long mapped;

	pgtable_mode_init();
	pgd_page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!pgd_page)
		panic("paging: no memory for the kernel's pgd");
	init_mm.pgd = page_address(pgd_page);

	mapped = kernel_map_init();
	kernel_image_map_init();
	preallocate_vmalloc_pages();
	vmalloc_init();
	/* xAPIC registers: the boot tables' identity map goes away. */
	if (!x2apic_mode && !(lapic_mmio_base = ioremap(APIC_DEFAULT_PHYS_BASE, PAGE_SIZE)))
		panic("paging: cannot map the xAPIC registers");

	ap_start_cr3 = __pa(init_mm.pgd);
	initialize_tlbstate_and_flush();
	printk("paging: kernel page tables loaded (%u-level): direct map %lu MiB in %lu 2M + %lu 4K pages, "
	       "kernel text RX, rodata RO, data NX, %lu table pages\n",
	       pgtable_l5_enabled() ? 5 : 4, mapped >> 20, nr_2m, nr_4k, nr_page_table_pages());
	printk("paging: vmalloc [0x%lx-0x%lx), direct map at 0x%lx, kernel at 0x%lx\n",
	       VMALLOC_START, VMALLOC_END, PAGE_OFFSET, (unsigned long)__START_KERNEL_map);
	if (!x2apic_mode)
		printk("paging: xAPIC registers at 0x%lx (ioremap)\n", (unsigned long)lapic_mmio_base);
}

/* A zeroed page below 4 GiB (a 32-bit CR3 must reach it). */
static void *low_table(void)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_DMA32 | __GFP_ZERO, 0);

	if (!page || page_to_phys(page) >= (1ULL << 32))
		panic("smp: no page below 4 GiB for the trampoline's page tables");
	return page_address(page);
}

unsigned long trampoline_pgd_phys(void)
{
	static pgd_t *trampoline_pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	if (trampoline_pgd)
		return __pa(trampoline_pgd);
	trampoline_pgd = low_table();
	memcpy(trampoline_pgd + KERNEL_PGD_BOUNDARY, init_mm.pgd + KERNEL_PGD_BOUNDARY,
	       KERNEL_PGD_PTRS * sizeof(pgd_t));
	if (pgtable_l5_enabled())
		pgd_populate(trampoline_pgd, low_table());
	p4d = p4d_offset(trampoline_pgd, 0);
	pud = low_table();
	p4d_populate(p4d, pud);
	pmd = low_table();
	pud_populate(pud, pmd);
	/* Physical [0, 2 MiB) at virtual 0, executable: the trampoline. */
	set_pmd(pmd, pfn_pmd(0, PAGE_KERNEL_EXEC));
	return __pa(trampoline_pgd);
}

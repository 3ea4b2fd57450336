/*
 * Page-table accessors and the kernel address-space layout (Linux:
 * arch/x86/include/asm/pgtable.h, pgtable_64.h, pgalloc.h). Portable C:
 * shared with the host build of guest/mm (see asm/pgtable_types.h).
 *
 * Kernel address space (4-level | 5-level), Linux's layout:
 *   0xffff888000000000 | same            direct map of all RAM (PAGE_OFFSET)
 *   0xffffc90000000000 | 0xffa0000000000000  vmalloc/vmap/ioremap, 512 GiB
 *                                        (VMALLOC_START..VMALLOC_END)
 *   0xffffffff80000000 | same            kernel image (-2 GiB)
 * The direct map stays at the 4-level address under 5-level paging (it is
 * canonical there too, and every boot-time pointer already uses it); the
 * vmalloc range moves above 2^47 as in Linux, where 4-level paging cannot
 * reach. Everything in the kernel half is mapped below top-level entries
 * that exist from boot on (paging_init preallocates the vmalloc range's),
 * so copying the kernel half of init_mm's pgd into a new mm (pgd_alloc)
 * shares every later kernel mapping too.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <kernel/compiler.h>
#include <asm/pgtable_types.h>

#define VMALLOC_BASE_L4     0xffffc90000000000UL
#define VMALLOC_BASE_L5     0xffa0000000000000UL
#define VMALLOC_SIZE        P4D_SIZE            /* one p4d entry: 512 GiB */
extern unsigned long vmalloc_base;              /* VMALLOC_BASE_L4 or _L5 */
#define VMALLOC_START       vmalloc_base
#define VMALLOC_END         (vmalloc_base + VMALLOC_SIZE)   /* exclusive */

/* ---- Indexes ---- */

static inline unsigned long pgd_index(unsigned long a) { return (a >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1); }
static inline unsigned long p4d_index(unsigned long a) { return (a >> P4D_SHIFT) & (PTRS_PER_P4D - 1); }
static inline unsigned long pud_index(unsigned long a) { return (a >> PUD_SHIFT) & (PTRS_PER_PUD - 1); }
static inline unsigned long pmd_index(unsigned long a) { return (a >> PMD_SHIFT) & (PTRS_PER_PMD - 1); }
static inline unsigned long pte_index(unsigned long a) { return (a >> PAGE_SHIFT) & (PTRS_PER_PTE - 1); }

/* ---- Entry tests. With 4 levels a pgd entry is the p4d entry: it is
 * never "none" at the pgd level (Linux's run-time folding). ---- */

static inline bool pgd_none(pgd_t pgd)    { return pgtable_l5_enabled() && !pgd_val(pgd); }
static inline bool pgd_present(pgd_t pgd) { return !pgtable_l5_enabled() || (pgd_val(pgd) & _PAGE_PRESENT); }
static inline bool p4d_none(p4d_t p4d)    { return !p4d_val(p4d); }
static inline bool p4d_present(p4d_t p4d) { return p4d_val(p4d) & _PAGE_PRESENT; }
static inline bool pud_none(pud_t pud)    { return !pud_val(pud); }
static inline bool pud_present(pud_t pud) { return pud_val(pud) & _PAGE_PRESENT; }
static inline bool pud_leaf(pud_t pud)    { return (pud_val(pud) & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
static inline bool pmd_none(pmd_t pmd)    { return !pmd_val(pmd); }
static inline bool pmd_present(pmd_t pmd) { return pmd_val(pmd) & _PAGE_PRESENT; }
static inline bool pmd_leaf(pmd_t pmd)    { return (pmd_val(pmd) & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
static inline bool pte_none(pte_t pte)    { return !pte_val(pte); }
static inline bool pte_present(pte_t pte) { return pte_val(pte) & _PAGE_PRESENT; }
static inline bool pte_write(pte_t pte)   { return pte_val(pte) & _PAGE_RW; }
static inline bool pte_exec(pte_t pte)    { return !(pte_val(pte) & _PAGE_NX); }

static inline pteval_t pte_flags(pte_t pte) { return pte_val(pte) & PTE_FLAGS_MASK; }
static inline unsigned long pte_pfn(pte_t pte) { return (pte_val(pte) & PTE_PFN_MASK) >> PAGE_SHIFT; }
/* A 2 MiB leaf's first frame (bit 12 of a leaf pmd is PAT, not address). */
static inline unsigned long pmd_pfn(pmd_t pmd) { return (pmd_val(pmd) & PTE_PFN_MASK & PMD_MASK) >> PAGE_SHIFT; }
static inline unsigned long pud_pfn(pud_t pud) { return (pud_val(pud) & PTE_PFN_MASK & PUD_MASK) >> PAGE_SHIFT; }

/* ---- Making entries ---- */

static inline pgprot_t pgprot_massage(pgprot_t prot)
{
	return __pgprot(pgprot_val(prot) & __supported_pte_mask);
}

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(((pteval_t)pfn << PAGE_SHIFT) | pgprot_val(pgprot_massage(prot)));
}

/* A 2 MiB leaf (prot gets _PAGE_PSE). */
static inline pmd_t pfn_pmd(unsigned long pfn, pgprot_t prot)
{
	return __pmd(((pmdval_t)pfn << PAGE_SHIFT) | pgprot_val(pgprot_massage(prot)) | _PAGE_PSE);
}

/* Needs mm/mm.h (page_to_pfn). */
#define mk_pte(page, prot)  pfn_pte(page_to_pfn(page), (prot))
#define pte_page(pte)       pfn_to_page(pte_pfn(pte))

/* ---- Writing entries: one aligned 8-byte store each, which the MMU
 * sees whole. ---- */

static inline void set_pte(pte_t *ptep, pte_t pte) { WRITE_ONCE(ptep->pte, pte_val(pte)); }
static inline void set_pmd(pmd_t *pmdp, pmd_t pmd) { WRITE_ONCE(pmdp->pmd, pmd_val(pmd)); }
static inline void set_pud(pud_t *pudp, pud_t pud) { WRITE_ONCE(pudp->pud, pud_val(pud)); }
static inline void set_p4d(p4d_t *p4dp, p4d_t p4d) { WRITE_ONCE(p4dp->p4d, p4d_val(p4d)); }
static inline void set_pgd(pgd_t *pgdp, pgd_t pgd) { WRITE_ONCE(pgdp->pgd, pgd_val(pgd)); }

static inline pte_t ptep_get(pte_t *ptep) { return __pte(READ_ONCE(ptep->pte)); }
static inline pmd_t pmdp_get(pmd_t *pmdp) { return __pmd(READ_ONCE(pmdp->pmd)); }
static inline pud_t pudp_get(pud_t *pudp) { return __pud(READ_ONCE(pudp->pud)); }
static inline p4d_t p4dp_get(p4d_t *p4dp) { return __p4d(READ_ONCE(p4dp->p4d)); }
static inline pgd_t pgdp_get(pgd_t *pgdp) { return __pgd(READ_ONCE(pgdp->pgd)); }

#define pte_clear(mm, addr, ptep)   set_pte((ptep), __pte(0))
#define pmd_clear(pmdp)             set_pmd((pmdp), __pmd(0))
#define pud_clear(pudp)             set_pud((pudp), __pud(0))
#define p4d_clear(p4dp)             set_p4d((p4dp), __p4d(0))
/* With 4 levels the pgd entry is the p4d entry: p4d_clear() clears it. */
static inline void pgd_clear(pgd_t *pgdp)
{
	if (pgtable_l5_enabled())
		set_pgd(pgdp, __pgd(0));
}

/* ---- Following table entries to the next level (direct-map addresses) ---- */

static inline void *pgtable_entry_vaddr(u64 entry)
{
	return __va(entry & PTE_PFN_MASK);
}

#define pgd_offset_pgd(pgd, addr)   ((pgd) + pgd_index(addr))
#define pgd_offset(mm, addr)        pgd_offset_pgd((mm)->pgd, (addr))
#define pgd_offset_k(addr)          pgd_offset(&init_mm, (addr))

static inline p4d_t *p4d_offset(pgd_t *pgd, unsigned long addr)
{
	if (!pgtable_l5_enabled())
		return (p4d_t *)pgd;
	return (p4d_t *)pgtable_entry_vaddr(pgd_val(*pgd)) + p4d_index(addr);
}

static inline pud_t *pud_offset(p4d_t *p4d, unsigned long addr)
{
	return (pud_t *)pgtable_entry_vaddr(p4d_val(*p4d)) + pud_index(addr);
}

static inline pmd_t *pmd_offset(pud_t *pud, unsigned long addr)
{
	return (pmd_t *)pgtable_entry_vaddr(pud_val(*pud)) + pmd_index(addr);
}

static inline pte_t *pte_offset_kernel(pmd_t *pmd, unsigned long addr)
{
	return (pte_t *)pgtable_entry_vaddr(pmd_val(*pmd)) + pte_index(addr);
}

/* ---- Linking a new table below an entry (Linux: asm/pgalloc.h) ---- */

static inline void pgd_populate(pgd_t *pgd, p4d_t *p4d)
{
	if (pgtable_l5_enabled())
		set_pgd(pgd, __pgd(_PAGE_TABLE | __pa(p4d)));
}

static inline void p4d_populate(p4d_t *p4d, pud_t *pud)
{
	set_p4d(p4d, __p4d(_PAGE_TABLE | __pa(pud)));
}

static inline void pud_populate(pud_t *pud, pmd_t *pmd)
{
	set_pud(pud, __pud(_PAGE_TABLE | __pa(pmd)));
}

static inline void pmd_populate_kernel(pmd_t *pmd, pte_t *pte)
{
	set_pmd(pmd, __pmd(_PAGE_TABLE | __pa(pte)));
}

/* ---- End of the range an entry at each level covers (Linux's
 * pXd_addr_end): the next boundary, or END if that comes first. ---- */

static inline unsigned long pgtable_addr_end(unsigned long addr, unsigned long end, unsigned long size)
{
	unsigned long boundary = (addr + size) & ~(size - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

#define pgd_addr_end(addr, end) pgtable_addr_end((addr), (end), PGDIR_SIZE)
#define p4d_addr_end(addr, end) pgtable_addr_end((addr), (end), P4D_SIZE)
#define pud_addr_end(addr, end) pgtable_addr_end((addr), (end), PUD_SIZE)
#define pmd_addr_end(addr, end) pgtable_addr_end((addr), (end), PMD_SIZE)

#ifndef GMM_HOST
/* ---- Arch set-up (init_64.c) ---- */

/*
 * Build the kernel's page tables (init_mm): the direct map of all RAM
 * (2 MiB pages where aligned, each node's tables on that node), the kernel
 * image by section permissions, the vmalloc range's top-level tables;
 * then load them on this CPU. Once, on the BSP, after mm_core_init() and
 * before any ioremap() or AP start.
 */
void paging_init(void);
/* The kernel's CR3, loaded by each AP in entry.S before it uses its stack. */
extern unsigned long ap_start_cr3;
/* Page tables an AP started by INIT/SIPI runs its trampoline on: the
 * kernel half of init_mm plus an executable identity map of the first
 * 2 MiB, below 4 GiB. Returns their physical address. */
unsigned long trampoline_pgd_phys(void);
#endif

#endif

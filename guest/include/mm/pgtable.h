/*
 * The page-table walker of guest/mm (guest/mm/pgtable.c; Linux: the
 * p?d_alloc helpers of include/linux/mm.h and mm/memory.c, the range
 * mappers of mm/vmalloc.c, lookup_address of arch/x86). One walk,
 * pgd -> p4d -> pud -> pmd -> pte, over the accessors of asm/pgtable.h,
 * which fold the p4d level at run time when the CPU runs 4-level paging.
 *
 * Page-table pages come from the node that uses them: every allocating
 * function takes the node (NUMA_NO_NODE: the calling CPU's node). They
 * are zeroed pages of the page allocator (page_type PGTY_table).
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <mm/mm_struct.h>
#include <asm/pgtable.h>

struct page;

/* page->page_type of a page-table page (Linux's value; page-flags.h has
 * the other types). */
#define PGTY_table      0xf2000000u

/* Link a new zeroed table below the entry if it is still empty (the
 * mm's page_table_lock decides a race); 0, or -ENOMEM. */
int __p4d_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address, int nid);
int __pud_alloc(struct mm_struct *mm, p4d_t *p4d, unsigned long address, int nid);
int __pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long address, int nid);
int __pte_alloc(struct mm_struct *mm, pmd_t *pmd, int nid);

/* The entry for ADDRESS one level down, allocating the table if needed;
 * NULL if out of memory. */
static inline p4d_t *p4d_alloc_node(struct mm_struct *mm, pgd_t *pgd, unsigned long address, int nid)
{
	return (unlikely(pgd_none(*pgd)) && __p4d_alloc(mm, pgd, address, nid)) ? NULL
									   : p4d_offset(pgd, address);
}

static inline pud_t *pud_alloc_node(struct mm_struct *mm, p4d_t *p4d, unsigned long address, int nid)
{
	return (unlikely(p4d_none(*p4d)) && __pud_alloc(mm, p4d, address, nid)) ? NULL
									   : pud_offset(p4d, address);
}

static inline pmd_t *pmd_alloc_node(struct mm_struct *mm, pud_t *pud, unsigned long address, int nid)
{
	return (unlikely(pud_none(*pud)) && __pmd_alloc(mm, pud, address, nid)) ? NULL
									   : pmd_offset(pud, address);
}

static inline pte_t *pte_alloc_node(struct mm_struct *mm, pmd_t *pmd, unsigned long address, int nid)
{
	return (unlikely(pmd_none(*pmd)) && __pte_alloc(mm, pmd, nid)) ? NULL
								       : pte_offset_kernel(pmd, address);
}

#define p4d_alloc(mm, pgd, a)   p4d_alloc_node((mm), (pgd), (a), NUMA_NO_NODE)
#define pud_alloc(mm, p4d, a)   pud_alloc_node((mm), (p4d), (a), NUMA_NO_NODE)
#define pmd_alloc(mm, pud, a)   pmd_alloc_node((mm), (pud), (a), NUMA_NO_NODE)
#define pte_alloc_kernel(pmd, a) pte_alloc_node(&init_mm, (pmd), (a), NUMA_NO_NODE)

/*
 * The leaf entry mapping ADDRESS in the tables under PGD, or NULL if an
 * upper level is empty; *level says which level the leaf is at (for a
 * 2 MiB page the pmd entry is returned, cast). The entry may be none.
 */
pte_t *lookup_address_in_pgd(pgd_t *pgd, unsigned long address, unsigned int *level);
pte_t *lookup_address(unsigned long address, unsigned int *level);   /* init_mm */

/*
 * Map [addr, end) of MM to physical [phys, ...) with PROT; entries must be
 * empty (-EBUSY otherwise). With max_page_shift >= PMD_SHIFT, every 2 MiB
 * aligned stretch whose physical address is 2 MiB aligned too becomes one
 * 2 MiB page, the rest 4 KiB pages. No TLB flush (the entries were empty).
 * Returns 0, -ENOMEM or -EBUSY (what was mapped stays mapped).
 */
int vmap_range_mm(struct mm_struct *mm, unsigned long addr, unsigned long end,
		  phys_addr_t phys, pgprot_t prot, unsigned int max_page_shift, int nid);
/* The same with one page per 4 KiB: PAGES[0..(end-addr)/PAGE_SIZE). */
int vmap_pages_range_mm(struct mm_struct *mm, unsigned long addr, unsigned long end,
			pgprot_t prot, struct page **pages, int nid);
/* Clear every leaf in [addr, end) (2 MiB leaves must be wholly inside);
 * page tables stay. No flush: the caller flushes (asm/tlbflush.h rule 1). */
void vunmap_range_mm(struct mm_struct *mm, unsigned long addr, unsigned long end);

/* init_mm forms (Linux's vmap_range_noflush and friends). */
static inline int vmap_range_noflush(unsigned long addr, unsigned long end, phys_addr_t phys,
				     pgprot_t prot, unsigned int max_page_shift, int nid)
{
	return vmap_range_mm(&init_mm, addr, end, phys, prot, max_page_shift, nid);
}

static inline int vmap_pages_range_noflush(unsigned long addr, unsigned long end, pgprot_t prot,
					   struct page **pages, int nid)
{
	return vmap_pages_range_mm(&init_mm, addr, end, prot, pages, nid);
}

static inline void vunmap_range_noflush(unsigned long addr, unsigned long end)
{
	vunmap_range_mm(&init_mm, addr, end);
}

/*
 * A new mm's tables (Linux's mm_alloc_pgd/init_new_context): a pgd whose
 * user half is empty and whose kernel half is init_mm's, an empty
 * cpumask, TLB generation 0. 0 or -ENOMEM. The pgd comes from node NID.
 */
int mm_alloc_pgd(struct mm_struct *mm, int nid);
/*
 * Free the page-table pages of MM that lie wholly inside the user range
 * [addr, end) (2 MiB aligned at least), clearing the entries that point
 * to them, after one flush_tlb_mm_range(..., freed_tables) so no CPU can
 * still walk them. Leaf pages are the caller's (unmapped already).
 */
void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end);
/* Free the pgd itself; the mm must be loaded nowhere (empty cpumask). */
void mm_free_pgd(struct mm_struct *mm);

/* Page-table pages the walker holds (allocated, not yet freed). */
unsigned long nr_page_table_pages(void);

#endif

/*
 * The x86-64 page-table entry format (Linux: arch/x86/include/asm/
 * pgtable_types.h, pgtable_64_types.h). Portable C, no instructions: the
 * host build of guest/mm reads it too (DESIGN.md decision 7), so the one
 * walker of guest/mm/pgtable.c is unit-tested in both paging modes.
 *
 * Five levels, pgd -> p4d -> pud -> pmd -> pte, 512 entries each. With
 * 4-level paging the p4d level is folded at run time, as Linux does: the
 * pgd IS the p4d (PTRS_PER_P4D == 1, p4d_offset() returns the pgd entry,
 * pgd_none() is never true), so the same walk runs in both modes.
 * pgtable_l5_enabled() is chosen once at boot (CR4.LA57, which the entry
 * sets whenever the CPU has LA57) before the first page table is built.
 *
 * Kernel mappings are not global (_PAGE_GLOBAL unused): a CR3 write
 * flushes them too, and no CPU here has PCID, so switch_mm() always
 * flushes the whole TLB (asm/tlbflush.h).
 */
#ifndef ASM_PGTABLE_TYPES_H
#define ASM_PGTABLE_TYPES_H

#include <kernel/types.h>
#include <mm/page_types.h>

#define _PAGE_BIT_PRESENT   0
#define _PAGE_BIT_RW        1
#define _PAGE_BIT_USER      2
#define _PAGE_BIT_PWT       3
#define _PAGE_BIT_PCD       4
#define _PAGE_BIT_ACCESSED  5
#define _PAGE_BIT_DIRTY     6
#define _PAGE_BIT_PSE       7       /* 2 MiB / 1 GiB leaf at pmd / pud level */
#define _PAGE_BIT_GLOBAL    8
#define _PAGE_BIT_NX        63

#define _PAGE_PRESENT   (1UL << _PAGE_BIT_PRESENT)
#define _PAGE_RW        (1UL << _PAGE_BIT_RW)
#define _PAGE_USER      (1UL << _PAGE_BIT_USER)
#define _PAGE_PWT       (1UL << _PAGE_BIT_PWT)
#define _PAGE_PCD       (1UL << _PAGE_BIT_PCD)
#define _PAGE_ACCESSED  (1UL << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY     (1UL << _PAGE_BIT_DIRTY)
#define _PAGE_PSE       (1UL << _PAGE_BIT_PSE)
#define _PAGE_GLOBAL    (1UL << _PAGE_BIT_GLOBAL)
#define _PAGE_NX        (1UL << _PAGE_BIT_NX)

/* Physical address bits of an entry (52-bit physical addresses). */
#define PTE_PFN_MASK        0x000ffffffffff000UL
#define PTE_FLAGS_MASK      (~PTE_PFN_MASK)

/* Table entries: Linux's _PAGE_TABLE (user tables) and _KERNPG_TABLE. */
#define _PAGE_TABLE     (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _KERNPG_TABLE   (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/* Leaf protections. Accessed and dirty are set up front, so the CPU never
 * writes them back into kernel entries. PCD alone is PAT entry 2, UC-
 * (Linux's ioremap() default). */
#define __PAGE_KERNEL_EXEC  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define __PAGE_KERNEL       (__PAGE_KERNEL_EXEC | _PAGE_NX)
#define __PAGE_KERNEL_RO    (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define __PAGE_KERNEL_ROX   (_PAGE_PRESENT | _PAGE_ACCESSED)
#define __PAGE_KERNEL_NOCACHE (__PAGE_KERNEL | _PAGE_PCD)
#define __PAGE_KERNEL_LARGE (__PAGE_KERNEL | _PAGE_PSE)

typedef u64 pteval_t;
typedef u64 pmdval_t;
typedef u64 pudval_t;
typedef u64 p4dval_t;
typedef u64 pgdval_t;
typedef u64 pgprotval_t;

typedef struct { pteval_t pte; } pte_t;
typedef struct { pmdval_t pmd; } pmd_t;
typedef struct { pudval_t pud; } pud_t;
typedef struct { p4dval_t p4d; } p4d_t;
typedef struct { pgdval_t pgd; } pgd_t;
typedef struct { pgprotval_t pgprot; } pgprot_t;

#define __pte(x)        ((pte_t){ (x) })
#define __pmd(x)        ((pmd_t){ (x) })
#define __pud(x)        ((pud_t){ (x) })
#define __p4d(x)        ((p4d_t){ (x) })
#define __pgd(x)        ((pgd_t){ (x) })
#define __pgprot(x)     ((pgprot_t){ (x) })
#define pte_val(x)      ((x).pte)
#define pmd_val(x)      ((x).pmd)
#define pud_val(x)      ((x).pud)
#define p4d_val(x)      ((x).p4d)
#define pgd_val(x)      ((x).pgd)
#define pgprot_val(x)   ((x).pgprot)

#define PAGE_KERNEL         __pgprot(__PAGE_KERNEL)
#define PAGE_KERNEL_RO      __pgprot(__PAGE_KERNEL_RO)
#define PAGE_KERNEL_ROX     __pgprot(__PAGE_KERNEL_ROX)
#define PAGE_KERNEL_EXEC    __pgprot(__PAGE_KERNEL_EXEC)
#define PAGE_KERNEL_NOCACHE __pgprot(__PAGE_KERNEL_NOCACHE)
#define PAGE_KERNEL_IO      PAGE_KERNEL_NOCACHE

/* Run-time paging mode (guest: arch init_64.c; host: the shim). */
extern unsigned int __pgtable_l5_enabled;
extern unsigned int pgdir_shift;        /* 48 with 5 levels, 39 with 4 */
extern unsigned int ptrs_per_p4d;       /* 512 with 5 levels, 1 with 4 */
/* Bits an entry may have on this CPU (no NX without EFER.NX). */
extern pteval_t __supported_pte_mask;

static inline bool pgtable_l5_enabled(void)
{
	return __pgtable_l5_enabled != 0;
}

#define PMD_SHIFT       21
#define PUD_SHIFT       30
#define P4D_SHIFT       39
#define PGDIR_SHIFT     pgdir_shift

#define PTRS_PER_PTE    512
#define PTRS_PER_PMD    512
#define PTRS_PER_PUD    512
#define PTRS_PER_P4D    ptrs_per_p4d
#define PTRS_PER_PGD    512

#define PMD_SIZE        (1UL << PMD_SHIFT)
#define PMD_MASK        (~(PMD_SIZE - 1))
#define PUD_SIZE        (1UL << PUD_SHIFT)
#define PUD_MASK        (~(PUD_SIZE - 1))
#define P4D_SIZE        (1UL << P4D_SHIFT)
#define P4D_MASK        (~(P4D_SIZE - 1))
#define PGDIR_SIZE      (1UL << PGDIR_SHIFT)
#define PGDIR_MASK      (~(PGDIR_SIZE - 1))

/* The kernel half of a pgd: entries shared by every mm (pgd_alloc()). */
#define KERNEL_PGD_BOUNDARY (PTRS_PER_PGD / 2)
#define KERNEL_PGD_PTRS     (PTRS_PER_PGD - KERNEL_PGD_BOUNDARY)

/* Levels of a leaf (Linux's enum pg_level). */
enum pg_level {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,
	PG_LEVEL_2M,
	PG_LEVEL_1G,
	PG_LEVEL_512G,
};

#endif

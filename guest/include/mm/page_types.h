/*
 * Page size, and the translation between physical addresses and the kernel's
 * direct map (Linux: asm/page_types.h and asm/page.h).
 *
 * This header is the ONE place where the guest and the host build of
 * guest/mm differ (DESIGN.md decision 7):
 *   guest: the direct map starts at page_offset_base, PAGE_OFFSET_4LEVEL by
 *          default (include/gmm/bootinfo.h); arch code may move it before
 *          using __va() (e.g. 5-level paging). Kernel-image addresses
 *          (KERNEL_VIRT_BASE + physical) also translate with __pa().
 *   host:  guest-physical memory is simulated by one mapping in the test
 *          process (guest/mm/host/shim.c), page_offset_base is its base, so
 *          __va(pa) = base + pa just as in the guest.
 */
#ifndef MM_PAGE_TYPES_H
#define MM_PAGE_TYPES_H

#include <kernel/types.h>

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))

#define PFN_UP(x)       ((unsigned long)(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define PFN_DOWN(x)     ((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x)     ((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)     ((unsigned long)((x) >> PAGE_SHIFT))

/* Start of the direct map of all physical memory (defined in mm_init.c). */
extern unsigned long page_offset_base;
#define PAGE_OFFSET     page_offset_base

#define __va(pa)        ((void *)((unsigned long)(pa) + PAGE_OFFSET))

#ifdef GMM_HOST

#define PAGE_OFFSET_DEFAULT 0UL   /* set by the shim when it maps the arena */
#define __pa(va)        ((phys_addr_t)((unsigned long)(va) - PAGE_OFFSET))

#else /* the guest kernel */

#include <gmm/bootinfo.h>

#define PAGE_OFFSET_DEFAULT ((unsigned long)PAGE_OFFSET_4LEVEL)

/* Direct-map and kernel-image addresses (Linux: __phys_addr). */
static inline phys_addr_t __phys_addr(unsigned long va)
{
	if (va >= (unsigned long)KERNEL_VIRT_BASE)
		return va - (unsigned long)KERNEL_VIRT_BASE;
	return va - PAGE_OFFSET;
}
#define __pa(va)        __phys_addr((unsigned long)(va))

#endif

#endif

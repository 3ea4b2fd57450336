/*
 * The kernel's address-space constants (4-level paging, Linux's x86-64
 * layout; include/gmm/bootinfo.h has the ABI values). PAGE_SIZE,
 * PAGE_OFFSET (page_offset_base), __va() and __pa() have one definition,
 * shared with guest/mm: mm/page_types.h. This adds the kernel-image side:
 *   __START_KERNEL_map  the -2 GiB kernel image mapping (phys 0 -> this)
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <gmm/bootinfo.h>
#include <mm/page_types.h>

#define __START_KERNEL_map  ((unsigned long)KERNEL_VIRT_BASE)

/* Physical address of a symbol of the kernel image. */
#define __pa_symbol(va)     ((unsigned long)(va) - __START_KERNEL_map)

#endif

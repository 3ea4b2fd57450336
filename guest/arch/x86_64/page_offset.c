/*
 * Start of the direct map (mm/page_types.h: PAGE_OFFSET). The boot page
 * tables of our VMM map it at PAGE_OFFSET_4LEVEL, and it stays there under
 * 5-level paging too (asm/pgtable.h has the layout).
 *
 * guest/mm's mm_init.c defines it too; this weak default only lets the
 * kernel link while guest/mm is not yet part of the guest build
 * (GUEST_MM_SRCS empty), and yields to that definition once it is.
 */
#include <gmm/bootinfo.h>

__attribute__((weak)) unsigned long page_offset_base = PAGE_OFFSET_4LEVEL;

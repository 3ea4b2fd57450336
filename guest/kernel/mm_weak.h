/*
 * The process code calls guest/mm's user address-space API (mm/mm_user.h),
 * written by the memory-manager side at the same time. Until all of it is
 * linked in, the calls are weak references: a missing function is NULL,
 * start_init() then refuses to run init (and says so), and the kernel
 * still builds and boots as before. Include after mm/mm_user.h.
 */
#ifndef KERNEL_MM_WEAK_H
#define KERNEL_MM_WEAK_H

#include <mm/mm_user.h>

#pragma weak mm_alloc
#pragma weak mmget
#pragma weak mmput
#pragma weak dup_mm
#pragma weak do_mmap
#pragma weak do_munmap
#pragma weak do_mprotect
#pragma weak do_madvise
#pragma weak do_mremap
#pragma weak do_brk
#pragma weak mm_set_brk_base
#pragma weak mm_setup_stack
#pragma weak handle_user_fault
#pragma weak copy_from_user_mm
#pragma weak copy_to_user_mm
#pragma weak strncpy_from_user_mm
#pragma weak mm_total_vm
#pragma weak mm_rss
#pragma weak mm_shared_rss
#pragma weak mm_user_drain
#pragma weak filemap_read
#pragma weak filemap_write

/* True when every function the process code needs is linked in. */
static inline bool mm_user_linked(void)
{
	return mm_alloc && mmput && dup_mm && do_mmap && do_munmap && do_mprotect && do_madvise &&
	       do_mremap && do_brk && mm_set_brk_base && mm_setup_stack && handle_user_fault &&
	       copy_from_user_mm && copy_to_user_mm && strncpy_from_user_mm && mm_total_vm &&
	       mm_rss && mm_shared_rss && mm_user_drain && filemap_read && filemap_write;
}

#endif

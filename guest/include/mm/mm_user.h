/*
 * User address spaces: the API the process code (tasks, exec, fork,
 * system calls, the #PF handler) uses, implemented by guest/mm (mmap.c,
 * memory.c, rmap.c, filemap.c, ...). This header is the contract between
 * the two; each side may add to it, never change a meaning silently.
 *
 * Values follow Linux's x86-64 ABI (DESIGN.md decision 5): PROT_*, MAP_*,
 * MADV_*, MREMAP_* flag values; functions return a value >= 0 or -errno.
 *
 * An mm_struct (mm/mm_struct.h) gains: its VMAs (a balanced tree, O(log n)
 * find_vma), mmap_base/brk/stack bounds, RSS counters, a reference count
 * (mm_users), and mmap_lock (a spinlock here: the kernel does not sleep
 * in faults; taken by the fault handler and every VMA change).
 */
#ifndef MM_MM_USER_H
#define MM_MM_USER_H

#include <kernel/types.h>

struct mm_struct;
struct initramfs_file;

/* Linux x86-64 values */
#define PROT_NONE       0x0
#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20
#define MAP_GROWSDOWN   0x0100
#define MAP_DENYWRITE   0x0800
#define MAP_NORESERVE   0x4000
#define MAP_POPULATE    0x8000
#define MAP_STACK       0x20000
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_NORMAL     0
#define MADV_WILLNEED   3
#define MADV_DONTNEED   4
#define MADV_FREE       8
#define MREMAP_MAYMOVE  1
#define MREMAP_FIXED    2

/* The user half of the address space (4-level: 47 bits; the same under
 * 5-level paging unless a mapping asks for more, as Linux does). */
#define TASK_SIZE_MAX   0x00007ffffffff000UL
#define STACK_GUARD_GAP (256UL << 12)   /* Linux's stack_guard_gap: 256 pages */

/* ---- lifetime ---- */
struct mm_struct *mm_alloc(void);              /* empty user mm (kernel half shared); NULL: ENOMEM */
void mmget(struct mm_struct *mm);
void mmput(struct mm_struct *mm);              /* the last put tears down VMAs, pages, tables */
/* fork: a copy of OLD (VMAs; private pages shared read-only for CoW,
 * shared mappings shared); NULL on ENOMEM (nothing leaked). */
struct mm_struct *dup_mm(struct mm_struct *old);

/* ---- mappings (the system calls' work; ADDR/LEN page-aligned checks inside) ---- */
long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
	     unsigned long flags, const struct initramfs_file *file, unsigned long pgoff);
long do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);
long do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot);
long do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int advice);
long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags, unsigned long new_addr);
long do_brk(struct mm_struct *mm, unsigned long new_brk);   /* returns the (new or old) break */
void mm_set_brk_base(struct mm_struct *mm, unsigned long start);   /* exec: after the last segment */
/* exec: the stack VMA [top - size, top), growing down on demand to a
 * limit; returns 0 or -errno. */
long mm_setup_stack(struct mm_struct *mm, unsigned long top, unsigned long size);

/* ---- faults ---- */
/* A user-mode #PF (or a kernel access to user memory) at ADDR with the x86
 * error code: 0 when mapped now; else the signal to send (SIGSEGV for no
 * VMA or a permission violation, SIGBUS for a file page beyond EOF), or
 * -ENOMEM when no memory could be had (the OOM path, later). Call it (and
 * the copies below) with interrupts enabled: it may send TLB shootdowns
 * while holding mm->mmap_lock (asm/tlbflush.h rule 4). */
int handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned long error_code);

/* ---- copies between kernel and user memory of MM (the current task's) ----
 * They walk MM's page tables through the direct map (faulting pages in as
 * needed), so they work whatever CR3 holds: 0 when all N bytes were copied,
 * -EFAULT for a bad address (-ENOMEM if a page could not be had);
 * strncpy_from_user_mm returns the string's length (N if no NUL in N). */
long copy_from_user_mm(struct mm_struct *mm, void *dst, unsigned long src, unsigned long n);
long copy_to_user_mm(struct mm_struct *mm, unsigned long dst, const void *src, unsigned long n);
long strncpy_from_user_mm(struct mm_struct *mm, char *dst, unsigned long src, unsigned long n);

/* ---- figures (/proc/self/statm, /proc/self/status) ---- */
unsigned long mm_total_vm(struct mm_struct *mm);     /* pages mapped (VmSize) */
unsigned long mm_rss(struct mm_struct *mm);          /* pages resident (VmRSS) */
unsigned long mm_shared_rss(struct mm_struct *mm);   /* resident file pages (statm's shared) */
/* /proc/self/maps into BUF (whole lines, NUL-terminated): its length. */
long mm_show_maps(struct mm_struct *mm, char *buf, unsigned long size);

/* Make free memory countable exactly: create what user memory keeps for
 * good (the zero page, its slab caches), free clean unmapped page-cache
 * pages and the empty slabs of its caches and of kmalloc. Call it before
 * taking a "free pages" baseline and again before comparing with it. */
void mm_user_drain(void);

/* ---- files (guest/mm/filemap.c): read() and write() of an initramfs file
 * go through the page cache its mappings use, so a MAP_SHARED store is
 * what read() returns and write() is what a mapping sees. Bytes done (0 at
 * or after EOF; a write never extends the file), or -errno. */
long filemap_read(const struct initramfs_file *file, u64 offset, void *buf, unsigned long len);
long filemap_write(const struct initramfs_file *file, u64 offset, const void *buf,
		   unsigned long len);

#ifndef SIGBUS
#define SIGBUS  7
#endif
#ifndef SIGSEGV
#define SIGSEGV 11
#endif

#endif

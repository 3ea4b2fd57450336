/*
 * vmalloc, vmap, and the allocator of the vmalloc range (Linux:
 * include/linux/vmalloc.h, mm/vmalloc.c; ours: guest/mm/vmalloc.c).
 *
 * vmalloc(size) takes pages one by one wherever the page allocator has
 * them (so it succeeds when no free block is that large) and maps them
 * contiguously in [VMALLOC_START, VMALLOC_END) (asm/pgtable.h). Every area
 * is followed by an unmapped guard page, and the range below the first
 * area is unmapped too, so the page just below any area is never mapped:
 * a stack there (vmalloc_node(THREAD_SIZE)) has a guard page under it.
 *
 * Freeing is lazy (Linux's lazy vunmap): vfree() clears the area's page
 * table entries and gives its pages back at once, but the virtual range
 * goes on a purge list, stale TLB entries and all. When lazy_max_pages
 * pages wait there (or an allocation finds no room, or vm_unmap_aliases()
 * asks), __purge_vmap_area_lazy() flushes the whole batch with one
 * flush_tlb_kernel_range() -- one IPI per other CPU -- and only then
 * returns the ranges to the free space. A stale translation can so only
 * ever point into memory the owner freed (as in Linux: a use after free).
 *
 * The range allocator (struct vmap_space) is portable and unit-tested on
 * the host (tests/test_vmalloc.c): free space is a balanced tree of free
 * ranges by address, each node knowing the largest free range below it,
 * so the lowest-addressed fit is found in O(log n) however fragmented the
 * range; allocated areas are a second tree, for lookup by address.
 */
#ifndef MM_VMALLOC_H
#define MM_VMALLOC_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <mm/page_types.h>
#include <asm/pgtable_types.h>

struct page;

/* vm_struct.flags */
#define VM_IOREMAP      0x00000001UL    /* ioremap(): device memory */
#define VM_ALLOC        0x00000002UL    /* vmalloc(): pages are ours */
#define VM_MAP          0x00000004UL    /* vmap(): pages are the caller's */
#define VM_NO_GUARD     0x00000040UL    /* no guard page after the area */

#define VM_INLINE_PAGES 8               /* page array kept in the vm_struct */

/* A mapped area of the vmalloc range (Linux's struct vm_struct). */
struct vm_struct {
	void *addr;
	unsigned long size;         /* bytes, the guard page included */
	unsigned long flags;
	struct page **pages;        /* VM_ALLOC: the pages, nr_pages of them */
	unsigned int nr_pages;
	int node;
	phys_addr_t phys_addr;      /* VM_IOREMAP */
	struct page *inline_pages[VM_INLINE_PAGES];
};

/* Bytes an area maps (its guard page excluded). */
static inline unsigned long get_vm_area_size(const struct vm_struct *vm)
{
	return (vm->flags & VM_NO_GUARD) ? vm->size : vm->size - PAGE_SIZE;
}

/* A range of the vmalloc space: free, allocated, or waiting to be purged. */
struct vmap_area {
	unsigned long va_start;
	unsigned long va_end;       /* exclusive */
	struct vmap_area *left, *right;     /* in the free or the busy tree */
	unsigned long subtree_max_size;     /* free tree: largest range below */
	int height;
	struct list_head list;      /* on the purge list */
	struct vm_struct *vm;       /* the area's owner, if any */
};

/*
 * A space vmap_areas are allocated from: [start, end). One lock (Linux's
 * vmap_area_lock) guards both trees, the purge list and the counts; it is
 * taken with interrupts off and never held while allocating pages,
 * touching page tables or flushing.
 */
struct vmap_space {
	unsigned long start, end;
	spinlock_t lock;
	struct vmap_area *free_root;        /* free ranges, coalesced */
	struct vmap_area *busy_root;        /* allocated areas */
	struct list_head purge_list;        /* freed, not yet flushed */
	unsigned long lazy_nr;              /* pages on the purge list */
	unsigned long lazy_max_pages;       /* purge once more than this wait */
	/* The one shootdown of a purge (flush_tlb_kernel_range). */
	void (*flush_range)(unsigned long start, unsigned long end);
	unsigned long nr_busy, nr_free;     /* areas in each tree */
	unsigned long nr_purges;            /* purges that flushed */
	unsigned long nr_purged;            /* areas those purges returned */
};

/* ---- The range allocator ---- */

/* An empty space (all free) over [start, end); 0 or -ENOMEM. */
int vmap_space_init(struct vmap_space *vs, unsigned long start, unsigned long end,
		    void (*flush_range)(unsigned long, unsigned long));
/* SIZE bytes (pages; the caller adds any guard page) at the lowest address
 * aligned to ALIGN (a power of two >= PAGE_SIZE) where they fit; purges
 * the lazy list and retries once before failing. NULL if no room. */
struct vmap_area *alloc_vmap_area(struct vmap_space *vs, unsigned long size, unsigned long align,
				  int node);
/* The allocated area containing ADDR, or NULL. */
struct vmap_area *find_vmap_area(struct vmap_space *vs, unsigned long addr);
/* Release an allocated area lazily: its range is reusable after the next
 * purge. Purges when more than lazy_max_pages wait. */
void free_vmap_area_noflush(struct vmap_space *vs, struct vmap_area *va);
/* Flush the TLBs once for every area on the purge list and return them
 * to the free space; false if the list was empty. */
bool __purge_vmap_area_lazy(struct vmap_space *vs);
/* Linux's default: 32 MiB of pages per log2 of the CPU count. */
unsigned long lazy_max_pages(void);

struct vmap_space_info {
	unsigned long nr_busy, nr_free, nr_lazy_areas;
	unsigned long busy_bytes, free_bytes, lazy_bytes;
	unsigned long largest_free;
};
void vmap_space_info(struct vmap_space *vs, struct vmap_space_info *info);
/* Check every invariant (tree order and balance, subtree maxima, free
 * ranges coalesced, free + busy + lazy cover [start, end) exactly once).
 * NULL, or what is wrong. Takes the lock; for tests. */
const char *vmap_space_check(struct vmap_space *vs);

/* ---- The kernel's vmalloc range ---- */

extern struct vmap_space vmalloc_space;

/* Set up the vmalloc range (paging_init, once VMALLOC_START is known). */
void vmalloc_init(void);

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *vmalloc_node(unsigned long size, int node);     /* pages and tables from NODE */
void *vzalloc_node(unsigned long size, int node);
void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node);
/* Not from interrupt handlers (a purge may send IPIs); NULL is ignored. */
void vfree(const void *addr);

/* Map COUNT pages (the caller keeps them) contiguously; vunmap() undoes. */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);

/* An area with nothing mapped yet (the caller maps it: ioremap). */
struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);
struct vm_struct *__get_vm_area_node(unsigned long size, unsigned long align, unsigned long flags,
				     int node);
/* The area containing ADDR, or NULL. */
struct vm_struct *find_vm_area(const void *addr);
/* Unmap (no flush) and lazily free the area starting at ADDR; returns its
 * vm_struct for the caller to free (free_vm_area), or NULL. */
struct vm_struct *remove_vm_area(const void *addr);
void free_vm_area(struct vm_struct *vm);

/* Purge every lazily freed area now (one shootdown). */
void vm_unmap_aliases(void);

bool is_vmalloc_addr(const void *addr);
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);

/* vmalloc_selftest on the command line (vmalloc_selftest.c): PASS/FAIL
 * lines; returns the number of failed checks. */
int vmalloc_selftest(void);

#endif

/*
 * Inside a user address space (Linux: the vm_area_struct of mm_types.h,
 * mm/mmap.c's tree, mm/rmap.c, mm/filemap.c). The process side uses
 * mm/mm_user.h; this header is guest/mm's own plus what the host tests
 * look at.
 *
 * VMAs: one per [vm_start, vm_end) with one set of vm_flags and one
 * backing (anonymous, a page-cache mapping at vm_pgoff). Each mm keeps
 * them twice: in an AVL tree keyed by vm_start (find_vma in O(log n)) and
 * in an address-ordered list (neighbours for split/merge, the top-down
 * gap search). Both change only under mm->mmap_lock.
 *
 * Pages mapped into user space:
 *   anonymous   PageSwapBacked, no mapping; page->private heads the
 *               reverse map (struct anon_rmap: one (mm, address) per PTE),
 *               so reclaim can find every PTE (rmap_walk_anon).
 *   page cache  page->mapping = the address_space, page->index = file
 *               page; the cache holds one reference, each PTE another.
 *   zero page   one shared zeroed page, mapped read-only, never counted in
 *               _mapcount/_refcount (Linux: the zero pfn is "special").
 * Exact counts: _mapcount = PTEs mapping the page; _refcount = PTEs (+1
 * while in the page cache, + transient references).
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <mm/mm_struct.h>
#include <mm/mm_user.h>

struct page;
struct initramfs_file;

/* vm_flags (Linux's values). */
#define VM_READ         0x00000001UL
#define VM_WRITE        0x00000002UL
#define VM_EXEC         0x00000004UL
#define VM_SHARED       0x00000008UL
#define VM_GROWSDOWN    0x00000100UL
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

/* The lowest address mmap hands out (Linux's mmap_min_addr default). */
#define MMAP_MIN_ADDR   0x10000UL
/* The most a stack may grow (RLIMIT_STACK's default, 8 MiB). */
#define STACK_RLIMIT    (8UL << 20)
/* Top-down mmap_base sits this far below the stack top (Linux's MIN_GAP). */
#define MMAP_MIN_GAP    (128UL << 20)
/* End of the user half (exclusive): what the pgd's user entries cover. */
#define USER_PGTABLES_END ((unsigned long)KERNEL_PGD_BOUNDARY * PGDIR_SIZE)

/*
 * A page cache (Linux's struct address_space): the pages of one file, by
 * file page index. For an initramfs file (host != NULL) it lives while it
 * has users or pages (filemap_drop_caches frees it then); for shared
 * anonymous memory (host == NULL: Linux's shmem) it is freed with the last
 * VMA that uses it. refcount: VMAs and callers of file_mapping().
 */
struct address_space {
	const struct initramfs_file *host;
	unsigned long size;             /* bytes (EOF) */
	unsigned long nr_slots;         /* length of pages[] */
	struct page **pages;            /* [index] or NULL */
	unsigned long nrpages;
	int refcount;                   /* VMAs, file_mapping() callers */
	spinlock_t lock;                /* pages[] */
	struct list_head list;          /* all initramfs mappings */
};

struct vm_area_struct {
	unsigned long vm_start, vm_end; /* [start, end), page aligned */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	unsigned long vm_pgoff;         /* file page of vm_start (file VMAs) */
	struct address_space *vm_mapping;   /* NULL: anonymous private */
	struct list_head vm_list;       /* mm->mmap, by address */
	struct vm_area_struct *avl_left, *avl_right;
	int avl_height;
	unsigned long avl_subtree_gap;  /* largest vma_gap() in this subtree */
};

/* ---- the VMA tree (vma_tree.c) ---- */
/* The first VMA with vm_end > addr, or NULL (Linux's find_vma). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* The first VMA overlapping [start, end), or NULL. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);     /* must not overlap */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
/* The free gap below VMA: from the previous VMA's end to VMA's start (less
 * STACK_GUARD_GAP below a stack), 0 if none. The tree keeps the largest
 * per subtree, so the top-down search skips subtrees without room. */
unsigned long vma_gap_start(struct vm_area_struct *vma);
unsigned long vma_gap_end(struct vm_area_struct *vma);
unsigned long vma_gap(struct vm_area_struct *vma);
/* After VMA's vm_start changed (stack growth): fix the gaps above it. */
void vma_gap_update(struct mm_struct *mm, struct vm_area_struct *vma);
/* After VMA's vm_end changed: the gap of the VMA after it changed. */
void vma_end_changed(struct mm_struct *mm, struct vm_area_struct *vma);
/* Top-down: the highest LEN-byte range in a gap, ending at or below
 * HIGH and starting at or above LOW; 0 if none. */
unsigned long vma_find_gap_topdown(struct mm_struct *mm, unsigned long len, unsigned long low,
				   unsigned long high);
/* Height of the tree (tests: stays O(log n)); and a full consistency check
 * (order, balance, list == tree): 0 or -1. */
int vma_tree_height(struct mm_struct *mm);
int vma_tree_check(struct mm_struct *mm);

#define for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap, vm_list)

/* ---- mmap.c ---- */
/* Give the empty slabs of the mm_struct, vm_area_struct and anon_rmap
 * caches back (part of mm_user_drain). */
void mm_user_shrink_caches(void);
/* Top-down search for LEN bytes below mm->mmap_base, keeping
 * STACK_GUARD_GAP below a VM_GROWSDOWN VMA; the address or -ENOMEM. */
long get_unmapped_area(struct mm_struct *mm, unsigned long len);

/* ---- memory.c ---- */
/* Fault with mmap_lock held; same returns as handle_user_fault. */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, unsigned long error_code);
/* Remove the PTEs of [start, end) in VMA, dropping their pages (TLB
 * flushed before any page is freed). */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* fork: copy VMA's PTEs from SRC into DST (private pages write-protected
 * in both). 0 or -ENOMEM. */
int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma);
/* mremap: move the PTEs of [old, old + len) to [new, ...) in MM (tables
 * made first: on -ENOMEM nothing has moved). */
int move_page_tables(struct mm_struct *mm, unsigned long old, unsigned long new, unsigned long len);
/* mprotect: rewrite the PTEs of [start, end) for VMA's new vm_flags. */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* The shared zero page (allocated on first use; never freed). */
struct page *zero_page(void);
/* The page mapped at ADDR in MM (NULL if none; tests). */
struct page *follow_page(struct mm_struct *mm, unsigned long addr, bool *writable);

/* ---- rmap.c: anonymous reverse map ---- */
struct anon_rmap {
	struct anon_rmap *next;
	struct mm_struct *mm;
	unsigned long address;
};
static inline bool PageAnonUser(const struct page *page);
int page_add_anon_rmap(struct page *page, struct mm_struct *mm, unsigned long address);
void page_remove_anon_rmap(struct page *page, struct mm_struct *mm, unsigned long address);
void page_move_anon_rmap(struct page *page, struct mm_struct *mm, unsigned long old, unsigned long new);
/* Call FN for each (mm, address) whose PTE maps the anonymous PAGE;
 * returns how many. */
int rmap_walk_anon(struct page *page, void (*fn)(struct mm_struct *, unsigned long, void *),
		   void *arg);
void rmap_init(void);

/* ---- filemap.c: the page cache ---- */
/* FILE's page cache, made on first use, with a reference (mapping_put). */
struct address_space *file_mapping(const struct initramfs_file *file);
struct address_space *shmem_mapping_create(unsigned long size);
void mapping_get(struct address_space *mapping);
void mapping_put(struct address_space *mapping);
/* The page at INDEX with a reference for the caller, read in if absent
 * (*major set then); NULL beyond EOF (*err = SIGBUS) or out of memory. */
struct page *filemap_get_page(struct address_space *mapping, unsigned long index, bool *major);
/* Free every unmapped page-cache page (Linux's drop_caches), writing a
 * dirty one back into the initramfs first (nothing is lost), and the
 * mappings of files nobody uses. */
unsigned long filemap_drop_caches(void);

/* ---- accounting (vm events used as gauges: summed over CPUs) ---- */
void mm_add_rss(struct mm_struct *mm, int member, long delta);

#include <mm/mm.h>
static inline bool PageAnonUser(const struct page *page)
{
	return PageSwapBacked(page) && !page->mapping;
}

/* mm_user_selftest on the command line: PASS/FAIL lines; failures. */
int mm_user_selftest(void);

#endif

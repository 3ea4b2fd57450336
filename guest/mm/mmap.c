/*
 * User address spaces: mm_struct lifetime, VMAs and the mapping system
 * calls' work (Linux: kernel/fork.c's mm_alloc/mmput/dup_mm, mm/mmap.c,
 * mm/mprotect.c, mm/madvise.c, mm/mremap.c).
 *
 * Every function here takes mm->mmap_lock itself (a spinlock: nothing
 * here sleeps); memory.c's helpers run under it. VMAs are split where a
 * call's range cuts one (split_vma) and merged again with equal
 * neighbours afterwards (vma_merge_around), so mprotect/munmap of a
 * middle part leaves three VMAs and undoing it leaves one, as in Linux.
 *
 * Layout (top down, Linux's): the stack VMA at the top (exec's
 * mm_setup_stack), growing down on faults to 8 MiB; mmap_base 128 MiB
 * below the stack top; get_unmapped_area hands out the highest gap below
 * mmap_base that fits, keeping STACK_GUARD_GAP free below a stack; brk
 * grows up from after the program.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/initramfs.h>
#include <kernel/spinlock.h>
#include <kernel/sprintf.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/mm_user.h>
#include <mm/pgtable.h>
#include <mm/slab.h>
#include <mm/vma.h>
#include <asm/tlbflush.h>

#ifndef EOVERFLOW
#define EOVERFLOW 75
#endif
#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

static struct kmem_cache *mm_cachep, *vma_cachep;
static DEFINE_SPINLOCK(caches_lock);

static int mm_caches_init(void)
{
	if (__atomic_load_n(&vma_cachep, __ATOMIC_ACQUIRE))
		return 0;
	spin_lock(&caches_lock);
	if (!vma_cachep) {
		mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 0, 0, NULL);
		rmap_init();
		__atomic_store_n(&vma_cachep, kmem_cache_create("vm_area_struct",
				 sizeof(struct vm_area_struct), 0, 0, NULL), __ATOMIC_RELEASE);
	}
	spin_unlock(&caches_lock);
	return vma_cachep && mm_cachep ? 0 : -ENOMEM;
}

void mm_user_shrink_caches(void)
{
	extern struct kmem_cache *anon_rmap_cache(void);

	if (vma_cachep) {
		kmem_cache_shrink(vma_cachep);
		kmem_cache_shrink(mm_cachep);
		kmem_cache_shrink(anon_rmap_cache());
	}
}

void mm_user_drain(void)
{
	static const unsigned int sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048,
					      4096, 8192 };

	mm_caches_init();
	zero_page();
	filemap_drop_caches();
	mm_user_shrink_caches();
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (kmalloc_slab(sizes[i]))
			kmem_cache_shrink(kmalloc_slab(sizes[i]));
}

static struct vm_area_struct *vma_alloc(void)
{
	return kmem_cache_zalloc(vma_cachep, GFP_KERNEL);
}

static void vma_free(struct vm_area_struct *vma)
{
	if (vma->vm_mapping)
		mapping_put(vma->vm_mapping);
	kmem_cache_free(vma_cachep, vma);
}

static unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* ---- lifetime ---- */

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm;

	if (mm_caches_init())
		return NULL;
	mm = kmem_cache_zalloc(mm_cachep, GFP_KERNEL);
	if (!mm)
		return NULL;
	if (mm_alloc_pgd(mm, NUMA_NO_NODE)) {
		kmem_cache_free(mm_cachep, mm);
		return NULL;
	}
	spin_lock_init(&mm->page_table_lock);
	spin_lock_init(&mm->mmap_lock);
	INIT_LIST_HEAD(&mm->mmap);
	mm->mm_users = 1;
	mm->mmap_base = TASK_SIZE_MAX - MMAP_MIN_GAP;
	mm->stack_limit = MMAP_MIN_ADDR;
	return mm;
}

void mmget(struct mm_struct *mm)
{
	__atomic_fetch_add(&mm->mm_users, 1, __ATOMIC_RELAXED);
}

/* Unmap and free every VMA, then the page tables and the mm. */
static void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *tmp;

	list_for_each_entry_safe(vma, tmp, &mm->mmap, vm_list) {
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		vma_free(vma);
	}
	mm->total_vm = 0;
	free_pgd_range(mm, 0, USER_PGTABLES_END);
}

void mmput(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->mm_users, 1, __ATOMIC_ACQ_REL))
		return;
	spin_lock(&mm->mmap_lock);
	exit_mmap(mm);
	spin_unlock(&mm->mmap_lock);
	mm_free_pgd(mm);
	kmem_cache_free(mm_cachep, mm);
}

struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma, *nv;
	int err = 0;

	if (!mm)
		return NULL;
	spin_lock(&old->mmap_lock);
	mm->mmap_base = old->mmap_base;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->stack_limit = old->stack_limit;
	mm->total_vm = old->total_vm;
	for_each_vma(old, vma) {
		nv = vma_alloc();
		if (!nv) {
			err = -ENOMEM;
			break;
		}
		*nv = *vma;
		if (nv->vm_mapping)
			mapping_get(nv->vm_mapping);
		vma_link(mm, nv);       /* the new mm is nobody else's yet: no lock */
		err = copy_page_range(mm, old, vma);
		if (err)
			break;
	}
	spin_unlock(&old->mmap_lock);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

/* ---- VMAs ---- */

/* Split VMA at ADDR (inside it): VMA keeps [start, addr), a new VMA gets
 * [addr, end). 0 or -ENOMEM. */
static int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *nv = vma_alloc();

	if (!nv)
		return -ENOMEM;
	*nv = *vma;
	nv->vm_start = addr;
	if (nv->vm_mapping) {
		nv->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		mapping_get(nv->vm_mapping);
	}
	vma->vm_end = addr;             /* vm_start unchanged: tree order holds */
	vma_link(mm, nv);               /* and fixes the gap after nv */
	return 0;
}

/* Can B follow A as one VMA? */
static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_mapping != b->vm_mapping)
		return false;
	return !a->vm_mapping || a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

/* Merge VMA with its neighbours where they are alike; returns the VMA
 * that now covers VMA's range. */
static struct vm_area_struct *vma_merge_around(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(mm, vma), *next = vma_next(mm, vma);

	if (next && can_merge(vma, next)) {
		vma_unlink(mm, next);
		vma->vm_end = next->vm_end;
		vma_end_changed(mm, vma);
		vma_free(next);
	}
	if (prev && can_merge(prev, vma)) {
		vma_unlink(mm, vma);
		prev->vm_end = vma->vm_end;
		vma_end_changed(mm, prev);
		vma_free(vma);
		vma = prev;
	}
	return vma;
}

/* Split so that no VMA crosses START or END. 0 or -ENOMEM. */
static int split_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	if (vma && vma->vm_start < start && split_vma(mm, vma, start))
		return -ENOMEM;
	vma = find_vma(mm, end);
	if (vma && vma->vm_start < end && split_vma(mm, vma, end))
		return -ENOMEM;
	return 0;
}

/* Is [start, end) wholly covered by VMAs? */
static bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	if (!vma || vma->vm_start > start)
		return false;
	while (vma->vm_end < end) {
		struct vm_area_struct *next = vma_next(mm, vma);

		if (!next || next->vm_start != vma->vm_end)
			return false;
		vma = next;
	}
	return true;
}

/* Free the page tables that lie wholly inside the hole around ADDR (no
 * VMA there), as Linux's free_pgtables: 2 MiB granules between the
 * neighbours' ends. */
static void free_pgtables(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *next = find_vma(mm, addr), *prev;
	unsigned long floor, ceiling;

	prev = next ? vma_prev(mm, next)
		    : (list_empty(&mm->mmap) ? NULL
					     : list_entry(mm->mmap.prev, struct vm_area_struct, vm_list));
	floor = prev ? (prev->vm_end + PMD_SIZE - 1) & PMD_MASK : 0;
	ceiling = next ? next->vm_start & PMD_MASK : USER_PGTABLES_END;
	if (floor < ceiling)
		free_pgd_range(mm, floor, ceiling);
}

static int __do_munmap(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma, *next;

	if (!find_vma_intersection(mm, start, end))
		return 0;
	if (split_range(mm, start, end))
		return -ENOMEM;
	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = next) {
		next = vma_next(mm, vma);
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		mm->total_vm -= vma_pages(vma);
		vma_unlink(mm, vma);
		vma_free(vma);
	}
	free_pgtables(mm, start);
	return 0;
}

/* ---- get_unmapped_area ---- */

/* The lowest address a mapping may end at below NEXT (a stack keeps its
 * guard gap free). */
static unsigned long gap_end(const struct vm_area_struct *next, unsigned long limit)
{
	unsigned long end = next ? next->vm_start : limit;

	if (next && (next->vm_flags & VM_GROWSDOWN))
		end = end > STACK_GUARD_GAP ? end - STACK_GUARD_GAP : 0;
	return end < limit ? end : limit;
}

long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long addr;

	if (!len || len > mm->mmap_base - MMAP_MIN_ADDR)
		return -ENOMEM;
	addr = vma_find_gap_topdown(mm, len, MMAP_MIN_ADDR, mm->mmap_base);
	return addr ? (long)addr : -ENOMEM;
}

/* ---- mmap ---- */

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* Fault in [start, end) (MAP_POPULATE): writes where a private mapping is
 * writable (Linux's populate), reads elsewhere. */
static int populate(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		    unsigned long end)
{
	unsigned long ec = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE ? 0x6 : 0x4;

	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		int r = handle_mm_fault(mm, a, ec);

		if (r)
			return r == -ENOMEM ? -ENOMEM : 0;
	}
	return 0;
}

long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
	     unsigned long flags, const struct initramfs_file *file, unsigned long pgoff)
{
	struct vm_area_struct *vma;
	struct address_space *mapping = NULL;
	unsigned long type = flags & 0x03, vm_flags;
	long ret;

	if (!len)
		return -EINVAL;
	if (len > TASK_SIZE_MAX)
		return -ENOMEM;
	len = PAGE_ALIGN_UP(len);
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != 0x03 /* MAP_SHARED_VALIDATE */)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && !file)
		return -EBADF;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr > TASK_SIZE_MAX - len || addr < MMAP_MIN_ADDR)
			return flags & MAP_FIXED ? -EINVAL : -ENOMEM;
	}
	if (!(flags & MAP_ANONYMOUS) && pgoff > (~0UL >> PAGE_SHIFT) - (len >> PAGE_SHIFT))
		return -EOVERFLOW;
	vm_flags = prot_to_vm_flags(prot) | (type != MAP_PRIVATE ? VM_SHARED : 0) |
		   (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0);

	if (mm_caches_init())
		return -ENOMEM;
	if (flags & MAP_ANONYMOUS) {
		pgoff = 0;
		if (vm_flags & VM_SHARED) {
			mapping = shmem_mapping_create(len);
			if (!mapping)
				return -ENOMEM;
		}
	} else {
		mapping = file_mapping(file);
		if (!mapping)
			return -ENOMEM;
	}
	vma = vma_alloc();
	if (!vma) {
		if (mapping)
			mapping_put(mapping);
		return -ENOMEM;
	}

	spin_lock(&mm->mmap_lock);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (find_vma_intersection(mm, addr, addr + len)) {
			if (!(flags & MAP_FIXED)) {
				ret = -EEXIST;
				goto fail;
			}
			if (__do_munmap(mm, addr, addr + len)) {
				ret = -ENOMEM;
				goto fail;
			}
		}
	} else {
		unsigned long hint = PAGE_ALIGN_UP(addr);

		if (!hint || hint < MMAP_MIN_ADDR || hint > TASK_SIZE_MAX - len ||
		    find_vma_intersection(mm, hint, hint + len)) {
			ret = get_unmapped_area(mm, len);
			if (ret < 0)
				goto fail;
			hint = (unsigned long)ret;
		}
		addr = hint;
	}
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	vma->vm_mapping = mapping;
	INIT_LIST_HEAD(&vma->vm_list);
	vma_link(mm, vma);
	mm->total_vm += len >> PAGE_SHIFT;
	if (!(mapping && !mapping->host))       /* shmem objects stay one per VMA */
		vma = vma_merge_around(mm, vma);
	ret = (long)addr;
	if (flags & MAP_POPULATE) {
		int r = populate(mm, find_vma(mm, addr), addr, addr + len);

		if (r)
			ret = r;
	}
	spin_unlock(&mm->mmap_lock);
	return ret;
fail:
	spin_unlock(&mm->mmap_lock);
	vma->vm_mapping = mapping;
	vma_free(vma);
	return ret;
}

long do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	long ret;

	if ((addr & ~PAGE_MASK) || !len || addr >= TASK_SIZE_MAX || len > TASK_SIZE_MAX - addr)
		return -EINVAL;
	len = PAGE_ALIGN_UP(len);
	spin_lock(&mm->mmap_lock);
	ret = __do_munmap(mm, addr, addr + len);
	spin_unlock(&mm->mmap_lock);
	return ret;
}

long do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot)
{
	struct vm_area_struct *vma, *next;
	unsigned long end, newflags;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN_UP(len);
	end = start + len;
	if (end <= start || end > TASK_SIZE_MAX)
		return -ENOMEM;
	spin_lock(&mm->mmap_lock);
	if (!range_mapped(mm, start, end)) {
		spin_unlock(&mm->mmap_lock);
		return -ENOMEM;
	}
	if (split_range(mm, start, end)) {
		spin_unlock(&mm->mmap_lock);
		return -ENOMEM;
	}
	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = next) {
		next = vma_next(mm, vma);
		newflags = (vma->vm_flags & ~VM_ACCESS_FLAGS) | prot_to_vm_flags(prot);
		if (newflags != vma->vm_flags) {
			vma->vm_flags = newflags;
			change_protection(vma, vma->vm_start, vma->vm_end);
		}
	}
	/* Merge back what became alike (both ends and everything between). */
	vma = find_vma(mm, start);
	while (vma && vma->vm_start < end) {
		vma = vma_merge_around(mm, vma);
		vma = vma_next(mm, vma);
	}
	if (vma)
		vma_merge_around(mm, vma);
	spin_unlock(&mm->mmap_lock);
	return 0;
}

long do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int advice)
{
	struct vm_area_struct *vma;
	unsigned long end;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	/* Acted on: DONTNEED and FREE (both drop the pages now). Accepted as
	 * hints: NORMAL, RANDOM (1), SEQUENTIAL (2), WILLNEED, MERGEABLE (12),
	 * UNMERGEABLE (13), HUGEPAGE (14), NOHUGEPAGE (15). */
	if (advice != MADV_NORMAL && advice != MADV_WILLNEED && advice != MADV_DONTNEED &&
	    advice != MADV_FREE && advice != 1 && advice != 2 && (advice < 12 || advice > 15))
		return -EINVAL;
	if (!len)
		return 0;
	end = start + PAGE_ALIGN_UP(len);
	if (end <= start || end > TASK_SIZE_MAX)
		return -ENOMEM;
	spin_lock(&mm->mmap_lock);
	if (!range_mapped(mm, start, end)) {
		spin_unlock(&mm->mmap_lock);
		return -ENOMEM;
	}
	if (advice == MADV_DONTNEED || advice == MADV_FREE) {
		for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma_next(mm, vma)) {
			unsigned long s = vma->vm_start > start ? vma->vm_start : start;
			unsigned long e = vma->vm_end < end ? vma->vm_end : end;

			zap_page_range(vma, s, e);
		}
	}
	spin_unlock(&mm->mmap_lock);
	return 0;
}

/* Move the VMA that is exactly [addr, addr + old_len) to a new place of
 * NEW_LEN bytes (TARGET, or a free area when 0), PTEs and all. */
static long move_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long old_len,
		     unsigned long new_len, unsigned long target)
{
	struct vm_area_struct *nv;
	unsigned long addr = vma->vm_start;
	long r;

	if (!target) {
		r = get_unmapped_area(mm, new_len);
		if (r < 0)
			return r;
		target = (unsigned long)r;
	}
	nv = vma_alloc();
	if (!nv)
		return -ENOMEM;
	*nv = *vma;
	nv->vm_start = target;
	nv->vm_end = target + new_len;
	INIT_LIST_HEAD(&nv->vm_list);
	if (nv->vm_mapping)
		mapping_get(nv->vm_mapping);
	if (move_page_tables(mm, addr, target, old_len < new_len ? old_len : new_len)) {
		vma_free(nv);
		return -ENOMEM;
	}
	/* What lies beyond new_len (shrinking while moving) is unmapped. */
	if (new_len < old_len)
		zap_page_range(vma, addr + new_len, addr + old_len);
	vma_unlink(mm, vma);
	vma_free(vma);
	vma_link(mm, nv);
	mm->total_vm += (new_len >> PAGE_SHIFT) - (old_len >> PAGE_SHIFT);
	if (!(nv->vm_mapping && !nv->vm_mapping->host))
		vma_merge_around(mm, nv);
	return (long)target;
}

/* mremap: shrink in place, grow in place when the space after is free,
 * else move (MREMAP_MAYMOVE), or move to NEW_ADDR (MREMAP_FIXED, which
 * unmaps what was there). The old range must lie in one VMA. */
long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags, unsigned long new_addr)
{
	struct vm_area_struct *vma;
	long ret;

	if ((addr & ~PAGE_MASK) || !new_len || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && (!(flags & MREMAP_MAYMOVE) || (new_addr & ~PAGE_MASK)))
		return -EINVAL;
	old_len = PAGE_ALIGN_UP(old_len);
	new_len = PAGE_ALIGN_UP(new_len);
	if (!old_len || new_len > TASK_SIZE_MAX - addr || old_len > TASK_SIZE_MAX - addr)
		return -EINVAL;
	if ((flags & MREMAP_FIXED) &&
	    (new_addr < MMAP_MIN_ADDR || new_len > TASK_SIZE_MAX - new_addr ||
	     (new_addr < addr + old_len && addr < new_addr + new_len)))
		return -EINVAL;
	spin_lock(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr || addr + old_len > vma->vm_end) {
		ret = -EFAULT;
		goto out;
	}
	if (flags & MREMAP_FIXED) {
		if (__do_munmap(mm, new_addr, new_addr + new_len) || split_range(mm, addr, addr + old_len)) {
			ret = -ENOMEM;
			goto out;
		}
		ret = move_vma(mm, find_vma(mm, addr), old_len, new_len, new_addr);
		goto out;
	}
	if (new_len <= old_len) {
		ret = __do_munmap(mm, addr + new_len, addr + old_len);
		ret = ret ? ret : (long)addr;
		goto out;
	}
	if (addr + old_len == vma->vm_end &&
	    !find_vma_intersection(mm, vma->vm_end, addr + new_len) &&
	    (!vma->vm_mapping || vma->vm_mapping->host)) {
		mm->total_vm += (addr + new_len - vma->vm_end) >> PAGE_SHIFT;
		vma->vm_end = addr + new_len;
		vma_end_changed(mm, vma);
		vma_merge_around(mm, vma);
		ret = (long)addr;
		goto out;
	}
	if (!(flags & MREMAP_MAYMOVE)) {
		ret = -ENOMEM;
		goto out;
	}
	if (split_range(mm, addr, addr + old_len)) {
		ret = -ENOMEM;
		goto out;
	}
	ret = move_vma(mm, find_vma(mm, addr), old_len, new_len, 0);
out:
	spin_unlock(&mm->mmap_lock);
	return ret;
}

/* ---- brk and the stack ---- */

void mm_set_brk_base(struct mm_struct *mm, unsigned long start)
{
	mm->start_brk = mm->brk = PAGE_ALIGN_UP(start);
}

long do_brk(struct mm_struct *mm, unsigned long new_brk)
{
	unsigned long oldend, newend;
	struct vm_area_struct *next;
	long r;

	spin_lock(&mm->mmap_lock);
	if (new_brk < mm->start_brk || new_brk > TASK_SIZE_MAX)
		goto out;
	oldend = PAGE_ALIGN_UP(mm->brk);
	newend = PAGE_ALIGN_UP(new_brk);
	if (newend < oldend) {
		if (__do_munmap(mm, newend, oldend))
			goto out;
	} else if (newend > oldend) {
		next = find_vma(mm, oldend);
		if (next && gap_end(next, TASK_SIZE_MAX) < newend)
			goto out;
		spin_unlock(&mm->mmap_lock);
		r = do_mmap(mm, oldend, newend - oldend, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0);
		spin_lock(&mm->mmap_lock);
		if (r < 0)
			goto out;
	}
	mm->brk = new_brk;
out:
	r = (long)mm->brk;
	spin_unlock(&mm->mmap_lock);
	return r;
}

long mm_setup_stack(struct mm_struct *mm, unsigned long top, unsigned long size)
{
	long r;
	unsigned long limit;

	top &= PAGE_MASK;
	size = PAGE_ALIGN_UP(size);
	if (!size || size > top || top > TASK_SIZE_MAX)
		return -EINVAL;
	r = do_mmap(mm, top - size, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_GROWSDOWN, NULL, 0);
	if (r < 0)
		return r;
	spin_lock(&mm->mmap_lock);
	limit = top > STACK_RLIMIT + MMAP_MIN_ADDR ? top - STACK_RLIMIT : MMAP_MIN_ADDR;
	if (size > STACK_RLIMIT)
		limit = top - size;
	mm->start_stack = top;
	mm->stack_limit = limit;
	if (top > MMAP_MIN_GAP + MMAP_MIN_ADDR && top - MMAP_MIN_GAP < mm->mmap_base)
		mm->mmap_base = (top - MMAP_MIN_GAP) & PAGE_MASK;
	spin_unlock(&mm->mmap_lock);
	return 0;
}

/* ---- figures ---- */

unsigned long mm_total_vm(struct mm_struct *mm)
{
	return mm->total_vm;
}

unsigned long mm_rss(struct mm_struct *mm)
{
	long s = 0;

	for (int i = 0; i < NR_MM_COUNTERS; i++)
		s += __atomic_load_n(&mm->rss_stat[i], __ATOMIC_RELAXED);
	return s > 0 ? (unsigned long)s : 0;
}

unsigned long mm_shared_rss(struct mm_struct *mm)
{
	long s = __atomic_load_n(&mm->rss_stat[MM_FILEPAGES], __ATOMIC_RELAXED) +
		 __atomic_load_n(&mm->rss_stat[MM_SHMEMPAGES], __ATOMIC_RELAXED);

	return s > 0 ? (unsigned long)s : 0;
}

/* /proc/self/maps, Linux's format: "start-end perms offset 00:00 0 name". */
long mm_show_maps(struct mm_struct *mm, char *buf, unsigned long size)
{
	struct vm_area_struct *vma;
	unsigned long len = 0;

	if (!size)
		return 0;
	buf[0] = 0;
	spin_lock(&mm->mmap_lock);
	for_each_vma(mm, vma) {
		const char *name = "";
		int n;

		if (vma->vm_mapping && vma->vm_mapping->host)
			name = vma->vm_mapping->host->name;
		else if (vma->vm_mapping)
			name = "/dev/zero (deleted)";
		else if (vma->vm_start <= mm->start_brk && vma->vm_end >= mm->brk && mm->brk > mm->start_brk)
			name = "[heap]";
		else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack &&
			 mm->start_stack)
			name = "[stack]";
		n = snprintf(buf + len, size - len, "%08lx-%08lx %c%c%c%c %08lx 00:00 0%s%s%s\n",
			     vma->vm_start, vma->vm_end, vma->vm_flags & VM_READ ? 'r' : '-',
			     vma->vm_flags & VM_WRITE ? 'w' : '-', vma->vm_flags & VM_EXEC ? 'x' : '-',
			     vma->vm_flags & VM_SHARED ? 's' : 'p',
			     vma->vm_mapping ? vma->vm_pgoff << PAGE_SHIFT : 0, *name ? "    " : "",
			     vma->vm_mapping && vma->vm_mapping->host ? "/" : "", name);
		if (n < 0 || (unsigned long)n >= size - len) {
			buf[len] = 0;   /* whole lines only */
			break;
		}
		len += (unsigned long)n;
	}
	spin_unlock(&mm->mmap_lock);
	return (long)len;
}

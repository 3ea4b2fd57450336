/*
 * The vmalloc range (mm/vmalloc.h): the vmap_area allocator, vm_structs,
 * vmalloc/vfree, vmap/vunmap, the lazy purge.
 *
 * Locking:
 * - vs->lock (Linux's vmap_area_lock, one per vmap_space) guards the free
 *   tree, the busy tree, the purge list and the counts. Taken with
 *   interrupts off (spin_lock_irqsave). Nothing is nested inside it but
 *   the object pools' locks; it is never held while allocating pages,
 *   writing page tables or flushing TLBs.
 * - A purge takes the purge list out under the lock, flushes without it
 *   (the flush waits for every CPU: asm/tlbflush.h rule 4), then returns
 *   the ranges under the lock again. Two CPUs may purge at once; each
 *   flushes what it took.
 * - An allocated area belongs to its caller: its page-table entries are
 *   written without a lock (mm/pgtable.c), and it must not be freed twice.
 * - The object pools (vmap_area, vm_struct) have their own locks, taken
 *   last. Their pages come from the page allocator with no lock held.
 *   (They stand in for kmem_caches; memory they take is kept for reuse.)
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

#define ENOMEM  12

struct vmap_space vmalloc_space;

/* ---- Object pools: fixed-size objects carved from whole pages ---- */

struct obj_pool {
	spinlock_t lock;
	void *free;                 /* singly linked through the first word */
	unsigned long size;
	unsigned long nr_pages;
};

static struct obj_pool va_pool = { SPINLOCK_INIT, NULL, sizeof(struct vmap_area), 0 };
static struct obj_pool vm_pool = { SPINLOCK_INIT, NULL, sizeof(struct vm_struct), 0 };

static void *pool_alloc(struct obj_pool *p, int nid)
{
	unsigned long flags;
	char *obj;

	spin_lock_irqsave(&p->lock, flags);
	obj = p->free;
	if (obj)
		p->free = *(void **)obj;
	spin_unlock_irqrestore(&p->lock, flags);
	if (!obj) {
		struct page *page = alloc_pages_node(nid, GFP_KERNEL, 0);
		unsigned long n = PAGE_SIZE / p->size;

		if (!page)
			return NULL;
		obj = page_address(page);
		spin_lock_irqsave(&p->lock, flags);
		for (unsigned long i = 1; i < n; i++) {
			*(void **)(obj + i * p->size) = p->free;
			p->free = obj + i * p->size;
		}
		p->nr_pages++;
		spin_unlock_irqrestore(&p->lock, flags);
	}
	memset(obj, 0, p->size);
	return obj;
}

static void pool_free(struct obj_pool *p, void *obj)
{
	unsigned long flags;

	if (!obj)
		return;
	spin_lock_irqsave(&p->lock, flags);
	*(void **)obj = p->free;
	p->free = obj;
	spin_unlock_irqrestore(&p->lock, flags);
}

/* ---- AVL trees of vmap_areas by va_start, each node knowing the
 * largest range in its subtree (used in the free tree). ---- */

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static inline int va_height(const struct vmap_area *va)
{
	return va ? va->height : 0;
}

static inline unsigned long va_max(const struct vmap_area *va)
{
	return va ? va->subtree_max_size : 0;
}

static void va_update(struct vmap_area *va)
{
	va->height = 1 + max(va_height(va->left), va_height(va->right));
	va->subtree_max_size = max(va_size(va), max(va_max(va->left), va_max(va->right)));
}

static struct vmap_area *va_rotate_right(struct vmap_area *y)
{
	struct vmap_area *x = y->left;

	y->left = x->right;
	x->right = y;
	va_update(y);
	va_update(x);
	return x;
}

static struct vmap_area *va_rotate_left(struct vmap_area *x)
{
	struct vmap_area *y = x->right;

	x->right = y->left;
	y->left = x;
	va_update(x);
	va_update(y);
	return y;
}

static struct vmap_area *va_balance(struct vmap_area *n)
{
	int bf;

	va_update(n);
	bf = va_height(n->left) - va_height(n->right);
	if (bf > 1) {
		if (va_height(n->left->left) < va_height(n->left->right))
			n->left = va_rotate_left(n->left);
		return va_rotate_right(n);
	}
	if (bf < -1) {
		if (va_height(n->right->right) < va_height(n->right->left))
			n->right = va_rotate_right(n->right);
		return va_rotate_left(n);
	}
	return n;
}

static struct vmap_area *va_insert(struct vmap_area *root, struct vmap_area *va)
{
	if (!root) {
		va->left = va->right = NULL;
		va_update(va);
		return va;
	}
	if (va->va_start < root->va_start)
		root->left = va_insert(root->left, va);
	else
		root->right = va_insert(root->right, va);
	return va_balance(root);
}

static struct vmap_area *va_remove_min(struct vmap_area *n, struct vmap_area **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = va_remove_min(n->left, min);
	return va_balance(n);
}

/* Remove VA (found by its va_start) from the tree at ROOT. */
static struct vmap_area *va_erase(struct vmap_area *root, struct vmap_area *va)
{
	struct vmap_area *min;

	if (!root)
		panic("vmalloc: area [0x%lx, 0x%lx) not in its tree", va->va_start, va->va_end);
	if (va->va_start < root->va_start) {
		root->left = va_erase(root->left, va);
	} else if (va->va_start > root->va_start) {
		root->right = va_erase(root->right, va);
	} else {
		if (!root->right)
			return root->left;
		root->right = va_remove_min(root->right, &min);
		min->left = root->left;
		min->right = root->right;
		return va_balance(min);
	}
	return va_balance(root);
}

/* The area containing ADDR. */
static struct vmap_area *va_find_containing(struct vmap_area *n, unsigned long addr)
{
	while (n) {
		if (addr < n->va_start)
			n = n->left;
		else if (addr >= n->va_end)
			n = n->right;
		else
			return n;
	}
	return NULL;
}

/* The area with the greatest va_start below ADDR. */
static struct vmap_area *va_find_prev(struct vmap_area *n, unsigned long addr)
{
	struct vmap_area *best = NULL;

	while (n) {
		if (n->va_start < addr) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/* The area starting exactly at ADDR. */
static struct vmap_area *va_find_start(struct vmap_area *n, unsigned long addr)
{
	while (n && n->va_start != addr)
		n = addr < n->va_start ? n->left : n->right;
	return n;
}

/* The lowest free range where SIZE bytes aligned to ALIGN fit; their
 * address in *ADDRP. Subtrees whose largest range is too small are
 * skipped, so with page alignment this follows one path down. */
static struct vmap_area *find_vmap_lowest_match(struct vmap_area *n, unsigned long size,
						unsigned long align, unsigned long *addrp)
{
	struct vmap_area *found;

	if (!n || n->subtree_max_size < size)
		return NULL;
	found = find_vmap_lowest_match(n->left, size, align, addrp);
	if (found)
		return found;
	if (va_size(n) >= size) {
		unsigned long addr = ALIGN(n->va_start, align);

		if (addr >= n->va_start && addr + size > addr && addr + size <= n->va_end) {
			*addrp = addr;
			return n;
		}
	}
	return find_vmap_lowest_match(n->right, size, align, addrp);
}

/* Put the free range VA into the free tree, merged with free neighbours
 * (whose structures are released). Lock held. */
static void merge_or_add_vmap_area(struct vmap_space *vs, struct vmap_area *va)
{
	struct vmap_area *next = va_find_start(vs->free_root, va->va_end);
	struct vmap_area *prev = va_find_prev(vs->free_root, va->va_start);

	if (next) {
		vs->free_root = va_erase(vs->free_root, next);
		va->va_end = next->va_end;
		pool_free(&va_pool, next);
		vs->nr_free--;
	}
	if (prev && prev->va_end == va->va_start) {
		vs->free_root = va_erase(vs->free_root, prev);
		va->va_start = prev->va_start;
		pool_free(&va_pool, prev);
		vs->nr_free--;
	}
	va->vm = NULL;
	vs->free_root = va_insert(vs->free_root, va);
	vs->nr_free++;
}

/* ---- The range allocator ---- */

static unsigned int fls_ulong(unsigned long x)
{
	return x ? 64 - (unsigned int)__builtin_clzl(x) : 0;
}

unsigned long lazy_max_pages(void)
{
	return fls_ulong(nr_cpu_ids) * (32UL * 1024 * 1024 / PAGE_SIZE);
}

int vmap_space_init(struct vmap_space *vs, unsigned long start, unsigned long end,
		    void (*flush_range)(unsigned long, unsigned long))
{
	struct vmap_area *va = pool_alloc(&va_pool, NUMA_NO_NODE);

	if (!va)
		return -ENOMEM;
	memset(vs, 0, sizeof(*vs));
	spin_lock_init(&vs->lock);
	INIT_LIST_HEAD(&vs->purge_list);
	vs->start = start;
	vs->end = end;
	vs->flush_range = flush_range;
	vs->lazy_max_pages = lazy_max_pages();
	va->va_start = start;
	va->va_end = end;
	vs->free_root = va_insert(NULL, va);
	vs->nr_free = 1;
	return 0;
}

struct vmap_area *alloc_vmap_area(struct vmap_space *vs, unsigned long size, unsigned long align,
				  int node)
{
	struct vmap_area *va, *spare, *free;
	unsigned long flags, addr = 0;
	bool purged = false;

	if (!size || !IS_ALIGNED(size, PAGE_SIZE) || align < PAGE_SIZE || (align & (align - 1)))
		panic("alloc_vmap_area: bad size 0x%lx or alignment 0x%lx", size, align);
retry:
	/* Both structures a split can need, allocated before the lock. */
	va = pool_alloc(&va_pool, node);
	spare = pool_alloc(&va_pool, node);
	if (!va || !spare) {
		pool_free(&va_pool, va);
		pool_free(&va_pool, spare);
		return NULL;
	}
	spin_lock_irqsave(&vs->lock, flags);
	free = find_vmap_lowest_match(vs->free_root, size, align, &addr);
	if (!free) {
		bool lazy = vs->lazy_nr != 0;

		spin_unlock_irqrestore(&vs->lock, flags);
		pool_free(&va_pool, va);
		pool_free(&va_pool, spare);
		if (lazy && !purged) {
			__purge_vmap_area_lazy(vs);
			purged = true;
			goto retry;
		}
		return NULL;
	}
	/* Carve [addr, addr + size) out of FREE: what is left on each side
	 * stays free (FREE's structure keeps one side, SPARE the other). */
	vs->free_root = va_erase(vs->free_root, free);
	vs->nr_free--;
	if (free->va_start < addr && addr + size < free->va_end) {
		spare->va_start = addr + size;
		spare->va_end = free->va_end;
		vs->free_root = va_insert(vs->free_root, spare);
		vs->nr_free++;
		spare = NULL;
		free->va_end = addr;
	} else if (free->va_start < addr) {
		free->va_end = addr;
	} else if (addr + size < free->va_end) {
		free->va_start = addr + size;
	} else {
		pool_free(&va_pool, spare);     /* exact fit: FREE's structure goes */
		spare = free;
		free = NULL;
	}
	if (free) {
		vs->free_root = va_insert(vs->free_root, free);
		vs->nr_free++;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	vs->busy_root = va_insert(vs->busy_root, va);
	vs->nr_busy++;
	spin_unlock_irqrestore(&vs->lock, flags);
	pool_free(&va_pool, spare);
	return va;
}

struct vmap_area *find_vmap_area(struct vmap_space *vs, unsigned long addr)
{
	struct vmap_area *va;
	unsigned long flags;

	spin_lock_irqsave(&vs->lock, flags);
	va = va_find_containing(vs->busy_root, addr);
	spin_unlock_irqrestore(&vs->lock, flags);
	return va;
}

void free_vmap_area_noflush(struct vmap_space *vs, struct vmap_area *va)
{
	unsigned long flags, lazy;

	spin_lock_irqsave(&vs->lock, flags);
	if (va_find_start(vs->busy_root, va->va_start) != va)
		panic("vmalloc: freeing [0x%lx, 0x%lx), which is not allocated", va->va_start, va->va_end);
	vs->busy_root = va_erase(vs->busy_root, va);
	vs->nr_busy--;
	list_add_tail(&va->list, &vs->purge_list);
	vs->lazy_nr += va_size(va) >> PAGE_SHIFT;
	lazy = vs->lazy_nr;
	spin_unlock_irqrestore(&vs->lock, flags);
	if (lazy > vs->lazy_max_pages)
		__purge_vmap_area_lazy(vs);
}

bool __purge_vmap_area_lazy(struct vmap_space *vs)
{
	struct list_head local;
	struct vmap_area *va, *tmp;
	unsigned long flags, start = ~0UL, end = 0, n = 0;

	INIT_LIST_HEAD(&local);
	spin_lock_irqsave(&vs->lock, flags);
	list_splice_init(&vs->purge_list, &local);
	vs->lazy_nr = 0;
	spin_unlock_irqrestore(&vs->lock, flags);
	if (list_empty(&local))
		return false;

	list_for_each_entry(va, &local, list) {
		start = min(start, va->va_start);
		end = max(end, va->va_end);
	}
	/* The one shootdown for the whole batch. */
	if (vs->flush_range)
		vs->flush_range(start, end);

	spin_lock_irqsave(&vs->lock, flags);
	list_for_each_entry_safe(va, tmp, &local, list) {
		list_del(&va->list);
		merge_or_add_vmap_area(vs, va);
		n++;
	}
	vs->nr_purges++;
	vs->nr_purged += n;
	spin_unlock_irqrestore(&vs->lock, flags);
	return true;
}

/* ---- Statistics and checks ---- */

static void info_walk(const struct vmap_area *n, unsigned long *count, unsigned long *bytes,
		      unsigned long *largest)
{
	for (; n; n = n->right) {
		info_walk(n->left, count, bytes, largest);
		(*count)++;
		*bytes += va_size(n);
		if (largest)
			*largest = max(*largest, va_size(n));
	}
}

void vmap_space_info(struct vmap_space *vs, struct vmap_space_info *info)
{
	const struct vmap_area *va;
	unsigned long flags;

	memset(info, 0, sizeof(*info));
	spin_lock_irqsave(&vs->lock, flags);
	info_walk(vs->busy_root, &info->nr_busy, &info->busy_bytes, NULL);
	info_walk(vs->free_root, &info->nr_free, &info->free_bytes, &info->largest_free);
	list_for_each_entry(va, &vs->purge_list, list) {
		info->nr_lazy_areas++;
		info->lazy_bytes += va_size(va);
	}
	spin_unlock_irqrestore(&vs->lock, flags);
}

struct check_state {
	const char *why;
	unsigned long prev_end;     /* in-order walk: end of the previous area */
	bool first;
	bool free_tree;
	unsigned long start, end;
	unsigned long count, bytes;
};

/* In-order walk checking order, bounds, balance and maxima; returns the
 * subtree's height (-1 on error). */
static int check_tree(struct check_state *c, const struct vmap_area *n)
{
	int hl, hr;

	if (!n)
		return 0;
	if ((hl = check_tree(c, n->left)) < 0)
		return -1;
	if (n->va_start >= n->va_end || n->va_start < c->start || n->va_end > c->end ||
	    !IS_ALIGNED(n->va_start, PAGE_SIZE) || !IS_ALIGNED(n->va_end, PAGE_SIZE)) {
		c->why = "an area is empty, unaligned or outside the space";
		return -1;
	}
	if (!c->first && n->va_start < c->prev_end) {
		c->why = "areas out of order or overlapping";
		return -1;
	}
	if (!c->first && c->free_tree && n->va_start == c->prev_end) {
		c->why = "two free ranges touch (not coalesced)";
		return -1;
	}
	c->first = false;
	c->prev_end = n->va_end;
	c->count++;
	c->bytes += va_size(n);
	if ((hr = check_tree(c, n->right)) < 0)
		return -1;
	if (n->height != 1 + max(hl, hr) || hl - hr > 1 || hr - hl > 1) {
		c->why = "tree height wrong or unbalanced";
		return -1;
	}
	if (n->subtree_max_size != max(va_size(n), max(va_max(n->left), va_max(n->right)))) {
		c->why = "subtree_max_size wrong";
		return -1;
	}
	return n->height;
}

/* Does [s, e) overlap an area of the tree at ROOT? */
static bool overlaps_tree(const struct vmap_area *root, unsigned long s, unsigned long e)
{
	const struct vmap_area *prev = va_find_prev((struct vmap_area *)root, e);

	return prev && prev->va_end > s;
}

static bool busy_overlaps_free(const struct vmap_area *n, const struct vmap_area *free_root)
{
	for (; n; n = n->right)
		if (overlaps_tree(free_root, n->va_start, n->va_end) ||
		    busy_overlaps_free(n->left, free_root))
			return true;
	return false;
}

const char *vmap_space_check(struct vmap_space *vs)
{
	struct check_state fc = { .first = true, .free_tree = true, .start = vs->start, .end = vs->end };
	struct check_state bc = { .first = true, .start = vs->start, .end = vs->end };
	const struct vmap_area *va, *other;
	unsigned long flags, lazy_bytes = 0, lazy_pages = 0;
	const char *why = NULL;

	spin_lock_irqsave(&vs->lock, flags);
	if (check_tree(&fc, vs->free_root) < 0)
		why = fc.why;
	else if (check_tree(&bc, vs->busy_root) < 0)
		why = bc.why;
	else if (fc.count != vs->nr_free || bc.count != vs->nr_busy)
		why = "nr_free or nr_busy does not match the trees";
	if (why)
		goto out;
	list_for_each_entry(va, &vs->purge_list, list) {
		if (va->va_start >= va->va_end || va->va_start < vs->start || va->va_end > vs->end) {
			why = "a lazy area is empty or outside the space";
			goto out;
		}
		/* No lazy area overlaps a free, busy or other lazy one. */
		if (overlaps_tree(vs->free_root, va->va_start, va->va_end) ||
		    overlaps_tree(vs->busy_root, va->va_start, va->va_end)) {
			why = "a lazy area overlaps a free or busy one";
			goto out;
		}
		list_for_each_entry(other, &vs->purge_list, list)
			if (other != va && other->va_start < va->va_end && va->va_start < other->va_end) {
				why = "two lazy areas overlap";
				goto out;
			}
		lazy_bytes += va_size(va);
		lazy_pages += va_size(va) >> PAGE_SHIFT;
	}
	if (lazy_pages != vs->lazy_nr)
		why = "lazy_nr does not match the purge list";
	else if (fc.bytes + bc.bytes + lazy_bytes != vs->end - vs->start)
		why = "free + busy + lazy do not cover the space exactly";
	else if (busy_overlaps_free(vs->busy_root, vs->free_root))
		why = "an allocated area overlaps a free range";
out:
	spin_unlock_irqrestore(&vs->lock, flags);
	return why;
}

/* ---- vm_structs: areas of the kernel's vmalloc range ---- */

void vmalloc_init(void)
{
	if (vmap_space_init(&vmalloc_space, VMALLOC_START, VMALLOC_END, flush_tlb_kernel_range))
		panic("vmalloc: no memory for the vmalloc range");
}

struct vm_struct *__get_vm_area_node(unsigned long size, unsigned long align, unsigned long flags,
				     int node)
{
	struct vm_struct *vm;
	struct vmap_area *va;

	size = ALIGN(size, PAGE_SIZE);
	if (!size)
		return NULL;
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (!(flags & VM_NO_GUARD))
		size += PAGE_SIZE;
	vm = pool_alloc(&vm_pool, node);
	if (!vm)
		return NULL;
	va = alloc_vmap_area(&vmalloc_space, size, align, node);
	if (!va) {
		pool_free(&vm_pool, vm);
		return NULL;
	}
	vm->addr = (void *)va->va_start;
	vm->size = size;
	vm->flags = flags;
	vm->node = node;
	va->vm = vm;
	return vm;
}

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return __get_vm_area_node(size, PAGE_SIZE, flags, NUMA_NO_NODE);
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vmap_area *va = find_vmap_area(&vmalloc_space, (unsigned long)addr);

	return va ? va->vm : NULL;
}

struct vm_struct *remove_vm_area(const void *addr)
{
	struct vmap_area *va = find_vmap_area(&vmalloc_space, (unsigned long)addr);
	struct vm_struct *vm;

	if (!va || va->va_start != (unsigned long)addr || !va->vm)
		return NULL;
	vm = va->vm;
	vunmap_range_noflush(va->va_start, va->va_start + get_vm_area_size(vm));
	free_vmap_area_noflush(&vmalloc_space, va);
	return vm;
}

void free_vm_area(struct vm_struct *vm)
{
	pool_free(&vm_pool, vm);
}

bool is_vmalloc_addr(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= VMALLOC_START && a < VMALLOC_END;
}

struct page *vmalloc_to_page(const void *addr)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)addr, &level);

	if (!pte || !pte_present(ptep_get(pte)))
		return NULL;
	if (level == PG_LEVEL_2M)
		return pfn_to_page(pmd_pfn(*(pmd_t *)pte) + (((unsigned long)addr & ~PMD_MASK) >> PAGE_SHIFT));
	if (level != PG_LEVEL_4K)
		return NULL;
	return pte_page(ptep_get(pte));
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);

	return page ? page_to_pfn(page) : 0;
}

/* ---- vmalloc / vfree ---- */

/* Free VM's pages and page array (the area is unmapped already). */
static void vm_free_pages(struct vm_struct *vm)
{
	for (unsigned int i = 0; i < vm->nr_pages; i++)
		if (vm->pages[i])
			__free_pages(vm->pages[i], 0);
	if (vm->pages && vm->pages != vm->inline_pages) {
		if (is_vmalloc_addr(vm->pages))
			vfree(vm->pages);
		else
			free_pages((unsigned long)vm->pages, 0);
	}
	vm->pages = NULL;
	vm->nr_pages = 0;
}

void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node)
{
	unsigned long nr, array_bytes;
	struct vm_struct *vm;

	size = ALIGN(size, PAGE_SIZE);
	if (!size)
		return NULL;
	nr = size >> PAGE_SHIFT;
	vm = __get_vm_area_node(size, align, VM_ALLOC, node);
	if (!vm)
		goto fail;
	/* The page array: in the vm_struct, one page, or vmalloc'd itself. */
	array_bytes = nr * sizeof(struct page *);
	if (nr <= VM_INLINE_PAGES) {
		vm->pages = vm->inline_pages;
	} else if (array_bytes <= PAGE_SIZE) {
		struct page *p = alloc_pages_node(node, gfp & ~__GFP_ZERO, 0);
		vm->pages = p ? page_address(p) : NULL;
	} else {
		vm->pages = __vmalloc_node(array_bytes, PAGE_SIZE, gfp & ~__GFP_ZERO, node);
	}
	if (!vm->pages)
		goto fail_area;
	for (vm->nr_pages = 0; vm->nr_pages < nr; vm->nr_pages++) {
		struct page *page = alloc_pages_node(node, gfp, 0);

		if (!page)
			goto fail_area;
		vm->pages[vm->nr_pages] = page;
	}
	if (vmap_pages_range_noflush((unsigned long)vm->addr, (unsigned long)vm->addr + size,
				     PAGE_KERNEL, vm->pages, node))
		goto fail_area;
	return vm->addr;

fail_area:
	remove_vm_area(vm->addr);
	vm_free_pages(vm);
	free_vm_area(vm);
fail:
	if (!(gfp & __GFP_NOWARN))
		printk("vmalloc: allocation of %lu bytes on node %d failed\n", size, node);
	return NULL;
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_node(size, PAGE_SIZE, GFP_KERNEL, NUMA_NO_NODE);
}

void *vzalloc(unsigned long size)
{
	return __vmalloc_node(size, PAGE_SIZE, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE);
}

void *vmalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, PAGE_SIZE, GFP_KERNEL, node);
}

void *vzalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, PAGE_SIZE, GFP_KERNEL | __GFP_ZERO, node);
}

void vfree(const void *addr)
{
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = remove_vm_area(addr);
	if (!vm || !(vm->flags & VM_ALLOC))
		panic("vfree(%p): not the start of a vmalloc area", addr);
	vm_free_pages(vm);
	free_vm_area(vm);
}

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	struct vm_struct *vm;
	unsigned long addr;

	if (!count)
		return NULL;
	vm = get_vm_area((unsigned long)count << PAGE_SHIFT, flags | VM_MAP);
	if (!vm)
		return NULL;
	addr = (unsigned long)vm->addr;
	if (vmap_pages_range_noflush(addr, addr + ((unsigned long)count << PAGE_SHIFT), prot, pages,
				     NUMA_NO_NODE)) {
		vunmap(vm->addr);
		return NULL;
	}
	return vm->addr;
}

void vunmap(const void *addr)
{
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = remove_vm_area(addr);
	if (!vm)
		panic("vunmap(%p): not the start of a vmap area", addr);
	free_vm_area(vm);
}

void vm_unmap_aliases(void)
{
	__purge_vmap_area_lazy(&vmalloc_space);
}

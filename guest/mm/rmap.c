/*
 * The reverse map of anonymous pages (Linux: mm/rmap.c; Linux groups the
 * mappings of a page through anon_vma, we keep one entry per PTE, which is
 * exact and small for our sizes). page->private heads a singly linked list
 * of struct anon_rmap {mm, address}, one per PTE mapping the page, so
 * page_mapcount(page) == length of the list, always. Reclaim (next issue)
 * walks it with rmap_walk_anon to unmap a page from every mm.
 *
 * Locking: one global spinlock (rmap_lock) guards every list and
 * _mapcount changes of anonymous pages; the caller also holds the
 * mmap_lock of the mm whose PTE changes. Order: mm->mmap_lock, then
 * rmap_lock. rmap_walk_anon calls its function under rmap_lock, so the
 * function must not take an mmap_lock (reclaim: collect the (mm, address)
 * pairs, then spin_trylock each mm's mmap_lock, as Linux's trylock of
 * mmap_lock in its rmap walks).
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vma.h>
#include <mm/vm_event_item.h>

static DEFINE_SPINLOCK(rmap_lock);
static struct kmem_cache *anon_rmap_cachep;

void rmap_init(void)
{
	if (!anon_rmap_cachep)
		anon_rmap_cachep = kmem_cache_create("anon_rmap", sizeof(struct anon_rmap), 0, 0, NULL);
}

struct kmem_cache *anon_rmap_cache(void)
{
	return anon_rmap_cachep;
}

/* A new PTE maps PAGE at ADDRESS of MM: one more rmap entry and mapcount. */
int page_add_anon_rmap(struct page *page, struct mm_struct *mm, unsigned long address)
{
	struct anon_rmap *r = kmem_cache_alloc(anon_rmap_cachep, GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->mm = mm;
	r->address = address;
	spin_lock(&rmap_lock);
	r->next = (struct anon_rmap *)page->private;
	page->private = (unsigned long)r;
	if (__atomic_fetch_add(&page->_mapcount, 1, __ATOMIC_RELAXED) == 0)
		count_vm_event(NR_ANON_PAGES);
	spin_unlock(&rmap_lock);
	return 0;
}

void page_remove_anon_rmap(struct page *page, struct mm_struct *mm, unsigned long address)
{
	struct anon_rmap **pp, *r = NULL;

	spin_lock(&rmap_lock);
	for (pp = (struct anon_rmap **)&page->private; *pp; pp = &(*pp)->next) {
		if ((*pp)->mm == mm && (*pp)->address == address) {
			r = *pp;
			*pp = r->next;
			break;
		}
	}
	if (!r)
		panic("rmap: anonymous page %p has no entry for mm %p address %#lx", page, mm, address);
	if (__atomic_sub_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED) == 0)
		count_vm_events(NR_ANON_PAGES, -1UL);
	spin_unlock(&rmap_lock);
	kmem_cache_free(anon_rmap_cachep, r);
}

int rmap_walk_anon(struct page *page, void (*fn)(struct mm_struct *, unsigned long, void *),
		   void *arg)
{
	struct anon_rmap *r;
	int n = 0;

	spin_lock(&rmap_lock);
	for (r = (struct anon_rmap *)page->private; r; r = r->next, n++)
		if (fn)
			fn(r->mm, r->address, arg);
	spin_unlock(&rmap_lock);
	return n;
}

/* mremap moved the PTE of MM mapping PAGE from OLD to NEW. */
void page_move_anon_rmap(struct page *page, struct mm_struct *mm, unsigned long old, unsigned long new)
{
	struct anon_rmap *r;

	spin_lock(&rmap_lock);
	for (r = (struct anon_rmap *)page->private; r; r = r->next)
		if (r->mm == mm && r->address == old) {
			r->address = new;
			break;
		}
	spin_unlock(&rmap_lock);
	if (!r)
		panic("rmap: anonymous page %p has no entry for mm %p address %#lx", page, mm, old);
}

/*
 * User page faults, copy-on-write, the zero page, tearing down and
 * copying user page tables (Linux: mm/memory.c).
 *
 * Rules:
 * - Callers hold mm->mmap_lock (a spinlock: faults never sleep here).
 *   Faults must come with interrupts enabled: a fault may send a TLB
 *   shootdown, and another CPU spinning on the same mmap_lock must be able
 *   to answer it (asm/tlbflush.h rule 4).
 * - PTEs are written with set_pte. Clearing or downgrading a present PTE is
 *   followed by a flush covering it before the page it pointed to can be
 *   freed (rule 1): zap_page_range gathers pages in a struct mmu_gather and
 *   flushes before putting them; CoW flushes before dropping the old page.
 * - A PTE is "mapped" when present, or when it carries _PAGE_PROTNONE
 *   (Linux's trick for PROT_NONE: present clear, the pfn kept).
 * - A private page is mapped writable only while exactly one PTE maps it
 *   (the CoW invariant); fork write-protects both sides.
 *
 * Counters: pgfault (every fault), pgmajfault (a file page read in from
 * the initramfs), cow_fault (a page copied for a write), pgreuse (a CoW
 * fault that found itself the only user and kept the page), zero_page_map
 * (a read of fresh anonymous memory mapped the zero page).
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/mm_user.h>
#include <mm/pgtable.h>
#include <mm/vma.h>
#include <mm/vm_event_item.h>
#include <asm/tlbflush.h>

/* x86 #PF error code bits. */
#define PF_PROT   0x01
#define PF_WRITE  0x02
#define PF_USER   0x04
#define PF_RSVD   0x08
#define PF_INSTR  0x10

#define _PAGE_PROTNONE  _PAGE_GLOBAL   /* with _PAGE_PRESENT clear (Linux) */

static struct page *zero_pg;
static DEFINE_SPINLOCK(zero_lock);

struct page *zero_page(void)
{
	struct page *p = __atomic_load_n(&zero_pg, __ATOMIC_ACQUIRE);

	if (likely(p))
		return p;
	spin_lock(&zero_lock);
	if (!zero_pg) {
		p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
		if (p)
			__SetPageReserved(p);   /* never freed: bad_page if anyone tries */
		__atomic_store_n(&zero_pg, p, __ATOMIC_RELEASE);
	}
	spin_unlock(&zero_lock);
	return zero_pg;
}

static bool is_zero_page(const struct page *page)
{
	return page == zero_pg;
}

static bool upte_mapped(pte_t pte)
{
	return pte_val(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

/* The PTE for PFN in a VMA with VM_FLAGS; WRITABLE only where allowed. */
static pte_t mk_user_pte(unsigned long pfn, unsigned long vm_flags, bool writable)
{
	pteval_t v;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return __pte(((pteval_t)pfn << PAGE_SHIFT) | _PAGE_PROTNONE);
	v = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
	if (writable && (vm_flags & VM_WRITE))
		v |= _PAGE_RW | _PAGE_DIRTY;
	if (!(vm_flags & VM_EXEC))
		v |= _PAGE_NX;
	return pfn_pte(pfn, __pgprot(v));
}

void mm_add_rss(struct mm_struct *mm, int member, long delta)
{
	__atomic_fetch_add(&mm->rss_stat[member], delta, __ATOMIC_RELAXED);
}

static int page_rss_member(const struct page *page)
{
	if (PageAnonUser(page))
		return MM_ANONPAGES;
	return page->mapping && !page->mapping->host ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/* The PTE slot of ADDR in MM; with ALLOC the tables are made (NULL: no
 * memory), without it NULL where a table is missing. */
static pte_t *walk_pte(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	int nid = numa_node_id();

	if (alloc) {
		if (!(p4d = p4d_alloc_node(mm, pgd, addr, nid)) ||
		    !(pud = pud_alloc_node(mm, p4d, addr, nid)) ||
		    !(pmd = pmd_alloc_node(mm, pud, addr, nid)))
			return NULL;
		return pte_alloc_node(mm, pmd, addr, nid);
	}
	if (pgd_none(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud))
		return NULL;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

struct page *follow_page(struct mm_struct *mm, unsigned long addr, bool *writable)
{
	pte_t *ptep = walk_pte(mm, addr & PAGE_MASK, false);
	pte_t pte = ptep ? ptep_get(ptep) : __pte(0);

	if (!upte_mapped(pte))
		return NULL;
	if (writable)
		*writable = pte_present(pte) && pte_write(pte);
	return pte_page(pte);
}

/* A page-cache page gains a PTE in MM (the caller's reference becomes the
 * PTE's). */
static void page_add_file_rmap(struct page *page, struct mm_struct *mm)
{
	if (__atomic_fetch_add(&page->_mapcount, 1, __ATOMIC_RELAXED) == 0)
		count_vm_event(NR_MAPPED);
	mm_add_rss(mm, page_rss_member(page), 1);
}

/* A PTE of MM at ADDR no longer maps PAGE (its reference is put later,
 * after the TLB flush). */
static void page_remove_rmap(struct page *page, struct mm_struct *mm, unsigned long addr)
{
	mm_add_rss(mm, page_rss_member(page), -1);
	if (PageAnonUser(page))
		page_remove_anon_rmap(page, mm, addr);
	else if (__atomic_sub_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED) == 0)
		count_vm_events(NR_MAPPED, -1UL);
}

/* A new anonymous page for a user PTE (node-local; zeroed if ZERO). */
static struct page *alloc_anon_page(bool zero)
{
	struct page *page = alloc_pages_node(numa_node_id(),
					     GFP_HIGHUSER_MOVABLE | (zero ? __GFP_ZERO : 0), 0);

	if (page)
		SetPageSwapBacked(page);
	return page;
}

static void free_anon_page(struct page *page)
{
	ClearPageSwapBacked(page);
	page->private = 0;
	put_page(page);
}

/* ---- Unmapping: pages are put only after the flush (struct mmu_gather) ---- */

#define MMU_GATHER_BATCH 32

struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end;
	unsigned int nr;
	struct page *pages[MMU_GATHER_BATCH];
};

static void tlb_gather_init(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb->mm = mm;
	tlb->start = ~0UL;
	tlb->end = 0;
	tlb->nr = 0;
}

static void tlb_flush_mmu(struct mmu_gather *tlb)
{
	if (tlb->start < tlb->end)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end, PAGE_SHIFT, false);
	for (unsigned int i = 0; i < tlb->nr; i++) {
		struct page *page = tlb->pages[i];

		if (PageAnonUser(page) && page_ref_count(page) == 1)
			free_anon_page(page);
		else
			put_page(page);
	}
	tlb->nr = 0;
	tlb->start = ~0UL;
	tlb->end = 0;
}

static void tlb_remove_page(struct mmu_gather *tlb, unsigned long addr, struct page *page)
{
	if (addr < tlb->start)
		tlb->start = addr;
	if (addr + PAGE_SIZE > tlb->end)
		tlb->end = addr + PAGE_SIZE;
	if (page) {
		tlb->pages[tlb->nr++] = page;
		if (tlb->nr == MMU_GATHER_BATCH)
			tlb_flush_mmu(tlb);
	}
}

/* Next address to look at when ADDR's page table is missing. */
static unsigned long skip_to_next_pmd(unsigned long addr, unsigned long end)
{
	unsigned long next = (addr & PMD_MASK) + PMD_SIZE;

	return next > end || next < addr ? end : next;
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_gather tlb;
	unsigned long addr = start, next;

	tlb_gather_init(&tlb, mm);
	for (; addr < end; addr = next) {
		pte_t *ptep = walk_pte(mm, addr, false);

		next = skip_to_next_pmd(addr, end);
		for (; ptep && addr < next; addr += PAGE_SIZE, ptep++) {
			pte_t pte = ptep_get(ptep);
			struct page *page;

			if (!upte_mapped(pte))
				continue;
			pte_clear(mm, addr, ptep);
			page = pte_page(pte);
			if (is_zero_page(page)) {
				page = NULL;
			} else {
				if (pte_val(pte) & _PAGE_DIRTY && page->mapping)
					SetPageDirty(page);
				page_remove_rmap(page, mm, addr);
			}
			tlb_remove_page(&tlb, addr, page);
		}
	}
	tlb_flush_mmu(&tlb);
}

/* ---- fork ---- */

int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start, end = vma->vm_end, next;
	bool wrprotected = false;
	int ret = 0;

	for (; addr < end && !ret; addr = next) {
		pte_t *sp = walk_pte(src, addr, false), *dtable = NULL, *dp;

		next = skip_to_next_pmd(addr, end);
		for (; sp && addr < next; addr += PAGE_SIZE, sp++) {
			pte_t pte = ptep_get(sp);
			struct page *page;

			if (!upte_mapped(pte))
				continue;
			if (!dtable) {  /* the child's table for this pmd: entry 0 */
				dp = walk_pte(dst, addr, true);
				if (!dp) {
					ret = -ENOMEM;
					break;
				}
				dtable = dp - pte_index(addr);
			}
			dp = dtable + pte_index(addr);
			page = pte_page(pte);
			if (PageAnonUser(page)) {
				if (page_add_anon_rmap(page, dst, addr)) {
					ret = -ENOMEM;
					break;
				}
				get_page(page);
				mm_add_rss(dst, MM_ANONPAGES, 1);
				if (pte_val(pte) & _PAGE_RW) {    /* CoW: read-only in both */
					pte = __pte(pte_val(pte) & ~_PAGE_RW);
					set_pte(sp, pte);
					wrprotected = true;
				}
			} else if (!is_zero_page(page)) {
				get_page(page);
				page_add_file_rmap(page, dst);
			}
			set_pte(dp, pte);
		}
	}
	if (wrprotected)
		flush_tlb_mm_range(src, vma->vm_start, vma->vm_end, PAGE_SHIFT, false);
	return ret;
}

/* ---- mprotect ---- */

void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = start, next;
	bool changed = false;

	for (; addr < end; addr = next) {
		pte_t *ptep = walk_pte(mm, addr, false);

		next = skip_to_next_pmd(addr, end);
		for (; ptep && addr < next; addr += PAGE_SIZE, ptep++) {
			pte_t pte = ptep_get(ptep), npte;

			if (!upte_mapped(pte))
				continue;
			/* Write stays only where it was (CoW and dirty tracking). */
			npte = mk_user_pte(pte_pfn(pte), vma->vm_flags,
					   pte_present(pte) && pte_write(pte));
			if (pte_val(npte) & _PAGE_PRESENT)
				npte = __pte(pte_val(npte) | (pte_val(pte) & _PAGE_DIRTY));
			if (pte_val(npte) != pte_val(pte)) {
				set_pte(ptep, npte);
				changed = true;
			}
		}
	}
	if (changed)
		flush_tlb_mm_range(mm, start, end, PAGE_SHIFT, false);
}

/* ---- mremap ---- */

int move_page_tables(struct mm_struct *mm, unsigned long old, unsigned long new, unsigned long len)
{
	bool moved = false;

	/* Pass 1 makes every destination table (nothing moves if one fails);
	 * pass 2 moves. */
	for (int pass = 1; pass <= 2; pass++) {
		for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
			pte_t *op = walk_pte(mm, old + off, false), *np, pte;
			struct page *page;

			if (!op) {
				off = skip_to_next_pmd(old + off, old + len) - old - PAGE_SIZE;
				continue;
			}
			pte = ptep_get(op);
			if (!upte_mapped(pte))
				continue;
			np = walk_pte(mm, new + off, true);
			if (!np)
				return -ENOMEM;
			if (pass == 1)
				continue;
			pte_clear(mm, old + off, op);
			set_pte(np, pte);
			moved = true;
			page = pte_page(pte);
			if (!is_zero_page(page) && PageAnonUser(page))
				page_move_anon_rmap(page, mm, old + off, new + off);
		}
	}
	if (moved)      /* the pages stay mapped (elsewhere): flush, nothing to free */
		flush_tlb_mm_range(mm, old, old + len, PAGE_SHIFT, false);
	return 0;
}

/* ---- faults ---- */

/* Write to a present read-only PTE of a writable VMA. */
static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		      pte_t *ptep, pte_t pte)
{
	struct page *old = pte_page(pte), *page;
	bool zero = is_zero_page(old);

	if (vma->vm_flags & VM_SHARED) {        /* shared page: just let it be written */
		SetPageDirty(old);
		set_pte(ptep, mk_user_pte(pte_pfn(pte), vma->vm_flags, true));
		return 0;
	}
	/* The only user of an anonymous page keeps it (Linux's reuse). */
	if (!zero && PageAnonUser(old) && page_mapcount(old) == 1 && page_ref_count(old) == 1) {
		set_pte(ptep, mk_user_pte(pte_pfn(pte), vma->vm_flags, true));
		count_vm_event(PGREUSE);
		return 0;
	}
	page = alloc_anon_page(zero);
	if (!page)
		return -ENOMEM;
	if (!zero) {
		memcpy(page_address(page), page_address(old), PAGE_SIZE);
		count_vm_event(COW_FAULT);
	}
	if (page_add_anon_rmap(page, mm, addr)) {
		free_anon_page(page);
		return -ENOMEM;
	}
	mm_add_rss(mm, MM_ANONPAGES, 1);
	set_pte(ptep, mk_user_pte(page_to_pfn(page), vma->vm_flags, true));
	flush_tlb_page(vma, addr);              /* the old translation, everywhere */
	if (!zero) {
		page_remove_rmap(old, mm, addr);
		if (PageAnonUser(old) && page_ref_count(old) == 1)
			free_anon_page(old);
		else
			put_page(old);
	}
	return 0;
}

static int do_anonymous_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
			     pte_t *ptep, bool write)
{
	struct page *page;

	if (!write) {
		struct page *zp = zero_page();

		if (!zp)
			return -ENOMEM;
		set_pte(ptep, mk_user_pte(page_to_pfn(zp), vma->vm_flags, false));
		count_vm_event(ZERO_PAGE_MAP);
		return 0;
	}
	page = alloc_anon_page(true);
	if (!page)
		return -ENOMEM;
	if (page_add_anon_rmap(page, mm, addr)) {
		free_anon_page(page);
		return -ENOMEM;
	}
	mm_add_rss(mm, MM_ANONPAGES, 1);
	set_pte(ptep, mk_user_pte(page_to_pfn(page), vma->vm_flags, true));
	return 0;
}

static int do_file_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
			 pte_t *ptep, bool write)
{
	unsigned long index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	struct page *page, *copy;
	bool major;

	page = filemap_get_page(vma->vm_mapping, index, &major);
	if (!page)
		return index >= vma->vm_mapping->nr_slots ? SIGBUS : -ENOMEM;
	if (major)
		count_vm_event(PGMAJFAULT);
	if (write && !(vma->vm_flags & VM_SHARED)) {    /* private: our own copy */
		copy = alloc_anon_page(false);
		if (!copy) {
			put_page(page);
			return -ENOMEM;
		}
		memcpy(page_address(copy), page_address(page), PAGE_SIZE);
		put_page(page);
		count_vm_event(COW_FAULT);
		if (page_add_anon_rmap(copy, mm, addr)) {
			free_anon_page(copy);
			return -ENOMEM;
		}
		mm_add_rss(mm, MM_ANONPAGES, 1);
		set_pte(ptep, mk_user_pte(page_to_pfn(copy), vma->vm_flags, true));
		return 0;
	}
	if (write)
		SetPageDirty(page);
	page_add_file_rmap(page, mm);
	set_pte(ptep, mk_user_pte(page_to_pfn(page), vma->vm_flags, write));
	return 0;
}

/* Grow the stack VMA down to cover ADDR: 0, or -1 past its limit or too
 * close (STACK_GUARD_GAP) to the VMA below. */
static int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *prev = vma_prev(mm, vma);

	addr &= PAGE_MASK;
	if (addr < mm->stack_limit || addr < MMAP_MIN_ADDR || vma->vm_end - addr > STACK_RLIMIT)
		return -1;
	if (prev && (addr < prev->vm_end || addr - prev->vm_end < STACK_GUARD_GAP))
		return -1;
	if (vma->vm_mapping)
		return -1;
	mm->total_vm += (vma->vm_start - addr) >> PAGE_SHIFT;
	vma->vm_start = addr;           /* stays above prev: the tree order holds */
	vma_gap_update(mm, vma);
	return 0;
}

int handle_mm_fault(struct mm_struct *mm, unsigned long addr, unsigned long error_code)
{
	struct vm_area_struct *vma;
	bool write = error_code & PF_WRITE;
	pte_t *ptep, pte;

	count_vm_event(PGFAULT);
	if (error_code & PF_RSVD)
		return SIGSEGV;
	vma = find_vma(mm, addr);
	if (!vma)
		return SIGSEGV;
	if (addr < vma->vm_start &&
	    (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(mm, vma, addr)))
		return SIGSEGV;
	if ((write && !(vma->vm_flags & VM_WRITE)) ||
	    ((error_code & PF_INSTR) && !(vma->vm_flags & VM_EXEC)) ||
	    !(vma->vm_flags & VM_ACCESS_FLAGS))
		return SIGSEGV;
	addr &= PAGE_MASK;
	ptep = walk_pte(mm, addr, true);
	if (!ptep)
		return -ENOMEM;
	pte = ptep_get(ptep);
	if (pte_present(pte)) {
		if (write && !pte_write(pte))
			return do_wp_page(mm, vma, addr, ptep, pte);
		return 0;       /* another CPU mapped it, or a stale TLB entry */
	}
	if (upte_mapped(pte))   /* PROT_NONE PTE in an accessible VMA: cannot be */
		return SIGSEGV;
	if (vma->vm_mapping)
		return do_file_fault(mm, vma, addr, ptep, write);
	return do_anonymous_page(mm, vma, addr, ptep, write);
}

int handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned long error_code)
{
	int ret;

	if (!mm || addr >= TASK_SIZE_MAX)
		return SIGSEGV;
	spin_lock(&mm->mmap_lock);
	ret = handle_mm_fault(mm, addr, error_code);
	spin_unlock(&mm->mmap_lock);
	return ret;
}

/* ---- copies to and from user memory, through the direct map ---- */

/* Copy N bytes between KBUF and user ADDR of MM (TO_USER: into user
 * memory); STR: stop after a NUL (returns its index). */
static long user_copy(struct mm_struct *mm, unsigned long uaddr, void *kbuf, unsigned long n,
		      bool to_user, bool str)
{
	unsigned long done = 0;
	long ret = 0;

	spin_lock(&mm->mmap_lock);
	while (done < n) {
		unsigned long addr = uaddr + done, off = addr & ~PAGE_MASK;
		unsigned long chunk = PAGE_SIZE - off < n - done ? PAGE_SIZE - off : n - done;
		pte_t *ptep;
		pte_t pte;
		u8 *k;

		if (addr < uaddr || addr >= TASK_SIZE_MAX) {
			ret = -EFAULT;
			break;
		}
		ptep = walk_pte(mm, addr & PAGE_MASK, false);
		pte = ptep ? ptep_get(ptep) : __pte(0);
		if (!pte_present(pte) || !(pte_val(pte) & _PAGE_USER) || (to_user && !pte_write(pte))) {
			int r = handle_mm_fault(mm, addr, PF_USER | (to_user ? PF_WRITE : 0) |
						(pte_present(pte) ? PF_PROT : 0));

			if (r) {
				ret = r == -ENOMEM ? -ENOMEM : -EFAULT;
				break;
			}
			continue;
		}
		k = (u8 *)__va(pte_pfn(pte) << PAGE_SHIFT) + off;
		if (str) {
			u8 *d = (u8 *)kbuf + done;
			unsigned long i;

			for (i = 0; i < chunk; i++)
				if (!(d[i] = k[i]))
					break;
			if (i < chunk) {
				ret = (long)(done + i);
				goto out;
			}
		} else if (to_user) {
			memcpy(k, (u8 *)kbuf + done, chunk);
		} else {
			memcpy((u8 *)kbuf + done, k, chunk);
		}
		done += chunk;
	}
	if (!ret)
		ret = (long)done;
out:
	spin_unlock(&mm->mmap_lock);
	return ret;
}

long copy_from_user_mm(struct mm_struct *mm, void *dst, unsigned long src, unsigned long n)
{
	long r = user_copy(mm, src, dst, n, false, false);

	return r < 0 ? r : 0;
}

long copy_to_user_mm(struct mm_struct *mm, unsigned long dst, const void *src, unsigned long n)
{
	long r = user_copy(mm, dst, (void *)src, n, true, false);

	return r < 0 ? r : 0;
}

long strncpy_from_user_mm(struct mm_struct *mm, char *dst, unsigned long src, unsigned long n)
{
	return user_copy(mm, src, dst, n, false, true);
}

/*
 * The page-table walker (mm/pgtable.h): allocating and linking tables,
 * mapping and unmapping ranges, looking an address up, freeing tables.
 * Every walk goes pgd -> p4d -> pud -> pmd -> pte through asm/pgtable.h,
 * whose p4d_offset() returns the pgd entry itself under 4-level paging:
 * there is no separate 4-level or 5-level code (Linux's run-time folding).
 * Also init_mm, the kernel's address space (Linux: mm/init-mm.c).
 *
 * Locking:
 * - mm->page_table_lock guards linking a table into an empty entry of the
 *   mm's tables (pgd/p4d/pud/pmd): the new table is allocated and zeroed
 *   without the lock, then linked under it unless another CPU linked one
 *   first (the loser frees its page). Entries that point to tables never
 *   change again while the mm lives, except in free_pgd_range(), which the
 *   mm's owner calls when nothing else walks the range.
 * - Leaf entries (pte, 2 MiB pmd) belong to whoever owns the virtual range:
 *   for kernel mappings the owner of the vmap_area (mm/vmalloc.h) or
 *   paging_init; nobody else writes them, so no lock. (User mms get a
 *   page-table lock for leaves with the process issue.)
 * - init_mm.page_table_lock is a leaf lock: nothing is taken under it and
 *   no flush is made holding it. Allocation happens before it is taken.
 * - Changing or clearing a present leaf requires a TLB flush before the
 *   old frame is reused (asm/tlbflush.h, rule 1); the mapping functions
 *   here only fill empty entries, and the unmapping ones leave the flush
 *   to the caller, so that one flush covers a whole batch.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <asm/tlbflush.h>

#define ENOMEM  12
#define EBUSY   16

struct mm_struct init_mm = {
	.page_table_lock = SPINLOCK_INIT,
};

static unsigned long nr_pgtable_pages;

unsigned long nr_page_table_pages(void)
{
	return __atomic_load_n(&nr_pgtable_pages, __ATOMIC_RELAXED);
}

/* ---- Page-table pages ---- */

/* A zeroed page for a table, from node NID (NUMA_NO_NODE: this CPU's). */
static void *pgtable_alloc(int nid)
{
	struct page *page = alloc_pages_node(nid, GFP_KERNEL | __GFP_ZERO, 0);

	if (!page)
		return NULL;
	page->page_type = PGTY_table;
	__atomic_fetch_add(&nr_pgtable_pages, 1, __ATOMIC_RELAXED);
	return page_address(page);
}

static void pgtable_free(void *table)
{
	struct page *page = virt_to_page(table);

	if (page->page_type != PGTY_table)
		panic("pgtable: freeing %p, which is not a page-table page", table);
	page->page_type = 0;
	__atomic_fetch_sub(&nr_pgtable_pages, 1, __ATOMIC_RELAXED);
	__free_pages(page, 0);
}

int __p4d_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long address, int nid)
{
	p4d_t *new = pgtable_alloc(nid);

	(void)address;
	if (!new)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (pgd_present(pgdp_get(pgd))) {
		spin_unlock(&mm->page_table_lock);
		pgtable_free(new);     /* another CPU linked one first */
		return 0;
	}
	pgd_populate(pgd, new);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

int __pud_alloc(struct mm_struct *mm, p4d_t *p4d, unsigned long address, int nid)
{
	pud_t *new = pgtable_alloc(nid);

	(void)address;
	if (!new)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (p4d_present(p4dp_get(p4d))) {
		spin_unlock(&mm->page_table_lock);
		pgtable_free(new);
		return 0;
	}
	p4d_populate(p4d, new);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

int __pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long address, int nid)
{
	pmd_t *new = pgtable_alloc(nid);

	(void)address;
	if (!new)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (pud_present(pudp_get(pud))) {
		spin_unlock(&mm->page_table_lock);
		pgtable_free(new);
		return 0;
	}
	pud_populate(pud, new);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

int __pte_alloc(struct mm_struct *mm, pmd_t *pmd, int nid)
{
	pte_t *new = pgtable_alloc(nid);

	if (!new)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (pmd_present(pmdp_get(pmd))) {
		spin_unlock(&mm->page_table_lock);
		pgtable_free(new);
		return 0;
	}
	pmd_populate_kernel(pmd, new);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/* ---- Lookup ---- */

pte_t *lookup_address_in_pgd(pgd_t *pgd, unsigned long address, unsigned int *level)
{
	pgd_t *pgdp = pgd_offset_pgd(pgd, address);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	*level = PG_LEVEL_NONE;
	if (pgd_none(pgdp_get(pgdp)))
		return NULL;
	p4d = p4d_offset(pgdp, address);
	if (p4d_none(p4dp_get(p4d)))
		return NULL;
	pud = pud_offset(p4d, address);
	if (pud_none(pudp_get(pud)))
		return NULL;
	*level = PG_LEVEL_1G;
	if (pud_leaf(pudp_get(pud)))
		return (pte_t *)pud;
	pmd = pmd_offset(pud, address);
	if (pmd_none(pmdp_get(pmd)))
		return NULL;
	*level = PG_LEVEL_2M;
	if (pmd_leaf(pmdp_get(pmd)))
		return (pte_t *)pmd;
	*level = PG_LEVEL_4K;
	return pte_offset_kernel(pmd, address);
}

pte_t *lookup_address(unsigned long address, unsigned int *level)
{
	return lookup_address_in_pgd(init_mm.pgd, address, level);
}

/* ---- Mapping a range: the frames come from a physical start or an array
 * of pages (Linux's vmap_range_noflush / vmap_pages_range_noflush). ---- */

struct vmap_src {
	phys_addr_t phys;           /* next frame, when pages is NULL */
	struct page **pages;        /* else the next of these */
	unsigned long idx;
	unsigned int max_page_shift;
	pgprot_t prot;
	int nid;
};

static unsigned long vmap_src_next_pfn(struct vmap_src *src)
{
	unsigned long pfn;

	if (src->pages)
		return page_to_pfn(src->pages[src->idx++]);
	pfn = (unsigned long)(src->phys >> PAGE_SHIFT);
	src->phys += PAGE_SIZE;
	return pfn;
}

static int vmap_pte_range(struct mm_struct *mm, pmd_t *pmd, unsigned long addr,
			  unsigned long end, struct vmap_src *src)
{
	pte_t *pte = pte_alloc_node(mm, pmd, addr, src->nid);

	if (!pte)
		return -ENOMEM;
	do {
		if (!pte_none(ptep_get(pte))) {
			printk("WARNING: vmap: 0x%lx already mapped (pte 0x%lx)\n", addr,
			       (unsigned long)pte_val(ptep_get(pte)));
			return -EBUSY;
		}
		set_pte(pte, pfn_pte(vmap_src_next_pfn(src), src->prot));
	} while (pte++, addr += PAGE_SIZE, addr != end);
	return 0;
}

/* Can [addr, next) be one 2 MiB page? */
static bool vmap_try_huge_pmd(pmd_t *pmd, unsigned long addr, unsigned long next,
			      const struct vmap_src *src)
{
	return src->max_page_shift >= PMD_SHIFT && !src->pages && next - addr == PMD_SIZE &&
	       IS_ALIGNED(addr, PMD_SIZE) && IS_ALIGNED(src->phys, PMD_SIZE) &&
	       pmd_none(pmdp_get(pmd));
}

static int vmap_pmd_range(struct mm_struct *mm, pud_t *pud, unsigned long addr,
			  unsigned long end, struct vmap_src *src)
{
	pmd_t *pmd = pmd_alloc_node(mm, pud, addr, src->nid);
	unsigned long next;
	int err;

	if (!pmd)
		return -ENOMEM;
	do {
		next = pmd_addr_end(addr, end);
		if (vmap_try_huge_pmd(pmd, addr, next, src)) {
			set_pmd(pmd, pfn_pmd((unsigned long)(src->phys >> PAGE_SHIFT), src->prot));
			src->phys += PMD_SIZE;
			continue;
		}
		if (pmd_leaf(pmdp_get(pmd)))
			return -EBUSY;
		err = vmap_pte_range(mm, pmd, addr, next, src);
		if (err)
			return err;
	} while (pmd++, addr = next, addr != end);
	return 0;
}

static int vmap_pud_range(struct mm_struct *mm, p4d_t *p4d, unsigned long addr,
			  unsigned long end, struct vmap_src *src)
{
	pud_t *pud = pud_alloc_node(mm, p4d, addr, src->nid);
	unsigned long next;
	int err;

	if (!pud)
		return -ENOMEM;
	do {
		next = pud_addr_end(addr, end);
		if (pud_leaf(pudp_get(pud)))
			return -EBUSY;
		err = vmap_pmd_range(mm, pud, addr, next, src);
		if (err)
			return err;
	} while (pud++, addr = next, addr != end);
	return 0;
}

static int vmap_p4d_range(struct mm_struct *mm, pgd_t *pgd, unsigned long addr,
			  unsigned long end, struct vmap_src *src)
{
	p4d_t *p4d = p4d_alloc_node(mm, pgd, addr, src->nid);
	unsigned long next;
	int err;

	if (!p4d)
		return -ENOMEM;
	do {
		next = p4d_addr_end(addr, end);
		err = vmap_pud_range(mm, p4d, addr, next, src);
		if (err)
			return err;
	} while (p4d++, addr = next, addr != end);
	return 0;
}

static int vmap_range_src(struct mm_struct *mm, unsigned long addr, unsigned long end,
			  struct vmap_src *src)
{
	pgd_t *pgd;
	unsigned long next;
	int err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE) || addr >= end)
		panic("vmap: bad range [0x%lx, 0x%lx)", addr, end);
	pgd = pgd_offset(mm, addr);
	do {
		next = pgd_addr_end(addr, end);
		err = vmap_p4d_range(mm, pgd, addr, next, src);
		if (err)
			return err;
	} while (pgd++, addr = next, addr != end);
	return 0;
}

int vmap_range_mm(struct mm_struct *mm, unsigned long addr, unsigned long end,
		  phys_addr_t phys, pgprot_t prot, unsigned int max_page_shift, int nid)
{
	struct vmap_src src = { .phys = phys, .max_page_shift = max_page_shift, .prot = prot, .nid = nid };

	return vmap_range_src(mm, addr, end, &src);
}

int vmap_pages_range_mm(struct mm_struct *mm, unsigned long addr, unsigned long end,
			pgprot_t prot, struct page **pages, int nid)
{
	struct vmap_src src = { .pages = pages, .max_page_shift = PAGE_SHIFT, .prot = prot, .nid = nid };

	return vmap_range_src(mm, addr, end, &src);
}

/* ---- Unmapping a range (leaves only; Linux's vunmap_range_noflush) ---- */

static void vunmap_pte_range(pmd_t *pmd, unsigned long addr, unsigned long end)
{
	pte_t *pte = pte_offset_kernel(pmd, addr);

	do {
		set_pte(pte, __pte(0));
	} while (pte++, addr += PAGE_SIZE, addr != end);
}

static void vunmap_pmd_range(pud_t *pud, unsigned long addr, unsigned long end)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;

	do {
		next = pmd_addr_end(addr, end);
		if (pmd_leaf(pmdp_get(pmd))) {
			if (next - addr != PMD_SIZE)
				panic("vunmap: [0x%lx, 0x%lx) splits a 2 MiB page", addr, next);
			pmd_clear(pmd);
			continue;
		}
		if (!pmd_none(pmdp_get(pmd)))
			vunmap_pte_range(pmd, addr, next);
	} while (pmd++, addr = next, addr != end);
}

static void vunmap_pud_range(p4d_t *p4d, unsigned long addr, unsigned long end)
{
	pud_t *pud = pud_offset(p4d, addr);
	unsigned long next;

	do {
		next = pud_addr_end(addr, end);
		if (!pud_none(pudp_get(pud)))
			vunmap_pmd_range(pud, addr, next);
	} while (pud++, addr = next, addr != end);
}

static void vunmap_p4d_range(pgd_t *pgd, unsigned long addr, unsigned long end)
{
	p4d_t *p4d = p4d_offset(pgd, addr);
	unsigned long next;

	do {
		next = p4d_addr_end(addr, end);
		if (!p4d_none(p4dp_get(p4d)))
			vunmap_pud_range(p4d, addr, next);
	} while (p4d++, addr = next, addr != end);
}

void vunmap_range_mm(struct mm_struct *mm, unsigned long addr, unsigned long end)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	unsigned long next;

	if (addr >= end)
		return;
	do {
		next = pgd_addr_end(addr, end);
		if (!pgd_none(pgdp_get(pgd)))
			vunmap_p4d_range(pgd, addr, next);
	} while (pgd++, addr = next, addr != end);
}

/* ---- An mm's own tables ---- */

int mm_alloc_pgd(struct mm_struct *mm, int nid)
{
	pgd_t *pgd = pgtable_alloc(nid);

	if (!pgd)
		return -ENOMEM;
	/* The kernel half: init_mm's entries, whose tables exist from boot. */
	if (init_mm.pgd)
		memcpy(pgd + KERNEL_PGD_BOUNDARY, init_mm.pgd + KERNEL_PGD_BOUNDARY,
		       KERNEL_PGD_PTRS * sizeof(pgd_t));
	mm->pgd = pgd;
	spin_lock_init(&mm->page_table_lock);
	cpumask_clear(mm_cpumask(mm));
	__atomic_store_n(&mm->context.tlb_gen, 0, __ATOMIC_RELAXED);
	return 0;
}

void mm_free_pgd(struct mm_struct *mm)
{
	if (cpumask_weight(mm_cpumask(mm)))
		panic("mm_free_pgd: the mm is still loaded on %u CPUs", cpumask_weight(mm_cpumask(mm)));
	pgtable_free(mm->pgd);
	mm->pgd = NULL;
}

/*
 * Freeing tables: detach every table that lies wholly inside the range
 * (collecting it and everything below it on a list), flush once, free.
 * A table that the range covers only in part is kept, and the walk goes
 * down into it.
 */
struct pgtable_gather {
	void **tables;      /* a page used as an array of table pointers */
	unsigned long nr, max;
	struct mm_struct *mm;
	unsigned long start, end;
};

static void gather_flush_free(struct pgtable_gather *g)
{
	if (!g->nr)
		return;
	flush_tlb_mm_range(g->mm, g->start, g->end, PAGE_SHIFT, true);
	for (unsigned long i = 0; i < g->nr; i++)
		pgtable_free(g->tables[i]);
	g->nr = 0;
}

static void gather_table(struct pgtable_gather *g, void *table)
{
	if (g->nr == g->max)
		gather_flush_free(g);   /* the detached tables so far: flush, free */
	g->tables[g->nr++] = table;
}

/* Gather TABLE (of LEVEL: 4 = p4d ... 1 = pte) and the tables below it. */
static void gather_subtree(struct pgtable_gather *g, u64 *table, int level)
{
	if (level > 1)
		for (int i = 0; i < 512; i++) {
			u64 e = READ_ONCE(table[i]);
			if ((e & _PAGE_PRESENT) && !(e & _PAGE_PSE))
				gather_subtree(g, pgtable_entry_vaddr(e), level - 1);
		}
	gather_table(g, table);
}

/* The entries of TABLE (LEVEL, each covering 1 << SHIFT bytes) over
 * [addr, end): detach those wholly inside, descend into the others. */
static void free_range_level(struct pgtable_gather *g, u64 *table, int level, unsigned int shift,
			     unsigned long addr, unsigned long end)
{
	unsigned long size = 1UL << shift, next;

	for (; addr != end; addr = next) {
		u64 *entry = &table[(addr >> shift) & 511];
		u64 e = READ_ONCE(*entry);

		next = pgtable_addr_end(addr, end, size);
		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE) || level == 1)
			continue;       /* leaves are the caller's */
		if (IS_ALIGNED(addr, size) && next - addr == size) {
			WRITE_ONCE(*entry, 0);
			gather_subtree(g, pgtable_entry_vaddr(e), level - 1);
		} else {
			free_range_level(g, pgtable_entry_vaddr(e), level - 1, shift - 9, addr, next);
		}
	}
}

void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	struct pgtable_gather g = { .mm = mm, .start = addr, .end = end, .max = PAGE_SIZE / sizeof(void *) };
	/* Levels below the pgd: 4 with LA57 (p4d, pud, pmd, pte), else 3. */
	int top = pgtable_l5_enabled() ? 5 : 4;

	if (mm == &init_mm || end > (unsigned long)KERNEL_PGD_BOUNDARY * PGDIR_SIZE || addr >= end)
		panic("free_pgd_range: [0x%lx, 0x%lx) is not user space", addr, end);
	if (!page)
		panic("free_pgd_range: no page to gather tables in");
	g.tables = page_address(page);
	free_range_level(&g, (u64 *)mm->pgd, top, PGDIR_SHIFT, addr, end);
	gather_flush_free(&g);
	__free_pages(page, 0);
}

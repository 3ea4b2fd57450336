/*
 * Printing a struct page (Linux: mm/debug.c, __dump_page).
 *
 *   page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x1234
 *   flags: 0x4000000000000000(reserved|node=0|zone=1|order=2)
 *   page_type: 0xf0000000(buddy, order 3)
 *   raw: 4000000000000000 dead000000000100 dead000000000122 0000000000000000
 *   raw: 0000000000000000 0000000000000000 0000000100000000 0000000000000000
 *   page dumped because: nonzero mapcount
 *
 * Only plain printk conversions (%d %u %lx %s, widths) are used. Locking:
 * none; the page may be changing while it is printed.
 */
#include <mm/mm.h>
#include <kernel/printk.h>

static const char *const pageflag_names[__NR_PAGEFLAGS] = {
	[PG_locked] = "locked",
	[PG_writeback] = "writeback",
	[PG_referenced] = "referenced",
	[PG_uptodate] = "uptodate",
	[PG_dirty] = "dirty",
	[PG_lru] = "lru",
	[PG_head] = "head",
	[PG_waiters] = "waiters",
	[PG_active] = "active",
	[PG_workingset] = "workingset",
	[PG_owner_priv_1] = "owner_priv_1",
	[PG_arch_1] = "arch_1",
	[PG_reserved] = "reserved",
	[PG_private] = "private",
	[PG_private_2] = "private_2",
	[PG_reclaim] = "reclaim",
	[PG_swapbacked] = "swapbacked",
	[PG_unevictable] = "unevictable",
	[PG_mlocked] = "mlocked",
	[PG_swapcache] = "swapcache",
};

static char *append(char *p, char *end, const char *s)
{
	while (*s && p < end - 1)
		*p++ = *s++;
	*p = '\0';
	return p;
}

void dump_page(const struct page *page, const char *reason)
{
	const unsigned long *raw = (const unsigned long *)page;
	char names[256], *p = names, *end = names + sizeof(names);
	int i;

	names[0] = '\0';
	for (i = 0; i < __NR_PAGEFLAGS; i++) {
		if (page->flags & (1UL << i)) {
			p = append(p, end, pageflag_names[i]);
			p = append(p, end, "|");
		}
	}
	printk("page: refcount:%d mapcount:%d mapping:%016lx index:0x%lx pfn:0x%lx\n",
	       page->_refcount, page->_mapcount, (unsigned long)page->mapping,
	       page->index, page_to_pfn(page));
	printk("flags: 0x%lx(%snode=%d|zone=%d|order=%d)\n", page->flags, names,
	       page_to_nid(page), (int)page_zonenum(page), page_alloc_order(page));
	if (PageBuddy(page))
		printk("page_type: 0x%x(buddy, order %lu)\n", page->page_type, page->private);
	else
		printk("page_type: 0x%x(%s)\n", page->page_type,
		       PageSlab(page) ? "slab" : PageLargeKmalloc(page) ? "large_kmalloc" :
		       PageTail(page) ? "slab tail" : page->page_type ? "unknown" : "none");
	for (i = 0; i < 8; i += 4)
		printk("raw: %016lx %016lx %016lx %016lx\n",
		       raw[i], raw[i + 1], raw[i + 2], raw[i + 3]);
	printk("page dumped because: %s\n", reason);
}

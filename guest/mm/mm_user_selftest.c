/*
 * mm_user_selftest on the command line: user address spaces checked in a
 * real guest before any process runs (the process side's programs check
 * them again from ring 3). Everything goes through copy_*_user_mm (the
 * direct map), so no CR3 switch is needed. Ring 0 is interpreted on our
 * machines: the test touches a handful of pages only.
 *
 * Lines: "mm_user selftest: <what>: PASS|FAIL", then
 * "mm_user selftest: N passed, M failed".
 */
#include <kernel/initramfs.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/mm_user.h>
#include <mm/slab.h>
#include <mm/vma.h>
#include <mm/vmstat.h>
#include <mm/vm_event_item.h>


static struct selftest st;

static void check(bool ok, const char *what)
{
	selftest_report(&st, ok, what);
}

static unsigned long avail(void)
{
	unsigned long s = 0;

	int nid;

	for_each_node_state(nid, N_ONLINE)
		s += node_available_pages(nid);
	return s;
}

static void settle(void)
{
	mm_user_drain();
}

static unsigned long ev(enum vm_event_item i)
{
	return global_vm_event(i);
}

static void anon_and_cow(void)
{
	const unsigned long n = 4, k = 2, a = 0x10000000UL;
	struct mm_struct *mm = mm_alloc(), *child;
	unsigned long v, got, cow0, reuse0;
	bool ok = true, w;

	if (!mm) {
		check(false, "mm_alloc");
		return;
	}
	check(do_mmap(mm, a, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0) == (long)a, "do_mmap anonymous");
	check(handle_user_fault(mm, a + 7 * PAGE_SIZE, 0x4) == 0 &&
	      follow_page(mm, a + 7 * PAGE_SIZE, &w) == zero_page() && !w && mm_rss(mm) == 0,
	      "a read of fresh memory maps the zero page");
	for (v = 0; v < n; v++)
		ok &= copy_to_user_mm(mm, a + v * PAGE_SIZE, &v, sizeof(v)) == 0;
	check(ok && mm_rss(mm) == n, "writes allocate zeroed pages (RSS 4)");
	struct page *p0 = follow_page(mm, a, NULL);
	check(p0 && page_to_nid(p0) == numa_node_id(), "the page is on the local node");
	check(handle_user_fault(mm, 0x1000, 0x4) == SIGSEGV &&
	      handle_user_fault(mm, a + 8 * PAGE_SIZE, 0x6) == SIGSEGV, "no VMA: SIGSEGV");

	child = dup_mm(mm);
	check(child && page_mapcount(p0) == 2 && page_ref_count(p0) == 2 &&
	      rmap_walk_anon(p0, NULL, NULL) == 2, "fork shares pages (mapcount 2, rmap finds both)");
	if (!child)
		goto out;
	cow0 = ev(COW_FAULT);
	reuse0 = ev(PGREUSE);
	for (v = 0; v < k; v++) {
		unsigned long x = 100 + v;

		copy_to_user_mm(child, a + v * PAGE_SIZE, &x, sizeof(x));
		copy_from_user_mm(mm, &got, a + v * PAGE_SIZE, sizeof(got));
		ok &= got == v;
	}
	printk("mm_user selftest: child wrote %lu of %lu pages: %lu copied\n", k, n, ev(COW_FAULT) - cow0);
	check(ok && ev(COW_FAULT) - cow0 == k, "child writing k of n pages copies k");
	mmput(child);
	for (v = 0; v < n; v++)
		copy_to_user_mm(mm, a + v * PAGE_SIZE, &v, sizeof(v));
	printk("mm_user selftest: parent wrote %lu pages after the child exited: %lu copied, %lu reused\n",
	       n, ev(COW_FAULT) - cow0 - k, ev(PGREUSE) - reuse0);
	check(ev(COW_FAULT) - cow0 == k && ev(PGREUSE) - reuse0 == n,
	      "the parent after the child exited copies nothing");
out:
	mmput(mm);
}

/* A file of the initramfs to map, or NULL. */
static const struct initramfs_file *pick_file(void)
{
	for (unsigned int i = 0; i < initramfs_nr_files(); i++) {
		const struct initramfs_file *f = initramfs_file(i);

		if (f->size >= 16)
			return f;
	}
	return NULL;
}

static void file_map(const struct initramfs_file *f)
{
	struct mm_struct *mm;
	unsigned long a = 0x20000000UL;
	u8 buf[16], orig[16];

	if (!f) {
		printk("mm_user selftest: no initramfs file to map: skipped\n");
		return;
	}
	mm = mm_alloc();
	if (!mm)
		return;
	check(do_mmap(mm, a, f->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, f, 0) == (long)a,
	      "do_mmap of an initramfs file");
	copy_from_user_mm(mm, buf, a, sizeof(buf));
	check(!memcmp(buf, f->data, sizeof(buf)), "a file page reads the file's bytes");
	memcpy(orig, f->data, sizeof(orig));
	copy_to_user_mm(mm, a, "private write!!", 16);
	filemap_read(f, 0, buf, sizeof(buf));
	check(!memcmp(buf, orig, sizeof(buf)), "a MAP_PRIVATE write copies; read() sees the file");
	mmput(mm);
}

int mm_user_selftest(void)
{
	const struct initramfs_file *f = pick_file();
	unsigned long before;

	st = (struct selftest){ .tag = "mm_user selftest: " };
	settle();
	before = avail();
	anon_and_cow();
	file_map(f);
	settle();
	printk("mm_user selftest: free pages %lu before, %lu after\n", before, avail());
	check(avail() == before, "every page came back after the last mmput");
	check((long)ev(NR_ANON_PAGES) == 0 && (long)ev(NR_MAPPED) == 0,
	      "nr_anon_pages and nr_mapped back to 0");
	return selftest_summary(&st);
}

/*
 * swap_selftest: the swap disk end to end, from several CPUs at once.
 *
 * The disk's pages are split into one contiguous range per CPU. Each CPU
 * (the boot CPU inline, the others as queued work: kernel/workqueue.h)
 * writes its pages in batches of swap_selftest_batch bios, each with a
 * pattern derived from the sector and the seed (include/gmm/swap_selftest.h,
 * which the host test also uses to check the disk file), then reads them
 * back in batches and compares. Ring 0 is slow on our platform, so a page
 * carries only two patterned words per sector, the rest zero; a read
 * checks those two and three of the zero words, after poisoning them.
 *
 * Fault injection (the config's <gmm:swap-faults>) is checked exactly
 * when the command line tells the test what the host injects:
 * swap_selftest_fail_every=N and swap_selftest_truncate_every=N: the
 * request the device took as the k-th (bio->bi_seq) must fail iff N
 * divides k, with -EIO reaching the bio's owner; every other request must
 * succeed and read back right. swap_selftest_faults allows errors without
 * saying where (fail-fraction). A page whose write failed is not compared.
 *
 * swap_selftest_break then breaks the virtio protocol on purpose (a
 * buffer outside guest RAM): that bio must fail with -EIO, the driver must
 * reset and restore the device, and all pages must read back right after.
 *
 * Prints "swap_selftest: ... PASS|FAIL" lines; returns the failures.
 */
#include <gmm/swap_selftest.h>
#include <kernel/blkdev.h>
#include <kernel/cmdline.h>
#include <kernel/completion.h>
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/workqueue.h>
#include <drivers/drivers.h>
#include <mm/gfp.h>
#include <mm/mm.h>

#define ST_BATCH_DEFAULT    32
#define ST_BATCH_MAX        128
#define ST_POISON           0xdeadbeefdeadbeefULL
#define ST_BAD_PHYS         0xd0000000ULL     /* MMIO hole: no RAM, no device */
#define ST_MAX_REPORTS      4                 /* mismatch lines per CPU */

struct st_params {
	struct block_device *bdev;
	u64 seed;
	unsigned long fail_every, truncate_every;
	bool exact;              /* failures are predicted request by request */
	bool faults_allowed;     /* some failures are expected */
	unsigned int batch;
};

struct st_result {
	unsigned long writes, reads, write_errors, read_errors;
	unsigned long unexpected;      /* failed but should not have, or the reverse */
	unsigned long mismatches, skipped;
	unsigned long alloc_failed;
};

struct st_cpu {
	struct work_struct work;
	struct completion done;
	const struct st_params *p;
	unsigned int cpu;
	unsigned long first, nr;       /* pages */
	struct st_result r;
};

/* One batch in flight: its count of bios still to end. */
struct st_batch {
	unsigned int pending;
	struct completion done;
};

static struct st_cpu st_cpus[NR_CPUS];

static void st_end_io(struct bio *bio)
{
	struct st_batch *b = bio->bi_private;

	if (__atomic_sub_fetch(&b->pending, 1, __ATOMIC_ACQ_REL) == 0)
		complete(&b->done);
}

/* Submit the N bios of BIOS as one batch and wait for every one. */
static void st_run_batch(struct bio *bios, unsigned int n)
{
	struct st_batch b;
	struct bio_list bl;

	b.pending = n;
	init_completion(&b.done);
	bio_list_init(&bl);
	for (unsigned int i = 0; i < n; i++) {
		bios[i].bi_private = &b;
		bio_list_add(&bl, &bios[i]);
	}
	submit_bio_list(&bl);
	wait_for_completion(&b.done);
}

static bool st_expect_failure(const struct st_params *p, u64 seq)
{
	return (p->fail_every && seq % p->fail_every == 0) ||
	       (p->truncate_every && seq % p->truncate_every == 0);
}

/* Did BIO end as predicted? */
static void st_check_status(const struct st_params *p, struct st_result *r, const struct bio *bio,
			    unsigned int cpu)
{
	bool failed = bio->bi_status != 0;
	bool bad = p->exact ? failed != st_expect_failure(p, bio->bi_seq) :
		   failed && !p->faults_allowed;

	if (failed && bio->bi_status != -EIO)
		bad = true;
	if (bad && r->unexpected++ < ST_MAX_REPORTS)
		printk("swap_selftest: CPU %u: %s of sector %lu (request %lu) %s (status %d)\n", cpu,
		       bio->bi_opf == REQ_OP_WRITE ? "write" : "read", (unsigned long)bio->bi_sector,
		       (unsigned long)bio->bi_seq, failed ? "failed unexpectedly" : "should have failed",
		       bio->bi_status);
}

static void st_fill(u64 *page, u64 seed, sector_t sector)
{
	for (unsigned int s = 0; s < PAGE_SECTORS; s++, page += SWAP_SELFTEST_WORDS) {
		page[0] = swap_selftest_word(seed, sector + s, 0);
		page[SWAP_SELFTEST_LAST] = swap_selftest_word(seed, sector + s, SWAP_SELFTEST_LAST);
	}
}

static void st_poison(u64 *page)
{
	for (unsigned int s = 0; s < PAGE_SECTORS; s++, page += SWAP_SELFTEST_WORDS) {
		page[0] = page[1] = page[31] = ST_POISON;
		page[SWAP_SELFTEST_LAST - 1] = page[SWAP_SELFTEST_LAST] = ST_POISON;
	}
}

/* 0 if PAGE holds the pattern of SECTOR.., else the first bad sector + 1. */
static unsigned long st_compare(const u64 *page, u64 seed, sector_t sector)
{
	for (unsigned int s = 0; s < PAGE_SECTORS; s++, page += SWAP_SELFTEST_WORDS)
		if (page[0] != swap_selftest_word(seed, sector + s, 0) ||
		    page[SWAP_SELFTEST_LAST] != swap_selftest_word(seed, sector + s, SWAP_SELFTEST_LAST) ||
		    page[1] || page[31] || page[SWAP_SELFTEST_LAST - 1])
			return sector + s + 1;
	return 0;
}

/* This CPU's share: write its pages, then read them back. */
static void st_run_share(struct st_cpu *c)
{
	const struct st_params *p = c->p;
	unsigned int order = get_order((unsigned long)p->batch * PAGE_SIZE);
	unsigned int map_order = get_order(c->nr);
	struct page *wpages = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	struct page *rpages = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	struct page *biopage = alloc_pages(GFP_KERNEL, get_order(p->batch * sizeof(struct bio)));
	struct page *mappage = alloc_pages(GFP_KERNEL | __GFP_ZERO, map_order);
	struct st_result *r = &c->r;

	if (!wpages || !rpages || !biopage || !mappage) {
		printk("swap_selftest: CPU %u: out of memory\n", c->cpu);
		r->alloc_failed++;
		goto out;
	}
	struct bio *bios = page_address(biopage);
	u8 *write_failed = page_address(mappage);
	u8 *wbuf = page_address(wpages), *rbuf = page_address(rpages);

	for (unsigned long done = 0; done < c->nr; ) {        /* write */
		unsigned int n = (unsigned int)min((unsigned long)p->batch, c->nr - done);

		for (unsigned int i = 0; i < n; i++) {
			sector_t sector = (c->first + done + i) * PAGE_SECTORS;

			st_fill((u64 *)(wbuf + i * PAGE_SIZE), p->seed, sector);
			bio_init_page(&bios[i], p->bdev, REQ_OP_WRITE, sector, wpages + i, PAGE_SIZE,
				      st_end_io, NULL);
		}
		st_run_batch(bios, n);
		for (unsigned int i = 0; i < n; i++) {
			r->writes++;
			st_check_status(p, r, &bios[i], c->cpu);
			if (bios[i].bi_status) {
				r->write_errors++;
				write_failed[done + i] = 1;
			}
		}
		done += n;
	}
	for (unsigned long done = 0; done < c->nr; ) {        /* read back */
		unsigned int n = (unsigned int)min((unsigned long)p->batch, c->nr - done);

		for (unsigned int i = 0; i < n; i++) {
			st_poison((u64 *)(rbuf + i * PAGE_SIZE));
			bio_init_page(&bios[i], p->bdev, REQ_OP_READ, (c->first + done + i) * PAGE_SECTORS,
				      rpages + i, PAGE_SIZE, st_end_io, NULL);
		}
		st_run_batch(bios, n);
		for (unsigned int i = 0; i < n; i++) {
			unsigned long bad;

			r->reads++;
			st_check_status(p, r, &bios[i], c->cpu);
			if (bios[i].bi_status) {
				r->read_errors++;
				continue;
			}
			if (write_failed[done + i]) {
				r->skipped++;
				continue;
			}
			bad = st_compare((u64 *)(rbuf + i * PAGE_SIZE), p->seed, bios[i].bi_sector);
			if (bad && r->mismatches++ < ST_MAX_REPORTS)
				printk("swap_selftest: CPU %u: sector %lu read back wrong\n", c->cpu, bad - 1);
		}
		done += n;
	}
out:
	if (wpages)
		__free_pages(wpages, order);
	if (rpages)
		__free_pages(rpages, order);
	if (biopage)
		__free_pages(biopage, get_order(p->batch * sizeof(struct bio)));
	if (mappage)
		__free_pages(mappage, map_order);
}

static void st_work(struct work_struct *work)
{
	struct st_cpu *c = container_of(work, struct st_cpu, work);

	st_run_share(c);
	complete(&c->done);
}

/*
 * swap_selftest_break: a batch of good rewrites of pages 0..n-1 (the same
 * pattern again) with a bio whose buffer is outside guest RAM in the
 * middle. The bad one must fail; the device must come back; every page
 * must then read back right (a rewrite that failed left the same data).
 */
static int st_break(const struct st_params *p, unsigned long nr_pages)
{
	unsigned int n = (unsigned int)min((unsigned long)p->batch, nr_pages), bad = n / 2, failed = 0;
	unsigned int order = get_order((unsigned long)n * PAGE_SIZE);
	struct page *pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	struct page *biopage = alloc_pages(GFP_KERNEL, get_order((n + 1) * sizeof(struct bio)));
	unsigned long mismatches = 0, read_errors = 0;
	struct bio *bios;
	u8 *buf;

	if (!pages || !biopage || n < 2) {
		printk("swap_selftest: protocol violation: cannot set up: FAIL\n");
		return 1;
	}
	bios = page_address(biopage);
	buf = page_address(pages);
	for (unsigned int i = 0; i < n; i++) {
		st_fill((u64 *)(buf + i * PAGE_SIZE), p->seed, (sector_t)i * PAGE_SECTORS);
		bio_init_page(&bios[i], p->bdev, REQ_OP_WRITE, (sector_t)i * PAGE_SECTORS, pages + i,
			      PAGE_SIZE, st_end_io, NULL);
	}
	bios[bad].bi_phys = ST_BAD_PHYS;       /* the violation */
	st_run_batch(bios, n);
	for (unsigned int i = 0; i < n; i++)
		failed += bios[i].bi_status != 0;
	bool bad_failed = bios[bad].bi_status == -EIO;

	for (unsigned int i = 0; i < n; i++) {
		st_poison((u64 *)(buf + i * PAGE_SIZE));
		bio_init_page(&bios[i], p->bdev, REQ_OP_READ, (sector_t)i * PAGE_SECTORS, pages + i,
			      PAGE_SIZE, st_end_io, NULL);
	}
	st_run_batch(bios, n);
	for (unsigned int i = 0; i < n; i++) {
		if (bios[i].bi_status)
			read_errors++;
		else if (st_compare((u64 *)(buf + i * PAGE_SIZE), p->seed, (sector_t)i * PAGE_SECTORS))
			mismatches++;
	}
	__free_pages(pages, order);
	__free_pages(biopage, get_order((n + 1) * sizeof(struct bio)));
	bool ok = bad_failed && !read_errors && !mismatches;
	printk("swap_selftest: protocol violation: bad request %s, %u of %u requests failed; "
	       "then %u pages read back, %lu errors, %lu mismatches: %s\n",
	       bad_failed ? "failed with -EIO" : "did NOT fail", failed, n, n, read_errors,
	       mismatches, ok ? "PASS" : "FAIL");
	return ok ? 0 : 1;
}

int swap_selftest(void)
{
	static struct st_params p;
	unsigned long v, nr_pages, t0, ms;
	unsigned int cpus = 0, cpu, fails = 0;
	struct st_result sum = { 0 };

	p.bdev = blkdev_first();
	if (!p.bdev) {
		printk("swap_selftest: no disk: FAIL\n");
		return 1;
	}
	p.seed = cmdline_get_ulong("swap_selftest_seed", &v) ? v : 1;
	p.batch = cmdline_get_ulong("swap_selftest_batch", &v) && v && v <= ST_BATCH_MAX ?
		  (unsigned int)v : ST_BATCH_DEFAULT;
	if (cmdline_get_ulong("swap_selftest_fail_every", &v))
		p.fail_every = v;
	if (cmdline_get_ulong("swap_selftest_truncate_every", &v))
		p.truncate_every = v;
	p.exact = p.fail_every || p.truncate_every;
	p.faults_allowed = p.exact || cmdline_has("swap_selftest_faults");
	nr_pages = bdev_nr_sectors(p.bdev) / PAGE_SECTORS;
	for_each_online_cpu(cpu)
		cpus++;
	if (cmdline_get_ulong("swap_selftest_cpus", &v) && v && v < cpus)
		cpus = (unsigned int)v;
	if (cpus > nr_pages)
		cpus = (unsigned int)(nr_pages ? nr_pages : 1);
	printk("swap_selftest: %s: %lu pages, %u CPUs, batches of %u, seed %lu%s\n",
	       p.bdev->bd_name, nr_pages, cpus, p.batch, (unsigned long)p.seed,
	       p.exact ? ", failures predicted from the injected faults" :
	       p.faults_allowed ? ", failures allowed" : "");

	t0 = READ_ONCE(jiffies);
	unsigned int i = 0;
	for_each_online_cpu(cpu) {
		struct st_cpu *c = &st_cpus[i];

		if (i == cpus)
			break;
		c->p = &p;
		c->cpu = cpu;
		c->first = nr_pages * i / cpus;
		c->nr = nr_pages * (i + 1) / cpus - c->first;
		init_completion(&c->done);
		INIT_WORK(&c->work, st_work);
		if (cpu != smp_processor_id())
			queue_work_on(cpu, &c->work);
		i++;
	}
	for (i = 0; i < cpus; i++)           /* our own share, then wait for the others */
		if (st_cpus[i].cpu == smp_processor_id())
			st_run_share(&st_cpus[i]);
	for (i = 0; i < cpus; i++) {
		struct st_cpu *c = &st_cpus[i];
		struct st_result *r = &c->r;

		if (c->cpu != smp_processor_id())
			wait_for_completion(&c->done);
		printk("swap_selftest: CPU %u: pages %lu-%lu: %lu written (%lu errors), "
		       "%lu read (%lu errors), %lu mismatches, %lu unexpected\n", c->cpu, c->first,
		       c->first + c->nr - 1, r->writes, r->write_errors, r->reads, r->read_errors,
		       r->mismatches, r->unexpected);
		sum.writes += r->writes;
		sum.reads += r->reads;
		sum.write_errors += r->write_errors;
		sum.read_errors += r->read_errors;
		sum.unexpected += r->unexpected;
		sum.mismatches += r->mismatches;
		sum.skipped += r->skipped;
		sum.alloc_failed += r->alloc_failed;
	}
	ms = (READ_ONCE(jiffies) - t0) * (1000 / HZ);

	unsigned long expected = 0;
	if (p.exact)   /* requests 1..N as the device counted them */
		for (u64 seq = 1; seq <= sum.writes + sum.reads; seq++)
			expected += st_expect_failure(&p, seq);
	bool ok = !sum.unexpected && !sum.mismatches && !sum.alloc_failed &&
		  sum.writes == nr_pages && sum.reads == nr_pages;
	printk("swap_selftest: %lu writes, %lu reads, %lu I/O errors (%lu expected), "
	       "%lu pages not compared (write failed), %lu mismatches, %lu ms\n", sum.writes, sum.reads,
	       sum.write_errors + sum.read_errors, p.exact ? expected : 0, sum.skipped,
	       sum.mismatches, ms);
	if (p.exact)
		printk("swap_selftest: fault injection: errors exactly at the requests the host "
		       "fails: %s\n", !sum.unexpected && sum.write_errors + sum.read_errors == expected ?
		       "PASS" : "FAIL");
	fails += !ok;
	if (cmdline_has("swap_selftest_break"))
		fails += st_break(&p, nr_pages);
	printk("swap_selftest: %s\n", fails ? "FAIL" : "PASS");
	return (int)fails;
}

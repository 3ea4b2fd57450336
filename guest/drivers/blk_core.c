/*
 * The block layer's core (kernel/blkdev.h; Linux: block/blk-core.c,
 * bio.c): the list of disks, checking bios before a driver sees them,
 * completion, and the synchronous wait.
 *
 * Locking: the disk list is written at boot (add_disk on the boot CPU)
 * and read-only afterwards. Statistics are atomics. Everything else
 * belongs to the bios' owners and the drivers.
 */
#include <kernel/blkdev.h>
#include <kernel/completion.h>
#include <kernel/errno.h>
#include <kernel/irqflags.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <asm/processor.h>
#include <mm/mm.h>

static struct block_device *disks, **disks_tail = &disks;

int add_disk(struct block_device *bdev)
{
	bdev->bd_next = NULL;
	*disks_tail = bdev;
	disks_tail = &bdev->bd_next;
	return 0;
}

struct block_device *blkdev_get_by_name(const char *name)
{
	for (struct block_device *b = disks; b; b = b->bd_next)
		if (!strcmp(b->bd_name, name))
			return b;
	return NULL;
}

struct block_device *blkdev_first(void)
{
	return disks;
}

void bio_init_page(struct bio *bio, struct block_device *bdev, enum req_op op,
		   sector_t sector, struct page *page, unsigned int size,
		   bio_end_io_t *end_io, void *private)
{
	memset(bio, 0, sizeof(*bio));
	bio->bi_bdev = bdev;
	bio->bi_opf = op;
	bio->bi_sector = sector;
	bio->bi_phys = page ? page_to_phys(page) : 0;
	bio->bi_size = size;
	bio->bi_end_io = end_io;
	bio->bi_private = private;
}

void bio_endio(struct bio *bio, int status)
{
	struct block_device *bdev = bio->bi_bdev;

	bio->bi_status = status;
	if (status)
		__atomic_fetch_add(&bdev->bd_errors, 1, __ATOMIC_RELAXED);
	bio->bi_end_io(bio);
}

/* Linux's bio_check_eod() and friends: what no device should be asked. */
static bool bio_ok(const struct bio *bio)
{
	const struct block_device *bdev = bio->bi_bdev;
	sector_t nr = bio->bi_size >> SECTOR_SHIFT;

	switch (bio->bi_opf) {
	case REQ_OP_FLUSH:
		return bio->bi_size == 0;
	case REQ_OP_WRITE:
		if (bdev->bd_read_only)
			return false;
		/* fall through */
	case REQ_OP_READ:
		return bio->bi_size && bio->bi_size <= PAGE_SIZE &&
		       !(bio->bi_size & (SECTOR_SIZE - 1)) &&
		       (bio->bi_phys & PAGE_MASK) == ((bio->bi_phys + bio->bi_size - 1) & PAGE_MASK) &&
		       bio->bi_sector <= bdev->bd_nr_sectors &&
		       nr <= bdev->bd_nr_sectors - bio->bi_sector;
	}
	return false;
}

static void account(struct bio *bio)
{
	unsigned long *c = bio->bi_opf == REQ_OP_READ ? &bio->bi_bdev->bd_reads :
			   bio->bi_opf == REQ_OP_WRITE ? &bio->bi_bdev->bd_writes :
			   &bio->bi_bdev->bd_flushes;

	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

void submit_bio_list(struct bio_list *bl)
{
	struct bio_list run, bad;
	struct bio *bio;

	bio_list_init(&bad);
	while (!bio_list_empty(bl)) {
		struct block_device *bdev = bl->head->bi_bdev;

		/* A run of bios for one disk goes to its driver in one call. */
		bio_list_init(&run);
		while (bl->head && bl->head->bi_bdev == bdev) {
			bio = bio_list_pop(bl);
			account(bio);
			if (bio_ok(bio))
				bio_list_add(&run, bio);
			else
				bio_list_add(&bad, bio);
		}
		if (!bio_list_empty(&run))
			bdev->bd_ops->submit_bios(bdev, &run);
	}
	while ((bio = bio_list_pop(&bad)))
		bio_endio(bio, -EIO);
}

void submit_bio(struct bio *bio)
{
	struct bio_list bl;

	bio_list_init(&bl);
	bio_list_add(&bl, bio);
	submit_bio_list(&bl);
}

static void submit_bio_wait_endio(struct bio *bio)
{
	complete(bio->bi_private);
}

int submit_bio_wait(struct bio *bio)
{
	struct completion done;

	init_completion(&done);
	bio->bi_private = &done;
	bio->bi_end_io = submit_bio_wait_endio;
	submit_bio(bio);
	if (arch_irqs_disabled()) {
		while (!completion_done(&done)) {
			bio->bi_bdev->bd_ops->poll(bio->bi_bdev);
			cpu_relax();
		}
	} else {
		wait_for_completion(&done);
	}
	return bio->bi_status;
}

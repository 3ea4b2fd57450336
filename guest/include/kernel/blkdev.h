/*
 * Block devices and block I/O (Linux: include/linux/blkdev.h, bio.h,
 * blk_types.h), the interface the swap code uses to move pages to and
 * from a disk (drivers/blk_core.c; the disk is virtio-blk, drivers/
 * virtio_blk.c).
 *
 * A request is a struct bio: one physically contiguous buffer of at most
 * a page (a multiple of 512 bytes), read from or written to the disk at a
 * 512-byte sector. The caller owns the bio and its buffer; from submission
 * until bi_end_io is called the block layer owns both and the buffer must
 * stay allocated and, for a read, untouched.
 *
 * Completion: bi_end_io(bio) is called exactly once, with bi_status 0 or
 * -EIO (device or host I/O error, a short transfer, a request beyond the
 * disk, a write to a read-only disk, or the device failing while the bio
 * was in flight). It runs in interrupt context (the disk's interrupt, on
 * the CPU it is routed to), or in the submitter's context when the bio
 * fails before reaching the device: it must not sleep and may submit
 * more bios.
 *
 * Batches: submit_bio_list() hands every bio on the list to the driver
 * together; the driver puts as many on the device's ring as fit, queues
 * the rest in order, and notifies the device once. Any number of bios may
 * be in flight; completions arrive in any order.
 */
#ifndef KERNEL_BLKDEV_H
#define KERNEL_BLKDEV_H

#include <kernel/types.h>

typedef u64 sector_t;

#define SECTOR_SHIFT    9
#define SECTOR_SIZE     (1U << SECTOR_SHIFT)
#define PAGE_SECTORS    8        /* PAGE_SIZE / SECTOR_SIZE */

enum req_op {
	REQ_OP_READ  = 0,
	REQ_OP_WRITE = 1,
	REQ_OP_FLUSH = 2,        /* no data: make earlier writes durable */
};

struct bio;
struct block_device;
typedef void (bio_end_io_t)(struct bio *bio);

struct bio {
	struct bio *bi_next;         /* list link (bio_list); the block layer's while in flight */
	struct block_device *bi_bdev;
	enum req_op bi_opf;
	sector_t bi_sector;          /* first 512-byte sector */
	phys_addr_t bi_phys;         /* the buffer, physically contiguous */
	unsigned int bi_size;        /* bytes: a multiple of 512, at most PAGE_SIZE; 0 for a flush */
	int bi_status;               /* 0 or -EIO, set before bi_end_io */
	u64 bi_seq;                  /* set by the driver: this was the Nth request (from 1) the
				      * device was given, the order its fault injection counts */
	bio_end_io_t *bi_end_io;
	void *bi_private;            /* the caller's */
};

struct page;

/* A bio for one page (or SIZE bytes of it) at SECTOR. */
void bio_init_page(struct bio *bio, struct block_device *bdev, enum req_op op,
		   sector_t sector, struct page *page, unsigned int size,
		   bio_end_io_t *end_io, void *private);

/* A FIFO of bios linked by bi_next (Linux: struct bio_list). */
struct bio_list {
	struct bio *head, *tail;
};

static inline void bio_list_init(struct bio_list *bl)
{
	bl->head = bl->tail = NULL;
}

static inline bool bio_list_empty(const struct bio_list *bl)
{
	return !bl->head;
}

static inline void bio_list_add(struct bio_list *bl, struct bio *bio)
{
	bio->bi_next = NULL;
	if (bl->tail)
		bl->tail->bi_next = bio;
	else
		bl->head = bio;
	bl->tail = bio;
}

static inline void bio_list_add_head(struct bio_list *bl, struct bio *bio)
{
	bio->bi_next = bl->head;
	bl->head = bio;
	if (!bl->tail)
		bl->tail = bio;
}

static inline struct bio *bio_list_pop(struct bio_list *bl)
{
	struct bio *bio = bl->head;

	if (bio) {
		bl->head = bio->bi_next;
		if (!bl->head)
			bl->tail = NULL;
		bio->bi_next = NULL;
	}
	return bio;
}

/* Submit one bio / a batch (emptied: the list links belong to the block
 * layer from here). Never blocks; completion is by bi_end_io. */
void submit_bio(struct bio *bio);
void submit_bio_list(struct bio_list *bl);
/* Submit and wait; returns bi_status. With interrupts enabled the CPU
 * halts until the completion interrupt; with them off it polls the disk. */
int submit_bio_wait(struct bio *bio);
/* Called by drivers: set bi_status and call bi_end_io. */
void bio_endio(struct bio *bio, int status);

/* ---- disks ---- */

struct block_device_operations {
	/* Take every bio on BL (all for this disk, already checked). */
	void (*submit_bios)(struct block_device *bdev, struct bio_list *bl);
	/* Complete what the device has finished, without its interrupt. */
	void (*poll)(struct block_device *bdev);
};

struct block_device {
	char bd_name[8];             /* "vda" */
	sector_t bd_nr_sectors;      /* capacity in 512-byte sectors */
	unsigned int bd_logical_block_size;
	bool bd_read_only;
	const struct block_device_operations *bd_ops;
	void *bd_private;            /* the driver's */
	struct block_device *bd_next;
	/* statistics, updated by the block layer (atomics) */
	unsigned long bd_reads, bd_writes, bd_flushes, bd_errors;
};

/* Make BDEV known by its name (the driver has filled it in). */
int add_disk(struct block_device *bdev);
/* The disk called NAME ("vda"), or NULL. */
struct block_device *blkdev_get_by_name(const char *name);
/* The first disk added (the swap disk on our machines), or NULL. */
struct block_device *blkdev_first(void);

static inline sector_t bdev_nr_sectors(const struct block_device *bdev)
{
	return bdev->bd_nr_sectors;
}

#endif

/*
 * virtio-blk (virtio 1.2, 5.2; Linux: drivers/block/virtio_blk.c): the
 * swap disk. One request queue; each request is a chain of three
 * descriptors: the header (type, sector; device-readable), the data
 * buffer (one page at most) and the status byte (device-writable).
 *
 * Requests come from the block layer (kernel/blkdev.h). Each bio takes a
 * virtblk_req from a fixed pool (one per three ring entries); bios that
 * find no free request or too few free descriptors wait in vblk->wait, in
 * order, and go to the ring as completions make room. Completions arrive
 * by interrupt (virtblk_done), or by polling (virtblk_poll) when a waiter
 * has interrupts off.
 *
 * What fails a request vs what breaks the device: an I/O error on the
 * host (or injected, or a short transfer) completes that request with
 * VIRTIO_BLK_S_IOERR: its bio ends with -EIO and nothing else changes. A
 * protocol violation (a buffer outside guest RAM, a bad chain) makes the
 * device set DEVICE_NEEDS_RESET and raise a configuration interrupt: we
 * complete what it had finished, reset it (our VMM drains in-flight I/O
 * within that write), fail every request still in flight with -EIO, set
 * it up again with the same features and queue, and go on with the bios
 * that were waiting. If it cannot be set up again the disk is dead: every
 * bio fails with -EIO from then on.
 *
 * Locking: vblk->lock (interrupts off) guards the virtqueue, the request
 * pool, the wait list and the counters. Notifications (an MMIO write, a
 * VM exit) and bio completions run after it is dropped, so a bi_end_io
 * may submit more bios.
 */
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/sprintf.h>
#include <kernel/string.h>
#include <drivers/virtio.h>
#include <mm/gfp.h>
#include <mm/mm.h>

#define VIRTBLK_MAX_DISKS       4
#define VIRTBLK_DESCS_PER_REQ   3

struct virtblk_req {
	struct virtio_blk_outhdr out_hdr;   /* device-readable */
	u8 status;                          /* device-writable */
	struct bio *bio;
	struct virtblk_req *next_free;
};

struct virtio_blk {
	spinlock_t lock;
	struct virtio_device *vdev;
	struct virtqueue *vq;
	struct block_device disk;
	struct virtblk_req *free_reqs;
	unsigned int nr_reqs;
	struct bio_list wait;               /* not on the ring yet, in order */
	unsigned int inflight;
	u64 seq;                            /* requests given to the device */
	unsigned long resets;
	bool dead;
};

static struct virtio_blk virtio_blks[VIRTBLK_MAX_DISKS];
static unsigned int nr_virtio_blks;

static int virtblk_result(u8 status)
{
	return status == VIRTIO_BLK_S_OK ? 0 : -EIO;
}

/* Put waiting bios on the ring while requests and descriptors last (lock
 * held). Returns whether the device wants a notification. */
static bool virtblk_dispatch(struct virtio_blk *vblk)
{
	struct scatterlist hdr, data, status, *sgs[3];
	unsigned int added = 0;

	while (vblk->wait.head && vblk->free_reqs && !vblk->dead &&
	       vblk->vq->num_free >= VIRTBLK_DESCS_PER_REQ) {
		struct bio *bio = bio_list_pop(&vblk->wait);
		struct virtblk_req *req = vblk->free_reqs;
		unsigned int out = 0, in = 0;

		vblk->free_reqs = req->next_free;
		req->bio = bio;
		req->status = 0xff;      /* a device that writes nothing fails the request */
		req->out_hdr.type = bio->bi_opf == REQ_OP_READ ? VIRTIO_BLK_T_IN :
				    bio->bi_opf == REQ_OP_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH;
		req->out_hdr.ioprio = 0;
		req->out_hdr.sector = bio->bi_opf == REQ_OP_FLUSH ? 0 : bio->bi_sector;
		sg_init_one(&hdr, &req->out_hdr, sizeof(req->out_hdr));
		sg_init_phys(&data, bio->bi_phys, bio->bi_size);
		sg_init_one(&status, &req->status, sizeof(req->status));
		sgs[out++] = &hdr;
		if (bio->bi_opf == REQ_OP_WRITE)
			sgs[out++] = &data;
		else if (bio->bi_opf == REQ_OP_READ)
			sgs[out + in++] = &data;
		sgs[out + in++] = &status;
		if (virtqueue_add_sgs(vblk->vq, sgs, out, in, req) < 0) {
			/* Broken ring: leave the bio waiting for the reset. */
			req->next_free = vblk->free_reqs;
			vblk->free_reqs = req;
			bio_list_add_head(&vblk->wait, bio);
			break;
		}
		bio->bi_seq = ++vblk->seq;
		vblk->inflight++;
		added++;
	}
	return added && virtqueue_kick_prepare(vblk->vq);
}

static void virtblk_put_req(struct virtio_blk *vblk, struct virtblk_req *req)
{
	req->bio = NULL;
	req->next_free = vblk->free_reqs;
	vblk->free_reqs = req;
	vblk->inflight--;
}

/* Move what the device finished to DONE (lock held), statuses in bi_status. */
static void virtblk_reap(struct virtio_blk *vblk, struct bio_list *done)
{
	struct virtblk_req *req;
	unsigned int len;

	while ((req = virtqueue_get_buf(vblk->vq, &len))) {
		struct bio *bio = req->bio;

		bio->bi_status = virtblk_result(READ_ONCE(req->status));
		virtblk_put_req(vblk, req);
		bio_list_add(done, bio);
	}
}

static void virtblk_end_bios(struct bio_list *done)
{
	struct bio *bio;

	while ((bio = bio_list_pop(done)))
		bio_endio(bio, bio->bi_status);
}

/* The queue's callback: interrupt context (or virtblk_poll). */
static void virtblk_done(struct virtqueue *vq)
{
	struct virtio_blk *vblk = vq->vdev->priv;
	struct bio_list done;
	unsigned long flags;
	bool kick;

	bio_list_init(&done);
	spin_lock_irqsave(&vblk->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		virtblk_reap(vblk, &done);
		if (virtqueue_is_broken(vq))
			break;
	} while (!virtqueue_enable_cb(vq));
	kick = virtblk_dispatch(vblk);
	spin_unlock_irqrestore(&vblk->lock, flags);
	if (kick)
		virtqueue_notify(vq);
	virtblk_end_bios(&done);
}

static void virtblk_poll(struct block_device *bdev)
{
	struct virtio_blk *vblk = bdev->bd_private;

	virtblk_done(vblk->vq);
}

static void virtblk_submit_bios(struct block_device *bdev, struct bio_list *bl)
{
	struct virtio_blk *vblk = bdev->bd_private;
	struct bio_list failed;
	unsigned long flags;
	struct bio *bio;
	bool kick;

	bio_list_init(&failed);
	spin_lock_irqsave(&vblk->lock, flags);
	while ((bio = bio_list_pop(bl))) {
		bio->bi_status = -EIO;
		bio_list_add(vblk->dead ? &failed : &vblk->wait, bio);
	}
	kick = virtblk_dispatch(vblk);
	spin_unlock_irqrestore(&vblk->lock, flags);
	if (kick)
		virtqueue_notify(vblk->vq);
	virtblk_end_bios(&failed);
}

/*
 * DEVICE_NEEDS_RESET (interrupt context): keep what the device finished,
 * reset it, fail what it still held, set it up again. See the top.
 */
static void virtblk_recover(struct virtio_blk *vblk)
{
	struct virtio_device *vdev = vblk->vdev;
	struct virtblk_req *req;
	struct bio_list done;
	unsigned int failed = 0;
	unsigned long flags;
	int err;
	bool kick;

	bio_list_init(&done);
	spin_lock_irqsave(&vblk->lock, flags);
	virtblk_reap(vblk, &done);
	vdev->config->reset(vdev);           /* in-flight I/O is over after this */
	while ((req = virtqueue_detach_unused_buf(vblk->vq))) {
		struct bio *bio = req->bio;

		bio->bi_status = -EIO;
		virtblk_put_req(vblk, req);
		bio_list_add(&done, bio);
		failed++;
	}
	err = virtio_device_restore(vdev);
	if (!err)
		virtio_device_ready(vdev);
	vblk->resets++;
	if (err) {
		struct bio *bio;

		vblk->dead = true;
		while ((bio = bio_list_pop(&vblk->wait))) {
			bio->bi_status = -EIO;
			bio_list_add(&done, bio);
		}
	}
	kick = virtblk_dispatch(vblk);
	spin_unlock_irqrestore(&vblk->lock, flags);
	if (err)
		printk("virtio_blk %s: [%s] device needs reset: %u requests failed; "
		       "cannot set it up again (error %d): disk dead\n", vdev->name,
		       vblk->disk.bd_name, failed, err);
	else
		printk("virtio_blk %s: [%s] device needs reset: %u requests in flight failed, "
		       "device reset and set up again\n", vdev->name, vblk->disk.bd_name, failed);
	if (kick)
		virtqueue_notify(vblk->vq);
	virtblk_end_bios(&done);
}

static void virtblk_config_changed(struct virtio_device *vdev)
{
	struct virtio_blk *vblk = vdev->priv;

	if (vblk && !vblk->dead &&
	    (vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_NEEDS_RESET))
		virtblk_recover(vblk);
}

static const struct block_device_operations virtblk_ops = {
	.submit_bios = virtblk_submit_bios,
	.poll = virtblk_poll,
};

/* "4.19 MB" / "4.00 MiB": three significant digits, as Linux's string_get_size. */
static void size_string(char *buf, size_t len, u64 bytes, unsigned int base)
{
	static const char *const units10[] = { "B", "kB", "MB", "GB", "TB" };
	static const char *const units2[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	u64 div = 1, v;
	unsigned int u = 0;

	while (u < 4 && bytes / div >= base) {
		div *= base;
		u++;
	}
	v = bytes * 100 / div;      /* hundredths of the unit */
	if (v >= 10000)
		snprintf(buf, len, "%lu %s", (unsigned long)(v / 100),
			 base == 1000 ? units10[u] : units2[u]);
	else if (v >= 1000)
		snprintf(buf, len, "%lu.%lu %s", (unsigned long)(v / 100),
			 (unsigned long)(v / 10 % 10), base == 1000 ? units10[u] : units2[u]);
	else
		snprintf(buf, len, "%lu.%02lu %s", (unsigned long)(v / 100),
			 (unsigned long)(v % 100), base == 1000 ? units10[u] : units2[u]);
}

static int virtblk_probe(struct virtio_device *vdev)
{
	static vq_callback_t *callbacks[] = { virtblk_done };
	static const char *const names[] = { "requests" };
	struct virtio_blk *vblk;
	struct virtblk_req *reqs;
	struct page *page;
	char s10[16], s2[16];
	u64 capacity;
	u32 blk_size = SECTOR_SIZE;
	unsigned int order;
	int err;

	if (nr_virtio_blks == VIRTBLK_MAX_DISKS)
		return -ENOMEM;
	vblk = &virtio_blks[nr_virtio_blks];
	memset(vblk, 0, sizeof(*vblk));
	spin_lock_init(&vblk->lock);
	bio_list_init(&vblk->wait);
	vblk->vdev = vdev;
	vdev->priv = vblk;

	virtio_cread_le(vdev, struct virtio_blk_config, capacity, &capacity);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE))
		virtio_cread_le(vdev, struct virtio_blk_config, blk_size, &blk_size);
	if (blk_size < SECTOR_SIZE || blk_size > PAGE_SIZE || (blk_size & (blk_size - 1))) {
		printk("virtio_blk %s: block size %u not supported\n", vdev->name, blk_size);
		err = -EINVAL;
		goto fail;
	}
	err = vdev->config->find_vqs(vdev, 1, &vblk->vq, callbacks, names);
	if (err)
		goto fail;

	vblk->nr_reqs = virtqueue_get_vring_size(vblk->vq) / VIRTBLK_DESCS_PER_REQ;
	order = get_order(vblk->nr_reqs * sizeof(struct virtblk_req));
	page = alloc_pages(GFP_KERNEL, order);
	if (!page) {
		vdev->config->del_vqs(vdev);
		err = -ENOMEM;
		goto fail;
	}
	reqs = page_address(page);
	for (unsigned int i = 0; i < vblk->nr_reqs; i++) {
		reqs[i].bio = NULL;
		reqs[i].next_free = vblk->free_reqs;
		vblk->free_reqs = &reqs[i];
	}

	snprintf(vblk->disk.bd_name, sizeof(vblk->disk.bd_name), "vd%c", 'a' + nr_virtio_blks);
	vblk->disk.bd_nr_sectors = capacity;
	vblk->disk.bd_logical_block_size = blk_size;
	vblk->disk.bd_read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	vblk->disk.bd_ops = &virtblk_ops;
	vblk->disk.bd_private = vblk;
	nr_virtio_blks++;
	virtio_device_ready(vdev);
	add_disk(&vblk->disk);

	size_string(s10, sizeof(s10), capacity << SECTOR_SHIFT, 1000);
	size_string(s2, sizeof(s2), capacity << SECTOR_SHIFT, 1024);
	printk("virtio_blk %s: [%s] %lu 512-byte logical blocks (%s/%s)%s\n", vdev->name,
	       vblk->disk.bd_name, (unsigned long)capacity, s10, s2,
	       vblk->disk.bd_read_only ? " read-only" : "");
	printk("virtio_blk %s: [%s] queue of %u entries, %u requests in flight at most, "
	       "features 0x%lx\n", vdev->name, vblk->disk.bd_name,
	       virtqueue_get_vring_size(vblk->vq), vblk->nr_reqs, (unsigned long)vdev->features);
	return 0;
fail:
	vdev->priv = NULL;
	return err;
}

static const struct virtio_device_id virtblk_id_table[] = {
	{ VIRTIO_ID_BLOCK },
	{ 0 },
};

static const unsigned int virtblk_features[] = {
	VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO,
};

static struct virtio_driver virtio_blk_driver = {
	.name = "virtio_blk",
	.id_table = virtblk_id_table,
	.feature_table = virtblk_features,
	.feature_table_size = ARRAY_SIZE(virtblk_features),
	.probe = virtblk_probe,
	.config_changed = virtblk_config_changed,
};

void virtio_blk_init(void)
{
	register_virtio_driver(&virtio_blk_driver);
}

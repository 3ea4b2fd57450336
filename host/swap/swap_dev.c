/*
 * The swap backend's device state and I/O thread.
 *
 * Locking (in full in swap_dev.h): d->lock guards only the requested queue
 * state (want_*, gen/seen_gen, exit, ready); the I/O thread owns the rest
 * and takes the lock just to read a request and to acknowledge it on
 * d->cond. Callbacks into the transport run with no lock held.
 *
 * The thread's loop: take up to SWAP_BATCH chains (kicks off), submit
 * them and collect what completed in one io_uring_enter, publish used
 * entries (one interrupt if the driver wants it); then, if nothing more
 * is waiting, spin on the avail ring a little (adaptive, as QEMU's
 * iothread polling), re-enable kicks, re-check, and sleep in the kernel.
 *
 * A request lives in the slot of its head descriptor index, from the
 * moment its chain is taken off the avail ring until its used entry is
 * written; a head offered again while its slot is busy is a protocol
 * violation. So at most queue-size requests are in flight, and the
 * io_uring (2 x VRING_NUM_MAX SQEs, twice that in CQEs) never overflows:
 * each request has one I/O and at most one delay timer, plus two eventfd
 * reads.
 */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "host/swap/blk_req.h"
#include "host/swap/swap_dev.h"
#include "host/swap/swap_fault.h"
#include "host/swap/vring.h"
#include "vmm/config.h"

#define RING_ENTRIES (2 * VRING_NUM_MAX)
#define SWAP_BATCH   16      /* chains taken before completing what we have */
#define SWAP_POLL_MAX_NS 50000  /* longest spin on the avail ring before sleeping */

/* user_data of an SQE: what completed, and for requests which slot. */
enum { UD_NOTIFY = 1, UD_CTL, UD_IO, UD_DELAY };
#define UD(kind, idx)    (((uint64_t)(kind) << 32) | (idx))
#define UD_KIND(ud)      ((uint32_t)((ud) >> 32))
#define UD_IDX(ud)       ((uint32_t)(ud))

#define FIXED_BUFFERED 0   /* registered file indexes */
#define FIXED_DIRECT   1

struct swap_slot {
	struct blk_req req;
	struct iovec *iov;              /* VRING_NUM_MAX entries */
	uint64_t expect;                /* bytes the I/O must transfer */
	uint8_t  status;                /* decided at I/O completion */
	bool     busy;
	bool     delayed;               /* its delay timer is running */
	struct __kernel_timespec delay;
};

struct swap_dev {
	const struct guest_mem *mem;
	struct swap_dev_ops ops;
	struct swap_disk disk;
	struct blk_limits lim;
	int notify_fd, ctl_fd;

	/* Requested state, under lock (see swap_dev.h). */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned gen, seen_gen;         /* bumped per request; thread acks with seen_gen */
	bool want_active;
	struct vring want_vr;
	bool exit;
	bool ready;                     /* thread finished set-up (ok or not) */
	int setup_err;                  /* its errno, 0 = running */

	/* I/O thread only. */
	pthread_t thread;
	bool thread_running;
	struct io_uring ring;
	bool fixed_files;
	struct vring vr;
	bool active;                    /* vr is live */
	bool broken;                    /* protocol violated: take nothing more */
	bool dropping;                  /* resetting: completions write nothing */
	bool used_dirty;                /* used entries pushed but not published */
	bool ctl_seen;                  /* control eventfd fired: look at the requests */
	unsigned inflight;
	unsigned pending_sqes;
	uint32_t poll_ns, poll_max_ns;  /* adaptive avail-ring polling window */
	struct swap_fault fault;
	uint64_t notify_val, ctl_val;   /* eventfd read buffers */
	struct vring_buf bufs[VRING_NUM_MAX];
	struct swap_slot slot[VRING_NUM_MAX];
	struct swap_stats stats;
};

#define STAT_ADD(d, f, n) __atomic_store_n(&(d)->stats.f, (d)->stats.f + (n), __ATOMIC_RELAXED)

/* ---- set-up ---- */

struct swap_dev *swap_dev_create(const struct vm_swap_config *cfg, const struct guest_mem *mem,
				 const struct swap_dev_ops *ops, enum swap_direct direct,
				 char *err, size_t errlen)
{
	struct swap_dev *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "swap: out of memory");
		return NULL;
	}
	d->mem = mem;
	d->ops = *ops;
	d->notify_fd = d->ctl_fd = -1;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	if (swap_disk_open(&d->disk, cfg->path, cfg->size_bytes, cfg->readonly, direct,
			   err, errlen)) {
		d->disk.fd = d->disk.fd_direct = -1;
		goto fail;
	}
	d->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	d->ctl_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->notify_fd < 0 || d->ctl_fd < 0) {
		snprintf(err, errlen, "swap: eventfd: %s", strerror(errno));
		goto fail;
	}
	for (int i = 0; i < VRING_NUM_MAX; i++) {
		d->slot[i].iov = calloc(VRING_NUM_MAX, sizeof(struct iovec));
		if (!d->slot[i].iov) {
			snprintf(err, errlen, "swap: out of memory");
			goto fail;
		}
	}
	d->lim.capacity = d->disk.size >> VIRTIO_BLK_SECTOR_SHIFT;
	d->lim.seg_max = VRING_NUM_MAX - 2;   /* room for header and status, as QEMU */
	d->lim.readonly = cfg->readonly;
	blk_serial_from_path(d->lim.serial, cfg->path);
	swap_fault_init(&d->fault, cfg);
	d->poll_max_ns = SWAP_POLL_MAX_NS;
	return d;
fail:
	swap_dev_destroy(d);
	return NULL;
}

void swap_dev_destroy(struct swap_dev *d)
{
	if (!d)
		return;
	swap_dev_stop(d);
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	swap_disk_close(&d->disk);
	for (int i = 0; i < VRING_NUM_MAX; i++)
		free(d->slot[i].iov);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void swap_dev_set_poll(struct swap_dev *d, uint32_t max_ns)
{
	d->poll_max_ns = max_ns;
	d->poll_ns = 0;
}

int swap_dev_notify_fd(const struct swap_dev *d)
{
	return d->notify_fd;
}

const struct swap_disk *swap_dev_disk(const struct swap_dev *d)
{
	return &d->disk;
}

uint64_t swap_dev_features(const struct swap_dev *d)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
		     VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);

	if (d->disk.readonly)
		f |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	return f;
}

void swap_dev_blk_config(const struct swap_dev *d, struct virtio_blk_config *c)
{
	uint32_t bs = VIRTIO_BLK_SECTOR_SIZE;

	/* Advertise the direct-I/O granule so the guest's I/O can use it. */
	if (d->disk.fd_direct >= 0 && d->disk.dio_off_align <= 4096)
		bs = d->disk.dio_off_align < bs ? bs : d->disk.dio_off_align;
	memset(c, 0, sizeof(*c));
	c->capacity = d->lim.capacity;
	c->seg_max = d->lim.seg_max;
	c->blk_size = bs;
	c->num_queues = 1;
}

void swap_dev_stats(const struct swap_dev *d, struct swap_stats *s)
{
	const uint64_t *src = (const uint64_t *)&d->stats;
	uint64_t *dst = (uint64_t *)s;

	for (size_t i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

/* ---- control from the transport ---- */

static void ctl_kick(struct swap_dev *d)
{
	uint64_t one = 1;

	if (write(d->ctl_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		perror("swap: control eventfd");
}

int swap_dev_queue_start(struct swap_dev *d, uint32_t num, uint64_t desc, uint64_t avail,
			 uint64_t used, uint64_t features, const char **why)
{
	struct vring vr;

	if (vring_init(&vr, d->mem, num, desc, avail, used, features, why))
		return -1;
	pthread_mutex_lock(&d->lock);
	d->want_vr = vr;
	d->want_active = true;
	d->gen++;
	pthread_mutex_unlock(&d->lock);
	ctl_kick(d);
	return 0;
}

void swap_dev_queue_stop(struct swap_dev *d)
{
	unsigned gen;

	pthread_mutex_lock(&d->lock);
	d->want_active = false;
	gen = ++d->gen;
	if (d->thread_running) {
		ctl_kick(d);
		while ((int)(d->seen_gen - gen) < 0 && d->thread_running)
			pthread_cond_wait(&d->cond, &d->lock);
	}
	pthread_mutex_unlock(&d->lock);
}

/* ---- the I/O thread ---- */

static struct io_uring_sqe *get_sqe(struct swap_dev *d)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&d->ring);

	if (!sqe) {   /* cannot happen with the sizes above; stay safe anyway */
		io_uring_submit(&d->ring);
		sqe = io_uring_get_sqe(&d->ring);
	}
	d->pending_sqes++;
	return sqe;
}

static void arm_eventfd_read(struct swap_dev *d, int fd, uint64_t *buf, uint32_t kind)
{
	struct io_uring_sqe *sqe = get_sqe(d);

	io_uring_prep_read(sqe, fd, buf, sizeof(*buf), 0);
	io_uring_sqe_set_data64(sqe, UD(kind, 0));
}

static void break_device(struct swap_dev *d, const char *why)
{
	if (d->broken)
		return;
	d->broken = true;
	STAT_ADD(d, broken, 1);
	if (d->ops.broken)
		d->ops.broken(d->ops.opaque, why);
}

/* The request in SLOT is done: its status byte and used entry, unless
 * the queue is being reset or is broken (then the driver must not rely
 * on anything but a reset: 2.1.2). */
static void finish(struct swap_dev *d, struct swap_slot *s, uint8_t status)
{
	uint16_t head = (uint16_t)(s - d->slot);

	if (!d->dropping && !d->broken) {
		__atomic_store_n(s->req.status_hva, status, __ATOMIC_RELAXED);
		vring_push_used(&d->vr, head, s->req.used_len);
		d->used_dirty = true;
	}
	if (status != VIRTIO_BLK_S_OK)
		STAT_ADD(d, errors, 1);
	s->busy = false;
	d->inflight--;
}

/* The I/O of SLOT finished with RES (bytes or -errno). Short counts as an
 * error: nothing is reported done that was not. */
static void io_done(struct swap_dev *d, struct swap_slot *s, int res)
{
	s->status = (res >= 0 && (uint64_t)res == s->expect) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	if (d->fault.delay_us && !s->delayed) {
		struct io_uring_sqe *sqe = get_sqe(d);

		s->delayed = true;
		s->delay.tv_sec = d->fault.delay_us / 1000000;
		s->delay.tv_nsec = (long long)(d->fault.delay_us % 1000000) * 1000;
		io_uring_prep_timeout(sqe, &s->delay, 0, 0);
		io_uring_sqe_set_data64(sqe, UD(UD_DELAY, s - d->slot));
		return;
	}
	finish(d, s, s->status);
}

static void submit_io(struct swap_dev *d, struct swap_slot *s, enum blk_action act)
{
	struct blk_req *r = &s->req;
	uint64_t off = r->sector << VIRTIO_BLK_SECTOR_SHIFT;
	struct io_uring_sqe *sqe;
	int fd;

	if (act == BLK_SUBMIT_FLUSH) {
		sqe = get_sqe(d);
		fd = d->fixed_files ? FIXED_BUFFERED : d->disk.fd;
		io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	} else {
		fd = swap_disk_fd_for(&d->disk, r->iov, r->nr_iov, off);
		if (fd == d->disk.fd_direct)
			STAT_ADD(d, direct, 1);
		if (d->fixed_files)
			fd = fd == d->disk.fd_direct ? FIXED_DIRECT : FIXED_BUFFERED;
		sqe = get_sqe(d);
		if (r->nr_iov == 1 && act == BLK_SUBMIT_READ)
			io_uring_prep_read(sqe, fd, r->iov[0].iov_base, r->iov[0].iov_len, off);
		else if (r->nr_iov == 1)
			io_uring_prep_write(sqe, fd, r->iov[0].iov_base, r->iov[0].iov_len, off);
		else if (act == BLK_SUBMIT_READ)
			io_uring_prep_readv(sqe, fd, r->iov, r->nr_iov, off);
		else
			io_uring_prep_writev(sqe, fd, r->iov, r->nr_iov, off);
	}
	if (d->fixed_files)
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, UD(UD_IO, s - d->slot));
}

/* Cut the request's data to the truncated length (fault injection). */
static void truncate_iov(struct blk_req *r)
{
	uint64_t left = swap_fault_truncated_len(r->data_len);
	unsigned n = 0;

	while (n < r->nr_iov && left) {
		if (r->iov[n].iov_len > left)
			r->iov[n].iov_len = left;
		left -= r->iov[n].iov_len;
		n++;
	}
	r->nr_iov = n;
}

/* Take the chain at HEAD. -1 if it broke the device. */
static int take_chain(struct swap_dev *d, uint16_t head)
{
	struct swap_slot *s;
	enum blk_action act;
	const char *why;
	unsigned nr_out;
	int nr;

	nr = vring_read_chain(&d->vr, head, d->bufs, d->vr.num, &nr_out, &why);
	if (nr < 0)
		goto broken;
	s = &d->slot[head];
	if (s->busy) {
		why = "chain head made available again while in flight";
		goto broken;
	}
	act = blk_req_parse(d->bufs, (unsigned)nr, nr_out, &d->lim, s->iov, &s->req, &why);
	if (act == BLK_BROKEN)
		goto broken;
	STAT_ADD(d, requests, 1);
	s->busy = true;
	s->delayed = false;
	d->inflight++;
	if (act == BLK_COMPLETE) {
		finish(d, s, s->req.status);
		return 0;
	}
	if (act == BLK_SUBMIT_READ)
		STAT_ADD(d, reads, 1);
	else if (act == BLK_SUBMIT_WRITE)
		STAT_ADD(d, writes, 1);
	else
		STAT_ADD(d, flushes, 1);
	s->expect = s->req.data_len;
	switch (swap_fault_next(&d->fault, act != BLK_SUBMIT_FLUSH)) {
	case SWAP_FAULT_EIO:
		io_done(d, s, -EIO);
		return 0;
	case SWAP_FAULT_TRUNCATE:
		truncate_iov(&s->req);
		break;
	case SWAP_FAULT_NONE:
		break;
	}
	submit_io(d, s, act);
	return 0;
broken:
	break_device(d, why);
	return -1;
}

/* Take available chains, at most SWAP_BATCH, with kicks off. Returns how
 * many; the caller decides when to ask for kicks again. */
static unsigned take_available(struct swap_dev *d)
{
	unsigned taken = 0;
	const char *why;
	int n;

	if (!d->active || d->broken)
		return 0;
	vring_disable_notify(&d->vr);
	while (taken < SWAP_BATCH && (n = vring_avail_pending(&d->vr, &why)) != 0) {
		if (n < 0) {
			break_device(d, why);
			break;
		}
		while (n-- && taken < SWAP_BATCH) {
			taken++;
			if (take_chain(d, vring_pop(&d->vr)))
				return taken;
		}
	}
	return taken;
}

static bool ring_has_work(struct swap_dev *d)
{
	const char *why;

	return d->active && !d->broken && vring_avail_pending(&d->vr, &why) != 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Spin on the avail ring for up to poll_ns, kicks still off: a driver
 * that refills soon after its completions costs neither a kick (a VM
 * exit) nor a wake-up of this thread. As QEMU's adaptive iothread
 * polling: the window grows while the driver comes back within
 * poll_max_ns, and shrinks to nothing while it does not. */
static bool poll_avail(struct swap_dev *d)
{
	uint64_t end;

	if (!d->poll_ns || d->inflight || !d->active || d->broken)
		return false;
	end = mono_ns() + d->poll_ns;
	do {
		for (int i = 0; i < 64; i++) {
			if (ring_has_work(d)) {
				STAT_ADD(d, poll_hits, 1);
				return true;
			}
			__builtin_ia32_pause();
		}
	} while (mono_ns() < end);
	return false;
}

static void adapt_poll(struct swap_dev *d, uint64_t blocked_ns)
{
	if (blocked_ns > d->poll_max_ns)
		d->poll_ns = d->poll_ns > 2000 ? d->poll_ns / 2 : 0;
	else if (d->poll_ns < blocked_ns)
		d->poll_ns = d->poll_ns * 2 > d->poll_max_ns ? d->poll_max_ns :
			     d->poll_ns < 2000 ? 2000 : d->poll_ns * 2;
}

static void publish_used(struct swap_dev *d)
{
	if (!d->used_dirty)
		return;
	d->used_dirty = false;
	if (vring_publish(&d->vr) && d->ops.interrupt) {
		STAT_ADD(d, interrupts, 1);
		d->ops.interrupt(d->ops.opaque);
	}
}

static void reap(struct swap_dev *d)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(&d->ring, head, cqe) {
		uint64_t ud = io_uring_cqe_get_data64(cqe);
		struct swap_slot *s = &d->slot[UD_IDX(ud) % VRING_NUM_MAX];

		switch (UD_KIND(ud)) {
		case UD_NOTIFY:
			STAT_ADD(d, kicks, 1);
			arm_eventfd_read(d, d->notify_fd, &d->notify_val, UD_NOTIFY);
			break;
		case UD_CTL:
			d->ctl_seen = true;
			arm_eventfd_read(d, d->ctl_fd, &d->ctl_val, UD_CTL);
			break;
		case UD_IO:
			io_done(d, s, cqe->res);
			break;
		case UD_DELAY:
			finish(d, s, s->status);
			break;
		}
		n++;
	}
	io_uring_cq_advance(&d->ring, n);
}

/* Submit what is queued; wait for at least one completion if WAIT. */
static void submit_and_reap(struct swap_dev *d, bool wait)
{
	int ret;

	if (d->pending_sqes)
		STAT_ADD(d, submits, 1);
	d->pending_sqes = 0;
	ret = wait ? io_uring_submit_and_wait(&d->ring, 1) : io_uring_submit_and_get_events(&d->ring);
	if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY && ret != -ETIME)
		fprintf(stderr, "swap: io_uring_enter: %s\n", strerror(-ret));
	reap(d);
}

static void wait_events(struct swap_dev *d)
{
	submit_and_reap(d, true);
}

/* Apply what the transport asked for. Returns false when the thread must exit. */
static bool apply_requests(struct swap_dev *d)
{
	unsigned gen;
	bool active, quit;
	struct vring vr;

	d->ctl_seen = false;
	pthread_mutex_lock(&d->lock);
	gen = d->gen;
	active = d->want_active;
	vr = d->want_vr;
	quit = d->exit;
	pthread_mutex_unlock(&d->lock);
	if (gen == d->seen_gen && !quit)
		return true;

	/* Reset (or exit): drain in-flight I/O, writing nothing to the rings. */
	d->dropping = true;
	while (d->inflight)
		wait_events(d);
	d->dropping = false;
	d->active = false;
	d->broken = false;
	d->used_dirty = false;
	if (active && !quit) {
		d->vr = vr;
		d->active = true;
	}
	pthread_mutex_lock(&d->lock);
	d->seen_gen = gen;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return !quit;
}

static int ring_setup(struct swap_dev *d)
{
	struct io_uring_params p;
	int fds[2], ret;

	/* DEFER_TASKRUN: completions are run when we wait, in this thread. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(RING_ENTRIES, &d->ring, &p);
	if (ret < 0) {
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_params(RING_ENTRIES, &d->ring, &p);
	}
	if (ret < 0)
		return ret;
	fds[FIXED_BUFFERED] = d->disk.fd;
	fds[FIXED_DIRECT] = d->disk.fd_direct >= 0 ? d->disk.fd_direct : d->disk.fd;
	d->fixed_files = io_uring_register_files(&d->ring, fds, 2) == 0;
	return 0;
}

static void *io_thread(void *arg)
{
	struct swap_dev *d = arg;
	int ret = ring_setup(d);

	pthread_mutex_lock(&d->lock);
	d->ready = true;
	d->setup_err = ret;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (ret < 0)
		return NULL;

	arm_eventfd_read(d, d->notify_fd, &d->notify_val, UD_NOTIFY);
	arm_eventfd_read(d, d->ctl_fd, &d->ctl_val, UD_CTL);
	while (apply_requests(d)) {
		unsigned took = take_available(d);
		bool idle;
		uint64_t t0;

		submit_and_reap(d, false);        /* hand over what we took, collect what is done */
		publish_used(d);
		if (took == SWAP_BATCH || d->ctl_seen || ring_has_work(d) || poll_avail(d))
			continue;
		if (d->active && !d->broken && vring_enable_notify(&d->vr))
			continue;                 /* arrived while we re-enabled kicks */
		idle = d->inflight == 0;
		t0 = mono_ns();
		submit_and_reap(d, true);         /* sleep: kick, completion or control */
		if (idle && d->poll_max_ns)
			adapt_poll(d, mono_ns() - t0);
		publish_used(d);
	}
	io_uring_queue_exit(&d->ring);
	return NULL;
}

int swap_dev_start(struct swap_dev *d, char *err, size_t errlen)
{
	int ret;

	if (d->thread_running)
		return 0;
	d->ready = false;
	d->exit = false;
	ret = pthread_create(&d->thread, NULL, io_thread, d);
	if (ret) {
		snprintf(err, errlen, "swap: pthread_create: %s", strerror(ret));
		return -1;
	}
	pthread_mutex_lock(&d->lock);
	while (!d->ready)
		pthread_cond_wait(&d->cond, &d->lock);
	ret = d->setup_err;
	if (ret == 0)
		d->thread_running = true;
	pthread_mutex_unlock(&d->lock);
	if (ret < 0) {
		pthread_join(d->thread, NULL);
		snprintf(err, errlen, "swap: io_uring set-up: %s", strerror(-ret));
		return -1;
	}
	pthread_setname_np(d->thread, "swap-io");
	return 0;
}

void swap_dev_stop(struct swap_dev *d)
{
	if (!d->thread_running)
		return;
	pthread_mutex_lock(&d->lock);
	d->exit = true;
	pthread_mutex_unlock(&d->lock);
	ctl_kick(d);
	pthread_join(d->thread, NULL);
	pthread_mutex_lock(&d->lock);
	d->thread_running = false;   /* the queue is forgotten: a restart needs a reset */
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

/*
 * A swap backend (host/swap/swap_dev.c) running its real I/O thread on a
 * temporary file, with a fake guest (test_swap_driver.h) and an eventfd
 * standing in for the irqfd. Shared by the swap tests.
 */
#ifndef TEST_SWAP_ENV_H
#define TEST_SWAP_ENV_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "host/swap/swap_dev.h"
#include "test_swap_driver.h"
#include "vmm/config.h"

#define ENV_RAM      (16u << 20)
#define ENV_RING     (FG_RAM_GPA)                 /* queue lives here */
#define ENV_HDR      (FG_RAM_GPA + 0x10000)       /* 16-byte headers, 64 B apart */
#define ENV_STATUS   (FG_RAM_GPA + 0x20000)       /* status bytes, 64 B apart */
#define ENV_DATA     (FG_RAM_GPA + 0x100000)      /* data buffers */
#define ENV_DISK     (8u << 20)

struct swap_env {
	struct fake_guest g;
	struct drv_queue q;
	struct swap_dev *d;
	struct vm_swap_config cfg;
	int irq_fd;
	int broken;                 /* set (release) by the broken callback */
	char broken_why[128];
	int interrupts;
};

static void env_on_irq(void *opaque)
{
	struct swap_env *e = opaque;
	uint64_t one = 1;

	__atomic_fetch_add(&e->interrupts, 1, __ATOMIC_RELAXED);
	if (write(e->irq_fd, &one, sizeof(one)) < 0)
		abort();
}

static void env_on_broken(void *opaque, const char *why)
{
	struct swap_env *e = opaque;

	snprintf(e->broken_why, sizeof(e->broken_why), "%s", why);
	__atomic_store_n(&e->broken, 1, __ATOMIC_RELEASE);
}

static inline void env_tmp_path(char *buf, size_t len, const char *tag)
{
	const char *dir = getenv("TMPDIR");

	snprintf(buf, len, "%s/gmm-swap-%s-%d.img", dir && *dir ? dir : "/tmp", tag, getpid());
}

/* Create the device (not started) with CFG's path/size/faults already set. */
static inline int env_create(struct swap_env *e, enum swap_direct direct, char *err, size_t errlen)
{
	struct swap_dev_ops ops = { env_on_irq, env_on_broken, e };

	e->d = swap_dev_create(&e->cfg, &e->g.mem, &ops, direct, err, errlen);
	return e->d ? 0 : -1;
}

/* Whole set-up: guest memory, a fresh disk file, a started device with a
 * queue of NUM entries and the given negotiated FEATURES. */
static inline int env_setup_full(struct swap_env *e, uint16_t num, uint64_t features,
				 enum swap_direct direct)
{
	char err[512];
	const char *why;

	if (fake_guest_init(&e->g, ENV_RAM, 1 << 20))
		return -1;
	e->irq_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!e->cfg.path[0]) {
		env_tmp_path(e->cfg.path, sizeof(e->cfg.path), "t");
		unlink(e->cfg.path);
	}
	if (!e->cfg.size_bytes)
		e->cfg.size_bytes = ENV_DISK;
	e->cfg.present = true;
	if (env_create(e, direct, err, sizeof(err))) {
		fprintf(stderr, "env: %s\n", err);
		return -1;
	}
	if (swap_dev_start(e->d, err, sizeof(err))) {
		fprintf(stderr, "env: %s\n", err);
		return -1;
	}
	drv_init(&e->q, &e->g, num, ENV_RING, features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	if (swap_dev_queue_start(e->d, num, e->q.desc_gpa, e->q.avail_gpa, e->q.used_gpa,
				 features, &why)) {
		fprintf(stderr, "env: queue: %s\n", why);
		return -1;
	}
	return 0;
}

static inline int env_setup(struct swap_env *e)
{
	return env_setup_full(e, 64, VIRTIO_BIT(VIRTIO_F_VERSION_1), SWAP_DIRECT_AUTO);
}

static inline void env_teardown(struct swap_env *e)
{
	swap_dev_destroy(e->d);
	e->d = NULL;
	if (e->cfg.path[0])
		unlink(e->cfg.path);
	if (e->irq_fd > 0)
		close(e->irq_fd);
	fake_guest_free(&e->g);
}

static inline uint64_t env_hdr(unsigned i)    { return ENV_HDR + 64ULL * i; }
static inline uint64_t env_status(unsigned i) { return ENV_STATUS + 64ULL * i; }

/* Build request I (descriptors 3i..3i+2): header, data (if any), status.
 * Returns the head. */
static inline uint16_t env_req(struct swap_env *e, unsigned i, uint32_t type, uint64_t sector,
			       uint64_t data_gpa, uint32_t data_len)
{
	struct virtio_blk_outhdr *h = G(&e->g, env_hdr(i));
	uint16_t d0 = (uint16_t)(3 * i);
	uint8_t *st = G(&e->g, env_status(i));

	h->type = type;
	h->ioprio = 0;
	h->sector = sector;
	*st = 0xee;   /* "not written" */
	if (data_len) {
		uint16_t wflag = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;

		drv_desc(&e->q, d0, env_hdr(i), 16, VIRTQ_DESC_F_NEXT, d0 + 1);
		drv_desc(&e->q, d0 + 1, data_gpa, data_len, VIRTQ_DESC_F_NEXT | wflag, d0 + 2);
		drv_desc(&e->q, d0 + 2, env_status(i), 1, VIRTQ_DESC_F_WRITE, 0);
	} else {
		drv_desc(&e->q, d0, env_hdr(i), 16, VIRTQ_DESC_F_NEXT, d0 + 1);
		drv_desc(&e->q, d0 + 1, env_status(i), 1, VIRTQ_DESC_F_WRITE, 0);
	}
	return d0;
}

static inline uint8_t env_st(struct swap_env *e, unsigned i)
{
	return *(volatile uint8_t *)G(&e->g, env_status(i));
}

/* Make HEADS available, kick, wait for all their used entries (on top of
 * those already pending, which stay unread). */
static inline bool env_run(struct swap_env *e, const uint16_t *heads, unsigned n)
{
	uint16_t before = drv_used_pending(&e->q);

	for (unsigned i = 0; i < n; i++)
		drv_add(&e->q, heads[i]);
	drv_publish(&e->q);
	drv_kick(swap_dev_notify_fd(e->d));
	return drv_wait_used(&e->q, e->irq_fd, (uint16_t)(before + n), 5000);
}

static inline bool env_run1(struct swap_env *e, uint16_t head)
{
	return env_run(e, &head, 1);
}

/* Wait for the broken callback. */
static inline bool env_wait_broken(struct swap_env *e, int timeout_ms)
{
	for (int i = 0; i < timeout_ms; i++) {
		if (__atomic_load_n(&e->broken, __ATOMIC_ACQUIRE))
			return true;
		usleep(1000);
	}
	return false;
}

#endif

/*
 * A fake guest for the swap backend's tests and benchmark: guest memory
 * made of host allocations (struct guest_mem, as the VMM builds it), and
 * the driver side of a split virtqueue built by hand in it, the way a
 * guest driver would (virtio 1.2, 2.7.13).
 *
 * Memory: region 0 at FG_RAM_GPA, optionally region 1 after a hole, so
 * tests can aim descriptors at non-RAM and across regions.
 */
#ifndef TEST_SWAP_DRIVER_H
#define TEST_SWAP_DRIVER_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "gmm/virtio.h"
#include "vmm/guest_mem.h"

#define FG_RAM_GPA   0x100000ULL
#define FG_HOLE      0x100000ULL   /* gap between region 0 and region 1 */

struct fake_guest {
	struct guest_mem mem;
};

static inline int fake_guest_init(struct fake_guest *g, uint64_t size, uint64_t size2)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < (size2 ? 2 : 1); i++) {
		struct guest_region *r = &g->mem.region[i];
		uint64_t sz = i ? size2 : size;

		r->hva = aligned_alloc(4096, sz);
		if (!r->hva)
			return -1;
		memset(r->hva, 0, sz);
		r->gpa = i ? FG_RAM_GPA + size + FG_HOLE : FG_RAM_GPA;
		r->size = sz;
		r->node = i;
		r->slot = -1;
		g->mem.nr_regions++;
	}
	return 0;
}

static inline void fake_guest_free(struct fake_guest *g)
{
	for (int i = 0; i < g->mem.nr_regions; i++)
		free(g->mem.region[i].hva);
	memset(g, 0, sizeof(*g));
}

/* Test-side pointer for a guest-physical address (trusted: we built it). */
static inline void *G(struct fake_guest *g, uint64_t gpa)
{
	return gpa_to_hva(&g->mem, gpa, 1);
}

/* The driver side of one queue. */
struct drv_queue {
	struct fake_guest *g;
	uint16_t num;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	bool event_idx;
	uint16_t avail_idx;      /* next avail slot we fill */
	uint16_t kicked_idx;     /* avail_idx at the last kick decision */
	uint16_t last_used;      /* next used entry we read */
};

/* Lay the queue out at BASE: descriptors, avail ring, used ring (page aligned). */
static inline void drv_init(struct drv_queue *q, struct fake_guest *g, uint16_t num,
			    uint64_t base, bool event_idx)
{
	memset(q, 0, sizeof(*q));
	q->g = g;
	q->num = num;
	q->event_idx = event_idx;
	q->desc_gpa = base;
	q->avail_gpa = base + vring_desc_bytes(num);
	q->used_gpa = (q->avail_gpa + vring_avail_bytes(num) + 4095) & ~4095ULL;
	q->desc = G(g, q->desc_gpa);
	q->avail = G(g, q->avail_gpa);
	q->used = G(g, q->used_gpa);
	memset(q->desc, 0, vring_desc_bytes(num));
	memset(q->avail, 0, vring_avail_bytes(num));
	memset(q->used, 0, vring_used_bytes(num));
}

static inline void drv_desc(struct drv_queue *q, uint16_t i, uint64_t addr, uint32_t len,
			    uint16_t flags, uint16_t next)
{
	q->desc[i].addr = addr;
	q->desc[i].len = len;
	q->desc[i].flags = flags;
	q->desc[i].next = next;
}

static inline uint16_t *drv_used_event(struct drv_queue *q)
{
	return &q->avail->ring[q->num];
}

static inline uint16_t drv_avail_event(struct drv_queue *q)
{
	return __atomic_load_n((uint16_t *)&q->used->ring[q->num], __ATOMIC_ACQUIRE);
}

/* Make HEAD available (not yet visible: see drv_publish). */
static inline void drv_add(struct drv_queue *q, uint16_t head)
{
	q->avail->ring[q->avail_idx & (q->num - 1)] = head;
	q->avail_idx++;
}

static inline void drv_publish(struct drv_queue *q)
{
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

/* Publish, then kick NOTIFY_FD if the device asked for it. true if kicked. */
static inline bool drv_publish_kick(struct drv_queue *q, int notify_fd)
{
	uint16_t old = q->kicked_idx, new_idx = q->avail_idx;
	bool kick;
	uint64_t one = 1;

	drv_publish(q);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx)
		kick = vring_need_event(drv_avail_event(q), new_idx, old);
	else
		kick = !(__atomic_load_n(&q->used->flags, __ATOMIC_ACQUIRE) & VIRTQ_USED_F_NO_NOTIFY);
	q->kicked_idx = new_idx;
	if (kick && write(notify_fd, &one, sizeof(one)) != sizeof(one))
		return false;
	return kick;
}

static inline void drv_kick(int notify_fd)
{
	uint64_t one = 1;

	if (write(notify_fd, &one, sizeof(one)) != sizeof(one))
		abort();
}

static inline uint16_t drv_used_pending(struct drv_queue *q)
{
	return (uint16_t)(__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) - q->last_used);
}

/* Next used entry; call only when drv_used_pending() > 0. */
static inline struct vring_used_elem drv_get_used(struct drv_queue *q)
{
	struct vring_used_elem e = q->used->ring[q->last_used & (q->num - 1)];

	q->last_used++;
	if (q->event_idx)
		__atomic_store_n(drv_used_event(q), q->last_used, __ATOMIC_RELEASE);
	return e;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Wait until COUNT used entries are pending, sleeping on the interrupt
 * eventfd IRQ_FD (and re-checking the ring every 10 ms, so a missing
 * interrupt shows as slowness in tests, not a hang). false on timeout. */
static inline bool drv_wait_used(struct drv_queue *q, int irq_fd, uint16_t count, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000ULL;

	while (drv_used_pending(q) < count) {
		struct pollfd p = { .fd = irq_fd, .events = POLLIN };
		uint64_t v;

		if (now_ns() > end)
			return false;
		if (poll(&p, 1, 10) > 0 && read(irq_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			return false;
	}
	return true;
}

#endif

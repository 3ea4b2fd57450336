/*
 * The swap backend: one virtio-blk request queue in guest memory served
 * by a dedicated I/O thread with io_uring, data going straight between
 * the disk and guest memory (the iovecs point into guest RAM; no bounce
 * buffer). Transport-independent: vmm/virtio_pci.c puts it behind PCI,
 * tests drive it with fake guest memory and hand-built rings.
 *
 * The I/O thread sleeps in io_uring_submit_and_wait() with a read armed on
 * the notify eventfd (KVM_IOEVENTFD signals it when the guest kicks) and
 * on a control eventfd; I/O completions wake it too. Per wake-up it takes
 * every available chain (kicks suppressed meanwhile), submits them all at
 * once, reaps every completion, writes status bytes and used entries, and
 * interrupts the guest once if the guest asked for it.
 *
 * Threads and locking:
 *   - d->lock protects the requested queue state (want_*, gen, seen_gen,
 *     exit) shared between the caller (a vCPU thread inside the transport)
 *     and the I/O thread. Everything else after creation belongs to the
 *     I/O thread: the vring, request slots, io_uring, fault state.
 *   - swap_dev_queue_stop() waits (on d->cond) until the I/O thread has
 *     drained in-flight I/O: a caller may hold its own lock around it, so
 *     the ops callbacks below run without d->lock and must not take any
 *     lock the caller could hold: they must be lock-free (atomics, eventfd).
 *   - stats are written by the I/O thread only, read with atomic loads.
 */
#ifndef SWAP_DEV_H
#define SWAP_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gmm/virtio.h"
#include "host/swap/swap_disk.h"
#include "vmm/guest_mem.h"

struct vm_swap_config;
struct swap_dev;

/* Called on the I/O thread, without locks held (see above). */
struct swap_dev_ops {
	void (*interrupt)(void *opaque);                  /* used ring updated, driver wants to know */
	void (*broken)(void *opaque, const char *why);    /* protocol violation: queue stopped */
	void *opaque;
};

struct swap_stats {
	uint64_t kicks;         /* notify eventfd wake-ups */
	uint64_t requests;      /* chains taken off the avail ring */
	uint64_t reads, writes, flushes;
	uint64_t errors;        /* completed with a status other than OK */
	uint64_t direct;        /* data requests done with O_DIRECT */
	uint64_t submits;       /* io_uring_submit calls that submitted something */
	uint64_t interrupts;    /* ops->interrupt calls */
	uint64_t broken;        /* protocol violations seen */
	uint64_t poll_hits;     /* chains found by polling the avail ring (no kick, no sleep) */
};

/* Open (or create) the disk and set the device up; the thread is not
 * started. NULL with a message in ERR on failure. */
struct swap_dev *swap_dev_create(const struct vm_swap_config *cfg, const struct guest_mem *mem,
				 const struct swap_dev_ops *ops, enum swap_direct direct,
				 char *err, size_t errlen);
void swap_dev_destroy(struct swap_dev *d);   /* stops the thread first */

int  swap_dev_start(struct swap_dev *d, char *err, size_t errlen);  /* the I/O thread */
void swap_dev_stop(struct swap_dev *d);      /* drains in-flight I/O, joins */

/* Longest spin on the avail ring after a batch before the thread sleeps
 * (adaptive, default 50 us; 0 = never spin). Call before swap_dev_start. */
void swap_dev_set_poll(struct swap_dev *d, uint32_t max_ns);

/* The eventfd a guest kick must signal (bind with KVM_IOEVENTFD). */
int swap_dev_notify_fd(const struct swap_dev *d);

/* Device features the backend offers (ring and VIRTIO_BLK_F_*), and the
 * virtio-blk config space for them. */
uint64_t swap_dev_features(const struct swap_dev *d);
void swap_dev_blk_config(const struct swap_dev *d, struct virtio_blk_config *c);
const struct swap_disk *swap_dev_disk(const struct swap_dev *d);

/* Hand the I/O thread a queue of NUM entries at the given guest-physical
 * addresses with the FEATURES the driver accepted. Checks the rings first:
 * -1 with *why if they are not valid (nothing is started then). */
int swap_dev_queue_start(struct swap_dev *d, uint32_t num, uint64_t desc, uint64_t avail,
			 uint64_t used, uint64_t features, const char **why);

/* Device reset: stop taking requests, wait for in-flight I/O (their used
 * entries are dropped), forget the queue and any broken state. */
void swap_dev_queue_stop(struct swap_dev *d);

void swap_dev_stats(const struct swap_dev *d, struct swap_stats *s);

#endif

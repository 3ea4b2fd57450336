/*
 * The device side of one split virtqueue (virtio 1.2, 2.7) living in guest
 * memory: taking chains off the avail ring, checking every descriptor, and
 * returning them through the used ring with notification suppression.
 *
 * The guest is untrusted (DESIGN.md decision 9). Every index, address and
 * length read from the rings is checked before use; each descriptor is read
 * once into a local copy, so a guest changing it concurrently cannot make a
 * checked value differ from the used one. A violation is returned as an
 * error with a reason: the caller marks the device broken.
 *
 * No locking: a struct vring belongs to one thread (the swap I/O thread).
 */
#ifndef SWAP_VRING_H
#define SWAP_VRING_H

#include <stdbool.h>
#include <stdint.h>

#include "gmm/virtio.h"
#include "vmm/guest_mem.h"

/* Largest queue we offer (QEMU's virtio-blk default). Bounds per-queue arrays. */
#define VRING_NUM_MAX 256

/* One buffer of a chain, checked: [gpa, gpa+len) is guest RAM at hva. */
struct vring_buf {
	uint64_t gpa;
	uint32_t len;
	bool     write;   /* device-writable */
	uint8_t *hva;
};

struct vring {
	const struct guest_mem *mem;
	uint16_t num;                 /* entries, a power of 2 */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	struct vring_desc  *desc;     /* host views, checked by vring_init */
	struct vring_avail *avail;
	struct vring_used  *used;
	bool     event_idx;           /* VIRTIO_F_EVENT_IDX negotiated */
	bool     indirect;            /* VIRTIO_F_INDIRECT_DESC negotiated */
	uint16_t last_avail;          /* next avail entry the device takes */
	uint16_t avail_shadow;        /* avail->idx as last read */
	uint16_t used_idx;            /* next used entry; published by vring_publish */
	uint16_t signalled_used;      /* used idx when the driver was last interrupted */
};

/* Check and map the three parts for a queue of NUM entries. 0, or -1 with
 * *why set (NUM not a power of 2 or too big, a part misaligned, outside
 * guest RAM, or overlapping another part). */
int vring_init(struct vring *vr, const struct guest_mem *mem, uint32_t num,
	       uint64_t desc, uint64_t avail, uint64_t used, uint64_t features,
	       const char **why);

/* Chains the driver has made available and we have not taken; -1 with *why
 * if its index ran ahead of ours by more than the queue size. */
int vring_avail_pending(struct vring *vr, const char **why);

/* Take the next available head (call only when vring_avail_pending() > 0). */
uint16_t vring_pop(struct vring *vr);

/* Read and check the chain starting at HEAD into BUFS (room for MAX).
 * Returns the number of buffers and sets *nr_out to how many of them lead
 * (device-readable), or -1 with *why: head or next out of range, a loop,
 * longer than MAX, zero length, outside guest RAM, overlapping the rings,
 * readable after writable, or a bad indirect table. */
int vring_read_chain(struct vring *vr, uint16_t head, struct vring_buf *bufs,
		     unsigned max, unsigned *nr_out, const char **why);

/* Return HEAD with LEN bytes written; visible to the driver at vring_publish. */
void vring_push_used(struct vring *vr, uint16_t head, uint32_t len);

/* Make pushed entries visible. Returns true if the driver wants an
 * interrupt for them (VIRTQ_AVAIL_F_NO_INTERRUPT or used_event honoured). */
bool vring_publish(struct vring *vr);

/* Ask the driver not to kick us (we are polling the ring anyway). */
void vring_disable_notify(struct vring *vr);

/* Ask for kicks again. Returns true if chains arrived meanwhile, so the
 * caller processes them instead of sleeping (else one could be missed). */
bool vring_enable_notify(struct vring *vr);

/* true if [gpa, gpa+len) overlaps any of the three ring parts. */
bool vring_overlaps(const struct vring *vr, uint64_t gpa, uint64_t len);

#endif

/*
 * Split virtqueue, device side. See vring.h for the rules.
 *
 * Ordering with the driver (2.7.13): it writes descriptors, then the avail
 * ring entry, then (release) avail->idx. We read avail->idx with acquire
 * before the entries it covers. We write used entries, then (release)
 * used->idx, then a full fence before reading used_event/avail flags, and
 * after re-enabling notifications a full fence before re-reading
 * avail->idx; the driver does the mirror image, so no wakeup is lost.
 */
#include <string.h>

#include "host/swap/vring.h"

/* Guest memory is shared with running vCPUs: every ring field is loaded or
 * stored exactly once, with the ordering given. */
#define LOAD(p)          __atomic_load_n((p), __ATOMIC_RELAXED)
#define LOAD_ACQ(p)      __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)      __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define STORE_REL(p, v)  __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define FENCE()          __atomic_thread_fence(__ATOMIC_SEQ_CST)

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

bool vring_overlaps(const struct vring *vr, uint64_t gpa, uint64_t len)
{
	return ranges_overlap(gpa, len, vr->desc_gpa, vring_desc_bytes(vr->num)) ||
	       ranges_overlap(gpa, len, vr->avail_gpa, vring_avail_bytes(vr->num)) ||
	       ranges_overlap(gpa, len, vr->used_gpa, vring_used_bytes(vr->num));
}

/* Map one ring part: inside one RAM region, aligned in guest and host. */
static void *map_part(const struct guest_mem *mem, uint64_t gpa, uint64_t len, uint64_t align,
		      const char *misaligned, const char *outside, const char **why)
{
	void *p;

	if (gpa & (align - 1)) {
		*why = misaligned;
		return NULL;
	}
	p = gpa_to_hva(mem, gpa, len);
	if (!p) {
		*why = outside;
		return NULL;
	}
	if ((uintptr_t)p & (align - 1)) {
		*why = "host mapping of a ring misaligned";
		return NULL;
	}
	return p;
}

int vring_init(struct vring *vr, const struct guest_mem *mem, uint32_t num,
	       uint64_t desc, uint64_t avail, uint64_t used, uint64_t features,
	       const char **why)
{
	memset(vr, 0, sizeof(*vr));
	if (num == 0 || num > VRING_NUM_MAX || (num & (num - 1))) {
		*why = "queue size not a power of 2 up to the maximum";
		return -1;
	}
	vr->mem = mem;
	vr->num = (uint16_t)num;
	vr->desc_gpa = desc;
	vr->avail_gpa = avail;
	vr->used_gpa = used;
	vr->desc = map_part(mem, desc, vring_desc_bytes(num), VRING_DESC_ALIGN,
			    "descriptor table misaligned", "descriptor table outside guest RAM", why);
	if (!vr->desc)
		return -1;
	vr->avail = map_part(mem, avail, vring_avail_bytes(num), VRING_AVAIL_ALIGN,
			     "avail ring misaligned", "avail ring outside guest RAM", why);
	if (!vr->avail)
		return -1;
	vr->used = map_part(mem, used, vring_used_bytes(num), VRING_USED_ALIGN,
			    "used ring misaligned", "used ring outside guest RAM", why);
	if (!vr->used)
		return -1;
	if (ranges_overlap(desc, vring_desc_bytes(num), avail, vring_avail_bytes(num)) ||
	    ranges_overlap(desc, vring_desc_bytes(num), used, vring_used_bytes(num)) ||
	    ranges_overlap(avail, vring_avail_bytes(num), used, vring_used_bytes(num))) {
		*why = "virtqueue parts overlap";
		return -1;
	}
	vr->event_idx = features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	vr->indirect = features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	/* The driver starts both indexes at 0 (2.7.6, 2.7.8). */
	vr->last_avail = 0;
	vr->avail_shadow = 0;
	vr->used_idx = 0;
	vr->signalled_used = 0;
	return 0;
}

int vring_avail_pending(struct vring *vr, const char **why)
{
	uint16_t n;

	if (vr->avail_shadow == vr->last_avail)
		vr->avail_shadow = LOAD_ACQ(&vr->avail->idx);
	n = (uint16_t)(vr->avail_shadow - vr->last_avail);
	if (n > vr->num) {
		*why = "avail index ran ahead of the queue size";
		return -1;
	}
	return n;
}

uint16_t vring_pop(struct vring *vr)
{
	uint16_t head = LOAD(&vr->avail->ring[vr->last_avail & (vr->num - 1)]);

	vr->last_avail++;
	return head;
}

/* One descriptor, read once. */
static struct vring_desc load_desc(const struct vring_desc *d)
{
	struct vring_desc c;

	c.addr = LOAD(&d->addr);
	c.len = LOAD(&d->len);
	c.flags = LOAD(&d->flags);
	c.next = LOAD(&d->next);
	return c;
}

/* Switch the walk to the indirect table described by D. */
static int enter_indirect(struct vring *vr, const struct vring_desc *d, unsigned count,
			  const struct vring_desc **table, unsigned *size, const char **why)
{
	if (!vr->indirect) {
		*why = "indirect descriptor not negotiated";
		return -1;
	}
	if (*table != vr->desc) {
		*why = "nested indirect descriptor";
		return -1;
	}
	if (count != 0 || (d->flags & VIRTQ_DESC_F_NEXT)) {
		*why = "indirect descriptor not alone in its chain";
		return -1;
	}
	if (d->len == 0 || d->len % sizeof(struct vring_desc)) {
		*why = "indirect table length not a multiple of 16";
		return -1;
	}
	if (d->len / sizeof(struct vring_desc) > vr->num) {
		*why = "indirect table longer than the queue";
		return -1;
	}
	if (d->addr & 7) {
		*why = "indirect table misaligned";
		return -1;
	}
	*table = gpa_to_hva(vr->mem, d->addr, d->len);
	if (!*table) {
		*why = "indirect table outside guest RAM";
		return -1;
	}
	if (vring_overlaps(vr, d->addr, d->len)) {
		*why = "indirect table overlaps the virtqueue";
		return -1;
	}
	*size = d->len / sizeof(struct vring_desc);
	return 0;
}

int vring_read_chain(struct vring *vr, uint16_t head, struct vring_buf *bufs,
		     unsigned max, unsigned *nr_out, const char **why)
{
	const struct vring_desc *table = vr->desc;
	unsigned size = vr->num, idx = head, count = 0, nout = 0;
	uint8_t seen[VRING_NUM_MAX / 8];

	memset(seen, 0, sizeof(seen));
	if (head >= vr->num) {
		*why = "head index out of range";
		return -1;
	}
	for (;;) {
		struct vring_desc d = load_desc(&table[idx]);
		uint8_t *hva;

		if (seen[idx / 8] & (1u << (idx % 8))) {
			*why = "descriptor loop";
			return -1;
		}
		seen[idx / 8] |= 1u << (idx % 8);

		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (enter_indirect(vr, &d, count, &table, &size, why))
				return -1;
			memset(seen, 0, sizeof(seen));
			idx = 0;
			continue;
		}
		if (count >= max) {
			*why = "descriptor chain too long";
			return -1;
		}
		if (d.len == 0) {
			*why = "zero-length buffer";
			return -1;
		}
		hva = gpa_to_hva(vr->mem, d.addr, d.len);
		if (!hva) {
			*why = "buffer outside guest RAM";
			return -1;
		}
		if (vring_overlaps(vr, d.addr, d.len)) {
			*why = "buffer overlaps the virtqueue";
			return -1;
		}
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			bufs[count].write = true;
		} else {
			if (count > nout) {
				*why = "device-readable buffer after a writable one";
				return -1;
			}
			bufs[count].write = false;
			nout++;
		}
		bufs[count].gpa = d.addr;
		bufs[count].len = d.len;
		bufs[count].hva = hva;
		count++;

		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= size) {
			*why = "next index out of range";
			return -1;
		}
		idx = d.next;
	}
	*nr_out = nout;
	return (int)count;
}

void vring_push_used(struct vring *vr, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &vr->used->ring[vr->used_idx & (vr->num - 1)];

	STORE(&e->id, (uint32_t)head);
	STORE(&e->len, len);
	vr->used_idx++;
}

bool vring_publish(struct vring *vr)
{
	uint16_t old = vr->signalled_used, new_idx = vr->used_idx;

	STORE_REL(&vr->used->idx, new_idx);
	FENCE();
	if (vr->event_idx) {
		uint16_t *used_event = (uint16_t *)((uint8_t *)vr->avail +
						    vring_used_event_off(vr->num));
		if (old == new_idx)
			return false;
		vr->signalled_used = new_idx;
		return vring_need_event(LOAD(used_event), new_idx, old);
	}
	vr->signalled_used = new_idx;
	if (old == new_idx)
		return false;
	return !(LOAD(&vr->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

static uint16_t *avail_event(struct vring *vr)
{
	return (uint16_t *)((uint8_t *)vr->used + vring_avail_event_off(vr->num));
}

void vring_disable_notify(struct vring *vr)
{
	/* With EVENT_IDX a stale avail_event already suppresses kicks. */
	if (!vr->event_idx)
		STORE(&vr->used->flags, 0 | VIRTQ_USED_F_NO_NOTIFY);
}

bool vring_enable_notify(struct vring *vr)
{
	if (vr->event_idx)
		STORE(avail_event(vr), vr->last_avail);
	else
		STORE(&vr->used->flags, 0);
	FENCE();
	vr->avail_shadow = LOAD_ACQ(&vr->avail->idx);
	return vr->avail_shadow != vr->last_avail;
}

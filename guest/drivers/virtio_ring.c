/*
 * Split virtqueues (virtio 1.2, 2.7; Linux: drivers/virtio/virtio_ring.c).
 *
 * The three parts live in one zeroed, physically contiguous block:
 * descriptor table, avail ring (with used_event), then the used ring
 * (with avail_event) on its own cache line. Free descriptors are chained
 * through desc[].next from free_head, so a chain of n descriptors is the
 * first n free ones, already linked in order.
 *
 * Notifications: with VIRTIO_F_EVENT_IDX the driver kicks only when the
 * device's avail_event lies in what it added since the last kick, and
 * asks for an interrupt at used_event; without it, the NO_NOTIFY and
 * NO_INTERRUPT flags. Barriers: x86 keeps stores in order and loads in
 * order, so only store-then-load needs a fence (virtio_mb).
 *
 * Not locked: the caller serialises all calls on one virtqueue.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <drivers/virtio.h>
#include <mm/gfp.h>
#include <mm/mm.h>

#define virtio_mb()     __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_rmb()    barrier()
#define virtio_wmb()    barrier()

struct vring_virtqueue {
	struct virtqueue vq;
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	struct page *ring_pages;
	unsigned int ring_order;
	unsigned int self_order;
	bool event;                  /* VIRTIO_F_EVENT_IDX */
	bool broken;
	u16 free_head;
	u16 num_added;               /* since the last kick_prepare */
	u16 last_used_idx;
	u16 avail_idx_shadow;
	u16 avail_flags_shadow;
	bool (*notify)(struct virtqueue *vq);
	void *data[];                /* per chain head: the caller's token */
};

#define to_vvq(_vq) container_of(_vq, struct vring_virtqueue, vq)

static u64 avail_offset(unsigned int num) { return vring_desc_bytes(num); }
static u64 used_offset(unsigned int num)
{
	return ALIGN(avail_offset(num) + vring_avail_bytes(num), (u64)SMP_CACHE_BYTES);
}
static u64 ring_bytes(unsigned int num) { return used_offset(num) + vring_used_bytes(num); }

/* used_event sits after the avail ring, avail_event after the used ring. */
static volatile u16 *used_event(struct vring_virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

static volatile u16 *avail_event(struct vring_virtqueue *vq)
{
	return (volatile u16 *)&vq->used->ring[vq->num];
}

static void vring_init_state(struct vring_virtqueue *vq)
{
	vq->free_head = 0;
	for (unsigned int i = 0; i < vq->num - 1; i++)
		vq->desc[i].next = (u16)(i + 1);
	vq->vq.num_free = vq->num;
	vq->num_added = 0;
	vq->last_used_idx = 0;
	vq->avail_idx_shadow = 0;
	vq->avail_flags_shadow = 0;
	vq->broken = false;
}

struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 struct virtio_device *vdev,
					 bool (*notify)(struct virtqueue *vq),
					 vq_callback_t *callback, const char *name)
{
	unsigned int self_order, ring_order;
	struct vring_virtqueue *vq;
	struct page *self, *ring;
	u8 *base;

	if (!num || (num & (num - 1)) || num > VIRTQ_MAX_SIZE)
		return NULL;
	self_order = get_order(sizeof(*vq) + num * sizeof(void *));
	ring_order = get_order(ring_bytes(num));
	self = alloc_pages(GFP_KERNEL | __GFP_ZERO, self_order);
	ring = alloc_pages(GFP_KERNEL | __GFP_ZERO, ring_order);
	if (!self || !ring) {
		if (self)
			__free_pages(self, self_order);
		if (ring)
			__free_pages(ring, ring_order);
		return NULL;
	}
	vq = page_address(self);
	base = page_address(ring);
	vq->num = num;
	vq->desc = (struct vring_desc *)base;
	vq->avail = (struct vring_avail *)(base + avail_offset(num));
	vq->used = (struct vring_used *)(base + used_offset(num));
	vq->ring_pages = ring;
	vq->ring_order = ring_order;
	vq->self_order = self_order;
	vq->event = vdev->features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	vq->notify = notify;
	vq->vq.vdev = vdev;
	vq->vq.index = index;
	vq->vq.name = name;
	vq->vq.callback = callback;
	vring_init_state(vq);
	return &vq->vq;
}

void vring_del_virtqueue(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	__free_pages(vq->ring_pages, vq->ring_order);
	__free_pages(virt_to_page(vq), vq->self_order);
}

void virtqueue_reinit(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	memset(vq->desc, 0, ring_bytes(vq->num));
	memset(vq->data, 0, vq->num * sizeof(void *));
	vring_init_state(vq);
}

phys_addr_t virtqueue_get_desc_addr(const struct virtqueue *_vq)
{
	return __pa(to_vvq(_vq)->desc);
}

phys_addr_t virtqueue_get_avail_addr(const struct virtqueue *_vq)
{
	return __pa(to_vvq(_vq)->avail);
}

phys_addr_t virtqueue_get_used_addr(const struct virtqueue *_vq)
{
	return __pa(to_vvq(_vq)->used);
}

unsigned int virtqueue_get_vring_size(const struct virtqueue *_vq)
{
	return to_vvq(_vq)->num;
}

bool virtqueue_is_broken(const struct virtqueue *_vq)
{
	return READ_ONCE(to_vvq(_vq)->broken);
}

int virtqueue_add_sgs(struct virtqueue *_vq, struct scatterlist *sgs[], unsigned int out_sgs,
		      unsigned int in_sgs, void *data)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	unsigned int total = out_sgs + in_sgs, i, n;
	u16 head;

	if (vq->broken)
		return -EIO;
	if (!total || !data || total > vq->vq.num_free)
		return -ENOSPC;
	head = vq->free_head;
	i = head;
	for (n = 0; n < total; n++) {
		struct vring_desc *d = &vq->desc[i];

		d->addr = sgs[n]->dma_address;
		d->len = sgs[n]->length;
		d->flags = (u16)((n >= out_sgs ? VIRTQ_DESC_F_WRITE : 0) |
				 (n + 1 < total ? VIRTQ_DESC_F_NEXT : 0));
		i = d->next;         /* the next free one, which is also the next in the chain */
	}
	vq->free_head = (u16)i;
	vq->vq.num_free -= total;
	vq->data[head] = data;

	vq->avail->ring[vq->avail_idx_shadow & (vq->num - 1)] = head;
	virtio_wmb();            /* the entry before the index that publishes it */
	vq->avail_idx_shadow++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx_shadow);
	vq->num_added++;
	return 0;
}

bool virtqueue_kick_prepare(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 new = vq->avail_idx_shadow, old = (u16)(new - vq->num_added);

	virtio_mb();             /* avail->idx out before we read what the device wants */
	vq->num_added = 0;
	if (vq->event)
		return vring_need_event(*avail_event(vq), new, old);
	return !(READ_ONCE(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
}

bool virtqueue_notify(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->broken)
		return false;
	if (!vq->notify(_vq)) {
		vq->broken = true;
		return false;
	}
	return true;
}

bool virtqueue_kick(struct virtqueue *vq)
{
	return virtqueue_kick_prepare(vq) ? virtqueue_notify(vq) : true;
}

static bool more_used(const struct vring_virtqueue *vq)
{
	return vq->last_used_idx != READ_ONCE(vq->used->idx);
}

/* Give the chain at HEAD back to the free list. */
static void detach_buf(struct vring_virtqueue *vq, u16 head)
{
	unsigned int i = head, n = 1;

	while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->vq.num_free += n;
	vq->data[head] = NULL;
}

void *virtqueue_get_buf(struct virtqueue *_vq, unsigned int *len)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	struct vring_used_elem e;
	void *ret;

	if (vq->broken || !more_used(vq))
		return NULL;
	virtio_rmb();            /* the entry after the index that published it */
	e = vq->used->ring[vq->last_used_idx & (vq->num - 1)];
	if (e.id >= vq->num || !vq->data[e.id]) {
		printk("virtio %s: used id %u is not a buffer of ours: queue broken\n",
		       _vq->name, e.id);
		vq->broken = true;
		return NULL;
	}
	ret = vq->data[e.id];
	detach_buf(vq, (u16)e.id);
	vq->last_used_idx++;
	if (len)
		*len = e.len;
	/* With callbacks on, ask for an interrupt at the next entry, before
	 * the next more_used() reads the index. */
	if (vq->event && !(vq->avail_flags_shadow & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
		*used_event(vq) = vq->last_used_idx;
		virtio_mb();
	}
	return ret;
}

void virtqueue_disable_cb(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->avail_flags_shadow & VIRTQ_AVAIL_F_NO_INTERRUPT)
		return;
	vq->avail_flags_shadow |= VIRTQ_AVAIL_F_NO_INTERRUPT;
	if (vq->event)
		*used_event(vq) = (u16)(vq->last_used_idx - 1);   /* as far back as it goes */
	else
		WRITE_ONCE(vq->avail->flags, vq->avail_flags_shadow);
}

bool virtqueue_enable_cb(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->avail_flags_shadow & VIRTQ_AVAIL_F_NO_INTERRUPT) {
		vq->avail_flags_shadow &= (u16)~VIRTQ_AVAIL_F_NO_INTERRUPT;
		if (!vq->event)
			WRITE_ONCE(vq->avail->flags, vq->avail_flags_shadow);
	}
	*used_event(vq) = vq->last_used_idx;
	virtio_mb();             /* the request out before we look for more */
	return !more_used(vq);
}

void *virtqueue_detach_unused_buf(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	for (unsigned int i = 0; i < vq->num; i++) {
		void *buf = vq->data[i];

		if (!buf)
			continue;
		detach_buf(vq, (u16)i);
		return buf;
	}
	return NULL;
}

irqreturn_t vring_interrupt(int irq, void *_vq)
{
	struct vring_virtqueue *vq = to_vvq((struct virtqueue *)_vq);

	(void)irq;
	if (!more_used(vq))
		return IRQ_NONE;
	if (vq->broken)
		return IRQ_HANDLED;
	if (vq->vq.callback)
		vq->vq.callback(&vq->vq);
	return IRQ_HANDLED;
}

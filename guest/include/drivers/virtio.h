/*
 * Virtio (Linux: include/linux/virtio.h, virtio_config.h): devices found
 * by a transport (drivers/virtio_pci.c), drivers matched by device type,
 * virtqueues (drivers/virtio_ring.c). The layouts shared with the host are
 * in include/gmm/virtio.h.
 *
 * Device life cycle (virtio 1.2, 3.1.1), as drivers/virtio.c runs it:
 * reset -> ACKNOWLEDGE (transport found it) -> DRIVER (a driver matched)
 * -> features: the device's & the driver's table & the ring features ->
 * FEATURES_OK, read back -> driver probe (find_vqs, then
 * virtio_device_ready: DRIVER_OK). A failed probe leaves FAILED.
 *
 * Locking: the virtqueue functions below are not locked: the driver
 * serialises each virtqueue (virtio_blk: its lock, interrupts off).
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <gmm/virtio.h>
#include <kernel/interrupt.h>
#include <kernel/scatterlist.h>
#include <kernel/types.h>

#define VIRTIO_MAX_VQS  4

struct virtio_device;
struct virtqueue;
typedef void vq_callback_t(struct virtqueue *vq);

struct virtqueue {
	struct virtio_device *vdev;
	unsigned int index;
	unsigned int num_free;      /* free descriptors */
	const char *name;
	vq_callback_t *callback;    /* used buffers arrived (interrupt context) */
	void *priv;
};

/* ---- virtqueues (drivers/virtio_ring.c) ---- */

/* Expose SGS[0..OUT) (device-readable) then SGS[OUT..OUT+IN) (device-
 * writable) as one chain; DATA (not NULL) comes back from get_buf.
 * -ENOSPC if fewer than OUT+IN descriptors are free, -EIO if broken. */
int virtqueue_add_sgs(struct virtqueue *vq, struct scatterlist *sgs[], unsigned int out_sgs,
		      unsigned int in_sgs, void *data);
/* After adding: does the device want a notification? (then notify) */
bool virtqueue_kick_prepare(struct virtqueue *vq);
bool virtqueue_notify(struct virtqueue *vq);
bool virtqueue_kick(struct virtqueue *vq);
/* The next used buffer's DATA and the bytes the device wrote, or NULL. */
void *virtqueue_get_buf(struct virtqueue *vq, unsigned int *len);
/* Callbacks off / on; enable returns false if buffers are pending (poll again). */
void virtqueue_disable_cb(struct virtqueue *vq);
bool virtqueue_enable_cb(struct virtqueue *vq);
/* A buffer the device has not used (after a reset), or NULL when none is left. */
void *virtqueue_detach_unused_buf(struct virtqueue *vq);
unsigned int virtqueue_get_vring_size(const struct virtqueue *vq);
bool virtqueue_is_broken(const struct virtqueue *vq);
/* The interrupt handler of a virtqueue: its callback if buffers were used. */
irqreturn_t vring_interrupt(int irq, void *vq);

/* For transports: a split ring of NUM entries (power of 2), zeroed. */
struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 struct virtio_device *vdev,
					 bool (*notify)(struct virtqueue *vq),
					 vq_callback_t *callback, const char *name);
void vring_del_virtqueue(struct virtqueue *vq);
/* Back to the state of a new ring (the device was reset; no buffers in it). */
void virtqueue_reinit(struct virtqueue *vq);
phys_addr_t virtqueue_get_desc_addr(const struct virtqueue *vq);
phys_addr_t virtqueue_get_avail_addr(const struct virtqueue *vq);
phys_addr_t virtqueue_get_used_addr(const struct virtqueue *vq);

/* ---- devices and drivers (drivers/virtio.c) ---- */

struct virtio_device_id {
	u32 device;                 /* VIRTIO_ID_* */
};

struct virtio_config_ops {
	/* device-specific configuration space */
	void (*get)(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len);
	u32 (*generation)(struct virtio_device *vdev);
	u8 (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, u8 status);
	void (*reset)(struct virtio_device *vdev);          /* returns when the reset is done */
	u64 (*get_features)(struct virtio_device *vdev);
	int (*finalize_features)(struct virtio_device *vdev);   /* writes vdev->features */
	int (*find_vqs)(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
			vq_callback_t *callbacks[], const char *const names[]);
	void (*del_vqs)(struct virtio_device *vdev);
	/* After a reset and FEATURES_OK again: the same queues, reinitialised. */
	int (*restore_vqs)(struct virtio_device *vdev);
};

struct virtio_driver;

struct virtio_device {
	int index;
	char name[16];              /* "virtio0" */
	struct virtio_device_id id;
	const struct virtio_config_ops *config;
	struct virtio_driver *driver;
	u64 features;               /* negotiated */
	void *priv;                 /* the driver's */
	struct virtio_device *next;
};

struct virtio_driver {
	const char *name;
	const struct virtio_device_id *id_table;   /* ends with device 0 */
	const unsigned int *feature_table;          /* VIRTIO_BLK_F_*, ... */
	unsigned int feature_table_size;
	int (*probe)(struct virtio_device *vdev);
	/* Configuration change interrupt (also DEVICE_NEEDS_RESET), interrupt context. */
	void (*config_changed)(struct virtio_device *vdev);
	struct virtio_driver *next;
};

/* Transport side: a device found; its driver is probed if registered. */
int register_virtio_device(struct virtio_device *vdev);
void virtio_config_changed(struct virtio_device *vdev);
/* Driver side */
int register_virtio_driver(struct virtio_driver *drv);
void virtio_device_ready(struct virtio_device *vdev);        /* DRIVER_OK */
void virtio_add_status(struct virtio_device *vdev, u8 status);
/* Reset, renegotiate the features already agreed, restore the queues
 * (empty); the driver then calls virtio_device_ready(). 0 or -errno. */
int virtio_device_restore(struct virtio_device *vdev);

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned int fbit)
{
	return vdev->features & VIRTIO_BIT(fbit);
}

/* Read LEN bytes of configuration at OFFSET, consistently (generation). */
void virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset, void *buf,
			unsigned int len);
#define virtio_cread_le(vdev, structname, member, ptr) \
	virtio_cread_bytes((vdev), __builtin_offsetof(structname, member), (ptr), \
			   sizeof(((structname *)0)->member))

#endif

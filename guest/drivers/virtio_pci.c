/*
 * Virtio over PCI, the modern interface (virtio 1.2, 4.1; Linux:
 * drivers/virtio/virtio_pci_modern.c). Both of our hypervisors present it:
 * our VMM's virtio-blk (device 0x1042, vmm/virtio_pci.h) and QEMU's
 * transitional virtio-blk-pci (0x1001, whose legacy I/O BAR we ignore).
 * Everything is found through the vendor capabilities: common
 * configuration, ISR status, device configuration and notification
 * areas, each a window into a memory BAR.
 *
 * Interrupts are INTx (no MSI-X here): the handler reads ISR status first
 * (which clears it and, under QEMU, lowers the level-triggered line), then
 * looks at the queues (bit 0) and the configuration (bit 1).
 *
 * Locking: the common configuration is touched at probe and by
 * virtio_device_restore(), which the driver serialises; the handler reads
 * only ISR.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>

#define VP_MAX_DEVICES  4
#define VP_QUEUE_MAX    256       /* entries we ask for at most */
#define COMMON(f)       __builtin_offsetof(struct virtio_pci_common_cfg, f)
#define COMMON_MIN_LEN  COMMON(queue_notify_data)   /* up to queue_device: virtio 1.0 */

struct virtio_pci_device {
	struct virtio_device vdev;
	struct pci_dev *pci_dev;
	u8 *common;
	u8 *isr;
	u8 *device;
	u32 device_len;
	u8 *notify_base;
	u32 notify_len;
	u32 notify_off_multiplier;
	unsigned int nvqs;
	struct virtqueue *vqs[VIRTIO_MAX_VQS];
	u16 *notify_addr[VIRTIO_MAX_VQS];
	bool irq_requested;
};

#define to_vp_device(v) container_of(v, struct virtio_pci_device, vdev)

static struct virtio_pci_device vp_devices[VP_MAX_DEVICES];
static unsigned int nr_vp_devices;

static void vp_write64(u64 v, u8 *lo)
{
	writel((u32)v, lo);
	writel((u32)(v >> 32), lo + 4);
}

/* ---- virtio_config_ops ---- */

static void vp_get(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	u8 *p = vp->device + offset;
	u32 w[2];

	if (offset + len > vp->device_len) {
		memset(buf, 0, len);
		return;
	}
	switch (len) {
	case 1: *(u8 *)buf = readb(p); break;
	case 2: { u16 v = readw(p); memcpy(buf, &v, 2); break; }
	case 4: w[0] = readl(p); memcpy(buf, w, 4); break;
	case 8: w[0] = readl(p); w[1] = readl(p + 4); memcpy(buf, w, 8); break;
	default:
		for (unsigned int i = 0; i < len; i++)
			((u8 *)buf)[i] = readb(p + i);
	}
}

static u32 vp_generation(struct virtio_device *vdev)
{
	return readb(to_vp_device(vdev)->common + COMMON(config_generation));
}

static u8 vp_get_status(struct virtio_device *vdev)
{
	return readb(to_vp_device(vdev)->common + COMMON(device_status));
}

static void vp_set_status(struct virtio_device *vdev, u8 status)
{
	writeb(status, to_vp_device(vdev)->common + COMMON(device_status));
}

/* Writing 0 resets; the device says it is done by reading back 0. Our
 * VMM finishes the reset (in-flight I/O drained) within the write. */
static void vp_reset(struct virtio_device *vdev)
{
	vp_set_status(vdev, 0);
	while (vp_get_status(vdev))
		cpu_relax();
}

static u64 vp_get_features(struct virtio_device *vdev)
{
	u8 *c = to_vp_device(vdev)->common;
	u64 f;

	writel(0, c + COMMON(device_feature_select));
	f = readl(c + COMMON(device_feature));
	writel(1, c + COMMON(device_feature_select));
	f |= (u64)readl(c + COMMON(device_feature)) << 32;
	return f;
}

static int vp_finalize_features(struct virtio_device *vdev)
{
	u8 *c = to_vp_device(vdev)->common;

	writel(0, c + COMMON(driver_feature_select));
	writel((u32)vdev->features, c + COMMON(driver_feature));
	writel(1, c + COMMON(driver_feature_select));
	writel((u32)(vdev->features >> 32), c + COMMON(driver_feature));
	return 0;
}

static bool vp_notify(struct virtqueue *vq)
{
	struct virtio_pci_device *vp = to_vp_device(vq->vdev);

	writew((u16)vq->index, vp->notify_addr[vq->index]);
	return true;
}

static irqreturn_t vp_interrupt(int irq, void *opaque)
{
	struct virtio_pci_device *vp = opaque;
	u8 isr = readb(vp->isr);     /* clears it (and lowers a level line) */

	if (!isr)
		return IRQ_NONE;     /* not ours (a shared line) */
	if (isr & VIRTIO_PCI_ISR_CONFIG)
		virtio_config_changed(&vp->vdev);
	for (unsigned int i = 0; i < vp->nvqs; i++)
		vring_interrupt(irq, vp->vqs[i]);
	return IRQ_HANDLED;
}

/* Program queue VQ's addresses and enable it (after a reset or at set-up). */
static int vp_activate_vq(struct virtio_pci_device *vp, struct virtqueue *vq)
{
	u8 *c = vp->common;
	u16 off;

	writew((u16)vq->index, c + COMMON(queue_select));
	writew((u16)virtqueue_get_vring_size(vq), c + COMMON(queue_size));
	vp_write64(virtqueue_get_desc_addr(vq), c + COMMON(queue_desc));
	vp_write64(virtqueue_get_avail_addr(vq), c + COMMON(queue_driver));
	vp_write64(virtqueue_get_used_addr(vq), c + COMMON(queue_device));
	off = readw(c + COMMON(queue_notify_off));
	if ((u64)off * vp->notify_off_multiplier + 2 > vp->notify_len) {
		printk("virtio-pci %s: queue %u notify offset %u beyond the notify area\n",
		       pci_name(vp->pci_dev), vq->index, off);
		return -EINVAL;
	}
	vp->notify_addr[vq->index] = (u16 *)(vp->notify_base + (u64)off * vp->notify_off_multiplier);
	writew(1, c + COMMON(queue_enable));
	return 0;
}

static void vp_del_vqs(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);

	if (vp->irq_requested)
		free_irq(vp->pci_dev->irq, vp);
	vp->irq_requested = false;
	for (unsigned int i = 0; i < vp->nvqs; i++)
		vring_del_virtqueue(vp->vqs[i]);
	vp->nvqs = 0;
}

static int vp_find_vqs(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
		       vq_callback_t *callbacks[], const char *const names[])
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	u8 *c = vp->common;
	int err;

	if (nvqs > VIRTIO_MAX_VQS || nvqs > readw(c + COMMON(num_queues)))
		return -ENOENT;
	if (!vp->pci_dev->pin || !vp->pci_dev->irq || vp->pci_dev->irq == 0xff) {
		printk("virtio-pci %s: no INTx interrupt line\n", pci_name(vp->pci_dev));
		return -ENODEV;
	}
	for (unsigned int i = 0; i < nvqs; i++) {
		unsigned int size, num;

		writew((u16)i, c + COMMON(queue_select));
		size = readw(c + COMMON(queue_size));
		if (!size || readw(c + COMMON(queue_enable))) {
			err = -ENOENT;
			goto fail;
		}
		for (num = 1; num * 2 <= size && num * 2 <= VP_QUEUE_MAX; num *= 2)
			;
		vqs[i] = vring_create_virtqueue(i, num, vdev, vp_notify, callbacks[i], names[i]);
		if (!vqs[i]) {
			err = -ENOMEM;
			goto fail;
		}
		vp->vqs[vp->nvqs++] = vqs[i];
	}
	err = request_irq(vp->pci_dev->irq, vp_interrupt, IRQF_SHARED, vdev->name, vp);
	if (err)
		goto fail;
	vp->irq_requested = true;
	for (unsigned int i = 0; i < nvqs; i++)   /* last: no way back but a reset */
		if ((err = vp_activate_vq(vp, vqs[i])))
			goto fail;
	return 0;
fail:
	vp_del_vqs(vdev);
	return err;
}

static int vp_restore_vqs(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp_device(vdev);
	int err;

	for (unsigned int i = 0; i < vp->nvqs; i++) {
		virtqueue_reinit(vp->vqs[i]);
		if ((err = vp_activate_vq(vp, vp->vqs[i])))
			return err;
	}
	return 0;
}

static const struct virtio_config_ops virtio_pci_config_ops = {
	.get = vp_get,
	.generation = vp_generation,
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.reset = vp_reset,
	.get_features = vp_get_features,
	.finalize_features = vp_finalize_features,
	.find_vqs = vp_find_vqs,
	.del_vqs = vp_del_vqs,
	.restore_vqs = vp_restore_vqs,
};

/* ---- PCI side ---- */

/* Map the first capability of CFG_TYPE in a memory BAR; NULL if none. */
static u8 *vp_map_capability(struct pci_dev *dev, u8 cfg_type, u32 minlen, u32 *len_out,
			     u8 *pos_out)
{
	for (u8 pos = pci_find_capability(dev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(dev, pos, PCI_CAP_ID_VNDR)) {
		u8 type, bar;
		u32 offset, length;
		u8 *p;

		pci_read_config_byte(dev, pos + __builtin_offsetof(struct virtio_pci_cap, cfg_type), &type);
		pci_read_config_byte(dev, pos + __builtin_offsetof(struct virtio_pci_cap, bar), &bar);
		if (type != cfg_type || bar >= PCI_STD_NUM_BARS ||
		    !(dev->resource[bar].flags & IORESOURCE_MEM))
			continue;
		pci_read_config_dword(dev, pos + __builtin_offsetof(struct virtio_pci_cap, offset), &offset);
		pci_read_config_dword(dev, pos + __builtin_offsetof(struct virtio_pci_cap, length), &length);
		if (length < minlen) {
			printk("virtio-pci %s: capability %u: %u bytes, at least %u needed\n",
			       pci_name(dev), cfg_type, length, minlen);
			return NULL;
		}
		p = pci_iomap_range(dev, bar, offset, length);
		if (!p) {
			printk("virtio-pci %s: capability %u: [0x%x, +0x%x) does not fit BAR %u\n",
			       pci_name(dev), cfg_type, offset, length, bar);
			return NULL;
		}
		if (len_out)
			*len_out = length;
		if (pos_out)
			*pos_out = pos;
		return p;
	}
	return NULL;
}

static int virtio_pci_probe(struct pci_dev *pci, const struct pci_device_id *id)
{
	struct virtio_pci_device *vp;
	u8 notify_pos = 0;

	(void)id;
	if (nr_vp_devices == VP_MAX_DEVICES)
		return -ENOMEM;
	vp = &vp_devices[nr_vp_devices];
	memset(vp, 0, sizeof(*vp));
	vp->pci_dev = pci;
	/* Modern IDs are 0x1040 + type; transitional ones carry it in the subsystem ID. */
	vp->vdev.id.device = pci->device >= VIRTIO_PCI_DEVICE_ID_BASE ?
			     pci->device - VIRTIO_PCI_DEVICE_ID_BASE : pci->subsystem_device;
	pci_enable_device(pci);
	vp->common = vp_map_capability(pci, VIRTIO_PCI_CAP_COMMON_CFG, COMMON_MIN_LEN, NULL, NULL);
	vp->isr = vp_map_capability(pci, VIRTIO_PCI_CAP_ISR_CFG, 1, NULL, NULL);
	vp->notify_base = vp_map_capability(pci, VIRTIO_PCI_CAP_NOTIFY_CFG, 2, &vp->notify_len,
					    &notify_pos);
	vp->device = vp_map_capability(pci, VIRTIO_PCI_CAP_DEVICE_CFG, 0, &vp->device_len, NULL);
	if (!vp->common || !vp->isr || !vp->notify_base) {
		printk("virtio-pci %s: no modern virtio capabilities (legacy-only device?)\n",
		       pci_name(pci));
		return -ENODEV;
	}
	pci_read_config_dword(pci, notify_pos + __builtin_offsetof(struct virtio_pci_notify_cap,
								   notify_off_multiplier),
			      &vp->notify_off_multiplier);
	pci_set_master(pci);
	nr_vp_devices++;
	vp->vdev.config = &virtio_pci_config_ops;
	pci->driver_data = vp;
	printk("virtio-pci %s: virtio device type %u, IRQ %u\n", pci_name(pci),
	       vp->vdev.id.device, pci->irq);
	return register_virtio_device(&vp->vdev);
}

static const struct pci_device_id virtio_pci_id_table[] = {
	{ VIRTIO_PCI_VENDOR_ID, 0x1000, 0x107f },   /* transitional 0x1000-0x103f, modern 0x1040-0x107f */
	{ 0, 0, 0 },
};

static struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.id_table = virtio_pci_id_table,
	.probe = virtio_pci_probe,
};

void virtio_pci_init(void)
{
	pci_register_driver(&virtio_pci_driver);
}

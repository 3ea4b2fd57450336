/*
 * The virtio bus (drivers/virtio.h; Linux: drivers/virtio/virtio.c):
 * transports register devices, drivers register by device type, and
 * the status/feature handshake between them is done here.
 *
 * Boot CPU at boot only (no locking), except virtio_config_changed(),
 * which a transport calls from its interrupt handler.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sprintf.h>
#include <drivers/virtio.h>

static struct virtio_device *virtio_devices;
static struct virtio_driver *virtio_drivers;
static int virtio_index;

void virtio_add_status(struct virtio_device *vdev, u8 status)
{
	vdev->config->set_status(vdev, vdev->config->get_status(vdev) | status);
}

void virtio_device_ready(struct virtio_device *vdev)
{
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER_OK);
}

void virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset, void *buf,
			unsigned int len)
{
	u32 gen;

	do {   /* a field wider than one access may change under us (4.1.4.3) */
		gen = vdev->config->generation(vdev);
		vdev->config->get(vdev, offset, buf, len);
	} while (gen != vdev->config->generation(vdev));
}

/* DRIVER was set: agree on features, FEATURES_OK and check it stuck. */
static int virtio_negotiate(struct virtio_device *vdev, u64 wanted)
{
	u64 device = vdev->config->get_features(vdev);

	if (!(device & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		printk("virtio %s: legacy-only device (no VIRTIO_F_VERSION_1): not supported\n",
		       vdev->name);
		return -ENODEV;
	}
	vdev->features = device & wanted;
	if (vdev->config->finalize_features(vdev))
		return -EINVAL;
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		printk("virtio %s: device refused features 0x%lx\n", vdev->name,
		       (unsigned long)vdev->features);
		return -ENODEV;
	}
	return 0;
}

/* The features DRV can use: its table, and what the ring and transport do. */
static u64 driver_features(const struct virtio_driver *drv)
{
	u64 f = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

	for (unsigned int i = 0; i < drv->feature_table_size; i++)
		f |= VIRTIO_BIT(drv->feature_table[i]);
	return f;
}

static bool virtio_match(const struct virtio_driver *drv, const struct virtio_device *vdev)
{
	for (const struct virtio_device_id *id = drv->id_table; id->device; id++)
		if (id->device == vdev->id.device)
			return true;
	return false;
}

static void virtio_dev_probe(struct virtio_driver *drv, struct virtio_device *vdev)
{
	int err;

	if (vdev->driver || !virtio_match(drv, vdev))
		return;
	vdev->driver = drv;
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	err = virtio_negotiate(vdev, driver_features(drv));
	if (!err)
		err = drv->probe(vdev);
	if (err) {
		printk("%s %s: probe failed with error %d\n", drv->name, vdev->name, err);
		virtio_add_status(vdev, VIRTIO_CONFIG_S_FAILED);
		vdev->driver = NULL;
	}
}

int register_virtio_device(struct virtio_device *vdev)
{
	vdev->index = virtio_index++;
	snprintf(vdev->name, sizeof(vdev->name), "virtio%d", vdev->index);
	vdev->config->reset(vdev);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vdev->next = virtio_devices;
	virtio_devices = vdev;
	for (struct virtio_driver *drv = virtio_drivers; drv; drv = drv->next)
		virtio_dev_probe(drv, vdev);
	return 0;
}

int register_virtio_driver(struct virtio_driver *drv)
{
	drv->next = virtio_drivers;
	virtio_drivers = drv;
	for (struct virtio_device *vdev = virtio_devices; vdev; vdev = vdev->next)
		virtio_dev_probe(drv, vdev);
	return 0;
}

void virtio_config_changed(struct virtio_device *vdev)
{
	struct virtio_driver *drv = READ_ONCE(vdev->driver);

	if (drv && drv->config_changed)
		drv->config_changed(vdev);
}

int virtio_device_restore(struct virtio_device *vdev)
{
	u64 features = vdev->features;
	int err;

	vdev->config->reset(vdev);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	err = virtio_negotiate(vdev, features);
	if (!err && vdev->features != features)
		err = -ENODEV;      /* the device no longer offers what we agreed */
	if (!err)
		err = vdev->config->restore_vqs(vdev);
	if (err)
		virtio_add_status(vdev, VIRTIO_CONFIG_S_FAILED);
	return err;
}

/*
 * virtio-blk's virtio-pci modern transport. What the guest sees and how
 * the VMM wires it: virtio_pci.h.
 *
 * Locking: vb->lock guards the common-configuration registers (features,
 * status, queue set-up) and is held across swap_dev_queue_start/stop (a
 * reset waits there for in-flight I/O). isr, needs_reset and intx_disabled
 * are atomics: the swap I/O thread sets them with no lock. Order: PCI bus
 * lock -> vb->lock (the PCI_CFG window reaches the BAR from a config access).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/swap/swap_dev.h"
#include "host/swap/vring.h"
#include "vmm/config.h"
#include "vmm/virtio_pci.h"

#define QUEUE_SIZE_MAX VRING_NUM_MAX

struct virtio_blk {
	struct pci_device pci;
	struct swap_dev *swap;
	const struct guest_mem *mem;
	int irqfd;
	uint64_t device_features;
	struct virtio_blk_config blkcfg;
	uint8_t cfg_cap_off;          /* the VIRTIO_PCI_CAP_PCI_CFG window */

	pthread_mutex_t lock;         /* the registers below */
	uint32_t dfselect, gfselect;
	uint64_t driver_features;
	uint8_t  status;
	uint16_t queue_select;
	uint16_t queue_size;
	bool     queue_enable;
	uint64_t queue_desc, queue_driver, queue_device;
	bool     queue_live;          /* handed to the swap I/O thread */

	/* Lock-free, written from the swap I/O thread too. */
	uint8_t  isr;
	bool     needs_reset;
	bool     intx_disabled;       /* PCI command bit, mirrored */
};

/* ---- interrupts ---- */

static void raise_irq(struct virtio_blk *vb, uint8_t isr_bits)
{
	uint64_t one = 1;

	__atomic_fetch_or(&vb->isr, isr_bits, __ATOMIC_SEQ_CST);
	if (vb->irqfd < 0 || __atomic_load_n(&vb->intx_disabled, __ATOMIC_RELAXED))
		return;
	if (write(vb->irqfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		perror("virtio-blk: irqfd");
}

static void on_used(void *opaque)
{
	raise_irq(opaque, VIRTIO_PCI_ISR_QUEUE);
}

/* DEVICE_NEEDS_RESET and a configuration change interrupt (2.1.2). The
 * ISR bit goes first: a driver that sees the status bit finds it set. */
static void set_needs_reset(struct virtio_blk *vb, const char *why)
{
	if (__atomic_load_n(&vb->needs_reset, __ATOMIC_SEQ_CST))
		return;
	__atomic_fetch_or(&vb->isr, VIRTIO_PCI_ISR_CONFIG, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&vb->needs_reset, true, __ATOMIC_SEQ_CST))
		return;
	fprintf(stderr, "virtio-blk: guest broke the protocol: %s; device needs reset\n", why);
	raise_irq(vb, VIRTIO_PCI_ISR_CONFIG);
}

static void on_broken(void *opaque, const char *why)
{
	set_needs_reset(opaque, why);
}

/* ---- common configuration ---- */

static void reset_locked(struct virtio_blk *vb)
{
	swap_dev_queue_stop(vb->swap);   /* waits for in-flight I/O */
	vb->dfselect = vb->gfselect = 0;
	vb->driver_features = 0;
	vb->status = 0;
	vb->queue_select = 0;
	vb->queue_size = QUEUE_SIZE_MAX;
	vb->queue_enable = false;
	vb->queue_desc = vb->queue_driver = vb->queue_device = 0;
	vb->queue_live = false;
	__atomic_store_n(&vb->isr, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vb->needs_reset, false, __ATOMIC_SEQ_CST);
}

/* Start the queue once the driver is ready and the queue is enabled. */
static void maybe_go_live(struct virtio_blk *vb)
{
	const char *why;

	if (vb->queue_live || !vb->queue_enable || !(vb->status & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    __atomic_load_n(&vb->needs_reset, __ATOMIC_SEQ_CST))
		return;
	if (swap_dev_queue_start(vb->swap, vb->queue_size, vb->queue_desc, vb->queue_driver,
				 vb->queue_device, vb->driver_features, &why)) {
		set_needs_reset(vb, why);
		return;
	}
	vb->queue_live = true;
}

static void write_status(struct virtio_blk *vb, uint8_t val)
{
	uint8_t added = val & ~vb->status;

	if (val == 0) {
		reset_locked(vb);
		return;
	}
	if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
		/* Only what we offered, and the modern interface (no legacy here). */
		if ((vb->driver_features & ~vb->device_features) ||
		    !(vb->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
			val &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;   /* driver sees it refused */
	}
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) && !(val & VIRTIO_CONFIG_S_FEATURES_OK)) {
		vb->status = val;
		set_needs_reset(vb, "DRIVER_OK without FEATURES_OK");
		return;
	}
	vb->status = val;
	maybe_go_live(vb);
}

/* The queue registers are for queue 0 only, and frozen once it is enabled. */
static bool queue_writable(const struct virtio_blk *vb)
{
	return vb->queue_select == 0 && !vb->queue_enable;
}

static void set_half(uint64_t *reg, uint32_t off_in_field, uint32_t size, uint64_t val)
{
	if (size == 8)
		*reg = val;
	else if (off_in_field == 0)
		*reg = (*reg & 0xffffffff00000000ULL) | (uint32_t)val;
	else
		*reg = (*reg & 0xffffffffULL) | val << 32;
}

static void common_write(struct virtio_blk *vb, uint32_t off, uint32_t size, uint64_t val)
{
	switch (off) {
	case offsetof(struct virtio_pci_common_cfg, device_feature_select):
		vb->dfselect = (uint32_t)val;
		break;
	case offsetof(struct virtio_pci_common_cfg, driver_feature_select):
		vb->gfselect = (uint32_t)val;
		break;
	case offsetof(struct virtio_pci_common_cfg, driver_feature):
		if (vb->status & VIRTIO_CONFIG_S_FEATURES_OK || vb->gfselect > 1)
			break;
		set_half(&vb->driver_features, vb->gfselect ? 4 : 0, 4, (uint32_t)val);
		break;
	case offsetof(struct virtio_pci_common_cfg, device_status):
		write_status(vb, (uint8_t)val);
		break;
	case offsetof(struct virtio_pci_common_cfg, queue_select):
		vb->queue_select = (uint16_t)val;
		break;
	case offsetof(struct virtio_pci_common_cfg, queue_size):
		if (queue_writable(vb))
			vb->queue_size = (uint16_t)val;
		break;
	case offsetof(struct virtio_pci_common_cfg, queue_enable):
		if (!queue_writable(vb) || val != 1)
			break;   /* 1.x drivers never write 0 (no VIRTIO_F_RING_RESET) */
		vb->queue_enable = true;
		maybe_go_live(vb);
		break;
	case offsetof(struct virtio_pci_common_cfg, queue_desc):
	case offsetof(struct virtio_pci_common_cfg, queue_desc) + 4:
		if (queue_writable(vb))
			set_half(&vb->queue_desc, off & 4, size, val);
		break;
	case offsetof(struct virtio_pci_common_cfg, queue_driver):
	case offsetof(struct virtio_pci_common_cfg, queue_driver) + 4:
		if (queue_writable(vb))
			set_half(&vb->queue_driver, off & 4, size, val);
		break;
	case offsetof(struct virtio_pci_common_cfg, queue_device):
	case offsetof(struct virtio_pci_common_cfg, queue_device) + 4:
		if (queue_writable(vb))
			set_half(&vb->queue_device, off & 4, size, val);
		break;
	default:   /* read-only fields and MSI-X vectors (none): ignored */
		break;
	}
}

/* The common configuration as the guest reads it now. */
static void common_image(struct virtio_blk *vb, struct virtio_pci_common_cfg *c)
{
	bool q0 = vb->queue_select == 0;

	memset(c, 0, sizeof(*c));
	c->device_feature_select = vb->dfselect;
	c->device_feature = vb->dfselect < 2 ? (uint32_t)(vb->device_features >> (32 * vb->dfselect)) : 0;
	c->driver_feature_select = vb->gfselect;
	c->driver_feature = vb->gfselect < 2 ? (uint32_t)(vb->driver_features >> (32 * vb->gfselect)) : 0;
	c->config_msix_vector = VIRTIO_MSI_NO_VECTOR;
	c->num_queues = 1;
	c->device_status = vb->status |
		(__atomic_load_n(&vb->needs_reset, __ATOMIC_SEQ_CST) ? VIRTIO_CONFIG_S_NEEDS_RESET : 0);
	c->config_generation = 0;
	c->queue_select = vb->queue_select;
	c->queue_size = q0 ? vb->queue_size : 0;
	c->queue_msix_vector = VIRTIO_MSI_NO_VECTOR;
	c->queue_enable = q0 ? vb->queue_enable : 0;
	c->queue_notify_off = 0;
	c->queue_desc = q0 ? vb->queue_desc : 0;
	c->queue_driver = q0 ? vb->queue_driver : 0;
	c->queue_device = q0 ? vb->queue_device : 0;
}

/* ---- BAR 4 ---- */

static bool natural(uint64_t off, uint32_t size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) && (off & (size - 1)) == 0;
}

bool virtio_blk_bar_io(void *opaque, struct vcpu *vcpu, uint64_t addr, bool is_write,
		       uint8_t *data, uint32_t size)
{
	struct virtio_blk *vb = opaque;
	uint64_t val = 0;

	if (!natural(addr, size)) {   /* a guest bug, not ours to die of: ignored */
		if (!is_write)
			memset(data, 0xff, size);
		return true;
	}
	if (is_write)
		memcpy(&val, data, size);

	if (addr < VIRTIO_BLK_ISR_OFF) {                   /* common cfg */
		struct virtio_pci_common_cfg c;
		uint64_t off = addr - VIRTIO_BLK_COMMON_OFF;

		pthread_mutex_lock(&vb->lock);
		if (is_write) {
			if (off < sizeof(c))
				common_write(vb, (uint32_t)off, size, val);
		} else {
			common_image(vb, &c);
			if (off + size <= sizeof(c))
				memcpy(data, (uint8_t *)&c + off, size);
			else
				memset(data, 0, size);
		}
		pthread_mutex_unlock(&vb->lock);
	} else if (addr < VIRTIO_BLK_DEVICE_OFF) {         /* ISR: read clears */
		if (!is_write) {
			memset(data, 0, size);
			if (addr == VIRTIO_BLK_ISR_OFF)
				data[0] = __atomic_exchange_n(&vb->isr, 0, __ATOMIC_SEQ_CST);
		}
	} else if (addr < VIRTIO_BLK_NOTIFY_OFF) {         /* virtio_blk_config, read-only */
		uint64_t off = addr - VIRTIO_BLK_DEVICE_OFF;

		if (!is_write) {
			memset(data, 0, size);
			if (off + size <= sizeof(vb->blkcfg))
				memcpy(data, (uint8_t *)&vb->blkcfg + off, size);
		}
	} else {                                           /* notify */
		if (is_write && addr == VIRTIO_BLK_NOTIFY_OFF) {
			uint64_t one = 1;

			if (write(swap_dev_notify_fd(vb->swap), &one, sizeof(one)) < 0 && errno != EAGAIN)
				perror("virtio-blk: notify");
		} else if (!is_write) {
			memset(data, 0, size);
		}
	}
	return true;
}

/* ---- PCI configuration space hooks (bus lock held) ---- */

/* VIRTIO_PCI_CAP_PCI_CFG (4.1.4.9): pci_cfg_data accesses the BAR at the
 * bar/offset/length the driver wrote into the capability. */
static void cfg_window(struct virtio_blk *vb, bool is_write, uint32_t *val)
{
	const uint8_t *cap = vb->pci.cfg + vb->cfg_cap_off;
	uint32_t off, len;
	uint8_t buf[4] = { 0 };

	memcpy(&off, cap + offsetof(struct virtio_pci_cap, offset), 4);
	memcpy(&len, cap + offsetof(struct virtio_pci_cap, length), 4);
	if (cap[offsetof(struct virtio_pci_cap, bar)] != VIRTIO_BLK_PCI_BAR ||
	    (len != 1 && len != 2 && len != 4) || off >= VIRTIO_BLK_BAR_SIZE ||
	    off + len > VIRTIO_BLK_BAR_SIZE || (off & (len - 1)))
		return;
	if (is_write) {
		memcpy(buf, val, len);
		virtio_blk_bar_io(vb, NULL, off, true, buf, len);
	} else {
		virtio_blk_bar_io(vb, NULL, off, false, buf, len);
		*val = 0;
		memcpy(val, buf, len);
	}
}

static bool in_cfg_data(struct virtio_blk *vb, uint32_t off, uint32_t size)
{
	uint32_t d = vb->cfg_cap_off + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);

	return off == d;   /* the driver accesses pci_cfg_data as a whole (1, 2 or 4 bytes) */
}

static void pci_cfg_write_hook(struct pci_device *dev, uint32_t off, uint32_t size, uint32_t val)
{
	struct virtio_blk *vb = dev->opaque;

	if (off <= PCI_COMMAND + 1 && off + size > PCI_COMMAND + 1) {
		uint16_t cmd = (uint16_t)(dev->cfg[PCI_COMMAND] | dev->cfg[PCI_COMMAND + 1] << 8);

		__atomic_store_n(&vb->intx_disabled, (cmd & PCI_COMMAND_INTX_DISABLE) != 0,
				 __ATOMIC_RELAXED);
	}
	if (in_cfg_data(vb, off, size))
		cfg_window(vb, true, &val);
}

static void pci_cfg_read_hook(struct pci_device *dev, uint32_t off, uint32_t size, uint32_t *val)
{
	struct virtio_blk *vb = dev->opaque;

	if (in_cfg_data(vb, off, size))
		cfg_window(vb, false, val);
}

static const struct pci_device_ops virtio_blk_pci_ops = {
	.cfg_write = pci_cfg_write_hook,
	.cfg_read = pci_cfg_read_hook,
};

static void add_cap(struct virtio_blk *vb, uint8_t type, uint32_t offset, uint32_t length)
{
	struct virtio_pci_cap cap = {
		.cap_vndr = PCI_CAP_ID_VNDR, .cap_len = sizeof(cap), .cfg_type = type,
		.bar = VIRTIO_BLK_PCI_BAR, .offset = offset, .length = length,
	};

	pci_device_add_cap(&vb->pci, &cap, sizeof(cap));
}

static void setup_pci(struct virtio_blk *vb)
{
	struct virtio_pci_notify_cap notify = {
		.cap = { .cap_vndr = PCI_CAP_ID_VNDR, .cap_len = sizeof(notify),
			 .cfg_type = VIRTIO_PCI_CAP_NOTIFY_CFG, .bar = VIRTIO_BLK_PCI_BAR,
			 .offset = VIRTIO_BLK_NOTIFY_OFF, .length = 0x1000 },
		.notify_off_multiplier = VIRTIO_BLK_NOTIFY_MULT,
	};
	struct virtio_pci_cfg_cap cfgcap = {
		.cap = { .cap_vndr = PCI_CAP_ID_VNDR, .cap_len = sizeof(cfgcap),
			 .cfg_type = VIRTIO_PCI_CAP_PCI_CFG },
	};

	pci_device_init(&vb->pci, "virtio-blk", VIRTIO_PCI_VENDOR_ID, VIRTIO_PCI_DEVICE_ID_BLK,
			0x010000, 1, VIRTIO_PCI_VENDOR_ID, VIRTIO_PCI_SUBSYS_ID);
	vb->pci.ops = &virtio_blk_pci_ops;
	vb->pci.opaque = vb;
	pci_device_set_intx(&vb->pci, 1, VIRTIO_BLK_GSI);
	pci_device_add_bar(&vb->pci, VIRTIO_BLK_PCI_BAR, VIRTIO_BLK_BAR_SIZE,
			   PCI_BAR_MEM64 | PCI_BAR_PREFETCH, virtio_blk_bar_io, vb);
	add_cap(vb, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_BLK_COMMON_OFF, 0x1000);
	add_cap(vb, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_BLK_ISR_OFF, 0x1000);
	add_cap(vb, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_BLK_DEVICE_OFF, 0x1000);
	pci_device_add_cap(&vb->pci, &notify, sizeof(notify));
	vb->cfg_cap_off = pci_device_add_cap(&vb->pci, &cfgcap, sizeof(cfgcap));
	/* The window's bar, offset, length and data are the driver's to write. */
	vb->pci.wmask[vb->cfg_cap_off + offsetof(struct virtio_pci_cap, bar)] = 0xff;
	memset(vb->pci.wmask + vb->cfg_cap_off + offsetof(struct virtio_pci_cap, offset), 0xff, 8);
	memset(vb->pci.wmask + vb->cfg_cap_off + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data),
	       0xff, 4);
}

/* ---- life cycle ---- */

struct virtio_blk *virtio_blk_create_direct(const struct vm_swap_config *cfg,
					    const struct guest_mem *mem, int irqfd,
					    int direct, char *err, size_t errlen)
{
	struct virtio_blk *vb = calloc(1, sizeof(*vb));
	struct swap_dev_ops ops = { on_used, on_broken, vb };

	if (!vb) {
		snprintf(err, errlen, "virtio-blk: out of memory");
		return NULL;
	}
	vb->swap = swap_dev_create(cfg, mem, &ops, (enum swap_direct)direct, err, errlen);
	if (!vb->swap) {
		free(vb);
		return NULL;
	}
	vb->mem = mem;
	vb->irqfd = irqfd;
	pthread_mutex_init(&vb->lock, NULL);
	vb->device_features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | swap_dev_features(vb->swap);
	swap_dev_blk_config(vb->swap, &vb->blkcfg);
	vb->queue_size = QUEUE_SIZE_MAX;
	setup_pci(vb);
	return vb;
}

struct virtio_blk *virtio_blk_create(const struct vm_swap_config *cfg,
				     const struct guest_mem *mem, int irqfd,
				     char *err, size_t errlen)
{
	return virtio_blk_create_direct(cfg, mem, irqfd, SWAP_DIRECT_AUTO, err, errlen);
}

struct pci_device *virtio_blk_pci_device(struct virtio_blk *vb)
{
	return &vb->pci;
}

void virtio_blk_set_gsi(struct virtio_blk *vb, uint8_t gsi)
{
	vb->pci.cfg[PCI_INTERRUPT_LINE] = gsi;
}

int virtio_blk_notify_fd(const struct virtio_blk *vb)
{
	return swap_dev_notify_fd(vb->swap);
}

uint64_t virtio_blk_notify_addr(const struct virtio_blk *vb)
{
	return vb->pci.bar[VIRTIO_BLK_PCI_BAR].addr + VIRTIO_BLK_NOTIFY_OFF;
}

int virtio_blk_start(struct virtio_blk *vb, char *err, size_t errlen)
{
	return swap_dev_start(vb->swap, err, errlen);
}

void virtio_blk_stop(struct virtio_blk *vb)
{
	swap_dev_stop(vb->swap);
}

void virtio_blk_destroy(struct virtio_blk *vb)
{
	if (!vb)
		return;
	swap_dev_destroy(vb->swap);
	pthread_mutex_destroy(&vb->lock);
	free(vb);
}

struct swap_dev *virtio_blk_swap(struct virtio_blk *vb)
{
	return vb->swap;
}

bool virtio_blk_needs_reset(const struct virtio_blk *vb)
{
	return __atomic_load_n(&vb->needs_reset, __ATOMIC_SEQ_CST);
}

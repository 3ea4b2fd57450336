/*
 * Virtio 1.x layouts shared by the host (vmm/virtio_pci.c, host/swap/) and
 * the guest's virtio-blk driver: split virtqueues, the virtio-pci modern
 * transport and virtio-blk. The layouts and names are the spec's
 * (OASIS virtio 1.2: 2.7 split virtqueues, 4.1 PCI, 5.2 block device),
 * with Linux's struct names (vring_desc, virtio_blk_outhdr, ...).
 *
 * All fields are little-endian in memory. Fixed-width types only and no
 * host headers: the guest compiles this freestanding.
 */
#ifndef GMM_VIRTIO_H
#define GMM_VIRTIO_H

#include <stdint.h>

/* ---- Device status (2.1) ---- */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE        0x01
#define VIRTIO_CONFIG_S_DRIVER             0x02
#define VIRTIO_CONFIG_S_DRIVER_OK          0x04
#define VIRTIO_CONFIG_S_FEATURES_OK        0x08
#define VIRTIO_CONFIG_S_NEEDS_RESET        0x40  /* the spec's DEVICE_NEEDS_RESET */
#define VIRTIO_CONFIG_S_FAILED             0x80

/* ---- Reserved feature bits (6) ---- */
#define VIRTIO_F_INDIRECT_DESC             28
#define VIRTIO_F_EVENT_IDX                 29
#define VIRTIO_F_VERSION_1                 32
#define VIRTIO_F_ACCESS_PLATFORM           33
#define VIRTIO_F_RING_PACKED               34
#define VIRTIO_F_IN_ORDER                  35
#define VIRTIO_F_ORDER_PLATFORM            36
#define VIRTIO_F_SR_IOV                    37
#define VIRTIO_F_NOTIFICATION_DATA         38
#define VIRTIO_F_RING_RESET                40

#define VIRTIO_BIT(b)                      (1ULL << (b))

/* ---- Split virtqueue (2.7) ---- */
#define VIRTQ_DESC_F_NEXT                  1  /* buffer continues via next */
#define VIRTQ_DESC_F_WRITE                 2  /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT              4  /* buffer holds a table of descriptors */

#define VIRTQ_AVAIL_F_NO_INTERRUPT         1  /* driver: don't interrupt me (no EVENT_IDX) */
#define VIRTQ_USED_F_NO_NOTIFY             1  /* device: don't kick me (no EVENT_IDX) */

#define VIRTQ_MAX_SIZE                     32768

struct vring_desc {
	uint64_t addr;      /* guest-physical */
	uint32_t len;
	uint16_t flags;     /* VIRTQ_DESC_F_* */
	uint16_t next;      /* valid if flags & VIRTQ_DESC_F_NEXT */
};

struct vring_avail {
	uint16_t flags;     /* VIRTQ_AVAIL_F_* */
	uint16_t idx;       /* where the driver puts the next entry, free-running */
	uint16_t ring[];    /* [queue size] heads, then uint16_t used_event */
};

struct vring_used_elem {
	uint32_t id;        /* head of the completed chain */
	uint32_t len;       /* bytes written into device-writable buffers */
};

struct vring_used {
	uint16_t flags;     /* VIRTQ_USED_F_* */
	uint16_t idx;
	struct vring_used_elem ring[]; /* [queue size], then uint16_t avail_event */
};

/* Alignment the spec requires of each part (2.7, table "Virtqueue Part"). */
#define VRING_DESC_ALIGN                   16
#define VRING_AVAIL_ALIGN                  2
#define VRING_USED_ALIGN                   4

/* Sizes of the three parts for a queue of NUM entries, event fields included. */
static inline uint64_t vring_desc_bytes(uint32_t num)  { return 16ULL * num; }
static inline uint64_t vring_avail_bytes(uint32_t num) { return 6ULL + 2ULL * num; }
static inline uint64_t vring_used_bytes(uint32_t num)  { return 6ULL + 8ULL * num; }

/* Offsets of used_event (in the avail part) and avail_event (in the used part). */
static inline uint64_t vring_used_event_off(uint32_t num)  { return 4ULL + 2ULL * num; }
static inline uint64_t vring_avail_event_off(uint32_t num) { return 4ULL + 8ULL * num; }

/* With VIRTIO_F_EVENT_IDX: notify if EVENT_IDX lies in (OLD, NEW_IDX]. */
static inline int vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

/* ---- Virtio over PCI, modern interface (4.1) ---- */
#define VIRTIO_PCI_VENDOR_ID               0x1af4  /* Red Hat / Qumranet */
#define VIRTIO_PCI_DEVICE_ID_BASE          0x1040  /* modern: 0x1040 + virtio device id */
#define VIRTIO_PCI_DEVICE_ID_LEGACY_BLK    0x1001  /* QEMU's transitional virtio-blk-pci */
#define VIRTIO_ID_BLOCK                    2
#define VIRTIO_PCI_DEVICE_ID_BLK           (VIRTIO_PCI_DEVICE_ID_BASE + VIRTIO_ID_BLOCK)

#define PCI_CAP_ID_VNDR                    0x09

#define VIRTIO_PCI_CAP_COMMON_CFG          1
#define VIRTIO_PCI_CAP_NOTIFY_CFG          2
#define VIRTIO_PCI_CAP_ISR_CFG             3
#define VIRTIO_PCI_CAP_DEVICE_CFG          4
#define VIRTIO_PCI_CAP_PCI_CFG             5

struct virtio_pci_cap {
	uint8_t  cap_vndr;     /* PCI_CAP_ID_VNDR */
	uint8_t  cap_next;
	uint8_t  cap_len;      /* length of this capability structure */
	uint8_t  cfg_type;     /* VIRTIO_PCI_CAP_* */
	uint8_t  bar;          /* 0..5 */
	uint8_t  id;           /* several caps of one type */
	uint8_t  padding[2];
	uint32_t offset;       /* within the BAR */
	uint32_t length;       /* of the structure in the BAR */
};

struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	uint32_t notify_off_multiplier; /* queue's notify address: offset + queue_notify_off * this */
};

struct virtio_pci_cfg_cap {
	struct virtio_pci_cap cap; /* driver sets bar, offset, length (1, 2 or 4) */
	uint8_t  pci_cfg_data[4];  /* then reads/writes the BAR through here */
};

struct virtio_pci_common_cfg {
	/* about the whole device */
	uint32_t device_feature_select; /* 0x00 rw */
	uint32_t device_feature;        /* 0x04 ro: 32 bits selected above */
	uint32_t driver_feature_select; /* 0x08 rw */
	uint32_t driver_feature;        /* 0x0c rw */
	uint16_t config_msix_vector;    /* 0x10 rw */
	uint16_t num_queues;            /* 0x12 ro */
	uint8_t  device_status;         /* 0x14 rw: writing 0 resets */
	uint8_t  config_generation;     /* 0x15 ro */
	/* about one queue, chosen by queue_select */
	uint16_t queue_select;          /* 0x16 rw */
	uint16_t queue_size;            /* 0x18 rw: max on reset, driver may lower */
	uint16_t queue_msix_vector;     /* 0x1a rw */
	uint16_t queue_enable;          /* 0x1c rw */
	uint16_t queue_notify_off;      /* 0x1e ro */
	uint64_t queue_desc;            /* 0x20 rw */
	uint64_t queue_driver;          /* 0x28 rw: the avail ring */
	uint64_t queue_device;          /* 0x30 rw: the used ring */
	uint16_t queue_notify_data;     /* 0x38 ro (1.2) */
	uint16_t queue_reset;           /* 0x3a rw (1.2, VIRTIO_F_RING_RESET) */
	uint16_t admin_queue_index;     /* 0x3c ro (1.3, not offered here) */
	uint16_t admin_queue_num;       /* 0x3e ro (1.3) */
};

#define VIRTIO_MSI_NO_VECTOR               0xffff

/* ISR status register bits (4.1.4.5): reading it clears it. */
#define VIRTIO_PCI_ISR_QUEUE               0x1
#define VIRTIO_PCI_ISR_CONFIG              0x2

/* ---- Block device (5.2) ---- */
#define VIRTIO_BLK_F_SIZE_MAX              1
#define VIRTIO_BLK_F_SEG_MAX               2
#define VIRTIO_BLK_F_GEOMETRY              4
#define VIRTIO_BLK_F_RO                    5
#define VIRTIO_BLK_F_BLK_SIZE              6
#define VIRTIO_BLK_F_FLUSH                 9
#define VIRTIO_BLK_F_TOPOLOGY              10
#define VIRTIO_BLK_F_CONFIG_WCE            11
#define VIRTIO_BLK_F_MQ                    12
#define VIRTIO_BLK_F_DISCARD               13
#define VIRTIO_BLK_F_WRITE_ZEROES          14

#define VIRTIO_BLK_SECTOR_SIZE             512   /* `sector` is always in these units */
#define VIRTIO_BLK_SECTOR_SHIFT            9
#define VIRTIO_BLK_ID_BYTES                20

struct virtio_blk_config {
	uint64_t capacity;               /* 0x00: in 512-byte sectors */
	uint32_t size_max;               /* 0x08: VIRTIO_BLK_F_SIZE_MAX */
	uint32_t seg_max;                /* 0x0c: VIRTIO_BLK_F_SEG_MAX */
	struct virtio_blk_geometry {
		uint16_t cylinders;
		uint8_t  heads;
		uint8_t  sectors;
	} geometry;                      /* 0x10 */
	uint32_t blk_size;               /* 0x14: VIRTIO_BLK_F_BLK_SIZE */
	struct virtio_blk_topology {
		uint8_t  physical_block_exp;
		uint8_t  alignment_offset;
		uint16_t min_io_size;
		uint32_t opt_io_size;
	} topology;                      /* 0x18 */
	uint8_t  writeback;              /* 0x20 */
	uint8_t  unused0;
	uint16_t num_queues;             /* 0x22: VIRTIO_BLK_F_MQ */
	uint32_t max_discard_sectors;    /* 0x24 */
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;
	uint32_t max_write_zeroes_seg;
	uint8_t  write_zeroes_may_unmap; /* 0x38 */
	uint8_t  unused1[3];
	uint32_t max_secure_erase_sectors; /* 0x3c (1.2) */
	uint32_t max_secure_erase_seg;
	uint32_t secure_erase_sector_alignment;
};

/* Request types */
#define VIRTIO_BLK_T_IN                    0   /* read */
#define VIRTIO_BLK_T_OUT                   1   /* write */
#define VIRTIO_BLK_T_FLUSH                 4
#define VIRTIO_BLK_T_GET_ID                8
#define VIRTIO_BLK_T_DISCARD               11
#define VIRTIO_BLK_T_WRITE_ZEROES          13

/* Request status, the last byte of the request */
#define VIRTIO_BLK_S_OK                    0
#define VIRTIO_BLK_S_IOERR                 1
#define VIRTIO_BLK_S_UNSUPP                2

/* A request: this header (device-readable), the data, one status byte
 * (device-writable). The framing over descriptors is the driver's choice. */
struct virtio_blk_outhdr {
	uint32_t type;      /* VIRTIO_BLK_T_* */
	uint32_t ioprio;    /* the spec's `reserved` */
	uint64_t sector;    /* offset in 512-byte sectors */
};

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc");
_Static_assert(sizeof(struct vring_used_elem) == 8, "vring_used_elem");
_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio_pci_cap");
_Static_assert(sizeof(struct virtio_pci_notify_cap) == 20, "virtio_pci_notify_cap");
_Static_assert(sizeof(struct virtio_pci_cfg_cap) == 20, "virtio_pci_cfg_cap");
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 0x40, "virtio_pci_common_cfg");
_Static_assert(sizeof(struct virtio_blk_config) == 0x48, "virtio_blk_config");
_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "virtio_blk_outhdr");

#endif

/*
 * PCI (Linux: include/linux/pci.h), bus 0 through configuration mechanism
 * #1 (ports 0xcf8/0xcfc), as both of our hypervisors offer it. The BIOS
 * role (BAR addresses, interrupt line) was played by the VMM or by QEMU's
 * firmware: the kernel takes BARs as it finds them, sizing each once.
 *
 * pci_subsys_init() scans bus 0 and lists what it finds; a driver
 * registered with pci_register_driver() is probed for each matching
 * function, at registration or when the bus is scanned, whichever is
 * later. Everything runs on the boot CPU at boot; config accesses are
 * serialised by pci_lock (interrupts off) and may be made from any CPU.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <kernel/types.h>

#include <gmm/pci_regs.h>

#define PCI_ANY_ID              0xffff

#define PCI_DEVFN(slot, fn)     ((((slot) & 0x1f) << 3) | ((fn) & 7))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 7)

/* A BAR as found: [start, start + len), IORESOURCE_* flags. */
#define IORESOURCE_IO           0x100
#define IORESOURCE_MEM          0x200
#define IORESOURCE_PREFETCH     0x2000
#define IORESOURCE_MEM_64       0x100000

struct resource {
	u64 start;
	u64 len;                /* 0: BAR not implemented */
	unsigned long flags;
};

struct pci_driver;

struct pci_dev {
	u8  bus, devfn;
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device;
	u32 class;              /* class << 8 | prog-if, as Linux's (24 bits) */
	u8  revision;
	u8  hdr_type;
	u8  pin;                /* INTx pin, 1 = INTA#, 0 = none */
	unsigned int irq;       /* the interrupt line register: an ISA IRQ / GSI */
	struct resource resource[PCI_STD_NUM_BARS];
	struct pci_driver *driver;
	void *driver_data;
	char name[16];          /* "0000:00:01.0" */
};

struct pci_device_id {
	u16 vendor, device;     /* PCI_ANY_ID matches any */
	u16 device_last;        /* if nonzero, devices [device, device_last] match */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;   /* ends with a zero vendor */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	struct pci_driver *next;
};

void pci_subsys_init(void);
int pci_register_driver(struct pci_driver *drv);

/* Configuration space accesses (Linux's signatures; always return 0). */
int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);

/* Memory decoding on; bus mastering on (the device may do DMA). */
int pci_enable_device(struct pci_dev *dev);
void pci_set_master(struct pci_dev *dev);

/* Offset of the first capability CAP after POS (0: from the start), or 0. */
u8 pci_find_next_capability(struct pci_dev *dev, u8 pos, int cap);
static inline u8 pci_find_capability(struct pci_dev *dev, int cap)
{
	return pci_find_next_capability(dev, 0, cap);
}

/* Map LEN bytes at OFFSET of memory BAR, checked against the BAR's size;
 * NULL if it is not a memory BAR or the range does not fit. */
void *pci_iomap_range(struct pci_dev *dev, int bar, u64 offset, u64 len);

static inline const char *pci_name(const struct pci_dev *dev)
{
	return dev->name;
}

#endif

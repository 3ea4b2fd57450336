/*
 * PCI bus 0 behind configuration mechanism #1, as on a PC (and as QEMU's
 * i440FX machine offers it): a 32-bit address latch at port 0xcf8 and a
 * data window at 0xcfc-0xcff. Slot 0 holds a host bridge (00:00.0);
 * devices take other slots, function 0 only.
 *
 * The VMM acts as the firmware: pci_bus_add() places each device's memory
 * BARs in the MMIO window given to pci_bus_init() (naturally aligned) and
 * turns memory decoding on, so a guest can use them as found. A guest may
 * size BARs (write all-ones, read back) as usual; the device decodes only
 * while memory decoding is on and the BAR holds the address the VMM gave
 * it (moving BARs is not supported: the I/O bus table is fixed at start).
 *
 * Locking: bus->lock protects the address latch and every device's config
 * space (cfg[]); device hooks (pci_device_ops) run with it held, so they
 * must not call back into the bus. A BAR access does not take it: whether
 * a BAR decodes is kept in an atomic flag, updated under the lock.
 */
#ifndef VMM_PCI_H
#define VMM_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmm/pci_regs.h>
#include "vmm/io.h"

#define PCI_SLOTS               32

#define PCI_BAR_MEM64           PCI_BASE_ADDRESS_MEM_TYPE_64
#define PCI_BAR_PREFETCH        PCI_BASE_ADDRESS_MEM_PREFETCH

struct pci_device;

struct pci_bar {
	struct pci_device *dev;
	int      index;
	uint64_t size;          /* power of 2, >= 4 KiB; 0 = unused */
	uint64_t addr;          /* guest-physical, assigned by pci_bus_add */
	uint32_t flags;         /* PCI_BAR_MEM64 | PCI_BAR_PREFETCH */
	bool     decoding;      /* atomic: memory decoding on and BAR at addr */
	/* Accesses inside the BAR: ADDR is the offset from the BAR's start. */
	io_handler_fn fn;
	void    *opaque;
};

/* Device hooks, called with the bus lock held (see above). */
struct pci_device_ops {
	/* After a guest write of SIZE bytes at OFF was applied to cfg[]. */
	void (*cfg_write)(struct pci_device *dev, uint32_t off, uint32_t size, uint32_t val);
	/* May change *VAL, the SIZE bytes read at OFF. */
	void (*cfg_read)(struct pci_device *dev, uint32_t off, uint32_t size, uint32_t *val);
};

struct pci_device {
	uint8_t  cfg[PCI_CFG_SPACE_SIZE];
	uint8_t  wmask[PCI_CFG_SPACE_SIZE];   /* bits the guest may change */
	struct pci_bar bar[6];
	const struct pci_device_ops *ops;
	void    *opaque;
	const char *name;
	int      slot;                         /* on bus 0, set by pci_bus_add */
	uint8_t  cap_end;                      /* next free capability offset */
	uint8_t  cap_last;                     /* offset of the last capability */
};

struct pci_bus {
	pthread_mutex_t lock;
	uint32_t config_address;               /* the 0xcf8 latch */
	struct pci_device *slot[PCI_SLOTS];
	struct pci_device host_bridge;
	uint64_t mmio_next, mmio_end;          /* BAR window still free */
};

/* Bus with the host bridge, BARs placed in [mmio_base, mmio_base + mmio_size). */
void pci_bus_init(struct pci_bus *bus, uint64_t mmio_base, uint64_t mmio_size);
void pci_bus_destroy(struct pci_bus *bus);

/* Identity of a new device: IDs, 24-bit class code, revision, subsystem. */
void pci_device_init(struct pci_device *dev, const char *name, uint16_t vendor, uint16_t device,
		     uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
		     uint16_t subsys_id);

/* A memory BAR of SIZE bytes (power of 2); accesses go to FN(OPAQUE, ...,
 * offset in the BAR, ...). A 64-bit BAR also takes index + 1. */
int pci_device_add_bar(struct pci_device *dev, int index, uint64_t size, uint32_t flags,
		       io_handler_fn fn, void *opaque);

/* Append a capability (LEN bytes, the first two being id and next, which
 * are filled in) to the list; returns its offset in config space, 0 if full. */
uint8_t pci_device_add_cap(struct pci_device *dev, const void *cap, uint8_t len);

/* Legacy INTx: pin 1 = INTA#, LINE = the GSI it is wired to. */
void pci_device_set_intx(struct pci_device *dev, uint8_t pin, uint8_t line);

/* Put DEV in SLOT (-1 = first free), assign its BARs, enable decoding.
 * 0, or -1 with ERR set. */
int pci_bus_add(struct pci_bus *bus, struct pci_device *dev, int slot, char *err, size_t errlen);

/* Register the config ports and every BAR on IO (the vCPU run loop's bus). */
int pci_bus_register_io(struct pci_bus *bus, struct io_bus *io, char *err, size_t errlen);

/* io_handler_fn for port 0xcf8 (4 bytes) and 0xcfc (4 bytes); OPAQUE is the bus. */
bool pci_config_address_io(void *opaque, struct vcpu *vcpu, uint64_t port, bool is_write,
			   uint8_t *data, uint32_t size);
bool pci_config_data_io(void *opaque, struct vcpu *vcpu, uint64_t port, bool is_write,
			uint8_t *data, uint32_t size);
/* io_handler_fn for a BAR registered at its absolute address; OPAQUE is the pci_bar. */
bool pci_bar_io(void *opaque, struct vcpu *vcpu, uint64_t addr, bool is_write,
		uint8_t *data, uint32_t size);

/* Direct config access (tests, the VMM's own probing): DEVFN as in Linux
 * (slot << 3 | function). Reads of absent devices return all ones. */
uint32_t pci_cfg_read(struct pci_bus *bus, uint8_t devfn, uint32_t off, uint32_t size);
void pci_cfg_write(struct pci_bus *bus, uint8_t devfn, uint32_t off, uint32_t size, uint32_t val);

#endif

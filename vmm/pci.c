/*
 * PCI configuration mechanism #1 and bus 0.
 *
 * Locking: bus->lock guards the 0xcf8 latch and every config space; device
 * hooks run under it. BAR accesses take no bus lock: they read the BAR's
 * atomic `decoding` flag, which update_decoding() sets under the lock.
 */
#include <stdio.h>
#include <string.h>

#include "vmm/pci.h"

#define CF8_ENABLE   0x80000000u

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

void pci_device_init(struct pci_device *dev, const char *name, uint16_t vendor, uint16_t device,
		     uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
		     uint16_t subsys_id)
{
	memset(dev, 0, sizeof(*dev));
	dev->name = name;
	dev->slot = -1;
	put16(dev->cfg + PCI_VENDOR_ID, vendor);
	put16(dev->cfg + PCI_DEVICE_ID, device);
	dev->cfg[PCI_REVISION_ID] = revision;
	dev->cfg[PCI_CLASS_PROG] = (uint8_t)class_code;
	put16(dev->cfg + PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
	put16(dev->cfg + PCI_SUBSYSTEM_VENDOR_ID, subsys_vendor);
	put16(dev->cfg + PCI_SUBSYSTEM_ID, subsys_id);
	/* Command: I/O, memory, bus master, INTx disable; the rest reads 0. */
	put16(dev->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
	      PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;   /* scratch for the OS */
	dev->cap_end = 0x40;
}

int pci_device_add_bar(struct pci_device *dev, int index, uint64_t size, uint32_t flags,
		       io_handler_fn fn, void *opaque)
{
	struct pci_bar *b;
	uint64_t mask;

	if (index < 0 || index > 5 || (flags & PCI_BAR_MEM64 && index == 5) ||
	    size < 4096 || (size & (size - 1)) || dev->bar[index].size)
		return -1;
	b = &dev->bar[index];
	b->dev = dev;
	b->index = index;
	b->size = size;
	b->flags = flags & (PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	b->fn = fn;
	b->opaque = opaque;
	/* Sizing: the address bits below the size read back as 0. */
	mask = ~(size - 1);
	put32(dev->cfg + PCI_BASE_ADDRESS_0 + 4 * index, b->flags);
	put32(dev->wmask + PCI_BASE_ADDRESS_0 + 4 * index, (uint32_t)mask & ~0xfu);
	if (b->flags & PCI_BAR_MEM64)
		put32(dev->wmask + PCI_BASE_ADDRESS_0 + 4 * (index + 1), (uint32_t)(mask >> 32));
	return 0;
}

uint8_t pci_device_add_cap(struct pci_device *dev, const void *cap, uint8_t len)
{
	uint8_t off = dev->cap_end;

	if (len < 2 || (unsigned)off + len > PCI_CFG_SPACE_SIZE)
		return 0;
	memcpy(dev->cfg + off, cap, len);
	dev->cfg[off + 1] = 0;
	if (dev->cap_last)
		dev->cfg[dev->cap_last + 1] = off;
	else
		dev->cfg[PCI_CAPABILITY_LIST] = off;
	put16(dev->cfg + PCI_STATUS, get16(dev->cfg + PCI_STATUS) | PCI_STATUS_CAP_LIST);
	dev->cap_last = off;
	dev->cap_end = (uint8_t)((off + len + 3) & ~3u);
	return off;
}

void pci_device_set_intx(struct pci_device *dev, uint8_t pin, uint8_t line)
{
	dev->cfg[PCI_INTERRUPT_PIN] = pin;
	dev->cfg[PCI_INTERRUPT_LINE] = line;
}

/* Recompute whether each BAR decodes (bus lock held). */
static void update_decoding(struct pci_device *dev)
{
	bool mem_on = get16(dev->cfg + PCI_COMMAND) & PCI_COMMAND_MEMORY;

	for (int i = 0; i < 6; i++) {
		struct pci_bar *b = &dev->bar[i];
		uint64_t at;

		if (!b->size)
			continue;
		at = get32(dev->cfg + PCI_BASE_ADDRESS_0 + 4 * i) & ~0xfULL;
		if (b->flags & PCI_BAR_MEM64)
			at |= (uint64_t)get32(dev->cfg + PCI_BASE_ADDRESS_0 + 4 * (i + 1)) << 32;
		__atomic_store_n(&b->decoding, mem_on && at == b->addr, __ATOMIC_RELEASE);
	}
}

void pci_bus_init(struct pci_bus *bus, uint64_t mmio_base, uint64_t mmio_size)
{
	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
	bus->mmio_next = mmio_base;
	bus->mmio_end = mmio_base + mmio_size;
	/* 00:00.0: an i440FX host bridge, as on QEMU's pc machine. */
	pci_device_init(&bus->host_bridge, "host-bridge", 0x8086, 0x1237, 0x060000, 0x02, 0, 0);
	bus->host_bridge.slot = 0;
	bus->slot[0] = &bus->host_bridge;
}

void pci_bus_destroy(struct pci_bus *bus)
{
	pthread_mutex_destroy(&bus->lock);
}

int pci_bus_add(struct pci_bus *bus, struct pci_device *dev, int slot, char *err, size_t errlen)
{
	if (slot < 0)
		for (slot = 1; slot < PCI_SLOTS && bus->slot[slot]; slot++)
			;
	if (slot <= 0 || slot >= PCI_SLOTS || bus->slot[slot]) {
		snprintf(err, errlen, "pci: no free slot for %s", dev->name);
		return -1;
	}
	for (int i = 0; i < 6; i++) {
		struct pci_bar *b = &dev->bar[i];
		uint64_t at = (bus->mmio_next + b->size - 1) & ~(b->size - 1);

		if (!b->size)
			continue;
		if (at < bus->mmio_next || at + b->size > bus->mmio_end ||
		    (!(b->flags & PCI_BAR_MEM64) && at + b->size > (1ULL << 32))) {
			snprintf(err, errlen, "pci: no room for BAR %d of %s", i, dev->name);
			return -1;
		}
		b->addr = at;
		bus->mmio_next = at + b->size;
		put32(dev->cfg + PCI_BASE_ADDRESS_0 + 4 * i, (uint32_t)at | b->flags);
		if (b->flags & PCI_BAR_MEM64)
			put32(dev->cfg + PCI_BASE_ADDRESS_0 + 4 * (i + 1), (uint32_t)(at >> 32));
	}
	/* As firmware leaves it: memory decoding on, bus mastering up to the driver. */
	put16(dev->cfg + PCI_COMMAND, get16(dev->cfg + PCI_COMMAND) | PCI_COMMAND_MEMORY);
	dev->slot = slot;
	pthread_mutex_lock(&bus->lock);
	update_decoding(dev);
	bus->slot[slot] = dev;
	pthread_mutex_unlock(&bus->lock);
	return 0;
}

int pci_bus_register_io(struct pci_bus *bus, struct io_bus *io, char *err, size_t errlen)
{
	if (io_register(io, IO_PIO, PCI_CONFIG_ADDRESS, 4, "pci-config-address",
			pci_config_address_io, bus) ||
	    io_register(io, IO_PIO, PCI_CONFIG_DATA, 4, "pci-config-data",
			pci_config_data_io, bus)) {
		snprintf(err, errlen, "pci: cannot register ports 0xcf8/0xcfc");
		return -1;
	}
	for (int s = 1; s < PCI_SLOTS; s++) {
		struct pci_device *dev = bus->slot[s];

		for (int i = 0; dev && i < 6; i++) {
			struct pci_bar *b = &dev->bar[i];

			if (b->size && io_register(io, IO_MMIO, b->addr, b->size, dev->name,
						   pci_bar_io, b)) {
				snprintf(err, errlen, "pci: cannot register BAR %d of %s at 0x%llx",
					 i, dev->name, (unsigned long long)b->addr);
				return -1;
			}
		}
	}
	return 0;
}

/* ---- configuration space access ---- */

static struct pci_device *lookup(struct pci_bus *bus, uint8_t devfn)
{
	return (devfn & 7) ? NULL : bus->slot[devfn >> 3];
}

/* Bus lock held. OFF + SIZE stays inside one dword. */
static uint32_t cfg_read_locked(struct pci_bus *bus, uint8_t devfn, uint32_t off, uint32_t size)
{
	struct pci_device *dev = lookup(bus, devfn);
	uint32_t v = 0;

	if (!dev)
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	memcpy(&v, dev->cfg + off, size);
	if (dev->ops && dev->ops->cfg_read)
		dev->ops->cfg_read(dev, off, size, &v);
	return v;
}

static void cfg_write_locked(struct pci_bus *bus, uint8_t devfn, uint32_t off, uint32_t size,
			     uint32_t val)
{
	struct pci_device *dev = lookup(bus, devfn);

	if (!dev)
		return;
	for (uint32_t i = 0; i < size; i++) {
		uint8_t m = dev->wmask[off + i], b = (uint8_t)(val >> (8 * i));

		dev->cfg[off + i] = (uint8_t)((dev->cfg[off + i] & ~m) | (b & m));
	}
	if (off < PCI_BASE_ADDRESS_0 + 24 && off + size > PCI_COMMAND)
		update_decoding(dev);
	if (dev->ops && dev->ops->cfg_write)
		dev->ops->cfg_write(dev, off, size, val);
}

static bool valid_access(uint32_t off, uint32_t size)
{
	return (size == 1 || size == 2 || size == 4) && (off & (size - 1)) == 0 &&
	       off + size <= PCI_CFG_SPACE_SIZE;
}

uint32_t pci_cfg_read(struct pci_bus *bus, uint8_t devfn, uint32_t off, uint32_t size)
{
	uint32_t v;

	if (!valid_access(off, size))
		return 0xffffffffu;
	pthread_mutex_lock(&bus->lock);
	v = cfg_read_locked(bus, devfn, off, size);
	pthread_mutex_unlock(&bus->lock);
	return v;
}

void pci_cfg_write(struct pci_bus *bus, uint8_t devfn, uint32_t off, uint32_t size, uint32_t val)
{
	if (!valid_access(off, size))
		return;
	pthread_mutex_lock(&bus->lock);
	cfg_write_locked(bus, devfn, off, size, val);
	pthread_mutex_unlock(&bus->lock);
}

bool pci_config_address_io(void *opaque, struct vcpu *vcpu, uint64_t port, bool is_write,
			   uint8_t *data, uint32_t size)
{
	struct pci_bus *bus = opaque;

	/* Only a dword access at 0xcf8 is the latch; others (e.g. the PIIX
	 * reset register at 0xcf9) read as all ones and are ignored. */
	if (port != PCI_CONFIG_ADDRESS || size != 4) {
		if (!is_write)
			memset(data, 0xff, size);
		return true;
	}
	pthread_mutex_lock(&bus->lock);
	if (is_write)
		bus->config_address = get32(data) & 0x80fffffcu;
	else
		put32(data, bus->config_address);
	pthread_mutex_unlock(&bus->lock);
	return true;
}

bool pci_config_data_io(void *opaque, struct vcpu *vcpu, uint64_t port, bool is_write,
			uint8_t *data, uint32_t size)
{
	struct pci_bus *bus = opaque;
	uint32_t byte = (uint32_t)(port - PCI_CONFIG_DATA), addr, off, v;
	uint8_t devfn;

	if (size != 1 && size != 2 && size != 4)
		return false;
	pthread_mutex_lock(&bus->lock);
	addr = bus->config_address;
	off = (addr & 0xfc) + byte;
	devfn = (uint8_t)(addr >> 8);
	/* Disabled latch, another bus, or an access crossing the dword: master abort. */
	if (!(addr & CF8_ENABLE) || ((addr >> 16) & 0xff) != 0 || byte + size > 4 ||
	    !valid_access(off, size)) {
		if (!is_write)
			memset(data, 0xff, size);
	} else if (is_write) {
		v = 0;
		memcpy(&v, data, size);
		cfg_write_locked(bus, devfn, off, size, v);
	} else {
		v = cfg_read_locked(bus, devfn, off, size);
		memcpy(data, &v, size);
	}
	pthread_mutex_unlock(&bus->lock);
	return true;
}

bool pci_bar_io(void *opaque, struct vcpu *vcpu, uint64_t addr, bool is_write,
		uint8_t *data, uint32_t size)
{
	struct pci_bar *b = opaque;

	if (!__atomic_load_n(&b->decoding, __ATOMIC_ACQUIRE)) {
		if (!is_write)   /* nothing answers: master abort */
			memset(data, 0xff, size);
		return true;
	}
	return b->fn(b->opaque, vcpu, addr - b->addr, is_write, data, size);
}

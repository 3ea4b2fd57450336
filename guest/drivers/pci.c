/*
 * PCI bus 0 through configuration mechanism #1 (drivers/pci.h; Linux:
 * arch/x86/pci/direct.c for the access, drivers/pci/probe.c for the scan).
 *
 * Every config access is two port exits (~10 us each on our platform), so
 * the scan reads only what it needs: the vendor/device dword of each slot,
 * and the header, BARs and capabilities of the functions that exist.
 * An empty slot reads all-ones (master abort), under our VMM as on a PC.
 *
 * Locking: pci_lock (interrupts off) makes each 0xcf8/0xcfc pair atomic.
 * The device table and the driver list are written on the boot CPU during
 * boot only.
 */
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/sprintf.h>
#include <asm/io.h>
#include <drivers/pci.h>

#define PCI_CONF1_ADDRESS       0xcf8
#define PCI_CONF1_DATA          0xcfc
#define PCI_CONF1_ENABLE        0x80000000u
#define PCI_MAX_DEVICES         64

static DEFINE_SPINLOCK(pci_lock);
static struct pci_dev pci_devices[PCI_MAX_DEVICES];
static unsigned int nr_pci_devices;
static struct pci_driver *pci_drivers;
static bool pci_scanned;

static u32 conf1_address(u8 bus, u8 devfn, int where)
{
	return PCI_CONF1_ENABLE | (u32)bus << 16 | (u32)devfn << 8 | (where & 0xfc);
}

/* Raw config read of SIZE (1, 2, 4) bytes at WHERE (naturally aligned). */
static u32 pci_conf1_read(u8 bus, u8 devfn, int where, int size)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA + (where & 3);
	u32 v;

	spin_lock_irqsave(&pci_lock, flags);
	outl(conf1_address(bus, devfn, where), PCI_CONF1_ADDRESS);
	v = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	spin_unlock_irqrestore(&pci_lock, flags);
	return v;
}

static void pci_conf1_write(u8 bus, u8 devfn, int where, int size, u32 v)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA + (where & 3);

	spin_lock_irqsave(&pci_lock, flags);
	outl(conf1_address(bus, devfn, where), PCI_CONF1_ADDRESS);
	if (size == 1)
		outb((u8)v, port);
	else if (size == 2)
		outw((u16)v, port);
	else
		outl(v, port);
	spin_unlock_irqrestore(&pci_lock, flags);
}

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val)
{
	*val = (u8)pci_conf1_read(dev->bus, dev->devfn, where, 1);
	return 0;
}

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
	*val = (u16)pci_conf1_read(dev->bus, dev->devfn, where, 2);
	return 0;
}

int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
	*val = pci_conf1_read(dev->bus, dev->devfn, where, 4);
	return 0;
}

int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val)
{
	pci_conf1_write(dev->bus, dev->devfn, where, 1, val);
	return 0;
}

int pci_write_config_word(const struct pci_dev *dev, int where, u16 val)
{
	pci_conf1_write(dev->bus, dev->devfn, where, 2, val);
	return 0;
}

int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val)
{
	pci_conf1_write(dev->bus, dev->devfn, where, 4, val);
	return 0;
}

int pci_enable_device(struct pci_dev *dev)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(dev, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	return 0;
}

void pci_set_master(struct pci_dev *dev)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MASTER))
		pci_write_config_word(dev, PCI_COMMAND, cmd | PCI_COMMAND_MASTER);
}

u8 pci_find_next_capability(struct pci_dev *dev, u8 pos, int cap)
{
	u16 status;
	u8 id;
	int ttl = 48;            /* a loop in the list must not hang us */

	if (!pos) {
		pci_read_config_word(dev, PCI_STATUS, &status);
		if (!(status & PCI_STATUS_CAP_LIST))
			return 0;
		pci_read_config_byte(dev, PCI_CAPABILITY_LIST, &pos);
	} else {
		pci_read_config_byte(dev, pos + 1, &pos);
	}
	while (ttl-- && pos >= 0x40) {
		pos &= ~3;
		pci_read_config_byte(dev, pos, &id);
		if (id == 0xff)
			break;
		if (id == cap)
			return pos;
		pci_read_config_byte(dev, pos + 1, &pos);
	}
	return 0;
}

void *pci_iomap_range(struct pci_dev *dev, int bar, u64 offset, u64 len)
{
	const struct resource *r;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS)
		return NULL;
	r = &dev->resource[bar];
	if (!(r->flags & IORESOURCE_MEM) || offset > r->len || len > r->len - offset)
		return NULL;
	return ioremap(r->start + offset, len);
}

/*
 * Size BAR I the usual way, with decoding off meanwhile (Linux:
 * __pci_read_base): write all-ones, read back the writable bits, restore.
 * Returns the number of BAR registers it used (2 for a 64-bit BAR).
 */
static int pci_read_base(struct pci_dev *dev, int i)
{
	int reg = PCI_BASE_ADDRESS_0 + 4 * i;
	struct resource *r = &dev->resource[i];
	u32 lo, sz, hi = 0, szhi = 0xffffffffu;
	u64 mask;

	pci_read_config_dword(dev, reg, &lo);
	pci_write_config_dword(dev, reg, 0xffffffffu);
	pci_read_config_dword(dev, reg, &sz);
	pci_write_config_dword(dev, reg, lo);
	if (sz == 0 || sz == 0xffffffffu)
		return 1;
	if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
		r->flags = IORESOURCE_IO;
		r->start = lo & ~3u;
		r->len = (u64)(~(sz & ~3u) & 0xffff) + 1;
		return 1;
	}
	r->flags = IORESOURCE_MEM | (lo & PCI_BASE_ADDRESS_MEM_PREFETCH ? IORESOURCE_PREFETCH : 0);
	if (lo & PCI_BASE_ADDRESS_MEM_TYPE_64 && i < PCI_STD_NUM_BARS - 1) {
		r->flags |= IORESOURCE_MEM_64;
		pci_read_config_dword(dev, reg + 4, &hi);
		pci_write_config_dword(dev, reg + 4, 0xffffffffu);
		pci_read_config_dword(dev, reg + 4, &szhi);
		pci_write_config_dword(dev, reg + 4, hi);
	} else {
		szhi = 0xffffffffu;   /* a 32-bit BAR: the upper bits are not there */
	}
	mask = ((u64)szhi << 32 | (sz & ~0xfu));
	r->start = ((u64)hi << 32) | (lo & ~0xfu);
	r->len = ~mask + 1;
	return r->flags & IORESOURCE_MEM_64 ? 2 : 1;
}

static void pci_read_bases(struct pci_dev *dev)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	if (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		pci_write_config_word(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < PCI_STD_NUM_BARS; )
		i += pci_read_base(dev, i);
	if (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		pci_write_config_word(dev, PCI_COMMAND, cmd);

	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		const struct resource *r = &dev->resource[i];

		if (!r->len)
			continue;
		printk("pci %s: BAR %d [%s 0x%08lx-0x%08lx%s%s]\n", dev->name, i,
		       r->flags & IORESOURCE_IO ? "io" : "mem", (unsigned long)r->start,
		       (unsigned long)(r->start + r->len - 1),
		       r->flags & IORESOURCE_MEM_64 ? " 64bit" : "",
		       r->flags & IORESOURCE_PREFETCH ? " pref" : "");
	}
}

/* Read function DEVFN's header into a new pci_dev (it exists: ID is valid). */
static struct pci_dev *pci_setup_device(u8 devfn, u32 id)
{
	struct pci_dev *dev;
	u32 class_rev;

	if (nr_pci_devices == PCI_MAX_DEVICES) {
		printk("pci: more than %d functions on bus 0, the rest ignored\n", PCI_MAX_DEVICES);
		return NULL;
	}
	dev = &pci_devices[nr_pci_devices++];
	dev->bus = 0;
	dev->devfn = devfn;
	dev->vendor = (u16)id;
	dev->device = (u16)(id >> 16);
	snprintf(dev->name, sizeof(dev->name), "0000:00:%02x.%u", PCI_SLOT(devfn), PCI_FUNC(devfn));
	pci_read_config_dword(dev, PCI_CLASS_REVISION, &class_rev);
	dev->revision = (u8)class_rev;
	dev->class = class_rev >> 8;
	pci_read_config_byte(dev, PCI_HEADER_TYPE, &dev->hdr_type);
	printk("pci %s: [%04x:%04x] type %02x class 0x%06x\n", dev->name, dev->vendor,
	       dev->device, dev->hdr_type & PCI_HEADER_TYPE_MASK, dev->class);
	if ((dev->hdr_type & PCI_HEADER_TYPE_MASK) != 0)
		return dev;      /* bridges: no BARs or interrupt of ours to use */
	pci_read_config_word(dev, PCI_SUBSYSTEM_VENDOR_ID, &dev->subsystem_vendor);
	pci_read_config_word(dev, PCI_SUBSYSTEM_ID, &dev->subsystem_device);
	pci_read_config_byte(dev, PCI_INTERRUPT_PIN, &dev->pin);
	if (dev->pin) {
		u8 line;

		pci_read_config_byte(dev, PCI_INTERRUPT_LINE, &line);
		dev->irq = line;
	}
	pci_read_bases(dev);
	return dev;
}

static const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
						const struct pci_dev *dev)
{
	for (; ids->vendor; ids++) {
		if (ids->vendor != PCI_ANY_ID && ids->vendor != dev->vendor)
			continue;
		if (ids->device == PCI_ANY_ID || ids->device == dev->device ||
		    (ids->device_last && dev->device >= ids->device && dev->device <= ids->device_last))
			return ids;
	}
	return NULL;
}

static void pci_probe_driver(struct pci_driver *drv, struct pci_dev *dev)
{
	const struct pci_device_id *id;
	int err;

	if (dev->driver || !(id = pci_match_id(drv->id_table, dev)))
		return;
	dev->driver = drv;
	err = drv->probe(dev, id);
	if (err) {
		dev->driver = NULL;
		printk("%s %s: probe failed with error %d\n", drv->name, dev->name, err);
	}
}

int pci_register_driver(struct pci_driver *drv)
{
	drv->next = pci_drivers;
	pci_drivers = drv;
	for (unsigned int i = 0; pci_scanned && i < nr_pci_devices; i++)
		pci_probe_driver(drv, &pci_devices[i]);
	return 0;
}

void pci_subsys_init(void)
{
	for (u8 slot = 0; slot < 32; slot++) {
		for (u8 fn = 0; fn < 8; fn++) {
			u8 devfn = PCI_DEVFN(slot, fn);
			u32 id = pci_conf1_read(0, devfn, PCI_VENDOR_ID, 4);
			struct pci_dev *dev;

			if ((u16)id == 0xffff || (u16)id == 0) {
				if (fn == 0)
					break;   /* no function 0: no device */
				continue;        /* functions may be sparse */
			}
			dev = pci_setup_device(devfn, id);
			if (!dev || (fn == 0 && !(dev->hdr_type & PCI_HEADER_TYPE_MFD)))
				break;
		}
	}
	printk("pci: bus 0: %u functions\n", nr_pci_devices);
	pci_scanned = true;
	for (unsigned int i = 0; i < nr_pci_devices; i++)
		for (struct pci_driver *drv = pci_drivers; drv; drv = drv->next)
			pci_probe_driver(drv, &pci_devices[i]);
}

/*
 * The swap disk as the guest sees it: PCI configuration mechanism #1
 * (vmm/pci.c) and virtio-blk on the virtio-pci modern transport
 * (vmm/virtio_pci.c), driven through the same I/O handlers the vCPU run
 * loop calls, the way a guest driver would: enumerate, walk capabilities,
 * size the BAR, negotiate features, set the queue up, do I/O, reset, and
 * recover from DEVICE_NEEDS_RESET.
 */
#include <criterion/criterion.h>

#include "test_swap_env.h"
#include "host/swap/vring.h"
#include "vmm/pci.h"
#include "vmm/virtio_pci.h"

static struct fake_guest g;
static struct pci_bus bus;
static struct io_bus io;
static struct virtio_blk *vb;
static struct vm_swap_config cfg;
static int irqfd;
static const uint8_t SLOT = 1;

static void setup(void)
{
	char err[512];

	cr_assert_eq(fake_guest_init(&g, ENV_RAM, 0), 0);
	memset(&cfg, 0, sizeof(cfg));
	env_tmp_path(cfg.path, sizeof(cfg.path), "pci");
	unlink(cfg.path);
	cfg.present = true;
	cfg.size_bytes = ENV_DISK;
	irqfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	vb = virtio_blk_create(&cfg, &g.mem, irqfd, err, sizeof(err));
	cr_assert(vb, "%s", err);
	pci_bus_init(&bus, VIRTIO_BLK_MMIO_BASE, VIRTIO_BLK_MMIO_SIZE);
	cr_assert_eq(pci_bus_add(&bus, virtio_blk_pci_device(vb), -1, err, sizeof(err)), 0, "%s", err);
	memset(&io, 0, sizeof(io));
	cr_assert_eq(pci_bus_register_io(&bus, &io, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(virtio_blk_start(vb, err, sizeof(err)), 0, "%s", err);
}

static void teardown(void)
{
	virtio_blk_destroy(vb);
	pci_bus_destroy(&bus);
	close(irqfd);
	unlink(cfg.path);
	fake_guest_free(&g);
}

TestSuite(swap_pci, .init = setup, .fini = teardown, .timeout = 20);

/* ---- the guest's side of the buses, through the registered handlers ---- */

static uint64_t io_access(enum io_space sp, uint64_t addr, uint32_t size, bool wr, uint64_t val)
{
	const struct io_range *r = io_find(&io, sp, addr, size);
	uint8_t data[8] = { 0 };

	cr_assert(r, "nothing at 0x%llx", (unsigned long long)addr);
	memcpy(data, &val, size);
	cr_assert(r->fn(r->opaque, NULL, addr, wr, data, size), "access refused");
	val = 0;
	memcpy(&val, data, size);
	return val;
}

static uint32_t cfg_rd(uint8_t slot, uint32_t off, uint32_t size)
{
	io_access(IO_PIO, 0xcf8, 4, true, 0x80000000u | slot << 11 | (off & 0xfc));
	return (uint32_t)io_access(IO_PIO, 0xcfc + (off & 3), size, false, 0);
}

static void cfg_wr(uint8_t slot, uint32_t off, uint32_t size, uint32_t val)
{
	io_access(IO_PIO, 0xcf8, 4, true, 0x80000000u | slot << 11 | (off & 0xfc));
	io_access(IO_PIO, 0xcfc + (off & 3), size, true, val);
}

static uint64_t bar_base(void)
{
	uint64_t lo = cfg_rd(SLOT, PCI_BASE_ADDRESS_0 + 16, 4) & ~0xfu;
	uint64_t hi = cfg_rd(SLOT, PCI_BASE_ADDRESS_0 + 20, 4);

	return hi << 32 | lo;
}

static uint64_t mmio_rd(uint64_t off, uint32_t size)
{
	return io_access(IO_MMIO, bar_base() + off, size, false, 0);
}

static void mmio_wr(uint64_t off, uint32_t size, uint64_t val)
{
	io_access(IO_MMIO, bar_base() + off, size, true, val);
}

#define COMMON(f) (VIRTIO_BLK_COMMON_OFF + offsetof(struct virtio_pci_common_cfg, f))
#define BLKCFG(f) (VIRTIO_BLK_DEVICE_OFF + offsetof(struct virtio_blk_config, f))

static uint8_t status(void)
{
	return (uint8_t)mmio_rd(COMMON(device_status), 1);
}

static uint64_t device_features(void)
{
	mmio_wr(COMMON(device_feature_select), 4, 0);
	uint64_t lo = mmio_rd(COMMON(device_feature), 4);
	mmio_wr(COMMON(device_feature_select), 4, 1);
	return mmio_rd(COMMON(device_feature), 4) << 32 | lo;
}

/* The driver's initialisation sequence (3.1.1); returns the final status. */
static uint8_t driver_init(uint64_t features, struct drv_queue *q, uint16_t num)
{
	mmio_wr(COMMON(device_status), 1, 0);
	cr_assert_eq(status(), 0);
	mmio_wr(COMMON(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	mmio_wr(COMMON(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	mmio_wr(COMMON(driver_feature_select), 4, 0);
	mmio_wr(COMMON(driver_feature), 4, (uint32_t)features);
	mmio_wr(COMMON(driver_feature_select), 4, 1);
	mmio_wr(COMMON(driver_feature), 4, (uint32_t)(features >> 32));
	mmio_wr(COMMON(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(status() & VIRTIO_CONFIG_S_FEATURES_OK))
		return status();
	mmio_wr(COMMON(queue_select), 2, 0);
	cr_assert_eq(mmio_rd(COMMON(queue_size), 2), VRING_NUM_MAX);
	drv_init(q, &g, num, ENV_RING, features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	mmio_wr(COMMON(queue_size), 2, num);
	mmio_wr(COMMON(queue_desc), 4, (uint32_t)q->desc_gpa);          /* two halves, as Linux */
	mmio_wr(COMMON(queue_desc) + 4, 4, q->desc_gpa >> 32);
	mmio_wr(COMMON(queue_driver), 8, q->avail_gpa);                 /* or whole */
	mmio_wr(COMMON(queue_device), 4, (uint32_t)q->used_gpa);
	mmio_wr(COMMON(queue_device) + 4, 4, q->used_gpa >> 32);
	mmio_wr(COMMON(queue_enable), 2, 1);
	mmio_wr(COMMON(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	return status();
}

#define READY (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | \
	       VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

/* One request through the transport: kick via the notify register. */
static uint8_t do_req(struct drv_queue *q, unsigned i, uint32_t type, uint64_t sector,
		      uint64_t data, uint32_t len)
{
	struct virtio_blk_outhdr *h = G(&g, env_hdr(i));
	uint16_t d0 = (uint16_t)(3 * i), before = drv_used_pending(q);

	h->type = type;
	h->sector = sector;
	*(uint8_t *)G(&g, env_status(i)) = 0xee;
	drv_desc(q, d0, env_hdr(i), 16, VIRTQ_DESC_F_NEXT, d0 + 1);
	drv_desc(q, d0 + 1, data, len, VIRTQ_DESC_F_NEXT |
		 (type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE), d0 + 2);
	drv_desc(q, d0 + 2, env_status(i), 1, VIRTQ_DESC_F_WRITE, 0);
	drv_add(q, d0);
	drv_publish(q);
	mmio_wr(VIRTIO_BLK_NOTIFY_OFF, 2, 0);
	cr_assert(drv_wait_used(q, irqfd, (uint16_t)(before + 1), 5000), "no completion");
	return *(volatile uint8_t *)G(&g, env_status(i));
}

/* ---- PCI ---- */

Test(swap_pci, host_bridge_and_empty_slots)
{
	cr_assert_eq(cfg_rd(0, PCI_VENDOR_ID, 2), 0x8086);
	cr_assert_eq(cfg_rd(0, PCI_CLASS_DEVICE, 2), 0x0600);
	cr_assert_eq(cfg_rd(7, PCI_VENDOR_ID, 4), 0xffffffffu);
	/* function 1 of a present slot: nothing */
	io_access(IO_PIO, 0xcf8, 4, true, 0x80000000u | SLOT << 11 | 1 << 8);
	cr_assert_eq(io_access(IO_PIO, 0xcfc, 4, false, 0), 0xffffffffu);
	/* latch without the enable bit, and another bus: all ones */
	io_access(IO_PIO, 0xcf8, 4, true, 0);
	cr_assert_eq(io_access(IO_PIO, 0xcfc, 4, false, 0), 0xffffffffu);
	io_access(IO_PIO, 0xcf8, 4, true, 0x80010000u);
	cr_assert_eq(io_access(IO_PIO, 0xcfc, 4, false, 0), 0xffffffffu);
	/* the latch reads back */
	io_access(IO_PIO, 0xcf8, 4, true, 0x80000810u);
	cr_assert_eq(io_access(IO_PIO, 0xcf8, 4, false, 0), 0x80000810u);
}

Test(swap_pci, identity_is_qemu_virtio_blk_pci)
{
	cr_assert_eq(cfg_rd(SLOT, PCI_VENDOR_ID, 2), 0x1af4);
	cr_assert_eq(cfg_rd(SLOT, PCI_DEVICE_ID, 2), 0x1042);
	cr_assert_eq(cfg_rd(SLOT, PCI_REVISION_ID, 1), 1);
	cr_assert_eq(cfg_rd(SLOT, PCI_CLASS_DEVICE, 2), 0x0100);
	cr_assert_eq(cfg_rd(SLOT, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
	cr_assert_eq(cfg_rd(SLOT, PCI_SUBSYSTEM_ID, 2), 0x1100);
	cr_assert_eq(cfg_rd(SLOT, PCI_HEADER_TYPE, 1), 0);
	cr_assert_eq(cfg_rd(SLOT, PCI_INTERRUPT_PIN, 1), 1);
	cr_assert_eq(cfg_rd(SLOT, PCI_INTERRUPT_LINE, 1), VIRTIO_BLK_GSI);
	cr_assert(cfg_rd(SLOT, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	cr_assert(cfg_rd(SLOT, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY);
	cr_assert_eq(bar_base(), VIRTIO_BLK_MMIO_BASE);
	cr_assert_eq(virtio_blk_notify_addr(vb), VIRTIO_BLK_MMIO_BASE + VIRTIO_BLK_NOTIFY_OFF);
}

/* The capability walk a driver does (4.1.4). */
Test(swap_pci, virtio_capabilities)
{
	bool seen[6] = { false };
	int n = 0;

	for (uint32_t p = cfg_rd(SLOT, PCI_CAPABILITY_LIST, 1); p; p = cfg_rd(SLOT, p + 1, 1)) {
		cr_assert(p >= 0x40 && p < 256 && n++ < 16);
		cr_assert_eq(cfg_rd(SLOT, p, 1), PCI_CAP_ID_VNDR);
		uint8_t type = (uint8_t)cfg_rd(SLOT, p + 3, 1);
		uint32_t off = cfg_rd(SLOT, p + 8, 4), len = cfg_rd(SLOT, p + 12, 4);
		cr_assert(type >= 1 && type <= 5);
		seen[type] = true;
		if (type == VIRTIO_PCI_CAP_PCI_CFG)
			continue;
		cr_assert_eq(cfg_rd(SLOT, p + 4, 1), VIRTIO_BLK_PCI_BAR);
		cr_assert_leq(off + len, VIRTIO_BLK_BAR_SIZE);
		if (type == VIRTIO_PCI_CAP_COMMON_CFG)
			cr_assert_eq(off, VIRTIO_BLK_COMMON_OFF);
		if (type == VIRTIO_PCI_CAP_ISR_CFG)
			cr_assert_eq(off, VIRTIO_BLK_ISR_OFF);
		if (type == VIRTIO_PCI_CAP_DEVICE_CFG)
			cr_assert_eq(off, VIRTIO_BLK_DEVICE_OFF);
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
			cr_assert_eq(off, VIRTIO_BLK_NOTIFY_OFF);
			cr_assert_eq(cfg_rd(SLOT, p + 2, 1), 20);
			cr_assert_eq(cfg_rd(SLOT, p + 16, 4), VIRTIO_BLK_NOTIFY_MULT);
		}
	}
	for (int t = 1; t <= 5; t++)
		cr_assert(seen[t], "capability type %d missing", t);
}

/* BAR sizing: all ones in, size mask out; the device is silent meanwhile
 * and answers again once the address is back. */
Test(swap_pci, bar_sizing)
{
	uint32_t lo = cfg_rd(SLOT, PCI_BASE_ADDRESS_0 + 16, 4);
	uint32_t hi = cfg_rd(SLOT, PCI_BASE_ADDRESS_0 + 20, 4);

	cr_assert_eq(lo & 0xf, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	cfg_wr(SLOT, PCI_COMMAND, 2, 0);                          /* as Linux does */
	cr_assert_eq(mmio_rd(COMMON(num_queues), 2), 0xffff, "decoding off: master abort");
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0 + 16, 4, 0xffffffff);
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0 + 20, 4, 0xffffffff);
	cr_assert_eq(cfg_rd(SLOT, PCI_BASE_ADDRESS_0 + 16, 4), ~(uint32_t)(VIRTIO_BLK_BAR_SIZE - 1) | 0xc);
	cr_assert_eq(cfg_rd(SLOT, PCI_BASE_ADDRESS_0 + 20, 4), 0xffffffffu);
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0 + 16, 4, lo);
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0 + 20, 4, hi);
	cfg_wr(SLOT, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cr_assert_eq(mmio_rd(COMMON(num_queues), 2), 1);
	/* unused BARs read 0 and stay 0 */
	cfg_wr(SLOT, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	cr_assert_eq(cfg_rd(SLOT, PCI_BASE_ADDRESS_0, 4), 0);
	/* read-only identity stays */
	cfg_wr(SLOT, PCI_VENDOR_ID, 4, 0x12345678);
	cr_assert_eq(cfg_rd(SLOT, PCI_VENDOR_ID, 2), 0x1af4);
}

/* ---- virtio ---- */

Test(swap_pci, features_and_device_config)
{
	uint64_t f = device_features();

	cr_assert(f & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	cr_assert(f & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	cr_assert(f & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
	cr_assert(!(f & VIRTIO_BIT(VIRTIO_BLK_F_RO)));
	cr_assert_eq(mmio_rd(BLKCFG(capacity), 8), ENV_DISK / 512);
	cr_assert_eq(mmio_rd(BLKCFG(capacity), 4), ENV_DISK / 512);
	cr_assert_eq(mmio_rd(BLKCFG(seg_max), 4), VRING_NUM_MAX - 2);
	cr_assert_geq(mmio_rd(BLKCFG(blk_size), 4), 512);
	cr_assert_eq(mmio_rd(COMMON(num_queues), 2), 1);
	cr_assert_eq(mmio_rd(COMMON(queue_msix_vector), 2), VIRTIO_MSI_NO_VECTOR);
	mmio_wr(COMMON(config_msix_vector), 2, 0);
	cr_assert_eq(mmio_rd(COMMON(config_msix_vector), 2), VIRTIO_MSI_NO_VECTOR, "no MSI-X");
}

Test(swap_pci, features_ok_refused_without_version_1_or_with_unknown_bits)
{
	struct drv_queue q;
	uint64_t f = device_features();

	cr_assert(!(driver_init(f & ~VIRTIO_BIT(VIRTIO_F_VERSION_1), &q, 64) & VIRTIO_CONFIG_S_FEATURES_OK));
	cr_assert(!(driver_init(f | VIRTIO_BIT(VIRTIO_F_RING_PACKED), &q, 64) & VIRTIO_CONFIG_S_FEATURES_OK));
	cr_assert_eq(driver_init(VIRTIO_BIT(VIRTIO_F_VERSION_1), &q, 64), READY);
}

Test(swap_pci, io_through_the_transport)
{
	struct drv_queue q;

	cr_assert_eq(driver_init(device_features(), &q, 64), READY);
	memset(G(&g, ENV_DATA), 0x3c, 4096);
	cr_assert_eq(do_req(&q, 0, VIRTIO_BLK_T_OUT, 8, ENV_DATA, 4096), VIRTIO_BLK_S_OK);
	cr_assert_eq(do_req(&q, 1, VIRTIO_BLK_T_IN, 8, ENV_DATA + 8192, 4096), VIRTIO_BLK_S_OK);
	cr_assert_eq(memcmp(G(&g, ENV_DATA), G(&g, ENV_DATA + 8192), 4096), 0);
	cr_assert_eq(do_req(&q, 2, VIRTIO_BLK_T_GET_ID, 0, ENV_DATA, 20), VIRTIO_BLK_S_OK);
}

/* The interrupt: ISR bit 0 set, irqfd written, ISR read clears it. */
Test(swap_pci, interrupt_and_isr)
{
	struct drv_queue q;
	uint64_t v;

	cr_assert_eq(driver_init(VIRTIO_BIT(VIRTIO_F_VERSION_1), &q, 64), READY);
	while (read(irqfd, &v, sizeof(v)) > 0)
		;
	cr_assert_eq(do_req(&q, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096), VIRTIO_BLK_S_OK);
	usleep(10000);
	cr_assert_eq(mmio_rd(VIRTIO_BLK_ISR_OFF, 1), VIRTIO_PCI_ISR_QUEUE);
	cr_assert_eq(mmio_rd(VIRTIO_BLK_ISR_OFF, 1), 0, "read clears");

	/* INTx disabled in the command register: ISR still set, no irqfd write */
	cfg_wr(SLOT, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	while (read(irqfd, &v, sizeof(v)) > 0)
		;
	drv_get_used(&q);
	struct virtio_blk_outhdr *h = G(&g, env_hdr(1));
	h->type = VIRTIO_BLK_T_IN;
	h->sector = 0;
	drv_desc(&q, 3, env_hdr(1), 16, VIRTQ_DESC_F_NEXT, 4);
	drv_desc(&q, 4, ENV_DATA, 4096, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 5);
	drv_desc(&q, 5, env_status(1), 1, VIRTQ_DESC_F_WRITE, 0);
	drv_add(&q, 3);
	drv_publish(&q);
	mmio_wr(VIRTIO_BLK_NOTIFY_OFF, 2, 0);
	for (int i = 0; i < 2000 && !drv_used_pending(&q); i++)
		usleep(1000);
	cr_assert_eq(drv_used_pending(&q), 1);
	usleep(10000);
	cr_assert_eq(read(irqfd, &v, sizeof(v)), -1, "irqfd written with INTx disabled");
	cr_assert_eq(mmio_rd(VIRTIO_BLK_ISR_OFF, 1), VIRTIO_PCI_ISR_QUEUE);
}

Test(swap_pci, reset_clears_everything)
{
	struct drv_queue q;

	cr_assert_eq(driver_init(device_features(), &q, 32), READY);
	cr_assert_eq(do_req(&q, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096), VIRTIO_BLK_S_OK);
	mmio_wr(COMMON(device_status), 1, 0);
	cr_assert_eq(status(), 0);
	cr_assert_eq(mmio_rd(COMMON(queue_enable), 2), 0);
	cr_assert_eq(mmio_rd(COMMON(queue_size), 2), VRING_NUM_MAX);
	cr_assert_eq(mmio_rd(COMMON(queue_desc), 8), 0);
	mmio_wr(COMMON(driver_feature_select), 4, 1);
	cr_assert_eq(mmio_rd(COMMON(driver_feature), 4), 0);
	/* and it comes back */
	cr_assert_eq(driver_init(device_features(), &q, 64), READY);
	cr_assert_eq(do_req(&q, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096), VIRTIO_BLK_S_OK);
}

Test(swap_pci, queue_registers_frozen_once_enabled)
{
	struct drv_queue q;

	cr_assert_eq(driver_init(device_features(), &q, 64), READY);
	mmio_wr(COMMON(queue_desc), 8, 0x1234000);
	mmio_wr(COMMON(queue_size), 2, 16);
	cr_assert_eq(mmio_rd(COMMON(queue_desc), 8), q.desc_gpa);
	cr_assert_eq(mmio_rd(COMMON(queue_size), 2), 64);
	mmio_wr(COMMON(queue_select), 2, 1);                      /* no such queue */
	cr_assert_eq(mmio_rd(COMMON(queue_size), 2), 0);
	mmio_wr(COMMON(queue_select), 2, 0);
}

/* A protocol violation: DEVICE_NEEDS_RESET, a config interrupt, no more
 * requests; a reset brings the device back. */
Test(swap_pci, broken_device_needs_reset)
{
	struct drv_queue q;
	uint64_t v;

	cr_assert_eq(driver_init(device_features(), &q, 64), READY);
	while (read(irqfd, &v, sizeof(v)) > 0)
		;
	drv_desc(&q, 0, env_hdr(0), 16, VIRTQ_DESC_F_NEXT, 0);  /* self loop */
	drv_add(&q, 0);
	drv_publish(&q);
	mmio_wr(VIRTIO_BLK_NOTIFY_OFF, 2, 0);
	for (int i = 0; i < 2000 && !(status() & VIRTIO_CONFIG_S_NEEDS_RESET); i++)
		usleep(1000);
	cr_assert_eq(status(), READY | VIRTIO_CONFIG_S_NEEDS_RESET);
	cr_assert(virtio_blk_needs_reset(vb));
	cr_assert(mmio_rd(VIRTIO_BLK_ISR_OFF, 1) & VIRTIO_PCI_ISR_CONFIG);
	struct pollfd pfd = { .fd = irqfd, .events = POLLIN };
	cr_assert_eq(poll(&pfd, 1, 1000), 1, "config change interrupt");
	cr_assert_eq(q.used->idx, 0);

	cr_assert_eq(driver_init(device_features(), &q, 64), READY);
	cr_assert(!virtio_blk_needs_reset(vb));
	cr_assert_eq(do_req(&q, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096), VIRTIO_BLK_S_OK);
}

Test(swap_pci, bad_ring_address_breaks_at_driver_ok)
{
	mmio_wr(COMMON(device_status), 1, 0);
	mmio_wr(COMMON(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	mmio_wr(COMMON(driver_feature_select), 4, 1);
	mmio_wr(COMMON(driver_feature), 4, 1);                    /* VERSION_1 */
	mmio_wr(COMMON(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		VIRTIO_CONFIG_S_FEATURES_OK);
	mmio_wr(COMMON(queue_desc), 8, 0x7000000000ULL);          /* not RAM */
	mmio_wr(COMMON(queue_driver), 8, ENV_RING + 0x1000);
	mmio_wr(COMMON(queue_device), 8, ENV_RING + 0x2000);
	mmio_wr(COMMON(queue_enable), 2, 1);
	mmio_wr(COMMON(device_status), 1, READY);
	cr_assert(status() & VIRTIO_CONFIG_S_NEEDS_RESET);
}

Test(swap_pci, driver_ok_without_features_ok_breaks)
{
	mmio_wr(COMMON(device_status), 1, 0);
	mmio_wr(COMMON(device_status), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		VIRTIO_CONFIG_S_DRIVER_OK);
	cr_assert(status() & VIRTIO_CONFIG_S_NEEDS_RESET);
}

/* VIRTIO_PCI_CAP_PCI_CFG: the BAR reached through config space. */
Test(swap_pci, pci_cfg_access_window)
{
	uint32_t p, c = 0;
	struct drv_queue q;

	for (p = cfg_rd(SLOT, PCI_CAPABILITY_LIST, 1); p; p = cfg_rd(SLOT, p + 1, 1))
		if (cfg_rd(SLOT, p + 3, 1) == VIRTIO_PCI_CAP_PCI_CFG)
			c = p;
	cr_assert(c);
	cr_assert_eq(driver_init(device_features(), &q, 64), READY);
	cfg_wr(SLOT, c + 4, 1, VIRTIO_BLK_PCI_BAR);
	cfg_wr(SLOT, c + 8, 4, (uint32_t)COMMON(device_status));
	cfg_wr(SLOT, c + 12, 4, 1);
	cr_assert_eq(cfg_rd(SLOT, c + 16, 1), READY);
	cfg_wr(SLOT, c + 8, 4, (uint32_t)BLKCFG(capacity));
	cfg_wr(SLOT, c + 12, 4, 4);
	cr_assert_eq(cfg_rd(SLOT, c + 16, 4), ENV_DISK / 512);
	/* a write through the window: reset */
	cfg_wr(SLOT, c + 8, 4, (uint32_t)COMMON(device_status));
	cfg_wr(SLOT, c + 12, 4, 1);
	cfg_wr(SLOT, c + 16, 1, 0);
	cr_assert_eq(status(), 0);
}

Test(swap_pci, odd_accesses_are_harmless)
{
	cr_assert_eq(mmio_rd(COMMON(device_status) + 1, 2), 0xffff, "misaligned: ignored");
	mmio_wr(COMMON(queue_size) + 1, 2, 0xffff);
	cr_assert_eq(mmio_rd(COMMON(queue_size), 2), VRING_NUM_MAX);
	cr_assert_eq(mmio_rd(0x0ff8, 8), 0, "past the common cfg reads 0");
	cr_assert_eq(mmio_rd(VIRTIO_BLK_DEVICE_OFF + 0x800, 4), 0);
	mmio_wr(VIRTIO_BLK_DEVICE_OFF, 8, ~0ULL);                 /* config is read-only */
	cr_assert_eq(mmio_rd(BLKCFG(capacity), 8), ENV_DISK / 512);
	cr_assert_eq(io_access(IO_PIO, 0xcf9, 1, false, 0), 0xff);
}

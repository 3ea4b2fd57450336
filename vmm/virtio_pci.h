/*
 * virtio-blk on the virtio-pci modern transport (virtio 1.2, 4.1), the
 * swap disk's front end; host/swap/ serves its requests.
 *
 * What the guest sees, as QEMU's virtio-blk-pci with disable-legacy=on:
 *   vendor 0x1af4, device 0x1042, revision 1, subsystem 0x1af4:0x1100,
 *   class 0x010000 (mass storage), interrupt pin INTA#, interrupt line =
 *   the GSI. BAR 4: 64-bit prefetchable memory, 16 KiB:
 *     0x0000 common configuration  (VIRTIO_PCI_CAP_COMMON_CFG)
 *     0x1000 ISR status            (VIRTIO_PCI_CAP_ISR_CFG; read clears)
 *     0x2000 virtio_blk_config     (VIRTIO_PCI_CAP_DEVICE_CFG)
 *     0x3000 notify                (VIRTIO_PCI_CAP_NOTIFY_CFG, multiplier 4;
 *                                   queue 0 at 0x3000)
 *   plus a VIRTIO_PCI_CAP_PCI_CFG window. One request queue of up to 256
 *   entries. Features: VERSION_1, EVENT_IDX, INDIRECT_DESC, BLK_F_SEG_MAX,
 *   BLK_F_BLK_SIZE, BLK_F_FLUSH (and BLK_F_RO for a read-only disk).
 *   No MSI-X: the driver's vector writes read back VIRTIO_MSI_NO_VECTOR and
 *   it uses INTx. (QEMU's default virtio-blk-pci is transitional, device
 *   0x1001 revision 0 with the same modern capabilities: a guest driver
 *   should accept both IDs and use only the capabilities.)
 *
 * Interrupts: INTx through an irqfd on an IOAPIC pin. The device sets the
 * ISR bit, then writes the irqfd (an edge). The guest must program the pin
 * edge-triggered, active-high (ISA-style, as GSI 10/11 default to in the
 * MADT), read ISR in its handler before scanning the used ring, and mask
 * the 8259 (PLATFORM.md). Under QEMU the same pin is level-triggered and
 * deasserted by the ISR read; that driver order works for both.
 *
 * A guest that breaks the protocol (bad descriptor, bad ring addresses,
 * DRIVER_OK without FEATURES_OK, ...) gets DEVICE_NEEDS_RESET in
 * device_status and a configuration-change interrupt; the device takes no
 * more requests until the driver resets it (writes 0 to device_status).
 *
 * Integration (vmm/, the lead):
 *   struct pci_bus pci;
 *   pci_bus_init(&pci, VIRTIO_BLK_MMIO_BASE, VIRTIO_BLK_MMIO_SIZE);
 *   int irqfd = eventfd(0, EFD_CLOEXEC);
 *   vb = virtio_blk_create(&cfg->swap, &vm->mem, irqfd, err, errlen);
 *   pci_bus_add(&pci, virtio_blk_pci_device(vb), -1, err, errlen);  // slot 1
 *   pci_bus_register_io(&pci, &vm->io, err, errlen);  // 0xcf8, 0xcfc, BAR 4
 *   vm_add_irqfd(vm, VIRTIO_BLK_GSI, irqfd);
 *   vm_add_ioeventfd(vm, virtio_blk_notify_addr(vb), 2, true, virtio_blk_notify_fd(vb));
 *   virtio_blk_start(vb, err, errlen);           // before the first KVM_RUN
 *   ... run ...
 *   virtio_blk_destroy(vb);                      // after the vCPUs stopped
 * The notify write is 16 bits (the queue index) without VIRTIO_F_NOTIFICATION_DATA,
 * so len 2 matches every kick; a kick that reaches the BAR handler instead
 * (another width, or no ioeventfd) is forwarded to the same eventfd.
 *
 * Locking: vb->lock protects the transport registers (common cfg); held
 * across swap_dev_queue_start/stop, which may wait for in-flight I/O on a
 * reset. The ISR byte and the needs-reset flag are atomics, set by the
 * swap I/O thread without any lock. Lock order: PCI bus lock -> vb->lock
 * (the PCI_CFG window calls the BAR handler under the bus lock).
 */
#ifndef VMM_VIRTIO_PCI_H
#define VMM_VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gmm/virtio.h"
#include "vmm/guest_mem.h"
#include "vmm/io.h"
#include "vmm/pci.h"

struct vm_swap_config;
struct virtio_blk;

/* Suggested wiring (the lead may choose others). The window lies in the
 * MMIO hole (include/gmm/bootinfo.h), clear of the IOAPIC and LAPIC. */
#define VIRTIO_BLK_MMIO_BASE   0xc0000000ULL
#define VIRTIO_BLK_MMIO_SIZE   0x10000000ULL
#define VIRTIO_BLK_GSI         10

#define VIRTIO_BLK_PCI_BAR      4
#define VIRTIO_BLK_BAR_SIZE     0x4000
#define VIRTIO_BLK_COMMON_OFF   0x0000
#define VIRTIO_BLK_ISR_OFF      0x1000
#define VIRTIO_BLK_DEVICE_OFF   0x2000
#define VIRTIO_BLK_NOTIFY_OFF   0x3000
#define VIRTIO_BLK_NOTIFY_MULT  4
#define VIRTIO_PCI_SUBSYS_ID    0x1100     /* QEMU's for modern devices */

/* Open the disk (created at the configured size if absent) and build the
 * device; IRQFD (an eventfd the VMM binds to the GSI, or -1) is written to
 * interrupt the guest. NULL with ERR set on failure. */
struct virtio_blk *virtio_blk_create(const struct vm_swap_config *cfg,
				     const struct guest_mem *mem, int irqfd,
				     char *err, size_t errlen);
/* The same, with a choice about O_DIRECT (create uses SWAP_DIRECT_AUTO). */
struct virtio_blk *virtio_blk_create_direct(const struct vm_swap_config *cfg,
					    const struct guest_mem *mem, int irqfd,
					    int direct, char *err, size_t errlen);

/* Its PCI function, for pci_bus_add(); its INTx line is VIRTIO_BLK_GSI
 * unless virtio_blk_set_gsi() says otherwise before pci_bus_add(). */
struct pci_device *virtio_blk_pci_device(struct virtio_blk *vb);
void virtio_blk_set_gsi(struct virtio_blk *vb, uint8_t gsi);

/* The eventfd a guest kick signals: bind it with KVM_IOEVENTFD at
 * virtio_blk_notify_addr() (valid after pci_bus_add), length 2. */
int virtio_blk_notify_fd(const struct virtio_blk *vb);
uint64_t virtio_blk_notify_addr(const struct virtio_blk *vb);

/* BAR 4 accesses, ADDR being the offset in the BAR (pci_bar_io calls it). */
bool virtio_blk_bar_io(void *opaque, struct vcpu *vcpu, uint64_t addr, bool is_write,
		       uint8_t *data, uint32_t size);

int  virtio_blk_start(struct virtio_blk *vb, char *err, size_t errlen);  /* I/O thread */
void virtio_blk_stop(struct virtio_blk *vb);
void virtio_blk_destroy(struct virtio_blk *vb);

/* For tests and the VMM's statistics. */
struct swap_dev *virtio_blk_swap(struct virtio_blk *vb);
bool virtio_blk_needs_reset(const struct virtio_blk *vb);

#endif

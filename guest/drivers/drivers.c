/*
 * Driver start-up (Linux: the device initcalls): register the drivers,
 * then scan PCI bus 0, which probes them: virtio-pci finds virtio devices,
 * virtio-blk takes the block ones (the swap disk, "vda").
 */
#include <kernel/cmdline.h>
#include <drivers/drivers.h>
#include <drivers/pci.h>

void driver_init(void)
{
	virtio_blk_init();
	virtio_pci_init();
	pci_subsys_init();
	if (cmdline_has("swap_selftest"))
		swap_selftest();
}

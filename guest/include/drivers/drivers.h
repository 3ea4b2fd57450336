/* Device drivers (guest/drivers): what kmain and the drivers' own
 * registration need. */
#ifndef DRIVERS_DRIVERS_H
#define DRIVERS_DRIVERS_H

/* Register the drivers, scan PCI bus 0 and probe what they serve (boot
 * CPU, after smp_init: interrupts on, every CPU up); then the swap_selftest
 * switch, if given. */
void driver_init(void);

void virtio_pci_init(void);     /* drivers/virtio_pci.c */
void virtio_blk_init(void);     /* drivers/virtio_blk.c */

/* The swap_selftest switch (drivers/blk_selftest.c): PASS/FAIL lines,
 * returns the number of failures. */
int swap_selftest(void);

#endif

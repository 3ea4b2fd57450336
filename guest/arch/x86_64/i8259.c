/* The legacy 8259 PICs: masked for good. PLATFORM.md: an IOAPIC pin's
 * default route also reaches the 8259, so it must be masked before any
 * IOAPIC-routed interrupt is used; we never use it. */
#include <asm/apic.h>
#include <asm/io.h>

#define PIC_MASTER_IMR  0x21
#define PIC_SLAVE_IMR   0xa1

void mask_8259a(void)
{
	outb(0xff, PIC_MASTER_IMR);
	outb(0xff, PIC_SLAVE_IMR);
}

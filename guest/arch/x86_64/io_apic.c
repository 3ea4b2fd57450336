/*
 * The IOAPIC (Intel 82093AA): device interrupts to local APICs. One
 * IOAPIC, the MADT's; its redirection entry for GSI g sends vector
 * IRQ0_VECTOR + g (asm/irq_vectors.h) to the boot CPU, fixed delivery,
 * physical destination, with the trigger mode and polarity the MADT's
 * interrupt source overrides give (kernel/acpi.h): under our VMM ISA IRQ
 * 10 has none, so it is edge/active high, as the VMM's irqfd drives it;
 * under QEMU the PCI IRQs are overridden to level/active high.
 *
 * PLATFORM.md: an IOAPIC pin's default route also reaches the 8259, which
 * arch_init_irq() has masked before any pin is unmasked here.
 *
 * Set up on the first request_irq(), after ACPI is parsed; every pin is
 * masked then. Locking: ioapic_lock (interrupts off) guards the
 * IOREGSEL/IOWIN pair and irq_desc[] updates; the vector handler reads
 * the actions without it (they are set before the pin is unmasked).
 */
#include <kernel/acpi.h>
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <asm/io.h>
#include <asm/irq.h>

#define IO_APIC_REGSEL          0x00
#define IO_APIC_IOWIN           0x10
#define IO_APIC_REG_ID          0x00
#define IO_APIC_REG_VERSION     0x01
#define IO_APIC_REDTBL(pin)     (0x10 + 2 * (pin))

/* Redirection entry, low dword */
#define IO_APIC_POLARITY_LOW    (1U << 13)
#define IO_APIC_TRIGGER_LEVEL   (1U << 15)
#define IO_APIC_MASKED          (1U << 16)

#define IRQ_MAX_ACTIONS         4

struct irq_action {
	irq_action_fn handler;
	void *dev_id;
	const char *name;
};

struct irq_desc {
	struct irq_action action[IRQ_MAX_ACTIONS];
	unsigned int nr_actions;
	bool shared;
	int irq;                     /* the number the driver asked for */
	unsigned long count;
};

static DEFINE_SPINLOCK(ioapic_lock);
static volatile u8 *ioapic_base;
static unsigned int nr_ioapic_pins;
static struct irq_desc irq_desc[NR_IRQS];   /* by GSI */

static u32 io_apic_read(unsigned int reg)
{
	writel(reg, ioapic_base + IO_APIC_REGSEL);
	return readl(ioapic_base + IO_APIC_IOWIN);
}

static void io_apic_write(unsigned int reg, u32 val)
{
	writel(reg, ioapic_base + IO_APIC_REGSEL);
	writel(val, ioapic_base + IO_APIC_IOWIN);
}

/* Map the MADT's IOAPIC and mask every pin (ioapic_lock held). */
static bool io_apic_setup(void)
{
	u32 ver;

	if (ioapic_base)
		return true;
	if (!acpi_ioapic_addr)
		return false;
	ioapic_base = ioremap(acpi_ioapic_addr, 0x20);
	if (!ioapic_base)
		return false;
	ver = io_apic_read(IO_APIC_REG_VERSION);
	nr_ioapic_pins = ((ver >> 16) & 0xff) + 1;
	if (nr_ioapic_pins > NR_IRQS)
		nr_ioapic_pins = NR_IRQS;
	for (unsigned int pin = 0; pin < nr_ioapic_pins; pin++)
		io_apic_write(IO_APIC_REDTBL(pin), IO_APIC_MASKED);
	printk("IOAPIC[0]: apic_id %u, version 0x%x, address 0x%x, GSI %u-%u\n",
	       io_apic_read(IO_APIC_REG_ID) >> 24, ver & 0xff, acpi_ioapic_addr,
	       acpi_ioapic_gsi_base, acpi_ioapic_gsi_base + nr_ioapic_pins - 1);
	return true;
}

/* Every IOAPIC vector comes here (from do_irq, which sends the EOI). */
static void io_apic_interrupt(struct pt_regs *regs)
{
	struct irq_desc *desc = &irq_desc[regs->vector - IRQ0_VECTOR];
	unsigned int n = READ_ONCE(desc->nr_actions);

	desc->count++;
	for (unsigned int i = 0; i < n; i++)
		desc->action[i].handler(desc->irq, desc->action[i].dev_id);
}

/* IRQ -> GSI, trigger and polarity (see kernel/interrupt.h). */
static u32 irq_to_gsi(unsigned int irq, bool *level, bool *active_low)
{
	u16 flags;
	u32 gsi;

	if (irq >= 16) {         /* a PCI GSI: level, active low */
		*level = *active_low = true;
		return irq;
	}
	gsi = acpi_isa_irq_to_gsi(irq, &flags);
	*level = (flags & ACPI_MADT_TRIGGER_MASK) == ACPI_MADT_TRIGGER_LEVEL;
	*active_low = (flags & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_LOW;
	return gsi;
}

int request_irq(unsigned int irq, irq_action_fn handler, unsigned long flags,
		const char *name, void *dev_id)
{
	bool level, active_low, first;
	unsigned long irqflags;
	struct irq_desc *desc;
	u32 gsi, pin, low;

	spin_lock_irqsave(&ioapic_lock, irqflags);
	gsi = irq_to_gsi(irq, &level, &active_low);
	pin = gsi - acpi_ioapic_gsi_base;
	if (!io_apic_setup() || gsi < acpi_ioapic_gsi_base || pin >= nr_ioapic_pins) {
		spin_unlock_irqrestore(&ioapic_lock, irqflags);
		printk("irq %u: no IOAPIC pin for GSI %u\n", irq, gsi);
		return -EINVAL;
	}
	desc = &irq_desc[gsi];
	first = desc->nr_actions == 0;
	if (!first && (!desc->shared || !(flags & IRQF_SHARED) ||
		       desc->nr_actions == IRQ_MAX_ACTIONS)) {
		spin_unlock_irqrestore(&ioapic_lock, irqflags);
		printk("irq %u: busy (%s), %s cannot have it\n", irq, desc->action[0].name, name);
		return -EBUSY;
	}
	desc->action[desc->nr_actions] = (struct irq_action){ handler, dev_id, name };
	WRITE_ONCE(desc->nr_actions, desc->nr_actions + 1);
	if (first) {
		desc->irq = (int)irq;
		desc->shared = flags & IRQF_SHARED;
		set_irq_handler(IRQ0_VECTOR + gsi, io_apic_interrupt);
		low = (IRQ0_VECTOR + gsi) | (level ? IO_APIC_TRIGGER_LEVEL : 0) |
		      (active_low ? IO_APIC_POLARITY_LOW : 0);
		io_apic_write(IO_APIC_REDTBL(pin) + 1, cpu_to_apicid(0) << 24);
		io_apic_write(IO_APIC_REDTBL(pin), low);       /* unmasked last */
	}
	spin_unlock_irqrestore(&ioapic_lock, irqflags);
	if (first)
		printk("irq %u: GSI %u %s %s, vector 0x%x, CPU 0 (%s)\n", irq, gsi,
		       level ? "level" : "edge", active_low ? "low" : "high", IRQ0_VECTOR + gsi, name);
	return 0;
}

void free_irq(unsigned int irq, void *dev_id)
{
	bool level, active_low;
	unsigned long irqflags;
	u32 gsi = irq_to_gsi(irq, &level, &active_low);
	struct irq_desc *desc;

	if (gsi >= NR_IRQS)
		return;
	desc = &irq_desc[gsi];
	spin_lock_irqsave(&ioapic_lock, irqflags);
	for (unsigned int i = 0; i < desc->nr_actions; i++) {
		if (desc->action[i].dev_id != dev_id)
			continue;
		for (unsigned int j = i + 1; j < desc->nr_actions; j++)
			desc->action[j - 1] = desc->action[j];
		desc->nr_actions--;
		if (!desc->nr_actions && ioapic_base)
			io_apic_write(IO_APIC_REDTBL(gsi - acpi_ioapic_gsi_base), IO_APIC_MASKED);
		break;
	}
	spin_unlock_irqrestore(&ioapic_lock, irqflags);
}

unsigned long irq_count(unsigned int irq)
{
	bool level, active_low;
	u32 gsi = irq_to_gsi(irq, &level, &active_low);

	return gsi < NR_IRQS ? READ_ONCE(irq_desc[gsi].count) : 0;
}

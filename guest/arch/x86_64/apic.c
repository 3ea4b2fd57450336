/*
 * Local APIC, x2APIC or xAPIC. The boot CPU picks the mode once (x2APIC
 * when CPUID.1:ECX[21] says the CPU has it) and every AP follows it.
 * The LAPIC is per CPU: each CPU touches only its own, so no locking.
 */
#include <kernel/cmdline.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/processor.h>

bool x2apic_mode;
/* Identity mapped by the boot page tables (include/gmm/bootinfo.h);
 * paging_init() moves it to an ioremap() of the same registers. */
volatile void *lapic_mmio_base = (volatile void *)APIC_DEFAULT_PHYS_BASE;

u32 apic_read(u32 reg)
{
	if (x2apic_mode)
		return (u32)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return readl((volatile char *)lapic_mmio_base + reg);
}

void apic_write(u32 reg, u32 val)
{
	if (x2apic_mode)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), val);
	else
		writel(val, (volatile char *)lapic_mmio_base + reg);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

u32 read_apic_id(void)
{
	u32 id = apic_read(APIC_ID);

	return x2apic_mode ? id : id >> 24;
}

static void x2apic_enable(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);

	/* xAPIC -> x2APIC; straight from disabled would #GP. */
	if (!(base & MSR_IA32_APICBASE_ENABLE)) {
		base |= MSR_IA32_APICBASE_ENABLE;
		wrmsr(MSR_IA32_APICBASE, base);
	}
	if (!(base & MSR_IA32_APICBASE_EXTD))
		wrmsr(MSR_IA32_APICBASE, base | MSR_IA32_APICBASE_EXTD);
}

/* This CPU's LAPIC: software-enabled, nothing masked by priority, LINT0
 * (the 8259's ExtINT line) masked, LINT1 NMI as on a PC. */
static void lapic_setup(void)
{
	if (x2apic_mode)
		x2apic_enable();
	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_LVT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT1, APIC_DM_NMI);
	apic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);
}

void apic_bsp_setup(void)
{
	/* nox2apic (Linux's switch): xAPIC through MMIO even if x2APIC exists. */
	x2apic_mode = (cpuid(1).ecx & X86_FEATURE_X2APIC) != 0 && !cmdline_has("nox2apic");
	mask_8259a();
	lapic_setup();
}

void apic_ap_setup(void)
{
	lapic_setup();
}

static void apic_send_raw(u32 dest, u32 low)
{
	if (x2apic_mode) {
		wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4), ((u64)dest << 32) | low);
		return;
	}
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, low);
}

void apic_send_ipi(u32 dest, unsigned int vector)
{
	apic_send_raw(dest, APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

void apic_send_init(u32 dest)
{
	apic_send_raw(dest, APIC_DM_INIT | APIC_INT_LEVELTRIG | APIC_INT_ASSERT);
}

void apic_send_sipi(u32 dest, unsigned int page)
{
	apic_send_raw(dest, APIC_DM_STARTUP | (page & 0xff));
}

/*
 * The LAPIC timer: a periodic tick of HZ on every CPU, counted per CPU
 * (percpu.timer_ticks); CPU 0's tick also advances jiffies.
 *
 * Frequency: hypervisors that fill CPUID leaf 0x40000010 (VMware's timing
 * leaf, also QEMU's with invtsc) give the TSC and APIC bus kHz there;
 * otherwise we assume KVM's fixed 1 GHz APIC bus, divide by 1.
 * PLATFORM.md: a periodic timer is clamped to >= 200 us; HZ is far above.
 *
 * jiffies is written by CPU 0 only and read anywhere (READ_ONCE).
 */
#include <kernel/jiffies.h>
#include <kernel/timer.h>
#include <kernel/sched.h>
#include <kernel/printk.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/time.h>

#define HYPERVISOR_CPUID_BASE   0x40000000
#define HYPERVISOR_CPUID_TIMING 0x40000010
#define KVM_APIC_BUS_KHZ        1000000    /* 1 GHz */

volatile unsigned long jiffies;
u32 lapic_timer_khz;
u32 tsc_khz;
static u32 lapic_timer_count;    /* initial count for one tick */

static void lapic_timer_interrupt(struct pt_regs *regs)
{
	struct percpu *pc = this_cpu();

	(void)regs;
	pc->timer_ticks++;
	if (pc->cpu == 0)
		do_timer();
	scheduler_tick();
}

static void read_hypervisor_timing(void)
{
	if (!(cpuid(1).ecx & X86_FEATURE_HYPERVISOR))
		return;
	if (cpuid(HYPERVISOR_CPUID_BASE).eax < HYPERVISOR_CPUID_TIMING)
		return;
	struct cpuid_regs r = cpuid(HYPERVISOR_CPUID_TIMING);
	tsc_khz = r.eax;
	lapic_timer_khz = r.ebx;
}

void lapic_timer_setup(void)
{
	apic_write(APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR | APIC_LVT_TIMER_PERIODIC);
	apic_write(APIC_TMICT, lapic_timer_count);
}

void time_init(void)
{
	read_hypervisor_timing();
	bool assumed = lapic_timer_khz == 0;
	if (assumed)
		lapic_timer_khz = KVM_APIC_BUS_KHZ;
	lapic_timer_count = (u32)((u64)lapic_timer_khz * 1000 / HZ);
	set_irq_handler(LOCAL_TIMER_VECTOR, lapic_timer_interrupt);
	printk("time: LAPIC timer %u kHz%s, %d Hz tick, TSC %u kHz\n", lapic_timer_khz,
	       assumed ? " (assumed)" : "", HZ, tsc_khz);
	lapic_timer_setup();
}

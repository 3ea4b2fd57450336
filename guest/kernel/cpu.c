/*
 * Logical CPU numbers and the online mask (kernel/cpu.h).
 * Locking: the APIC id map is written by the BSP while parsing the MADT,
 * before any AP runs, and read-only afterwards. The online mask is set by
 * each CPU for itself with atomic operations; readers use atomic loads.
 */
#include <kernel/cpu.h>
#include <kernel/printk.h>

#define BITS_PER_LONG 64

unsigned int nr_cpu_ids = 1;            /* the boot CPU, until the MADT says more */
static u32 cpu_apicid[NR_CPUS];
static bool boot_cpu_registered;
static unsigned long cpu_online_bits[NR_CPUS / BITS_PER_LONG];
static unsigned int nr_online;

void set_boot_cpu_apicid(u32 apic_id)
{
	cpu_apicid[0] = apic_id;
}

int register_cpu(u32 apic_id)
{
	if (apic_id == cpu_apicid[0]) {
		if (boot_cpu_registered)
			goto duplicate;
		boot_cpu_registered = true;
		return 0;
	}
	for (unsigned int cpu = 1; cpu < nr_cpu_ids; cpu++)
		if (cpu_apicid[cpu] == apic_id)
			goto duplicate;
	if (nr_cpu_ids >= NR_CPUS) {
		printk("smp: APIC %u beyond NR_CPUS (%d), ignored\n", apic_id, NR_CPUS);
		return -1;
	}
	cpu_apicid[nr_cpu_ids] = apic_id;
	return (int)nr_cpu_ids++;
duplicate:
	printk("smp: APIC %u listed twice in the MADT, ignored\n", apic_id);
	return -1;
}

u32 cpu_to_apicid(unsigned int cpu)
{
	return cpu < nr_cpu_ids ? cpu_apicid[cpu] : (u32)-1;
}

int apicid_to_cpu(u32 apic_id)
{
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (cpu_apicid[cpu] == apic_id)
			return (int)cpu;
	return -1;
}

bool cpu_online(unsigned int cpu)
{
	if (cpu >= NR_CPUS)
		return false;
	unsigned long w = __atomic_load_n(&cpu_online_bits[cpu / BITS_PER_LONG], __ATOMIC_ACQUIRE);
	return (w >> (cpu % BITS_PER_LONG)) & 1;
}

void set_cpu_online(unsigned int cpu)
{
	unsigned long bit = 1UL << (cpu % BITS_PER_LONG);
	unsigned long old = __atomic_fetch_or(&cpu_online_bits[cpu / BITS_PER_LONG], bit,
					      __ATOMIC_RELEASE);
	if (!(old & bit))
		__atomic_fetch_add(&nr_online, 1, __ATOMIC_RELEASE);
}

unsigned int num_online_cpus(void)
{
	return __atomic_load_n(&nr_online, __ATOMIC_ACQUIRE);
}

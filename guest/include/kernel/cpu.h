/*
 * Logical CPUs (kernel/cpu.c). CPU numbers come from the MADT: the boot
 * CPU is 0, the others follow in MADT order (as Linux numbers them), and
 * cpu_to_apicid() maps them to their APIC id. nr_cpu_ids (kernel/smp.h)
 * is the number of enabled MADT entries.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <kernel/compiler.h>
#include <kernel/smp.h>
#include <kernel/types.h>

void set_boot_cpu_apicid(u32 apic_id);
/* Register an enabled processor from the MADT: its CPU number, or -1 if
 * it is a duplicate or beyond NR_CPUS. */
int register_cpu(u32 apic_id);

u32 cpu_to_apicid(unsigned int cpu);
int apicid_to_cpu(u32 apic_id);        /* -1 if unknown */

bool cpu_online(unsigned int cpu);
void set_cpu_online(unsigned int cpu); /* by the CPU itself, once */
unsigned int num_online_cpus(void);

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++)
#define for_each_online_cpu(cpu) \
	for_each_possible_cpu(cpu) if (!cpu_online(cpu)) ; else

/* The idle loop every CPU ends in (kernel/idle.c). */
__noreturn void cpu_startup_entry(void);

#endif

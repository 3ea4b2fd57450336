/* CPU and NUMA identity. Implemented by the guest (per-CPU data through GS,
 * topology from ACPI SRAT/SLIT) and by the host shim of guest/mm. */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#define NR_CPUS       256
#define MAX_NUMNODES  64
#define NUMA_NO_NODE  (-1)

extern unsigned int nr_cpu_ids;   /* CPUs present (MADT) */
extern unsigned int nr_node_ids;  /* NUMA nodes present (SRAT) */

unsigned int smp_processor_id(void);
int cpu_to_node(unsigned int cpu);
int numa_node_id(void);                 /* node of the current CPU */
int node_distance(int from, int to);    /* SLIT value, 10 = local */

#endif

/*
 * Sets of CPUs (Linux: include/linux/cpumask.h), one bit per CPU number.
 * Setting and clearing a bit are atomic, so CPUs may update a shared mask
 * (an mm's CPUs) concurrently; a reader gets some recent view.
 */
#ifndef KERNEL_CPUMASK_H
#define KERNEL_CPUMASK_H

#include <kernel/smp.h>
#include <kernel/types.h>

#define BITS_PER_LONG 64

struct cpumask {
	unsigned long bits[NR_CPUS / BITS_PER_LONG];
};

static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_or(&m->bits[cpu / BITS_PER_LONG], 1UL << (cpu % BITS_PER_LONG), __ATOMIC_RELAXED);
}

static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_and(&m->bits[cpu / BITS_PER_LONG], ~(1UL << (cpu % BITS_PER_LONG)),
			   __ATOMIC_RELAXED);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const struct cpumask *m)
{
	return (__atomic_load_n(&m->bits[cpu / BITS_PER_LONG], __ATOMIC_RELAXED) >>
		(cpu % BITS_PER_LONG)) & 1;
}

static inline void cpumask_clear(struct cpumask *m)
{
	for (unsigned int i = 0; i < NR_CPUS / BITS_PER_LONG; i++)
		__atomic_store_n(&m->bits[i], 0UL, __ATOMIC_RELAXED);
}

static inline unsigned int cpumask_weight(const struct cpumask *m)
{
	unsigned int n = 0;
	/* Kernighan's loop: __builtin_popcountl would need libgcc (no -mpopcnt). */
	for (unsigned int i = 0; i < NR_CPUS / BITS_PER_LONG; i++)
		for (unsigned long w = __atomic_load_n(&m->bits[i], __ATOMIC_RELAXED); w; w &= w - 1)
			n++;
	return n;
}

/* Every CPU in M, below nr_cpu_ids. */
#define for_each_cpu(cpu, m) \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++) if (!cpumask_test_cpu((cpu), (m))) ; else

#endif

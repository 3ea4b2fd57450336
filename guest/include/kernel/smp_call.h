/*
 * Running a function on other CPUs (Linux: kernel/smp.c), through the
 * CALL_FUNCTION_VECTOR IPI. Calls are synchronous: the caller returns once
 * every target has run FUNC. FUNC runs in interrupt context on the target,
 * with interrupts off, and must not sleep or call these functions itself.
 *
 * A caller that waits also runs the calls other CPUs sent it meanwhile,
 * so two CPUs calling each other at once, even with interrupts off, do not
 * deadlock. Call after smp_call_init() (smp_init does it).
 */
#ifndef KERNEL_SMP_CALL_H
#define KERNEL_SMP_CALL_H

#include <kernel/cpumask.h>

typedef void (*smp_call_func_t)(void *info);

void smp_call_init(void);
/* FUNC(INFO) on every online CPU in MASK but the caller's. */
void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func, void *info);
/* On CPU (the caller's own too: then it is a plain call). */
void smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info);
/* On every online CPU, the caller's included. */
void on_each_cpu(smp_call_func_t func, void *info);

/* Wake CPU if it is halted (Linux: the reschedule IPI); no function runs.
 * Callable from any context. */
void smp_send_reschedule(unsigned int cpu);

/* IPIs sent by this mechanism (all CPUs), for tests. */
unsigned long smp_call_ipis_sent(void);
/* The smp_call_test switch: prints PASS/FAIL lines, returns the failures. */
int smp_call_selftest(void);

#endif

/* crash=pf|gp|ud|de|panic|io|mmio [crash_cpu=N]: a deliberate fault after boot,
 * for the tests of the panic path (kernel/crash.c). */
#ifndef KERNEL_CRASH_H
#define KERNEL_CRASH_H

/* BSP, after the topology report: crash now (crash_cpu 0), or make the
 * target CPU crash from its idle loop and wait for it. Returns at once
 * when there is no crash= on the command line. */
void crash_boot(void);

/* Idle loop of every CPU, interrupts off: crash if asked to. */
void crash_check_pending(void);

#endif

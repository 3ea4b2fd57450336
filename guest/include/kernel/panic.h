/* Fatal errors. panic() prints its message, a backtrace and the CPU state
 * where it can, then ends the VM with EXIT_GUEST_PANIC. The host shim of
 * guest/mm implements it so that tests can catch it (see tests/). */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/compiler.h>

__printf(1, 2) __noreturn void panic(const char *fmt, ...);

/*
 * The guest's exception path (arch traps.c) reports through these:
 * panic_begin() disables interrupts and claims the panic for this CPU: if
 * this CPU is already panicking (a fault inside the panic path) it ends
 * the VM at once; if another CPU is, this one stops (that CPU's exit ends
 * the VM). panic_end() prints "Kernel panic - not syncing: MSG" and exits.
 */
void panic_begin(void);
__noreturn void panic_end(const char *msg);

#define BUG() panic("BUG at %s:%d %s()", __FILE__, __LINE__, __func__)
#define BUG_ON(cond) do { if (unlikely(cond)) BUG(); } while (0)
#define WARN_ON(cond) ({ int __w = !!(cond); \
	if (unlikely(__w)) printk("WARNING at %s:%d %s()\n", __FILE__, __LINE__, __func__); \
	__w; })

#endif

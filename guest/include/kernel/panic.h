/* Fatal errors. panic() prints its message, a backtrace and the CPU state
 * where it can, then ends the VM with EXIT_GUEST_PANIC. The host shim of
 * guest/mm implements it so that tests can catch it (see tests/). */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/compiler.h>

__printf(1, 2) __noreturn void panic(const char *fmt, ...);

#define BUG() panic("BUG at %s:%d %s()", __FILE__, __LINE__, __func__)
#define BUG_ON(cond) do { if (unlikely(cond)) BUG(); } while (0)
#define WARN_ON(cond) ({ int __w = !!(cond); \
	if (unlikely(__w)) printk("WARNING at %s:%d %s()\n", __FILE__, __LINE__, __func__); \
	__w; })

#endif

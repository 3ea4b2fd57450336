/* Console output. Implemented by guest/kernel/printk.c (16550 UART) and by
 * the host shim of guest/mm (stderr). */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
/* Panic path: drop the console lock if this CPU holds it (it faulted
 * inside printk), so the report can still go out. */
void console_unlock_for_panic(void);

#define pr_err(...)   printk("error: " __VA_ARGS__)
#define pr_warn(...)  printk("warning: " __VA_ARGS__)
#define pr_info(...)  printk(__VA_ARGS__)

#endif

/* Formatted output into a buffer (kernel/vsprintf.c). Conversions:
 * %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ' '#', width and
 * precision (also '*'), length modifiers hh h l ll z t j. %p prints
 * "0x" and the pointer in hex. Returns the length the whole output would
 * have (as C99), and always NUL-terminates when size > 0. */
#ifndef KERNEL_SPRINTF_H
#define KERNEL_SPRINTF_H

#include <stdarg.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

#ifdef GMM_HOST            /* the host build of guest/mm uses the C library's */
#include <stdio.h>
#else
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
/* Like snprintf, but returns what was actually written (excluding NUL). */
__printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...);
#endif

#endif

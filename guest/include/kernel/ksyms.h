/* Kernel symbol lookup for backtraces (kernel/ksyms.c; the table is
 * generated at link time by scripts/gen-ksyms.sh). Text symbols only. */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <kernel/types.h>

#define KSYM_NAME_LEN    128
#define KSYM_SYMBOL_LEN  (KSYM_NAME_LEN + 40)

/* Name of the function containing ADDR, its offset in it and its size;
 * NULL if ADDR is not kernel text. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset, unsigned long *size);

/* "name+0xoff/0xsize" (or "0xaddr" when unknown) into BUF. */
int sprint_symbol(char *buf, size_t len, unsigned long addr);
/* The same for a return address: looked up at ADDR - 1, so a call at the
 * very end of a function is named after that function. */
int sprint_backtrace(char *buf, size_t len, unsigned long addr);

#endif

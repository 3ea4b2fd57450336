/*
 * The kernel command line, Linux style: words separated by spaces, each
 * "key" or "key=value"; a value may be double-quoted to hold spaces.
 * Everything after a lone "--" is for init (cmdline_init_args()).
 * When a key repeats, the last one wins.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <kernel/types.h>

/* The command line as given (for "Command line: ..."). */
extern char boot_command_line[];

void cmdline_init(const char *src, size_t max);

/* Value of KEY ("" for a bare "key"), or NULL if absent. */
const char *cmdline_get(const char *key);
/* Whether FLAG appears, bare or as "flag=...". */
bool cmdline_has(const char *flag);
/* KEY's value as a number (decimal, or 0x hex): true if present and valid. */
bool cmdline_get_ulong(const char *key, unsigned long *val);
/* The words after "--" as one string, or NULL if there is no "--". */
const char *cmdline_init_args(void);

#endif

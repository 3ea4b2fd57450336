/*
 * The QEMU command line for a config (`vmm --print-qemu-args`, used by
 * `./run.sh --qemu`): the same machine under QEMU TCG, so that the config
 * parser stays the only reader of configs.
 */
#ifndef VMM_QEMU_ARGS_H
#define VMM_QEMU_ARGS_H

#include <stddef.h>
#include <stdio.h>

#include "vmm/config.h"

/*
 * Write the arguments (without the program name) for booting KERNEL with
 * CFG (its command line already final) to OUT, one per line. Creates the
 * swap disk file at its configured size if it is missing, as our VMM
 * would. 0, or -1 with ERR set (an argument with a newline cannot be
 * printed one per line; the swap file could not be created).
 */
int qemu_args_print(const struct vm_config *cfg, const char *kernel, FILE *out,
		    char *err, size_t errlen);

#endif

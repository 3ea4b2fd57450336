/* The string functions implemented in assembly (string.S): rep movsq /
 * rep stosq move 8 bytes per emulated step instead of one. */
#ifndef ASM_STRING_H
#define ASM_STRING_H

#define __HAVE_ARCH_MEMCPY
#define __HAVE_ARCH_MEMSET

#endif

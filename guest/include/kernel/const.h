/* Constants shared by C and assembly (Linux: include/uapi/linux/const.h):
 * the assembler knows no integer suffixes, so _AC(1, UL) is 1 there. */
#ifndef KERNEL_CONST_H
#define KERNEL_CONST_H

#ifdef __ASSEMBLY__
#define _AC(X, Y)       X
#else
#define __AC(X, Y)      (X##Y)
#define _AC(X, Y)       __AC(X, Y)
#endif

#define _BITUL(x)       (_AC(1, UL) << (x))

#endif

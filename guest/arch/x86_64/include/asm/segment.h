/* Segment selectors: Linux's GDT layout (PLATFORM.md: ring 3 works only
 * with it). The values are the ABI's, see include/gmm/bootinfo.h. */
#ifndef ASM_SEGMENT_H
#define ASM_SEGMENT_H

#include <gmm/bootinfo.h>

#define __KERNEL32_CS   GDT_KERNEL32_CS   /* 0x08 */
#define __KERNEL_CS     GDT_KERNEL_CS     /* 0x10 */
#define __KERNEL_DS     GDT_KERNEL_DS     /* 0x18 */
#define __USER32_CS     GDT_USER32_CS     /* 0x23 */
#define __USER_DS       GDT_USER_DS       /* 0x2b */
#define __USER_CS       GDT_USER_CS       /* 0x33 */
#define __TSS_SEL       GDT_TSS           /* 0x40, 16-byte descriptor */

#define GDT_ENTRIES     10                /* TSS takes entries 8 and 9 */

#endif

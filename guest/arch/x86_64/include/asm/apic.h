/*
 * Local APIC (apic.c): x2APIC through MSRs when CPUID says the CPU has it,
 * else xAPIC through MMIO at 0xfee00000 (through the boot identity map,
 * then through the ioremap() paging_init() puts in lapic_mmio_base). Register offsets are the xAPIC ones; in x2APIC mode
 * register R is MSR 0x800 + (R >> 4).
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <kernel/types.h>

#define APIC_DEFAULT_PHYS_BASE  0xfee00000UL

#define APIC_ID         0x020
#define APIC_LVR        0x030
#define APIC_TASKPRI    0x080
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_SPIV       0x0f0
#define  APIC_SPIV_APIC_ENABLED (1U << 8)
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define  APIC_ICR_BUSY          (1U << 12)
#define  APIC_DM_FIXED          0x000
#define  APIC_DM_INIT           0x500
#define  APIC_DM_STARTUP        0x600
#define  APIC_INT_ASSERT        0x4000
#define  APIC_INT_LEVELTRIG     0x8000
#define APIC_ICR2       0x310
#define APIC_LVTT       0x320
#define  APIC_LVT_TIMER_PERIODIC (1U << 17)
#define APIC_LVTPC      0x340
#define APIC_LVT0       0x350
#define APIC_LVT1       0x360
#define  APIC_LVT_MASKED        (1U << 16)
#define  APIC_DM_NMI            0x400
#define APIC_LVTERR     0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0
#define  APIC_TDR_DIV_1         0xb

extern bool x2apic_mode;
extern volatile void *lapic_mmio_base;

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);
void apic_eoi(void);
u32 read_apic_id(void);

void apic_bsp_setup(void);     /* choose the mode, mask the 8259, set up the BSP's LAPIC */
void apic_ap_setup(void);      /* set up an AP's LAPIC in the BSP's mode */

/* Send VECTOR to the CPU with APIC id DEST (fixed delivery). */
void apic_send_ipi(u32 dest, unsigned int vector);
/* INIT and STARTUP IPIs, for the INIT/SIPI start under QEMU (later). */
void apic_send_init(u32 dest);
void apic_send_sipi(u32 dest, unsigned int page);

void mask_8259a(void);         /* i8259.c */

#endif

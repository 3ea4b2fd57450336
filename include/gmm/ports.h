/*
 * I/O ports and exit statuses shared by the VMM and the guest.
 */
#ifndef GMM_PORTS_H
#define GMM_PORTS_H

#define PORT_COM1           0x3f8  /* 16550 UART, console */
#define PORT_DEBUG_EXIT     0xf4   /* QEMU isa-debug-exit (iobase=0xf4) */
#define PORT_AP_START       0xf10  /* ours: 32-bit write of a CPU index starts it */

/* IRQ vectors used by the guest */
#define VEC_LAPIC_TIMER     0xec
#define VEC_CALL_FUNCTION   0xfb
#define VEC_RESCHEDULE      0xfd   /* wakes a halted CPU (Linux's RESCHEDULE_VECTOR) */
#define VEC_SPURIOUS        0xff

/*
 * Exit statuses of the vmm process (and so of ./run.sh).
 *
 * The guest ends the VM by writing a value v to PORT_DEBUG_EXIT. QEMU's
 * isa-debug-exit turns that into the process status (v << 1) | 1; our VMM
 * reports v itself, so that a clean shutdown (v = 0) exits 0. run.sh --qemu
 * decodes QEMU's status back to v, so both hypervisors give the same status.
 * The VMM's own failures use the sysexits(3) values below.
 */
#define EXIT_GUEST_PANIC    70   /* EX_SOFTWARE: guest kernel panic (written by the guest) */
#define EXIT_VMM_FAULT      71   /* EX_OSERR: KVM error, triple fault, unhandled exit */
#define EXIT_CONFIG         78   /* EX_CONFIG: bad config, bad ELF, bad arguments */
#define EXIT_TIMEOUT        124  /* --timeout watchdog fired (as timeout(1)) */
#define EXIT_INTERRUPTED    130  /* SIGINT/SIGTERM: stopped by the user */

#endif

/*
 * 16550 UART at COM1, transmit side: what the guest writes goes to our
 * stdout, line by line. No receive path yet (the guest has no console input).
 * Locking: serial->lock protects the registers and the line buffer; any
 * vCPU may write.
 */
#ifndef VMM_SERIAL_H
#define VMM_SERIAL_H

#include <pthread.h>
#include <stdint.h>

struct serial {
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	int out_fd;
	char line[512];
	unsigned len;
};

void serial_init(struct serial *s, int out_fd);
/* One register access; REG is the offset from the base port. */
uint8_t serial_access(struct serial *s, unsigned reg, int is_write, uint8_t val);
/* Emit any partial line (at exit). */
void serial_flush(struct serial *s);

#endif

/*
 * 16550 UART (COM1), enough of it for a console: the guest's transmitted
 * bytes go to stdout one line at a time (so lines from different vCPUs
 * stay whole), the line status register always reports an empty
 * transmitter, and the other registers read back what was written.
 */
#include <string.h>
#include <unistd.h>

#include <gmm/ports.h>
#include "vmm/serial.h"

enum { UART_RBR_THR = 0, UART_IER = 1, UART_IIR_FCR = 2, UART_LCR = 3,
       UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7 };
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

void serial_init(struct serial *s, int out_fd)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->out_fd = out_fd;
}

static void put_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void serial_putc(struct serial *s, char c)
{
	if (c == '\r')
		return;
	s->line[s->len++] = c;
	if (c == '\n' || s->len == sizeof(s->line)) {
		put_all(s->out_fd, s->line, s->len);
		s->len = 0;
	}
}

void serial_flush(struct serial *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->len) {
		put_all(s->out_fd, s->line, s->len);
		s->len = 0;
	}
	pthread_mutex_unlock(&s->lock);
}

/* One register access; REG is the offset from PORT_COM1. */
uint8_t serial_access(struct serial *s, unsigned reg, int is_write, uint8_t val)
{
	uint8_t ret = 0;
	pthread_mutex_lock(&s->lock);
	int dlab = s->lcr & LCR_DLAB;
	switch (reg) {
	case UART_RBR_THR:
		if (dlab)
			is_write ? (void)(s->dll = val) : (void)(ret = s->dll);
		else if (is_write)
			serial_putc(s, (char)val);
		break;                          /* no input: RBR reads 0 */
	case UART_IER:
		if (dlab)
			is_write ? (void)(s->dlm = val) : (void)(ret = s->dlm);
		else
			is_write ? (void)(s->ier = val & 0x0f) : (void)(ret = s->ier);
		break;
	case UART_IIR_FCR:
		if (is_write)
			s->fcr = val;
		else
			ret = (uint8_t)(0x01 | ((s->fcr & 1) ? 0xc0 : 0)); /* no interrupt pending */
		break;
	case UART_LCR:
		is_write ? (void)(s->lcr = val) : (void)(ret = s->lcr);
		break;
	case UART_MCR:
		is_write ? (void)(s->mcr = val) : (void)(ret = s->mcr);
		break;
	case UART_LSR:
		ret = LSR_THRE | LSR_TEMT;
		break;
	case UART_MSR:
		ret = 0xb0;                     /* DCD, DSR, CTS */
		break;
	case UART_SCR:
		is_write ? (void)(s->scr = val) : (void)(ret = s->scr);
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

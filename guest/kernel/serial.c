/*
 * The console: a 16550 UART at PORT_COM1, 115200 8N1, FIFO on, no
 * interrupts, transmit by polling. Each port access is a VM exit, so we
 * poll LSR once per FIFO-full (16 bytes) rather than once per byte.
 */
#include <gmm/ports.h>
#include <kernel/serial.h>
#include <asm/io.h>
#include <asm/processor.h>

#define UART_TX     0   /* out: transmit holding register */
#define UART_DLL    0   /* out, DLAB=1: divisor latch low */
#define UART_IER    1
#define UART_DLM    1   /* DLAB=1 */
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define  UART_LCR_DLAB  0x80
#define  UART_LCR_8N1   0x03
#define  UART_FCR_ENABLE_CLEAR 0x07   /* FIFO on, both FIFOs cleared */
#define  UART_MCR_DTR_RTS 0x03
#define  UART_LSR_THRE  0x20          /* transmit FIFO empty */
#define UART_FIFO_SIZE  16
#define THRE_POLL_MAX   100000        /* a missing UART must not hang us */

static const u16 port = PORT_COM1;

void serial_init(void)
{
	outb(0, port + UART_IER);                /* no interrupts */
	outb(UART_LCR_DLAB, port + UART_LCR);
	outb(1, port + UART_DLL);                /* 115200 baud */
	outb(0, port + UART_DLM);
	outb(UART_LCR_8N1, port + UART_LCR);
	outb(UART_FCR_ENABLE_CLEAR, port + UART_FCR);
	outb(UART_MCR_DTR_RTS, port + UART_MCR);
}

static void wait_for_thre(void)
{
	for (int i = 0; i < THRE_POLL_MAX; i++) {
		if (inb(port + UART_LSR) & UART_LSR_THRE)
			return;
		cpu_relax();
	}
}

void serial_write(const char *s, size_t n)
{
	while (n) {
		wait_for_thre();
		for (int i = 0; i < UART_FIFO_SIZE && n; i++, n--)
			outb((u8)*s++, port + UART_TX);
	}
}

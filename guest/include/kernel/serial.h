/* The 16550 UART console at PORT_COM1 (kernel/serial.c). */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <kernel/types.h>

void serial_init(void);
/* Caller serialises (printk's console lock). */
void serial_write(const char *s, size_t n);

#endif

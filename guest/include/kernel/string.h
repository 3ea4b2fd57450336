/* The freestanding string functions the kernel has (guest/kernel/string.c).
 * The host build of guest/mm uses the C library's. */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#ifdef GMM_HOST
#include <string.h>
#else
#include <kernel/types.h>
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strncpy(char *d, const char *s, size_t n);
#endif

#endif

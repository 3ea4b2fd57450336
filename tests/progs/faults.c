/*
 * Faults that must end a process, not the kernel: a wild pointer gets
 * SIGSEGV (the parent lives on); the stack grows on demand.
 */
#include <signal.h>
#include "check.h"

/* Through volatile pointers, so the compiler neither warns nor folds. */
static int *volatile wild_ptr = (int *)0x10;
static int *volatile kernel_ptr = (int *)0xffffffff80100000UL;

static void wild_write(void *arg)
{
	(void)arg;
	*wild_ptr = 1;
}

static void wild_kernel_read(void *arg)
{
	(void)arg;
	(void)*(volatile int *)kernel_ptr;
}

static int deep(int n)
{
	volatile char buf[1024];
	buf[0] = (char)n;
	return n ? deep(n - 1) + (buf[0] == (char)n) : 0;
}

int main(void)
{
	CHECK(killed_by(in_child(wild_write, NULL), SIGSEGV), "wild_pointer_sigsegv", "no SIGSEGV");
	CHECK(killed_by(in_child(wild_kernel_read, NULL), SIGSEGV), "kernel_address_sigsegv", "no SIGSEGV");
	CHECK(deep(2048) == 2048, "stack_grows_2MiB", "recursion");
	return finish();
}

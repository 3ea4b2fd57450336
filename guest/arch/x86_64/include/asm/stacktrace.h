/* Frame-pointer backtraces (stacktrace.c). The kernel is built with
 * -fno-omit-frame-pointer; entry.S starts every stack with RBP = 0. */
#ifndef ASM_STACKTRACE_H
#define ASM_STACKTRACE_H

/* Print " [<addr>] sym+off/size" for IP (if nonzero), then for every
 * return address found by following the frame-pointer chain from BP. */
void show_trace(unsigned long ip, unsigned long bp);

#endif

/*
 * Tiny reporting helpers for the test programs. Every program runs both on
 * the host's Linux (the oracle) and in our guest: it prints one "PASS name"
 * or "FAIL name: why" line per check and exits 0 only if all passed.
 * Plain C for musl-gcc -static; nothing but the Linux system-call ABI.
 */
#ifndef PROGS_CHECK_H
#define PROGS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, name, ...) do { \
	if (cond) { \
		printf("PASS %s\n", name); \
	} else { \
		printf("FAIL %s: ", name); \
		printf(__VA_ARGS__); \
		printf(" (errno %d)\n", errno); \
		failures++; \
	} \
	fflush(stdout); \
} while (0)

static inline int finish(void)
{
	printf("%s: %d failed\n", failures ? "FAILED" : "OK", failures);
	return failures ? 1 : 0;
}

/* Run FN in a child; return its wait status. */
static inline int in_child(void (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int st = -1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	return st;
}

static inline int killed_by(int st, int sig)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

/* VmRSS of this process in kB, from /proc/self/status. */
static inline long vm_rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

#endif

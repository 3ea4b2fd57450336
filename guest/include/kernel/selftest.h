/*
 * The tally of a kernel self-test (a command-line switch): one line per
 * check, "<tag><what>: PASS" or "...: FAIL", then "<tag>N passed, M
 * failed". Host tests read these lines.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <kernel/printk.h>
#include <kernel/types.h>

struct selftest {
	const char *tag;        /* e.g. "tlb selftest: " */
	int passed, failed;
};

static inline void selftest_report(struct selftest *t, bool ok, const char *what)
{
	printk("%s%s: %s\n", t->tag, what, ok ? "PASS" : "FAIL");
	if (ok)
		t->passed++;
	else
		t->failed++;
}

/* The closing line; returns the failures. */
static inline int selftest_summary(struct selftest *t)
{
	printk("%s%d passed, %d failed\n", t->tag, t->passed, t->failed);
	return t->failed;
}

#endif

/*
 * Helpers for host tests that boot a real guest under our VMM.
 *
 * vm_run() starts build/vmm as a child with --timeout (always: a guest that
 * hangs cannot hang the test) and PR_SET_PDEATHSIG, so a test killed by
 * Criterion never leaves a VMM behind. stdout and stderr are captured
 * together, in order.
 */
#ifndef TESTS_VMRUN_H
#define TESTS_VMRUN_H

#include <stdbool.h>
#include <stddef.h>

struct vm_result {
	int status;     /* exit status, or 128 + signal if killed */
	char *out;      /* NUL-terminated console + VMM output */
	size_t len;
};

/* Run `build/vmm --timeout TIMEOUT_S [--cmdline CMDLINE] [EXTRA...] CONFIG`.
 * EXTRA is a NULL-terminated argv fragment (may be NULL); a "--" in it and
 * what follows (a program to run as init) go after CONFIG. Returns 0 if the
 * VMM ran (whatever its status), -1 if it could not be started. */
int vm_run(const char *config, const char *cmdline, int timeout_s,
	   const char *const *extra, struct vm_result *r);
/* Run any command line (ARGV[0] is the program), capturing like vm_run. */
int vm_run_argv(const char *const *argv, struct vm_result *r);
void vm_result_free(struct vm_result *r);

/* true if /dev/kvm is usable and build/vmm + build/guest.elf exist; else
 * false with *why set to the reason (the caller cr_skip()s with it). */
bool vm_can_run(const char **why);

/* true if qemu-system-x86_64 is in $PATH and the VMM and kernel are built;
 * else false with *why set. */
bool qemu_can_run(const char **why);

/* Skip the current Criterion test, with the reason, when QEMU cannot run. */
#define QEMU_REQUIRE() do { const char *why_; \
	if (!qemu_can_run(&why_)) cr_skip_test("SKIPPED: %s", why_); } while (0)

/* Skip the current Criterion test, with the reason, when no VM can run. */
#define VM_REQUIRE() do { const char *why_; \
	if (!vm_can_run(&why_)) cr_skip_test("SKIPPED: %s", why_); } while (0)

/* The value of counter NAME in the VMM's exit summary of OUT: in the
 * "--- node NODE" section, or the global "--- vmstat" one for NODE -1;
 * -1 if there is no such section or counter. */
long long vm_summary_value(const char *out, int node, const char *name);

/* Count occurrences of NEEDLE in HAYSTACK. */
int count_substr(const char *haystack, const char *needle);

#endif

/*
 * The oracle: every test program (tests/progs, static musl binaries) passes
 * on the host's Linux. The same binaries are what the guest must pass, with
 * the same output (the process issue runs them in the guest too).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/vmrun.h"

static void run_native(const char *prog, const char *arg)
{
	char path[256];
	snprintf(path, sizeof(path), "build/progs/%s", prog);
	if (access(path, X_OK) != 0)
		cr_skip_test("SKIPPED: %s not built (musl-gcc missing?)", path);
	const char *argv[] = { path, arg, NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, 0, "%s exited %d:\n%s", prog, r.status, r.out);
	cr_assert(strstr(r.out, "OK: 0 failed"), "%s:\n%s", prog, r.out);
	cr_assert_null(strstr(r.out, "FAIL"), "%s:\n%s", prog, r.out);
	vm_result_free(&r);
}

Test(progs_on_host, cow_fork) { run_native("cow_fork", NULL); }
Test(progs_on_host, anon_memory) { run_native("anon_memory", NULL); }
Test(progs_on_host, mmap_layout) { run_native("mmap_layout", NULL); }
Test(progs_on_host, faults) { run_native("faults", NULL); }
Test(progs_on_host, fork_storm) { run_native("fork_storm", "32"); }
Test(progs_on_host, numa_local) { run_native("numa_local", sysconf(_SC_NPROCESSORS_ONLN) > 1 ? "1" : "0"); }

Test(progs_on_host, file_mmap)
{
	const char *file = "/tmp/gmm-file-mmap.bin";
	FILE *f = fopen(file, "w");
	cr_assert(f);
	for (int i = 0; i < 3 * 4096; i++)
		fputc('a' + i % 26, f);
	fclose(f);
	run_native("file_mmap", file);
}

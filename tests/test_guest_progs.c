/*
 * The test programs (tests/progs, static musl binaries) as init of a real
 * guest: `build/vmm --timeout N configs/2node.xml -- build/progs/X [ARGS]`.
 * Each must exit 0 (the VMM's status is PID 1's), print the same PASS/FAIL
 * lines as on the host's Linux (the oracle, run here too), and leave free
 * memory where it was before init (the kernel's leak-check line).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/vmrun.h"

#define FILE_MMAP_HOST  "/tmp/gmm-guest-file-mmap.bin"
#define FILE_MMAP_GUEST "/data/file.bin"

/* The PASS/FAIL lines of OUT, in order, one per line. */
static char *check_lines(const char *out)
{
	size_t cap = strlen(out) + 1, len = 0;
	char *res = calloc(1, cap);
	for (const char *l = out; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (!strncmp(l, "PASS ", 5) || !strncmp(l, "FAIL ", 5)) {
			memcpy(res + len, l, n);
			len += n;
			res[len++] = '\n';
		}
		l = nl ? nl + 1 : NULL;
	}
	return res;
}

static void make_file(void)
{
	FILE *f = fopen(FILE_MMAP_HOST, "w");
	cr_assert(f);
	for (int i = 0; i < 3 * 4096; i++)
		fputc('a' + i % 26, f);
	fclose(f);
}

/* Run PROG natively with HOST_ARG and in the guest with GUEST_ARG
 * (FILE_SPEC: a --file for the initramfs, or NULL); compare. MAX_LEAK:
 * pages the kernel may keep for good (a written file's page cache). */
static void run_both(const char *prog, const char *host_arg, const char *guest_arg,
		     const char *file_spec, long max_leak)
{
	char path[256];
	snprintf(path, sizeof(path), "build/progs/%s", prog);
	if (access(path, X_OK) != 0)
		cr_skip_test("SKIPPED: %s not built (musl-gcc missing?)", path);
	VM_REQUIRE();

	const char *hargv[] = { path, host_arg, NULL };
	struct vm_result h, g;
	cr_assert_eq(vm_run_argv(hargv, &h), 0);
	cr_assert_eq(h.status, 0, "%s on the host exited %d:\n%s", prog, h.status, h.out);

	const char *gargv[16];
	int n = 0;
	gargv[n++] = "build/vmm";
	gargv[n++] = "--timeout";
	gargv[n++] = "100";
	if (file_spec) {
		gargv[n++] = "--file";
		gargv[n++] = file_spec;
	}
	gargv[n++] = "configs/2node.xml";
	gargv[n++] = "--";
	gargv[n++] = path;
	if (guest_arg)
		gargv[n++] = guest_arg;
	gargv[n] = NULL;
	cr_assert_eq(vm_run_argv(gargv, &g), 0);
	cr_assert_eq(g.status, 0, "%s in the guest exited %d:\n%s", prog, g.status, g.out);
	cr_assert(strstr(g.out, "init: running /init as PID 1"), "%s", g.out);
	cr_assert(strstr(g.out, "OK: 0 failed"), "%s", g.out);

	char *hl = check_lines(h.out), *gl = check_lines(g.out);
	cr_assert_str_eq(gl, hl, "PASS/FAIL lines differ\nguest:\n%s\nhost:\n%s", gl, hl);

	const char *leak = strstr(g.out, "init: free memory after last exit:");
	cr_assert(leak, "no leak-check line:\n%s", g.out);
	const char *d = strstr(leak, "(leaked: ");
	cr_assert(d, "%s", leak);
	long leaked = strtol(d + 9, NULL, 10);
	cr_assert(leaked >= 0 && leaked <= max_leak, "%s leaked %ld pages:\n%s", prog, leaked, g.out);
	cr_assert(strstr(g.out, "reboot: Power down (exit status 0)"), "%s", g.out);
	free(hl);
	free(gl);
	vm_result_free(&h);
	vm_result_free(&g);
}

Test(progs_in_guest, anon_memory, .timeout = 150) { run_both("anon_memory", NULL, NULL, NULL, 0); }
Test(progs_in_guest, cow_fork, .timeout = 150) { run_both("cow_fork", NULL, NULL, NULL, 0); }
Test(progs_in_guest, mmap_layout, .timeout = 150) { run_both("mmap_layout", NULL, NULL, NULL, 0); }
Test(progs_in_guest, faults, .timeout = 150) { run_both("faults", NULL, NULL, NULL, 0); }
Test(progs_in_guest, fork_storm, .timeout = 150) { run_both("fork_storm", "32", "32", NULL, 0); }

Test(progs_in_guest, process, .timeout = 150) { run_both("process", NULL, NULL, NULL, 0); }

/* Under QEMU TCG `syscall` really enters at LSTAR (entry_SYSCALL_64), not
 * through kvm_pvm's #PF fallback: the same programs, the same lines. */
static void run_qemu(const char *prog)
{
	char path[256];
	snprintf(path, sizeof(path), "build/progs/%s", prog);
	if (access(path, X_OK) != 0)
		cr_skip_test("SKIPPED: %s not built", path);
	QEMU_REQUIRE();
	const char *argv[] = { "./run.sh", "--qemu", "--timeout", "120", "configs/2node.xml", "--", path, NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, 0, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "OK: 0 failed"), "%s", r.out);
	cr_assert_null(strstr(r.out, "FAIL"), "%s", r.out);
	cr_assert(strstr(r.out, "(leaked: 0)"), "%s", r.out);
	vm_result_free(&r);
}

Test(progs_under_qemu, process, .timeout = 180) { run_qemu("process"); }
Test(progs_under_qemu, cow_fork, .timeout = 180) { run_qemu("cow_fork"); }

/* PID 1 killed by a signal: the VM's status is 128 + signal (as a shell's),
 * after Linux's segfault line; the kernel still reaps and checks for leaks. */
Test(progs_in_guest, init_killed_by_sigsegv_gives_139, .timeout = 120)
{
	VM_REQUIRE();
	if (access("build/progs/process", X_OK) != 0)
		cr_skip_test("SKIPPED: build/progs/process not built");
	const char *argv[] = { "build/vmm", "--timeout", "60", "configs/2node.xml", "--",
			       "build/progs/process", "segv", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, 139, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "init[1]: segfault at 10 ip "), "%s", r.out);
	cr_assert(strstr(r.out, "(leaked: 0)"), "%s", r.out);
	vm_result_free(&r);
}

/* The file is written through MAP_SHARED: its dirty page stays in the page
 * cache, with the mapping's metadata (as Linux keeps a tmpfs file's). */
Test(progs_in_guest, file_mmap, .timeout = 150)
{
	make_file();
	run_both("file_mmap", FILE_MMAP_HOST, FILE_MMAP_GUEST, FILE_MMAP_HOST ":" FILE_MMAP_GUEST, 3);
}

/* A bad ELF as init: exec fails with ENOEXEC, and the kernel boots on as
 * without an init (status 0, the topology report). */
Test(progs_in_guest, bad_elf_init_is_refused, .timeout = 120)
{
	VM_REQUIRE();
	const char *bad = "/tmp/gmm-guest-bad-elf";
	FILE *f = fopen(bad, "w");
	cr_assert(f);
	fputs("\177ELF not really an executable\n", f);
	fclose(f);
	chmod(bad, 0755);
	const char *argv[] = { "build/vmm", "--timeout", "60", "configs/2node.xml", "--", bad, NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, 0, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "init: exec /init failed: error -8"), "%s", r.out);
	cr_assert(strstr(r.out, "node distances:"), "%s", r.out);
	vm_result_free(&r);
}

/* A fork storm far larger than the guest's memory (32 MiB) is bounded: fork
 * fails with ENOMEM before 2000 children, every child is reaped, the kernel
 * lives on and no page leaks. */
Test(progs_in_guest, fork_storm_is_bounded_by_memory, .timeout = 240)
{
	VM_REQUIRE();
	const char *extra[] = { "--", "build/progs/fork_storm", "2000", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run("configs/1node.xml", NULL, 200, extra, &r), 0);
	cr_assert_eq(r.status, 0, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "PASS fork_storm_bounded"), "%s", r.out);
	cr_assert(strstr(r.out, "PASS all_children_reaped"), "%s", r.out);
	const char *f = strstr(r.out, "forked ");
	cr_assert(f, "%s", r.out);
	long n = strtol(f + 7, NULL, 10);
	cr_assert(n > 0 && n < 2000, "forked %ld: not bounded by memory", n);
	cr_assert(strstr(r.out, "(leaked: 0)"), "%s", r.out);
	vm_result_free(&r);
}

/*
 * User address spaces in a real guest under our VMM: the mm_user_selftest
 * switch (guest/mm/mm_user_selftest.c) makes an mm, maps anonymous memory
 * and an initramfs file, faults pages in through copy_*_user_mm, forks it
 * (dup_mm) and checks copy-on-write, the reverse map and the counts, then
 * tears everything down and checks free memory comes back exactly. The
 * copy figures of the issue are asserted here: a child writing k of n
 * pages copies k, the parent writing after the child exited copies none.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lib/vmrun.h"

#define TIMEOUT 120

static void run_argv(const char *const *argv, struct vm_result *r)
{
	cr_assert_eq(vm_run_argv(argv, r), 0);
	cr_assert_eq(r->status, 0, "status %d; output:\n%s", r->status, r->out);
	cr_assert_null(strstr(r->out, "FAIL"), "a check failed:\n%s", r->out);
}

static void run(const char *config, struct vm_result *r)
{
	/* Without an initramfs the file part reports "skipped"; the host
	 * tests (test_mm_fault.c) cover file mappings. */
	cr_assert_eq(vm_run(config, "mm_user_selftest", TIMEOUT, NULL, r), 0);
	cr_assert_eq(r->status, 0, "status %d; output:\n%s", r->status, r->out);
	cr_assert_null(strstr(r->out, "FAIL"), "a check failed:\n%s", r->out);
}

static void assert_selftest(const char *out)
{
	cr_assert(strstr(out, "mm_user selftest: a read of fresh memory maps the zero page: PASS"), "%s", out);
	cr_assert(strstr(out, "mm_user selftest: fork shares pages (mapcount 2, rmap finds both): PASS"),
		  "%s", out);
	cr_assert(strstr(out, "mm_user selftest: child wrote 2 of 4 pages: 2 copied\n"), "%s", out);
	cr_assert(strstr(out, "mm_user selftest: parent wrote 4 pages after the child exited: 0 copied, "
			      "4 reused\n"), "%s", out);
	cr_assert(strstr(out, "mm_user selftest: every page came back after the last mmput: PASS"),
		  "%s", out);
	cr_assert(strstr(out, "mm_user selftest: nr_anon_pages and nr_mapped back to 0: PASS"), "%s", out);
	cr_assert(strstr(out, " passed, 0 failed\n"), "%s", out);
}

Test(guest_mm_user, selftest_one_node, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	run("configs/1node.xml", &r);
	assert_selftest(r.out);
	/* The counters reach the counters page by their names. */
	cr_assert(strstr(r.out, "\npgfault "), "%s", r.out);
	cr_assert(strstr(r.out, "\ncow_fault "), "%s", r.out);
	cr_assert(strstr(r.out, "\nnr_anon_pages 0\n"), "%s", r.out);
	vm_result_free(&r);
}

Test(guest_mm_user, selftest_two_nodes, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	run("configs/2node.xml", &r);
	assert_selftest(r.out);
	cr_assert(strstr(r.out, "mm_user selftest: the page is on the local node: PASS"), "%s", r.out);
	vm_result_free(&r);
}

/* With an initramfs (a test program as /init, which then runs too), the
 * self-test maps its first file: MAP_PRIVATE reads the file's bytes, a
 * private write is a copy that read() (filemap_read) does not see. */
Test(guest_mm_user, selftest_maps_an_initramfs_file, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	const char *argv[] = { "build/vmm", "--timeout", "120", "--cmdline", "mm_user_selftest",
			       "configs/1node.xml", "--", "build/progs/anon_memory", NULL };
	struct vm_result r;

	run_argv(argv, &r);
	assert_selftest(r.out);
	cr_assert(strstr(r.out, "mm_user selftest: a file page reads the file's bytes: PASS"), "%s", r.out);
	cr_assert(strstr(r.out, "mm_user selftest: a MAP_PRIVATE write copies; read() sees the file: PASS"),
		  "%s", r.out);
	vm_result_free(&r);
}

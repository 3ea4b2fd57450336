/*
 * A short run (10 s) of the swap request fuzzer (fuzz/fuzz_swap_req.c)
 * as part of `make check`: it must finish without a crash or a sanitizer
 * report. Longer runs: fuzz/run-fuzz.sh SECONDS.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

Test(swap_fuzz, short_run_is_clean, .timeout = 120)
{
	int rc;

	if (access("build/fuzz/fuzz_swap_req", X_OK) != 0)
		cr_skip_test("SKIPPED: build/fuzz/fuzz_swap_req not built (no clang?)");
	rc = system("fuzz/run-fuzz.sh 10 > build/fuzz/last-run.log 2>&1");
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0,
		  "fuzzer failed (status %d): see build/fuzz/last-run.log and build/fuzz/crashes/",
		  WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
}

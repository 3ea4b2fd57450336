/*
 * The QEMU boot path: the same configs under `./run.sh --qemu` (QEMU TCG,
 * `-cpu max`, so 5-level paging runs for real; QEMU's own ACPI tables; the
 * PVH entry; APs started with INIT/SIPI). The topology report and the CPUs
 * coming online are checked as tests/test_boot.c checks them under our
 * VMM, and the exit statuses must be the same as there.
 *
 * Boot tests are SKIPPED when qemu-system-x86_64 is not installed; the
 * --print-qemu-args tests need only build/vmm.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmm/ports.h>
#include "lib/topology.h"
#include "lib/vmrun.h"
#include "vmm/config.h"

#define QEMU_TIMEOUT "120"


/* ./run.sh --qemu --timeout 120 [--cmdline CMDLINE] CONFIG */
static void qemu_run(const char *config, const char *cmdline, const char *timeout,
		     struct vm_result *r)
{
	const char *argv[8];
	int argc = 0;

	argv[argc++] = "./run.sh";
	argv[argc++] = "--qemu";
	argv[argc++] = "--timeout";
	argv[argc++] = timeout;
	if (cmdline) {
		argv[argc++] = "--cmdline";
		argv[argc++] = cmdline;
	}
	argv[argc++] = config;
	argv[argc] = NULL;
	cr_assert_eq(vm_run_argv(argv, r), 0, "could not start run.sh");
}

static void boot_and_check(const char *config)
{
	QEMU_REQUIRE();
	static struct vm_config cfg;
	char err[1024];
	cr_assert_eq(config_load(config, &cfg, err, sizeof(err)), 0, "%s", err);
	struct vm_result r;
	qemu_run(config, NULL, QEMU_TIMEOUT, &r);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "paging: 5-level"), "QEMU's -cpu max has LA57:\n%s", r.out);
	assert_report(r.out, &cfg);
	assert_all_cpus_up(r.out, &cfg);
	vm_result_free(&r);
}

Test(qemu, one_node, .timeout = 150) { boot_and_check("configs/1node.xml"); }
Test(qemu, two_nodes, .timeout = 150) { boot_and_check("configs/2node.xml"); }
Test(qemu, four_nodes_asymmetric, .timeout = 150) { boot_and_check("configs/4node.xml"); }

Test(qemu, page_fault_gives_the_panic_report_and_status_70, .timeout = 150)
{
	QEMU_REQUIRE();
	struct vm_result r;
	qemu_run("configs/1node.xml", "crash=pf", QEMU_TIMEOUT, &r);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "PANIC: CPU 0: exception 14 (#PF"), "output:\n%s", r.out);
	cr_assert(strstr(r.out, "CR2: 0x"));
	cr_assert(strstr(r.out, "Call Trace:"));
	cr_assert(strstr(r.out, "kmain+0x"), "backtrace has no symbol names:\n%s", r.out);
	cr_assert(strstr(r.out, "Kernel panic - not syncing"));
	vm_result_free(&r);
}

Test(qemu, fault_on_an_ap_started_by_init_sipi, .timeout = 150)
{
	QEMU_REQUIRE();
	struct vm_result r;
	qemu_run("configs/2node.xml", "crash=gp crash_cpu=3", QEMU_TIMEOUT, &r);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "PANIC: CPU 3: exception 13 (#GP"), "output:\n%s", r.out);
	vm_result_free(&r);
}

/* 5-level paging for real: the vmalloc range and the TLB self-test's mm
 * live above 2^47, where 4 levels cannot reach (tests/test_guest_paging.c
 * runs the same self-tests under our VMM with 4 levels). */
Test(qemu, five_level_paging_maps_and_uses_addresses_above_2_47, .timeout = 150)
{
	QEMU_REQUIRE();
	struct vm_result r;
	qemu_run("configs/2node.xml", "vmalloc_selftest tlb_selftest", QEMU_TIMEOUT, &r);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	cr_assert_null(strstr(r.out, "FAIL"), "a self-test check failed:\n%s", r.out);
	static const char *const want[] = {
		"paging: 5-level\n",
		"paging: kernel page tables loaded (5-level)",
		"paging: vmalloc [0xffa0000000000000-0xffa0008000000000)",
		"vmalloc selftest: 5-level: area at 0xffa0",
		"vmalloc selftest: 5-level: an address above 2^47 mapped and used: PASS",
		"vmalloc selftest: 13 passed, 0 failed",
		"tlb selftest: test mm: 512 pages at 0x10000000000000,",
		"tlb selftest: 5-level: the test mm maps and uses an address above 2^47: PASS",
		"tlb selftest: 512-page range flush, mm live on 2 CPUs: 1 IPI(s)",
		"tlb selftest: 13 passed, 0 failed",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(r.out, want[i]), "missing \"%s\":\n%s", want[i], r.out);
	vm_result_free(&r);
}

Test(qemu, writing_to_kernel_text_faults_under_5_level_paging, .timeout = 150)
{
	QEMU_REQUIRE();
	struct vm_result r;
	qemu_run("configs/1node.xml", "crash=text", QEMU_TIMEOUT, &r);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "PANIC: CPU 0: exception 14 (#PF Page fault) error code 0x3\n"),
		  "output:\n%s", r.out);
	vm_result_free(&r);
}

Test(qemu, timeout_stops_qemu_with_status_124, .timeout = 60)
{
	QEMU_REQUIRE();
	struct vm_result r;
	qemu_run("configs/1node.xml", "hold", "2", &r);
	cr_assert_eq(r.status, EXIT_TIMEOUT, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "hold: boot done"), "output:\n%s", r.out);
	vm_result_free(&r);
}

Test(qemu, qemu_failing_to_start_is_not_a_clean_exit, .timeout = 60)
{
	QEMU_REQUIRE();
	/* QEMU exits 1 when it cannot start, as when the guest writes 0. */
	const char *argv[] = { "./run.sh", "--qemu", "--timeout", "30", "--kernel",
			       "build/no-such-kernel.elf", "configs/1node.xml", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "QEMU failed before the guest ran"), "output:\n%s", r.out);
	vm_result_free(&r);
}

/* The translation itself needs no QEMU. */
static void print_qemu_args(const char *config, struct vm_result *r)
{
	const char *argv[] = { "build/vmm", "--print-qemu-args", "--cmdline", "a b", config, NULL };
	if (access("build/vmm", X_OK) != 0)
		cr_skip_test("SKIPPED: build/vmm missing (run make)");
	cr_assert_eq(vm_run_argv(argv, r), 0);
	cr_assert_eq(r->status, 0, "status %d; output:\n%s", r->status, r->out);
}

Test(qemu_args, cells_cpus_and_asymmetric_distances)
{
	struct vm_result r;
	print_qemu_args("configs/4node.xml", &r);
	static const char *const want[] = {
		"-machine\nq35\n", "-accel\ntcg\n", "-cpu\nmax\n", "-m\n64M\n",
		"-smp\n5,sockets=1,cores=5,threads=1\n",
		"-object\nmemory-backend-ram,id=m0,size=16M\n",
		"-numa\nnode,nodeid=0,cpus=0,cpus=4,memdev=m0\n",
		"-numa\nnode,nodeid=3,cpus=3,memdev=m3\n",
		"-numa\ndist,src=0,dst=1,val=12\n", "-numa\ndist,src=1,dst=0,val=14\n",
		"-numa\ndist,src=3,dst=2,val=14\n",
		"-append\na b\n", "-device\nisa-debug-exit,iobase=0xf4,iosize=0x04\n",
		"-nodefaults\n", "-no-reboot\n", "-serial\nstdio\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(r.out, want[i]), "no \"%s\" in:\n%s", want[i], r.out);
	cr_assert(strstr(r.out, "-kernel\n"), "output:\n%s", r.out);
	cr_assert_eq(count_substr(r.out, "dist,"), 12, "4 nodes: 12 ordered pairs");
	vm_result_free(&r);
}

Test(qemu_args, one_node_still_gets_a_numa_node_for_the_srat)
{
	struct vm_result r;
	print_qemu_args("configs/1node.xml", &r);
	cr_assert(strstr(r.out, "-numa\nnode,nodeid=0,cpus=0-1,memdev=m0\n"), "output:\n%s", r.out);
	cr_assert_null(strstr(r.out, "dist,"), "one node: no distances");
	vm_result_free(&r);
}

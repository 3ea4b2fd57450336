/*
 * Boot tests: real guests under our VMM on /dev/kvm. The guest's topology
 * report (numactl --hardware format) must equal what the config says, every
 * CPU must come up, and the VMM's exit paths (clean shutdown, guest panic,
 * bad ELF, watchdog, Ctrl-C) must give the documented statuses.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmm/ports.h>
#include "lib/topology.h"
#include "lib/vmrun.h"
#include "vmm/config.h"

#define BOOT_TIMEOUT 120

static void boot_and_check(const char *config)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	char err[1024];
	cr_assert_eq(config_load(config, &cfg, err, sizeof(err)), 0, "%s", err);
	struct vm_result r;
	cr_assert_eq(vm_run(config, NULL, BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "paging: 4-level"), "our VMM enters with 4-level paging:\n%s", r.out);
	assert_report(r.out, &cfg);
	assert_all_cpus_up(r.out, &cfg);
	vm_result_free(&r);
}

Test(boot, one_node, .timeout = BOOT_TIMEOUT + 30) { boot_and_check("configs/1node.xml"); }
Test(boot, two_nodes, .timeout = BOOT_TIMEOUT + 30) { boot_and_check("configs/2node.xml"); }
Test(boot, four_nodes_asymmetric, .timeout = BOOT_TIMEOUT + 30) { boot_and_check("configs/4node.xml"); }

/* More vCPUs than the host has cores: 2 per host CPU (at least 6), 3 nodes. */
Test(boot, more_vcpus_than_host_cores, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	long host = sysconf(_SC_NPROCESSORS_ONLN);
	int n = (int)(host * 2 < 6 ? 6 : host * 2);
	if (n > 16)
		n = 16;
	char path[] = "/tmp/gmm-manycpu-XXXXXX.xml";
	int fd = mkstemps(path, 4);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	int per = n / 3;
	fprintf(f, "<domain type='kvm'><memory unit='MiB'>48</memory><vcpu>%d</vcpu><cpu><numa>\n", n);
	fprintf(f, "<cell id='0' cpus='0-%d' memory='16' unit='MiB'/>\n", per - 1);
	fprintf(f, "<cell id='1' cpus='%d-%d' memory='16' unit='MiB'/>\n", per, 2 * per - 1);
	fprintf(f, "<cell id='2' cpus='%d-%d' memory='16' unit='MiB'/>\n", 2 * per, n - 1);
	fprintf(f, "</numa></cpu><os><type arch='x86_64'>hvm</type></os></domain>\n");
	fclose(f);
	boot_and_check(path);
	unlink(path);
}

Test(panic, deliberate_page_fault_gives_report_and_status, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	cr_assert_eq(vm_run("configs/1node.xml", "crash=pf", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "PANIC: CPU 0: exception 14 (#PF"), "output:\n%s", r.out);
	cr_assert(strstr(r.out, "CR2: 0x"));
	cr_assert(strstr(r.out, "Call Trace:"));
	cr_assert(strstr(r.out, "kmain+0x"), "backtrace has no symbol names:\n%s", r.out);
	cr_assert(strstr(r.out, "Kernel panic - not syncing"));
	vm_result_free(&r);
}

Test(panic, fault_on_an_application_processor, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	cr_assert_eq(vm_run("configs/2node.xml", "crash=gp crash_cpu=3", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "PANIC: CPU 3: exception 13 (#GP"), "output:\n%s", r.out);
	vm_result_free(&r);
}

Test(panic, explicit_panic_call, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	cr_assert_eq(vm_run("configs/1node.xml", "crash=panic", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "Kernel panic - not syncing: "));
	cr_assert(strstr(r.out, "Call Trace:"));
	vm_result_free(&r);
}

Test(vmm, bad_elf_is_refused_before_the_vm_runs)
{
	VM_REQUIRE();
	const char *extra[] = { "--kernel", "configs/2node.xml", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run("configs/2node.xml", NULL, 10, extra, &r), 0);
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "bad ELF: not an ELF file"), "output:\n%s", r.out);
	cr_assert_null(strstr(r.out, "Command line:"), "the guest must not have run");
	vm_result_free(&r);
}

Test(vmm, missing_kernel_file_is_refused)
{
	VM_REQUIRE();
	const char *extra[] = { "--kernel", "build/no-such-kernel.elf", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run("configs/1node.xml", NULL, 10, extra, &r), 0);
	cr_assert_eq(r.status, EXIT_CONFIG);
	cr_assert(strstr(r.out, "no-such-kernel.elf: No such file"), "output:\n%s", r.out);
	vm_result_free(&r);
}

Test(vmm, bad_config_exits_before_any_vm_exists)
{
	const char *argv[] = { "build/vmm", "--timeout", "5", "tests/configs/does-not-exist.xml", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "does-not-exist.xml"), "output:\n%s", r.out);
	vm_result_free(&r);
}

Test(vmm, watchdog_stops_a_running_guest_and_dumps_every_vcpu, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	/* hold: the guest idles after boot instead of shutting down */
	cr_assert_eq(vm_run("configs/2node.xml", "hold", 3, NULL, &r), 0);
	cr_assert_eq(r.status, EXIT_TIMEOUT, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "watchdog: guest still running after 3 s"));
	for (int c = 0; c < 4; c++) {
		char key[64];
		snprintf(key, sizeof(key), "vcpu %d registers", c);
		cr_assert(strstr(r.out, key), "no register dump for vcpu %d:\n%s", c, r.out);
	}
	cr_assert(strstr(r.out, "RIP=0x"));
	vm_result_free(&r);
}

Test(vmm, sigint_stops_the_vm_cleanly, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	int pfd[2];
	cr_assert_eq(pipe(pfd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execl("build/vmm", "build/vmm", "--timeout", "100", "--cmdline", "hold",
		      "configs/1node.xml", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	/* Wait until the guest is up, then Ctrl-C. */
	static char out[65536];
	size_t len = 0;
	while (len < sizeof(out) - 1 && !strstr(out, "smp: Brought up")) {
		ssize_t n = read(pfd[0], out + len, sizeof(out) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		out[len] = 0;
	}
	cr_assert(strstr(out, "smp: Brought up"), "guest did not boot:\n%s", out);
	kill(pid, SIGINT);
	int st;
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st), "vmm died of a signal");
	cr_assert_eq(WEXITSTATUS(st), EXIT_INTERRUPTED);
	close(pfd[0]);
}

Test(vmm, unhandled_port_access_stops_with_a_register_dump, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	cr_assert_eq(vm_run("configs/1node.xml", "crash=io", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, EXIT_VMM_FAULT, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "vmm: vcpu 0: unhandled port read from 0x510"), "output:\n%s", r.out);
	cr_assert(strstr(r.out, "vcpu 0 registers"));
	cr_assert(strstr(r.out, "RIP=0x"));
	vm_result_free(&r);
}

Test(vmm, unhandled_mmio_on_an_ap_stops_with_its_register_dump, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	cr_assert_eq(vm_run("configs/2node.xml", "crash=mmio crash_cpu=2", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, EXIT_VMM_FAULT, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "vmm: vcpu 2: unhandled MMIO read from 0xfd000000"), "output:\n%s", r.out);
	cr_assert(strstr(r.out, "vcpu 2 registers"));
	vm_result_free(&r);
}

/* A 2-node config with our <metadata> knobs, written to a temporary file. */
static void write_config_with_metadata(char *path, const char *metadata)
{
	int fd = mkstemps(path, 4);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "<domain type='kvm'><memory unit='MiB'>32</memory><vcpu>2</vcpu><cpu><numa>"
		   "<cell id='0' cpus='0' memory='16' unit='MiB'/><cell id='1' cpus='1' memory='16' unit='MiB'/>"
		   "</numa></cpu><os><type arch='x86_64'>hvm</type></os>"
		   "<metadata><gmm:vmm xmlns:gmm='urn:gmm:vmm:1'>%s</gmm:vmm></metadata></domain>\n", metadata);
	fclose(f);
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return strstr(buf, needle) != NULL;
}

Test(backing, thp_backed_guest_boots, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	if (file_contains("/sys/kernel/mm/transparent_hugepage/enabled", "[never]"))
		cr_skip_test("SKIPPED: transparent huge pages are disabled on this host");
	char path[] = "/tmp/gmm-thp-XXXXXX.xml";
	write_config_with_metadata(path, "<gmm:memory backing='thp'/>");
	struct vm_result r;
	cr_assert_eq(vm_run(path, NULL, BOOT_TIMEOUT, NULL, &r), 0);
	unlink(path);
	cr_assert_eq(r.status, 0, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "available: 2 nodes (0-1)"));
	vm_result_free(&r);
}

Test(backing, hugetlbfs_without_reserved_pages_is_refused_clearly)
{
	VM_REQUIRE();
	if (!file_contains("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "0"))
		cr_skip_test("SKIPPED: this host has free 2 MiB huge pages reserved");
	char path[] = "/tmp/gmm-huge-XXXXXX.xml";
	write_config_with_metadata(path, "<gmm:memory backing='hugetlbfs'/>");
	struct vm_result r;
	cr_assert_eq(vm_run(path, NULL, 10, NULL, &r), 0);
	unlink(path);
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "backing 'hugetlbfs': node 0 needs 8 free 2 MiB huge pages"), "%s", r.out);
	cr_assert(strstr(r.out, "nr_hugepages"), "the message says how to fix it");
	vm_result_free(&r);
}

Test(backing, binding_to_a_missing_host_node_is_refused)
{
	VM_REQUIRE();
	char path[] = "/tmp/gmm-bind-XXXXXX.xml";
	write_config_with_metadata(path, "<gmm:numa-binding cell='1' host-node='63'/>");
	struct vm_result r;
	cr_assert_eq(vm_run(path, NULL, 10, NULL, &r), 0);
	unlink(path);
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "cell 1: host-node 63"), "%s", r.out);
	vm_result_free(&r);
}

Test(backing, binding_to_host_node_0_boots, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	if (access("/sys/devices/system/node/node0", F_OK) != 0)
		cr_skip_test("SKIPPED: this host kernel has no NUMA support");
	char path[] = "/tmp/gmm-bind0-XXXXXX.xml";
	write_config_with_metadata(path, "<gmm:numa-binding cell='0' host-node='0'/>"
					 "<gmm:numa-binding cell='1' host-node='0'/>");
	struct vm_result r;
	cr_assert_eq(vm_run(path, NULL, BOOT_TIMEOUT, NULL, &r), 0);
	unlink(path);
	cr_assert_eq(r.status, 0, "status %d; output:\n%s", r.status, r.out);
	vm_result_free(&r);
}

/* Cross-CPU calls (the IPI mechanism TLB shootdowns use): every CPU calls
 * every other at once, and on_each_cpu reaches each CPU exactly once. */
Test(smp, cross_cpu_function_calls, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	cr_assert_eq(vm_run("configs/4node.xml", "smp_call_test", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "smp_call selftest: 5 CPUs calling each other at once: PASS"), "%s", r.out);
	cr_assert(strstr(r.out, "smp_call selftest: on_each_cpu ran once on each of 5 CPUs: PASS"), "%s", r.out);
	vm_result_free(&r);
}

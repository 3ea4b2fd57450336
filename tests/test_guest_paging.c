/*
 * The kernel's own page tables, TLB shootdowns and vmalloc in a real guest
 * under our VMM (4-level paging; tests/test_qemu.c boots the same under
 * QEMU with 5 levels): the boot report of paging_init, the guest
 * self-tests (vmalloc_selftest, tlb_selftest: PASS/FAIL lines), the TLB
 * counters on the host's counters page, and the faults that the page
 * permissions and stack guard pages must turn into panics.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmm/ports.h>
#include "lib/vmrun.h"

#define TIMEOUT 120

static void boot(const char *config, const char *cmdline, struct vm_result *r)
{
	cr_assert_eq(vm_run(config, cmdline, TIMEOUT, NULL, r), 0, "could not start build/vmm");
}

static void assert_clean(struct vm_result *r)
{
	cr_assert_eq(r->status, 0, "status %d; output:\n%s", r->status, r->out);
	cr_assert_null(strstr(r->out, "FAIL"), "a self-test check failed:\n%s", r->out);
}


Test(guest_paging, boot_loads_the_kernels_own_tables, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	boot("configs/2node.xml", NULL, &r);
	cr_assert_eq(r.status, 0, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "paging: 4-level\n"), "%s", r.out);
	const char *line = strstr(r.out, "paging: kernel page tables loaded (4-level): direct map 64 MiB in ");
	cr_assert(line, "%s", r.out);
	unsigned long big = 0, small = 0;
	cr_assert_eq(sscanf(line, "paging: kernel page tables loaded (4-level): direct map 64 MiB in %lu 2M + %lu 4K",
			    &big, &small), 2);
	/* 2 MiB pages except around the first MiB and the read-only alias of
	 * the kernel image (4 KiB pages there). */
	cr_assert_eq(big * 512 + small, 64 * 256, "%s", line);
	cr_assert_geq(big, 28, "%s", line);
	cr_assert_leq(small, 4 * 512, "%s", line);
	cr_assert(strstr(r.out, "paging: vmalloc [0xffffc90000000000-0xffffc98000000000)"), "%s", r.out);
	vm_result_free(&r);
}

Test(guest_paging, vmalloc_selftest, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	boot("configs/2node.xml", "vmalloc_selftest", &r);
	assert_clean(&r);
	static const char *const want[] = {
		"vmalloc selftest: node: vmalloc_node pages from the node: PASS",
		"vmalloc selftest: node: page table from the node: PASS",
		"vmalloc selftest: map: the page below and the guard page after the area are unmapped: PASS",
		"vmalloc selftest: lazy purge: 8 vfree()s wait on the purge list and send no IPI: PASS",
		"vmalloc selftest: purge of 8 areas: 1 shootdown(s), nr_tlb_remote_flush +1, "
		"nr_tlb_remote_flush_received +3 (3 other CPUs)",
		"vmalloc selftest: reuse: a freed range is reused only after the purge: PASS",
		"vmalloc selftest: fragmented: vmalloc larger than the largest free buddy block succeeds: PASS",
		"vmalloc selftest: invariants: trees and lists consistent: PASS",
		"vmalloc selftest: 12 passed, 0 failed",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(r.out, want[i]), "missing \"%s\":\n%s", want[i], r.out);
	vm_result_free(&r);
}

Test(guest_paging, tlb_selftest_one_ipi_per_remote_cpu_never_stale, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	boot("configs/2node.xml", "tlb_selftest", &r);
	assert_clean(&r);
	static const char *const want[] = {
		"tlb selftest: kernel mapping: changed on CPU 0, never seen stale on CPU 1 after the flush: PASS",
		"tlb selftest: flush_tlb_kernel_range(1 page): 3 IPIs, nr_tlb_remote_flush +1, received +3",
		"tlb selftest: 512-page range flush, mm live on 2 CPUs: 1 IPI(s) (1 remote CPU), "
		"nr_tlb_remote_flush +1, nr_tlb_remote_flush_received +1",
		"tlb selftest: test mm: all 512 PTEs changed, no CPU reads a stale page after the flush: PASS",
		"tlb selftest: test mm: a 512-page range flush costs exactly one IPI per remote CPU: PASS",
		"tlb selftest: lazy: a CPU in lazy TLB mode is not interrupted: PASS",
		"tlb selftest: freed tables: the lazy CPU is interrupted too and drops the mm: PASS",
		"tlb selftest: 12 passed, 0 failed",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(r.out, want[i]), "missing \"%s\":\n%s", want[i], r.out);
	/* The host reads the same counters from the counters page. */
	cr_assert_geq(vm_summary_value(r.out, -1, "nr_tlb_remote_flush"), 7, "%s", r.out);
	cr_assert_geq(vm_summary_value(r.out, -1, "nr_tlb_remote_flush_received"), 7, "%s", r.out);
	cr_assert_geq(vm_summary_value(r.out, -1, "nr_tlb_local_flush_all"), 1, "%s", r.out);
	cr_assert_geq(vm_summary_value(r.out, -1, "nr_tlb_local_flush_one"), 9, "%s", r.out);
	vm_result_free(&r);
}

/* xAPIC: the LAPIC registers through ioremap(), IPIs through them. */
Test(guest_paging, xapic_through_ioremap, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	boot("configs/4node.xml", "nox2apic tlb_selftest", &r);
	assert_clean(&r);
	cr_assert(strstr(r.out, "paging: xAPIC registers at 0xffffc9"), "%s", r.out);
	cr_assert(strstr(r.out, "tlb selftest: 12 passed, 0 failed"), "%s", r.out);
	cr_assert(strstr(r.out, "flush_tlb_kernel_range(1 page): 4 IPIs"), "5 CPUs:\n%s", r.out);
	vm_result_free(&r);
}

Test(guest_paging, writing_to_kernel_text_faults, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	boot("configs/1node.xml", "crash=text", &r);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "PANIC: CPU 0: exception 14 (#PF Page fault) error code 0x3\n"),
		  "a write to a present read-only page:\n%s", r.out);
	cr_assert(strstr(r.out, "CR2: 0xffffffff801"), "CR2 in kernel text:\n%s", r.out);
	cr_assert(strstr(r.out, "arch_trigger_exception+0x"), "%s", r.out);
	vm_result_free(&r);
}

/* A write just below a stack hits its guard page: on the boot CPU (stack in
 * the kernel image) and on an AP (vmalloc'd stack). */
static void stack_guard(const char *cmdline, unsigned int cpu)
{
	VM_REQUIRE();
	struct vm_result r;
	char want[96];
	unsigned long below = 0;

	boot("configs/2node.xml", cmdline, &r);
	cr_assert_eq(r.status, EXIT_GUEST_PANIC, "status %d; output:\n%s", r.status, r.out);
	const char *line = strstr(r.out, "crash: writing at 0x");
	cr_assert(line, "%s", r.out);
	cr_assert_eq(sscanf(line, "crash: writing at 0x%lx", &below), 1);
	snprintf(want, sizeof(want), "PANIC: CPU %u: exception 14 (#PF Page fault) error code 0x2\n", cpu);
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "CR2: 0x%016lx\n", below);
	cr_assert(strstr(r.out, want), "the fault is at the write below the stack:\n%s", r.out);
	if (cpu)
		cr_assert_eq(below >> 40, 0xffffc9UL, "an AP's stack is in the vmalloc range: 0x%lx", below);
	vm_result_free(&r);
}

Test(guest_paging, boot_cpu_stack_has_a_guard_page, .timeout = TIMEOUT + 30)
{
	stack_guard("crash=stack", 0);
}

Test(guest_paging, ap_stack_has_a_guard_page, .timeout = TIMEOUT + 30)
{
	stack_guard("crash=stack crash_cpu=2", 2);
}

/*
 * The guest's boot report, checked the same way whichever hypervisor ran
 * it (tests/test_boot.c: our VMM; tests/test_qemu.c: QEMU): the topology
 * report in `numactl --hardware` format must match the config, and every
 * CPU must have come online on its node. Criterion assertions: call from a
 * test.
 */
#ifndef TESTS_TOPOLOGY_H
#define TESTS_TOPOLOGY_H

#include <stddef.h>

#include "vmm/config.h"

/* The report numactl --hardware would print for CFG, without the "free"
 * lines (those depend on the kernel). */
void expected_report(const struct vm_config *cfg, char *buf, size_t len);

/* Every expected line appears in OUT, in order, and each node's free
 * memory is in (0, size]. */
void assert_report(const char *out, const struct vm_config *cfg);

/* "smp: CPU c (APIC c) node n online" for every AP, and the summary. */
void assert_all_cpus_up(const char *out, const struct vm_config *cfg);

#endif

/*
 * The host shim of guest/mm: what the guest kernel provides to guest/mm
 * (printk, panic, irqflags, smp/NUMA identity, the direct map), implemented
 * in a normal process so the same sources run in Criterion tests and in the
 * benchmark (DESIGN.md decision 7). Build with -DGMM_HOST.
 *
 * - Physical memory: one reserved range of address space stands for
 *   guest-physical addresses [0, MM_HOST_PHYS_MAX); page_offset_base is its
 *   start, so __va(pa) = base + pa as in the guest. mm_host_map_phys() makes
 *   a range usable (zero-filled, like the VMM's memory); the rest faults.
 * - CPUs: each thread runs as one simulated CPU (mm_host_set_cpu); its
 *   interrupt flag is per thread; arch_local_irq_* only track it.
 *   on_each_cpu()/smp_call_function_single() run the function on the
 *   calling thread as each CPU in turn: valid while no other thread is
 *   running as one of those CPUs (e.g. kmem_cache_shrink between runs).
 * - sprint_symbol() names what the dynamic symbol table knows, else
 *   prints the address.
 * - printk goes to an in-memory console (mm_host_console()), and to stderr
 *   too when MM_HOST_VERBOSE=1 is in the environment.
 * - panic() longjmps to the innermost MM_HOST_PANICS() of the thread, with
 *   the message kept in mm_host_panic_message(); outside one it prints the
 *   console tail and the message to stderr and aborts (SIGABRT).
 */
#ifndef MM_HOST_H
#define MM_HOST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <kernel/types.h>

#define MM_HOST_PHYS_MAX    (64ULL << 30)   /* simulated physical address space */

/* ---- Topology ---- */

/*
 * nr_nodes NUMA nodes and nr_cpus CPUs; cpu_node[cpu] is each CPU's node
 * (NULL: cpu % nr_nodes); distance is the nr_nodes x nr_nodes SLIT, row
 * `from`, column `to` (NULL: 10 on the diagonal, 20 elsewhere).
 */
void mm_host_set_topology(unsigned int nr_nodes, unsigned int nr_cpus,
			  const int *cpu_node, const int *distance);
void mm_host_set_cpu(unsigned int cpu);         /* the calling thread's CPU */

/* ---- Physical memory ---- */

void mm_host_map_phys(phys_addr_t base, phys_addr_t size);

/* ---- A whole machine ---- */

struct mm_host_mem {
	phys_addr_t base;
	phys_addr_t size;
	int nid;
};

struct mm_host_machine {
	unsigned int nr_nodes;
	unsigned int nr_cpus;
	const int *cpu_node;            /* as mm_host_set_topology */
	const int *distance;
	const struct mm_host_mem *mem;  /* RAM ranges */
	unsigned int nr_mem;
	bool reserve_like_guest;        /* reserve [0, 1 MiB) and a 1 MiB "kernel image" at 1 MiB */
	int min_free_kbytes;            /* >= 0: set after boot; < 0: Linux's default */
};

/*
 * Topology, memory, memblock (add + reserve), mm_core_init(), then
 * min_free_kbytes; the calling thread becomes CPU 0.
 */
void mm_host_boot(const struct mm_host_machine *m);

/* One node of size bytes at physical 0, with nr_cpus CPUs. */
void mm_host_boot_simple(phys_addr_t size, unsigned int nr_cpus, int min_free_kbytes);

/* ---- Console ---- */

const char *mm_host_console(void);      /* everything printed since the last clear */
void mm_host_console_clear(void);

/* ---- Panics ---- */

extern __thread jmp_buf *mm_host_panic_jmp;
const char *mm_host_panic_message(void);

/* Run stmt; true if it panicked (the panic is then over and we continue). */
#define MM_HOST_PANICS(stmt) ({ \
	jmp_buf jb__; \
	jmp_buf *prev__ = mm_host_panic_jmp; \
	volatile bool panicked__ = false; \
	if (setjmp(jb__) == 0) { \
		mm_host_panic_jmp = &jb__; \
		stmt; \
	} else { \
		panicked__ = true; \
	} \
	mm_host_panic_jmp = prev__; \
	(bool)panicked__; })

/* ---- Invariants (check.c) ---- */

/* A block a test holds: allocated, not yet freed. */
struct mm_host_block {
	struct page *page;
	unsigned int order;
};

/*
 * Walk every zone's free lists and every CPU's per-CPU lists and check:
 * each free block's head is PageBuddy with its order, in its zone, aligned;
 * nr_free and NR_FREE_PAGES match the lists; no frame is in two places
 * (free lists, per-CPU lists, held); no free block has a free buddy of the
 * same order (buddies are always merged); frames at or above a zone's
 * deferred_pfn are on no list (but those free_reserved_page() gave back).
 * With conserve, also per zone: free + per-CPU + held + deferred ==
 * managed (the test must pass every block it holds). Returns NULL, or a
 * description of the first violation.
 */
const char *mm_host_check(const struct mm_host_block *held, size_t nr_held, bool conserve);

#endif

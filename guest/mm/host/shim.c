/*
 * Host implementations of the kernel API guest/mm uses (see mm_host.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kernel/irqflags.h>
#include <kernel/ksyms.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/smp_call.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include "mm_host.h"

/* ---- smp.h ---- */

unsigned int nr_cpu_ids;
unsigned int nr_node_ids;

static int host_cpu_node[NR_CPUS];
static int host_distance[MAX_NUMNODES][MAX_NUMNODES];
static __thread unsigned int host_cpu;

unsigned int smp_processor_id(void)
{
	return host_cpu;
}

int cpu_to_node(unsigned int cpu)
{
	return cpu < NR_CPUS ? host_cpu_node[cpu] : NUMA_NO_NODE;
}

int numa_node_id(void)
{
	return host_cpu_node[host_cpu];
}

int node_distance(int from, int to)
{
	if (from < 0 || to < 0 || from >= MAX_NUMNODES || to >= MAX_NUMNODES)
		return 255;
	return host_distance[from][to];
}

void mm_host_set_topology(unsigned int nr_nodes, unsigned int nr_cpus,
			  const int *cpu_node, const int *distance)
{
	unsigned int i, j;

	if (!nr_nodes || nr_nodes > MAX_NUMNODES || !nr_cpus || nr_cpus > NR_CPUS) {
		fprintf(stderr, "mm_host: bad topology %u nodes %u cpus\n", nr_nodes, nr_cpus);
		abort();
	}
	nr_node_ids = nr_nodes;
	nr_cpu_ids = nr_cpus;
	for (i = 0; i < nr_cpus; i++)
		host_cpu_node[i] = cpu_node ? cpu_node[i] : (int)(i % nr_nodes);
	for (i = 0; i < nr_nodes; i++)
		for (j = 0; j < nr_nodes; j++)
			host_distance[i][j] = distance ? distance[i * nr_nodes + j]
						       : (i == j ? 10 : 20);
}

void mm_host_set_cpu(unsigned int cpu)
{
	host_cpu = cpu;
}

/* ---- irqflags.h: a per-thread interrupt flag ---- */

static __thread unsigned long host_irqs_off;

unsigned long arch_local_irq_save(void)
{
	unsigned long flags = host_irqs_off;

	host_irqs_off = 1;
	return flags;
}

void arch_local_irq_restore(unsigned long flags)
{
	host_irqs_off = flags;
}

void arch_local_irq_enable(void)
{
	host_irqs_off = 0;
}

void arch_local_irq_disable(void)
{
	host_irqs_off = 1;
}

int arch_irqs_disabled(void)
{
	return (int)host_irqs_off;
}

/* ---- smp_call.h: the calling thread runs FUNC as each CPU in turn ---- */

/* Valid while no other thread is running as one of those CPUs (tests
 * call it between their threads' runs). */
void on_each_cpu(smp_call_func_t func, void *info)
{
	unsigned int me = host_cpu, cpu;
	unsigned long flags;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		host_cpu = cpu;
		flags = arch_local_irq_save();
		func(info);
		arch_local_irq_restore(flags);
	}
	host_cpu = me;
}

void smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info)
{
	unsigned int me = host_cpu;
	unsigned long flags;

	host_cpu = cpu;
	flags = arch_local_irq_save();
	func(info);
	arch_local_irq_restore(flags);
	host_cpu = me;
}

/* ---- ksyms.h: the dynamic symbol table, when the address is in it ---- */

int sprint_symbol(char *buf, size_t len, unsigned long addr)
{
	Dl_info info;

	if (dladdr((void *)addr, &info) && info.dli_sname)
		return snprintf(buf, len, "%s+0x%lx", info.dli_sname,
				addr - (unsigned long)info.dli_saddr);
	return snprintf(buf, len, "0x%lx", addr);
}

/* ---- Physical memory ---- */

static char *phys_arena;

static void phys_arena_reserve(void)
{
	void *p;

	if (phys_arena)
		return;
	p = mmap(NULL, MM_HOST_PHYS_MAX, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mm_host: reserving the physical arena");
		abort();
	}
	phys_arena = p;
	page_offset_base = (unsigned long)p;
}

void mm_host_map_phys(phys_addr_t base, phys_addr_t size)
{
	phys_arena_reserve();
	if (base + size > MM_HOST_PHYS_MAX || (base & (PAGE_SIZE - 1)) || (size & (PAGE_SIZE - 1))) {
		fprintf(stderr, "mm_host: bad physical range 0x%llx+0x%llx\n",
			(unsigned long long)base, (unsigned long long)size);
		abort();
	}
	if (mprotect(phys_arena + base, size, PROT_READ | PROT_WRITE)) {
		perror("mm_host: mprotect");
		abort();
	}
}

/* ---- Machines ---- */

void mm_host_boot(const struct mm_host_machine *m)
{
	unsigned int i;

	mm_host_set_topology(m->nr_nodes, m->nr_cpus, m->cpu_node, m->distance);
	mm_host_set_cpu(0);
	phys_arena_reserve();
	for (i = 0; i < m->nr_mem; i++) {
		mm_host_map_phys(m->mem[i].base, m->mem[i].size);
		if (memblock_add_node(m->mem[i].base, m->mem[i].size, m->mem[i].nid))
			abort();
	}
	if (m->reserve_like_guest) {
		memblock_reserve(0, 1 << 20);
		memblock_reserve(1 << 20, 1 << 20);
	}
	mm_core_init();
	if (m->min_free_kbytes >= 0)
		set_min_free_kbytes(m->min_free_kbytes);
}

void mm_host_boot_simple(phys_addr_t size, unsigned int nr_cpus, int min_free_kbytes)
{
	struct mm_host_mem mem = { 0, size, 0 };
	struct mm_host_machine m = {
		.nr_nodes = 1, .nr_cpus = nr_cpus, .mem = &mem, .nr_mem = 1,
		.reserve_like_guest = true, .min_free_kbytes = min_free_kbytes,
	};

	mm_host_boot(&m);
}

/* ---- printk.h: an in-memory console ---- */

#define CONSOLE_MAX (8u << 20)

static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;
static char *console_buf;
static size_t console_len, console_cap;
static int console_verbose = -1;

static void console_write(const char *s, size_t n)
{
	if (console_verbose < 0)
		console_verbose = getenv("MM_HOST_VERBOSE") && !strcmp(getenv("MM_HOST_VERBOSE"), "1");
	if (console_verbose)
		fwrite(s, 1, n, stderr);
	if (console_len + n + 1 > console_cap) {
		size_t cap = console_cap ? console_cap : 4096;
		char *p;

		while (cap < console_len + n + 1)
			cap *= 2;
		if (cap > CONSOLE_MAX)
			return;         /* full: drop */
		p = realloc(console_buf, cap);
		if (!p)
			return;
		console_buf = p;
		console_cap = cap;
	}
	memcpy(console_buf + console_len, s, n);
	console_len += n;
	console_buf[console_len] = '\0';
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return n;
	pthread_mutex_lock(&console_lock);
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	pthread_mutex_unlock(&console_lock);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

const char *mm_host_console(void)
{
	return console_buf ? console_buf : "";
}

void mm_host_console_clear(void)
{
	pthread_mutex_lock(&console_lock);
	console_len = 0;
	if (console_buf)
		console_buf[0] = '\0';
	pthread_mutex_unlock(&console_lock);
}

/* ---- panic.h ---- */

__thread jmp_buf *mm_host_panic_jmp;
static __thread char panic_msg[1024];

const char *mm_host_panic_message(void)
{
	return panic_msg;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	printk("Kernel panic - not syncing: %s\n", panic_msg);
	if (mm_host_panic_jmp)
		longjmp(*mm_host_panic_jmp, 1);
	if (console_verbose != 1) {
		const char *c = mm_host_console();
		size_t len = strlen(c);

		fputs(len > 4096 ? c + len - 4096 : c, stderr);
	}
	fflush(stderr);
	abort();
}

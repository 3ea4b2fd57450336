/*
 * The boot-time topology report, in exactly the format of
 * `numactl --hardware` (numactl.c: hardware(), print_node_cpus(),
 * print_distances()), so that it can be compared with the host's:
 *   available: 2 nodes (0-1)
 *   node 0 cpus: 0 1
 *   node 0 size: 32 MB
 *   node 0 free: 30 MB
 *   ...
 *   node distances:
 *   node   0   1
 *     0:  10  21
 *     1:  21  10
 * (the header and rows end with a space, as numactl's). size is the
 * node's memory from the SRAT; free is what the page allocator has there
 * (free lists, per-CPU lists and not yet initialised memory).
 * Each line is built first and printed with one printk.
 */
#include <kernel/cpu.h>
#include <mm/vmstat.h>
#include <kernel/numa.h>
#include <kernel/printk.h>
#include <kernel/sprintf.h>

#define TOPO_LINE_MAX (8 + 4 * NR_CPUS)

struct line {
	char buf[TOPO_LINE_MAX];
	size_t len;
};

__printf(2, 3) static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	l->len += (size_t)n;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

static void flush(struct line *l)
{
	printk("%s\n", l->buf);
	l->len = 0;
	l->buf[0] = '\0';
}

/* "available: N nodes (0-1,3)", numactl's range compression. */
static void print_available(struct line *l)
{
	int maxnode = (int)nr_node_ids - 1, prevnode = -1;
	bool skip = false;

	add(l, "available: %u nodes (", num_online_nodes());
	for (int i = 0; i <= maxnode; i++) {
		if (!node_online(i))
			continue;
		if (prevnode == -1) {
			add(l, "%d", i);
			prevnode = i;
			continue;
		}
		if (i > prevnode + 1) {
			if (skip) {
				add(l, "%d", prevnode);
				skip = false;
			}
			add(l, ",%d", i);
			prevnode = i;
			continue;
		}
		if (i == prevnode + 1) {
			if (!skip) {
				add(l, "-");
				skip = true;
			}
			prevnode = i;
		}
		if (i == maxnode && skip)
			add(l, "%d", prevnode);
	}
	add(l, ")");
	flush(l);
}

void numa_print_topology(void)
{
	static struct line l;     /* BSP only, once: keep it off the stack */
	unsigned int cpu;
	int nid, k;

	print_available(&l);
	for_each_online_node(nid) {
		add(&l, "node %d cpus:", nid);
		for_each_online_cpu(cpu)
			if (cpu_to_node(cpu) == nid)
				add(&l, " %u", cpu);
		flush(&l);
		printk("node %d size: %llu MB\n", nid,
		       (unsigned long long)(node_spanned_bytes(nid) >> 20));
		printk("node %d free: %llu MB\n", nid,
		       (unsigned long long)(((u64)node_available_pages(nid) << PAGE_SHIFT) >> 20));
	}
	printk("node distances:\n");
	add(&l, "node ");
	for_each_online_node(nid)
		add(&l, "% 3d ", nid);
	flush(&l);
	for_each_online_node(nid) {
		add(&l, "% 3d: ", nid);
		for_each_online_node(k)
			add(&l, "% 3d ", node_distance(nid, k));
		flush(&l);
	}
}

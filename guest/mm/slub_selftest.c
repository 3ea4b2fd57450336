/*
 * SLUB self-test (the slub_selftest switch) and deliberate bugs for the
 * slub_debug report (the slub_bug= switch); see <mm/slab.h>.
 *
 *   slub selftest: cpu 1 (node 0): 36 objects in 9 size classes allocated and filled, 18 on node 1 as asked: PASS
 *   slub selftest: cpu 0: freed cpu 1's 36 objects, every pattern intact: PASS
 *   slub selftest: cpu 1: 4 rounds of 16 allocations, each filled, checked and freed: PASS
 *   slub selftest: no object left over after shrinking the kmalloc caches: PASS
 *   slub selftest: 13 passed, 0 failed
 *
 * Each phase runs on every CPU at once through the caller's runner (the
 * guest's work queues: interrupts on; on_each_cpu in host tests: one CPU
 * after the other, interrupts off); allocations are GFP_ATOMIC, nothing
 * here sleeps. Ring 0 is interpreted on our platform, so objects are
 * filled and checked a word at a time and there are few of them.
 * Objects of the 10000-byte class come from the page allocator
 * (kmalloc_large).
 */
#include <mm/mm.h>
#include <mm/slab.h>
#include <kernel/printk.h>
#include <kernel/string.h>

static const unsigned int st_sizes[] = { 8, 24, 64, 96, 192, 500, 1024, 4096, 10000 };
#define ST_CLASSES      ARRAY_SIZE(st_sizes)
#define ST_PER_CLASS    4       /* per CPU: 2 local, 2 on the next node */
#define ST_OBJS         (ST_CLASSES * ST_PER_CLASS)
#define ST_ROUNDS       4
#define ST_CHURN        16

struct st_cpu {
	void *obj[ST_OBJS];
	unsigned int allocated, alloc_failed;
	unsigned int on_node, node_asked, node;  /* kmalloc_node placement */
	unsigned int freed, bad_pattern;         /* phase 1, of the next CPU's */
	unsigned int churn_bad;
} ____cacheline_aligned;

struct st_ctx {
	int phase;
	struct st_cpu *cpus;
};

static u64 st_word(unsigned int cpu, unsigned int i, size_t k)
{
	return 0x5a5a000000000000ULL ^ ((u64)cpu << 40) ^ ((u64)i << 24) ^ k;
}

/* Fill an object (a word at a time, then bytes) with its own pattern. */
static void st_fill(void *p, size_t size, unsigned int cpu, unsigned int i)
{
	u64 *w = p;
	size_t k;

	for (k = 0; k < size / 8; k++)
		w[k] = st_word(cpu, i, k);
	for (k = size & ~7UL; k < size; k++)
		((u8 *)p)[k] = (u8)(cpu + i + k);
}

static bool st_check(const void *p, size_t size, unsigned int cpu, unsigned int i)
{
	const u64 *w = p;
	size_t k;

	for (k = 0; k < size / 8; k++)
		if (w[k] != st_word(cpu, i, k))
			return false;
	for (k = size & ~7UL; k < size; k++)
		if (((const u8 *)p)[k] != (u8)(cpu + i + k))
			return false;
	return true;
}

static int st_next_node(int nid)
{
	for (int n = 1; n <= (int)nr_online_nodes; n++) {
		int cand = (nid + n) % (int)nr_online_nodes;

		if (node_state(cand, N_MEMORY))
			return cand;
	}
	return nid;
}

static void st_alloc(struct st_cpu *me, unsigned int cpu)
{
	int node = st_next_node(numa_node_id());

	me->node = (unsigned int)node;
	for (unsigned int i = 0; i < ST_OBJS; i++) {
		size_t size = st_sizes[i / ST_PER_CLASS];
		bool remote = i % ST_PER_CLASS >= ST_PER_CLASS / 2;
		void *p = remote ? kmalloc_node(size, GFP_ATOMIC | __GFP_THISNODE, node)
				 : kmalloc(size, GFP_ATOMIC);

		me->obj[i] = p;
		if (!p) {
			me->alloc_failed++;
			continue;
		}
		me->allocated++;
		if (remote) {
			me->node_asked++;
			me->on_node += page_to_nid(virt_to_page(p)) == node;
		}
		st_fill(p, size, cpu, i);
	}
}

/* Check and free the objects CPU OWNER allocated. */
static void st_free_other(struct st_cpu *me, struct st_cpu *owner, unsigned int owner_cpu)
{
	for (unsigned int i = 0; i < ST_OBJS; i++) {
		void *p = owner->obj[i];

		if (!p)
			continue;
		if (!st_check(p, st_sizes[i / ST_PER_CLASS], owner_cpu, i))
			me->bad_pattern++;
		kfree(p);
		owner->obj[i] = NULL;
		me->freed++;
	}
}

/* Allocate, fill, check, free; freed in an order that differs per round. */
static void st_churn(struct st_cpu *me, unsigned int cpu)
{
	unsigned long seed = 0x9e3779b97f4a7c15UL * (cpu + 1);
	void *obj[ST_CHURN];
	size_t size[ST_CHURN];

	for (unsigned int r = 0; r < ST_ROUNDS; r++) {
		unsigned int live = 0;

		for (unsigned int i = 0; i < ST_CHURN; i++) {
			size[i] = st_sizes[(i + r) % (ST_CLASSES - 2)];        /* up to 1 KiB */
			obj[i] = kmalloc(size[i], GFP_ATOMIC);
			if (!obj[i]) {
				me->churn_bad++;
				continue;
			}
			st_fill(obj[i], size[i], cpu, 1000 + i);
			live++;
		}
		while (live) {
			unsigned int i;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			i = (unsigned int)(seed >> 33) % ST_CHURN;
			while (!obj[i])
				i = (i + 1) % ST_CHURN;
			if (!st_check(obj[i], size[i], cpu, 1000 + i))
				me->churn_bad++;
			kfree(obj[i]);
			obj[i] = NULL;
			live--;
		}
	}
}

static void st_phase(void *info)
{
	struct st_ctx *ctx = info;
	unsigned int cpu = smp_processor_id();

	switch (ctx->phase) {
	case 0:
		st_alloc(&ctx->cpus[cpu], cpu);
		break;
	case 1: {
		unsigned int owner = (cpu + 1) % nr_cpu_ids;

		st_free_other(&ctx->cpus[cpu], &ctx->cpus[owner], owner);
		break;
	}
	case 2:
		st_churn(&ctx->cpus[cpu], cpu);
		break;
	}
}

/* Objects in use per kmalloc cache after giving back every cached slab,
 * and pages in large kmallocs and slabs. */
static unsigned long st_in_use(unsigned long *pages)
{
	unsigned long objs = 0;

	*pages = 0;
	for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
		struct slabinfo si;

		if (!kmalloc_caches[i])
			continue;
		kmem_cache_shrink(kmalloc_caches[i]);
		get_slabinfo(kmalloc_caches[i], &si);
		objs += si.active_objs;
	}
	for (int nid = 0; nid < (int)nr_online_nodes; nid++)
		*pages += node_slab_pages(nid, false) + node_slab_pages(nid, true);
	return objs;
}

int slub_selftest(void (*run_on_cpus)(void (*func)(void *), void *info))
{
	struct st_ctx ctx = { 0, NULL };
	unsigned long objs0, pages0, objs1, pages1;
	unsigned int cpu, passed = 0;
	int failed = 0;

	objs0 = st_in_use(&pages0);
	ctx.cpus = kcalloc(nr_cpu_ids, sizeof(*ctx.cpus), GFP_KERNEL);
	if (!ctx.cpus) {
		printk("slub selftest: no memory for the test: FAIL\n");
		return 1;
	}
	for (ctx.phase = 0; ctx.phase < 3; ctx.phase++)
		run_on_cpus(st_phase, &ctx);

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct st_cpu *c = &ctx.cpus[cpu];
		bool ok = c->allocated == ST_OBJS && c->on_node == c->node_asked;

		if (!c->allocated && !c->alloc_failed)
			continue;       /* not online */
		printk("slub selftest: cpu %u (node %d): %u objects in %u size classes allocated and filled, "
		       "%u of %u on node %u as asked: %s\n", cpu, cpu_to_node(cpu), c->allocated,
		       (unsigned int)ST_CLASSES, c->on_node, c->node_asked, c->node, ok ? "PASS" : "FAIL");
		passed += ok;
		failed += !ok;
	}
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct st_cpu *c = &ctx.cpus[cpu];
		unsigned int owner = (cpu + 1) % nr_cpu_ids;
		bool ok = !c->bad_pattern && c->freed == ctx.cpus[owner].allocated;

		if (!c->allocated && !c->alloc_failed)
			continue;
		printk("slub selftest: cpu %u: freed cpu %u's %u objects, %u patterns damaged: %s\n",
		       cpu, owner, c->freed, c->bad_pattern, ok ? "PASS" : "FAIL");
		passed += ok;
		failed += !ok;
	}
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct st_cpu *c = &ctx.cpus[cpu];

		if (!c->allocated && !c->alloc_failed)
			continue;
		printk("slub selftest: cpu %u: %d rounds of %d allocations, each filled, checked and freed: %s\n",
		       cpu, ST_ROUNDS, ST_CHURN, c->churn_bad ? "FAIL" : "PASS");
		passed += !c->churn_bad;
		failed += !!c->churn_bad;
	}
	kfree(ctx.cpus);

	objs1 = st_in_use(&pages1);
	printk("slub selftest: no object left over after shrinking the kmalloc caches "
	       "(%lu objects and %lu slab pages before, %lu and %lu after): %s\n",
	       objs0, pages0, objs1, pages1, objs0 == objs1 && pages0 == pages1 ? "PASS" : "FAIL");
	passed += objs0 == objs1 && pages0 == pages1;
	failed += !(objs0 == objs1 && pages0 == pages1);
	printk("slub selftest: %u passed, %d failed\n", passed, failed);
	return failed;
}

/* ---- slub_bug= ---- */

void slub_bug(const char *kind)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p || !kind) {
		kfree(p);
		return;
	}
	if (!strcmp(kind, "redzone")) {
		printk("slub_bug: writing one byte past kmalloc-64 object 0x%lx\n", (unsigned long)p);
		p[64] = 0x42;
		kfree(p);
	} else if (!strcmp(kind, "poison")) {
		printk("slub_bug: writing to kmalloc-64 object 0x%lx after kfree\n", (unsigned long)p);
		kfree(p);
		p[8] = 0x42;
		kfree(kmalloc(64, GFP_KERNEL));
	} else if (!strcmp(kind, "double_free")) {
		printk("slub_bug: freeing kmalloc-64 object 0x%lx twice\n", (unsigned long)p);
		kfree(p);
		kfree(p);
	} else if (!strcmp(kind, "invalid_free")) {
		printk("slub_bug: kfree(0x%lx), 8 bytes into kmalloc-64 object 0x%lx\n",
		       (unsigned long)(p + 8), (unsigned long)p);
		kfree(p + 8);
	} else {
		printk("slub_bug: unknown kind %s (redzone, poison, double_free, invalid_free)\n", kind);
		kfree(p);
		return;
	}
	printk("slub_bug: %s was not caught (is slub_debug on?)\n", kind);
}

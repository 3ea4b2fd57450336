/*
 * SLUB: the slab allocator (Linux: mm/slub.c and mm/slab_common.c).
 *
 * A cache (struct kmem_cache) hands out objects of one size. Its memory is
 * slabs: blocks of 2^order pages from the page allocator, each cut into
 * objects, the free ones chained through a free pointer stored in each
 * free object at s->offset (slab->freelist is the chain's head). The
 * struct page of a slab's first page is its struct slab (mm/slab.h).
 *
 * Three levels, as in Linux:
 * - Per CPU (kmem_cache_cpu): the CPU slab, frozen (no other CPU allocates
 *   from it), with its own freelist c->freelist; and a short list of
 *   partial slabs kept for this CPU (c->partial). The fast paths only move
 *   objects between c->freelist and the caller: allocation pops the head,
 *   a free to the CPU slab pushes it; no lock, no atomic instruction.
 * - Per node (kmem_cache_node): the partial slabs of the node's memory,
 *   shared by every CPU, under n->list_lock. A CPU whose slab runs out
 *   takes one from its CPU partial list, else from its node (moving up to
 *   half of cpu_partial_slabs more to its CPU list), else from the nearest
 *   node with spare partial slabs, else a new slab from the page allocator.
 * - The page allocator: a node keeps at most min_partial partial slabs
 *   once they become empty; other empty slabs go back at once
 *   (discard_slab), and kmem_cache_shrink() gives back every empty one.
 *
 * Frees to a slab that is not this CPU's slab (__slab_free) go to the
 * slab's own freelist: a frozen slab's CPU picks them up when its
 * c->freelist runs out (get_freelist); a full slab that gets a free goes
 * onto the freeing CPU's partial list; a partial list longer than
 * cpu_partial_slabs moves to the node (__put_partials).
 *
 * Debug caches (slub_debug, mm/slub_debug.c) skip the per-CPU level:
 * every allocation and free takes the node's list_lock and checks the
 * object there (red zones, poison, free-list membership).
 *
 * Locking rules:
 * - Everything here runs with interrupts off (local_irq_save on entry), so
 *   nothing interrupts a CPU inside its own kmem_cache_cpu, which only
 *   that CPU touches (c->freelist, c->slab, c->partial, c->stat). Other
 *   CPUs reach it only by asking that CPU (on_each_cpu: flush_all()).
 * - slab_lock(slab): a bit spinlock in the slab's page->flags (PG_locked,
 *   Linux's fallback for machines without cmpxchg_double). It makes the
 *   update of slab->freelist and slab->counters (inuse, objects, frozen)
 *   one atomic step: slab_update_freelist() compares both and sets both.
 *   Readers of the pair read without it and validate with that update.
 * - n->list_lock protects the node's partial list, nr_partial,
 *   partial_free and each listed slab's node-partial flag. It is also
 *   taken around every update of an unfrozen slab with free objects (the
 *   only slabs that can be on a partial list), so partial_free stays
 *   exact. Debug caches change their slabs only under it.
 * - Lock order: n->list_lock, then slab_lock. Never two list_locks.
 * - slab_caches_lock: the list of caches; kmalloc_caches[] is written
 *   once at boot.
 * - n->nr_slabs, n->total_objects and the slab page counts are atomics:
 *   slabs are created and freed without list_lock.
 */
#include "slab.h"
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp_call.h>
#include <kernel/sprintf.h>
#include <kernel/string.h>

#define _RET_IP_        ((unsigned long)__builtin_return_address(0))

struct kmem_cache *kmalloc_caches[KMALLOC_SHIFT_HIGH + 1];
struct kmem_cache *kmem_cache;
struct kmem_cache *kmem_cache_node;
LIST_HEAD(slab_caches);
DEFINE_SPINLOCK(slab_caches_lock);

#define SLUB_STAT_NAME(x) #x,
const char *const slub_stat_name[NR_SLUB_STAT_ITEMS] = { SLUB_STAT_ITEMS(SLUB_STAT_NAME) };
#undef SLUB_STAT_NAME

/* DOWN: no caches; PARTIAL: kmem_cache_node works; UP: everything. */
static enum { DOWN, PARTIAL, UP } slab_state;

/* Pages in slabs and large kmallocs per node: [nid][reclaimable]. */
static unsigned long slab_pages[MAX_NUMNODES][2];
/* The nearest node with memory, for each node (Linux: numa_mem_id()). */
static int node_mem_node[MAX_NUMNODES];

#define MIN_PARTIAL     5       /* empty slabs a node keeps, at least */
#define MAX_PARTIAL     10      /* and at most */
#define SLUB_MAX_ORDER  PAGE_ALLOC_COSTLY_ORDER

/* Where a deactivated slab goes on the partial list (and its stat item). */
#define DEACTIVATE_TO_HEAD_ 0
#define DEACTIVATE_TO_TAIL_ 1

/* The slab's node-partial flag (Linux: slab_test_node_partial). */
#define SL_partial      PG_workingset

static inline void stat(struct kmem_cache *s, enum stat_item si)
{
	this_cpu_slab(s)->stat[si]++;   /* interrupts are off */
}

unsigned long slab_stat(struct kmem_cache *s, enum stat_item si)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += cpu_slab_stat(s, cpu, si);
	return sum;
}

/* ---- Slab lock, flags and counters ---- */

static inline void slab_lock(struct slab *slab)
{
	const unsigned long bit = 1UL << PG_locked;

	while (__atomic_fetch_or(&slab->__page_flags, bit, __ATOMIC_ACQUIRE) & bit)
		while (__atomic_load_n(&slab->__page_flags, __ATOMIC_RELAXED) & bit)
			__builtin_ia32_pause();
}

static inline void slab_unlock(struct slab *slab)
{
	__atomic_fetch_and(&slab->__page_flags, ~(1UL << PG_locked), __ATOMIC_RELEASE);
}

static inline bool slab_test_node_partial(const struct slab *slab)
{
	return (READ_ONCE(slab->__page_flags) >> SL_partial) & 1;
}

static inline void slab_set_node_partial(struct slab *slab)
{
	__atomic_fetch_or(&slab->__page_flags, 1UL << SL_partial, __ATOMIC_RELAXED);
}

static inline void slab_clear_node_partial(struct slab *slab)
{
	__atomic_fetch_and(&slab->__page_flags, ~(1UL << SL_partial), __ATOMIC_RELAXED);
}

/* Linux's cmpxchg_double of (freelist, counters), done under slab_lock. */
static bool slab_update_freelist(struct slab *slab, void *freelist_old,
				 unsigned long counters_old, void *freelist_new,
				 unsigned long counters_new)
{
	bool ok = false;

	slab_lock(slab);
	if (slab->freelist == freelist_old && slab->counters == counters_old) {
		slab->freelist = freelist_new;
		slab->counters = counters_new;
		ok = true;
	}
	slab_unlock(slab);
	return ok;
}

/* ---- Node lists and counts ---- */

static inline bool node_match(const struct slab *slab, int node)
{
	return node == NUMA_NO_NODE || slab_nid(slab) == node;
}

static inline bool kmem_cache_has_cpu_partial(const struct kmem_cache *s)
{
	return !kmem_cache_debug(s);
}

static void add_partial(struct kmem_cache_node *n, struct slab *slab, int tail)
{
	n->nr_partial++;
	n->partial_free += slab->objects - slab->inuse;
	if (tail == DEACTIVATE_TO_TAIL_)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
	slab_set_node_partial(slab);
}

static void remove_partial(struct kmem_cache_node *n, struct slab *slab)
{
	list_del(&slab->slab_list);
	slab_clear_node_partial(slab);
	n->nr_partial--;
	n->partial_free -= slab->objects - slab->inuse;
}

static void inc_slabs_node(struct kmem_cache *s, int node, unsigned int objects)
{
	struct kmem_cache_node *n = get_node(s, node);

	if (likely(n)) {        /* NULL while kmem_cache_node bootstraps */
		__atomic_fetch_add(&n->nr_slabs, 1UL, __ATOMIC_RELAXED);
		__atomic_fetch_add(&n->total_objects, (unsigned long)objects, __ATOMIC_RELAXED);
	}
}

static void dec_slabs_node(struct kmem_cache *s, int node, unsigned int objects)
{
	struct kmem_cache_node *n = get_node(s, node);

	__atomic_fetch_sub(&n->nr_slabs, 1UL, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&n->total_objects, (unsigned long)objects, __ATOMIC_RELAXED);
}

static void account_pages(int nid, bool reclaimable, long nr)
{
	__atomic_fetch_add(&slab_pages[nid][reclaimable], (unsigned long)nr, __ATOMIC_RELAXED);
}

unsigned long node_slab_pages(int nid, bool reclaimable)
{
	if (nid < 0 || nid >= MAX_NUMNODES)
		return 0;
	return __atomic_load_n(&slab_pages[nid][reclaimable], __ATOMIC_RELAXED);
}

/* ---- Slabs from and back to the page allocator ---- */

static void setup_object(struct kmem_cache *s, void *object)
{
	if (kmem_cache_debug(s))
		setup_object_debug(s, object);
	if (unlikely(s->ctor))
		s->ctor(object);
}

static struct slab *allocate_slab(struct kmem_cache *s, gfp_t flags, int node)
{
	struct kmem_cache_order_objects oo = s->oo;
	gfp_t alloc_gfp;
	struct page *page;
	struct slab *slab;
	unsigned int order, i;
	char *p;

	flags &= ~__GFP_ZERO;
	alloc_gfp = flags;
	/* A higher order than needed is a wish: fail fast, then fall back. */
	if (oo_order(oo) > oo_order(s->min))
		alloc_gfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	page = alloc_pages_node(node, alloc_gfp, oo_order(oo));
	if (unlikely(!page)) {
		oo = s->min;
		page = alloc_pages_node(node, flags, oo_order(oo));
		if (unlikely(!page))
			return NULL;
		stat(s, ORDER_FALLBACK);
	}
	order = oo_order(oo);
	slab = (struct slab *)page;
	slab->slab_cache = s;
	slab->counters = 0;
	slab->objects = oo_objects(oo);
	__SetPageSlab(page);
	for (i = 1; i < (1U << order); i++)
		page[i].compound_head = (unsigned long)page + 1;
	account_pages(slab_nid(slab), s->flags & SLAB_RECLAIM_ACCOUNT, 1L << order);

	p = slab_address(slab);
	if (kmem_cache_debug(s))
		setup_slab_debug(s, slab, p);
	p += s->red_left_pad;
	slab->freelist = p;
	if (kmem_cache_debug(s) || s->ctor) {
		for (i = 0; i < slab->objects; i++, p += s->size) {
			setup_object(s, p);
			set_freepointer(s, p, i + 1 < slab->objects ? p + s->size : NULL);
		}
	} else {
		/* The plain case in a tight loop: a store per object. */
		unsigned int size = s->size, offset = s->offset;
		char *last = p + (size_t)(slab->objects - 1) * size;

		for (; p < last; p += size)
			*(void **)(p + offset) = p + size;
		*(void **)(last + offset) = NULL;
	}
	inc_slabs_node(s, slab_nid(slab), slab->objects);
	return slab;
}

static struct slab *new_slab(struct kmem_cache *s, gfp_t flags, int node)
{
	return allocate_slab(s, flags, node);
}

/* Give the pages back, every word of the struct pages as the page
 * allocator wants it. The slab is on no list and nobody uses it. */
static void free_slab(struct kmem_cache *s, struct slab *slab)
{
	struct page *page = slab_page(slab);
	unsigned int order = slab_order(slab), i;

	if (kmem_cache_debug(s))
		free_slab_debug(s, slab);
	account_pages(slab_nid(slab), s->flags & SLAB_RECLAIM_ACCOUNT, -(1L << order));
	for (i = 1; i < (1U << order); i++)
		page[i].compound_head = 0;
	slab_clear_node_partial(slab);
	INIT_LIST_HEAD(&slab->slab_list);
	slab->slab_cache = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	__ClearPageSlab(page);
	__free_pages(page, order);
}

static void discard_slab(struct kmem_cache *s, struct slab *slab)
{
	dec_slabs_node(s, slab_nid(slab), slab->objects);
	free_slab(s, slab);
	stat(s, FREE_SLAB);
}

/* ---- Per-CPU partial slabs ---- */

/* Move a chain of unfrozen slabs (slab->next) to their nodes' partial
 * lists; empty ones beyond min_partial go back to the page allocator. */
static void __put_partials(struct kmem_cache *s, struct slab *partial_slab)
{
	struct kmem_cache_node *n = NULL, *n2;
	struct slab *slab, *slab_to_discard = NULL;

	while (partial_slab) {
		slab = partial_slab;
		partial_slab = slab->next;
		n2 = get_node(s, slab_nid(slab));
		if (n != n2) {
			if (n)
				spin_unlock(&n->list_lock);
			n = n2;
			spin_lock(&n->list_lock);
		}
		if (unlikely(!slab->inuse && n->nr_partial >= s->min_partial)) {
			slab->next = slab_to_discard;
			slab_to_discard = slab;
		} else {
			add_partial(n, slab, DEACTIVATE_TO_TAIL_);
			stat(s, FREE_ADD_PARTIAL);
		}
	}
	if (n)
		spin_unlock(&n->list_lock);
	while (slab_to_discard) {
		slab = slab_to_discard;
		slab_to_discard = slab->next;
		stat(s, DEACTIVATE_EMPTY);
		discard_slab(s, slab);
	}
}

/* Put an unfrozen slab on this CPU's partial list. With DRAIN, a list
 * already cpu_partial_slabs long first moves to the nodes. */
static void put_cpu_partial(struct kmem_cache *s, struct slab *slab, bool drain)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	struct slab *oldslab = c->partial, *slab_to_put = NULL;
	int slabs = 0;

	if (oldslab) {
		if (drain && oldslab->slabs >= (int)s->cpu_partial_slabs) {
			slab_to_put = oldslab;
			oldslab = NULL;
		} else {
			slabs = oldslab->slabs;
		}
	}
	slab->slabs = slabs + 1;
	slab->next = oldslab;
	c->partial = slab;
	if (slab_to_put) {
		__put_partials(s, slab_to_put);
		stat(s, CPU_PARTIAL_DRAIN);
	}
}

/* ---- Taking slabs for a CPU ---- */

/* Take a slab's whole freelist and freeze it (a partial slab becoming
 * the CPU slab). */
static void *freeze_slab(struct slab *slab)
{
	struct slab new;
	unsigned long counters;
	void *freelist;

	do {
		freelist = READ_ONCE(slab->freelist);
		counters = READ_ONCE(slab->counters);
		new.counters = counters;
		new.inuse = new.objects;
		new.frozen = 1;
	} while (!slab_update_freelist(slab, freelist, counters, NULL, new.counters));
	return freelist;
}

/* The CPU slab's freelist ran out: take what other CPUs freed into it. If
 * there is nothing, the slab is full and no longer frozen. */
static void *get_freelist(struct slab *slab)
{
	struct slab new;
	unsigned long counters;
	void *freelist;

	do {
		freelist = READ_ONCE(slab->freelist);
		counters = READ_ONCE(slab->counters);
		new.counters = counters;
		new.inuse = new.objects;
		new.frozen = freelist != NULL;
	} while (!slab_update_freelist(slab, freelist, counters, NULL, new.counters));
	return freelist;
}

struct partial_context {
	gfp_t flags;
	unsigned int orig_size;
	unsigned long addr;
	void *object;           /* debug caches: the object already taken */
};

/* A debug cache allocates one object at a time, under list_lock. */
static void *alloc_single_from_partial(struct kmem_cache *s, struct kmem_cache_node *n,
				       struct slab *slab, struct partial_context *pc)
{
	void *object = slab->freelist;

	alloc_debug_processing(s, slab, object, pc->addr, pc->orig_size);
	slab->freelist = get_freepointer(s, object);
	slab->inuse++;
	n->partial_free--;
	if (slab->inuse == slab->objects)
		remove_partial(n, slab);
	return object;
}

static void *alloc_single_from_new_slab(struct kmem_cache *s, struct slab *slab,
					struct partial_context *pc)
{
	struct kmem_cache_node *n = get_node(s, slab_nid(slab));
	void *object = slab->freelist;

	alloc_debug_processing(s, slab, object, pc->addr, pc->orig_size);
	slab->freelist = get_freepointer(s, object);
	slab->inuse = 1;
	spin_lock(&n->list_lock);
	if (slab->inuse < slab->objects)
		add_partial(n, slab, DEACTIVATE_TO_HEAD_);
	spin_unlock(&n->list_lock);
	return object;
}

/* A slab from node n's partial list; more of them go to this CPU's
 * partial list. NULL if the node has none. */
static struct slab *get_partial_node(struct kmem_cache *s, struct kmem_cache_node *n,
				     struct partial_context *pc)
{
	struct slab *slab, *slab2, *partial = NULL;
	unsigned int partial_slabs = 0;

	if (!n || !READ_ONCE(n->nr_partial))
		return NULL;
	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, slab2, &n->partial, slab_list) {
		if (kmem_cache_debug(s)) {
			pc->object = alloc_single_from_partial(s, n, slab, pc);
			partial = slab;
			break;
		}
		remove_partial(n, slab);
		if (!partial) {
			partial = slab;
			stat(s, ALLOC_FROM_PARTIAL);
		} else {
			put_cpu_partial(s, slab, false);
			stat(s, CPU_PARTIAL_NODE);
			partial_slabs++;
		}
		if (partial_slabs > s->cpu_partial_slabs / 2)
			break;
	}
	spin_unlock(&n->list_lock);
	return partial;
}

/* Another node's partial slabs, nearest first, from nodes that have more
 * than they keep anyway (Linux: get_any_partial; we always look, as Linux
 * does most of the time with its default remote_node_defrag_ratio). */
static struct slab *get_any_partial(struct kmem_cache *s, struct partial_context *pc)
{
	int nid = numa_node_id();
	struct zonelist *zonelist;
	struct zoneref *z;
	struct zone *zone;
	int last = NUMA_NO_NODE;

	if (nid < 0 || nid >= MAX_NUMNODES || !NODE_DATA(nid))
		return NULL;
	zonelist = &NODE_DATA(nid)->node_zonelists[ZONELIST_FALLBACK];
	for_each_zone_zonelist(zone, z, zonelist, gfp_zone(pc->flags)) {
		struct kmem_cache_node *n;
		struct slab *slab;

		if (zone_to_nid(zone) == last)
			continue;
		last = zone_to_nid(zone);
		n = get_node(s, last);
		if (n && READ_ONCE(n->nr_partial) > s->min_partial) {
			slab = get_partial_node(s, n, pc);
			if (slab)
				return slab;
		}
	}
	return NULL;
}

static struct slab *get_partial(struct kmem_cache *s, int node, struct partial_context *pc)
{
	int searchnode = node == NUMA_NO_NODE ? node_mem_node[numa_node_id()] : node;
	struct slab *slab = get_partial_node(s, get_node(s, searchnode), pc);

	if (slab || (node != NUMA_NO_NODE && (pc->flags & __GFP_THISNODE)))
		return slab;
	return get_any_partial(s, pc);
}

/* Give a CPU slab back: its CPU freelist joins the slab's freelist, the
 * slab is unfrozen and goes to its node's partial list, or back to the
 * page allocator if empty and the node has enough partial slabs, or
 * nowhere if full (a free makes it partial again). */
static void deactivate_slab(struct kmem_cache *s, struct slab *slab, void *freelist)
{
	struct kmem_cache_node *n = get_node(s, slab_nid(slab));
	void *freelist_tail = NULL, *iter;
	int free_delta = 0, tail = DEACTIVATE_TO_HEAD_;
	struct slab old, new;

	if (READ_ONCE(slab->freelist)) {
		stat(s, DEACTIVATE_REMOTE_FREES);
		tail = DEACTIVATE_TO_TAIL_;
	}
	for (iter = freelist; iter; iter = get_freepointer(s, iter)) {
		freelist_tail = iter;
		free_delta++;
	}
	do {
		old.freelist = READ_ONCE(slab->freelist);
		old.counters = READ_ONCE(slab->counters);
		new.counters = old.counters;
		new.frozen = 0;
		if (freelist_tail) {
			new.inuse -= free_delta;
			set_freepointer(s, freelist_tail, old.freelist);
			new.freelist = freelist;
		} else {
			new.freelist = old.freelist;
		}
	} while (!slab_update_freelist(slab, old.freelist, old.counters, new.freelist, new.counters));

	if (!new.inuse && READ_ONCE(n->nr_partial) >= s->min_partial) {
		stat(s, DEACTIVATE_EMPTY);
		discard_slab(s, slab);
	} else if (new.freelist) {
		spin_lock(&n->list_lock);
		add_partial(n, slab, tail);
		spin_unlock(&n->list_lock);
		stat(s, tail == DEACTIVATE_TO_TAIL_ ? DEACTIVATE_TO_TAIL : DEACTIVATE_TO_HEAD);
	} else {
		stat(s, DEACTIVATE_FULL);
	}
}

/* This CPU gives back its slab and its partial slabs (interrupts off). */
static void flush_cpu_slab(void *info)
{
	struct kmem_cache *s = info;
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	struct slab *slab = c->slab, *partial = c->partial;
	void *freelist = c->freelist;

	c->slab = NULL;
	c->freelist = NULL;
	c->partial = NULL;
	if (slab) {
		deactivate_slab(s, slab, freelist);
		stat(s, CPUSLAB_FLUSH);
	}
	if (partial)
		__put_partials(s, partial);
}

static void flush_all(struct kmem_cache *s)
{
	on_each_cpu(flush_cpu_slab, s);
}

/* ---- Allocation ---- */

/*
 * The slow path: the CPU freelist is empty or from the wrong node.
 * Interrupts are off; c is this CPU's.
 */
static void *___slab_alloc(struct kmem_cache *s, gfp_t gfpflags, int node, unsigned long addr,
			   struct kmem_cache_cpu *c, unsigned int orig_size)
{
	struct partial_context pc = { .flags = gfpflags, .orig_size = orig_size, .addr = addr };
	struct slab *slab;
	void *freelist;

	stat(s, ALLOC_SLOWPATH);
	/* A node without memory (or none at all) means "any". */
	if (node != NUMA_NO_NODE && (node < 0 || node >= (int)nr_online_nodes || !get_node(s, node)))
		node = NUMA_NO_NODE;
	slab = c->slab;
	if (!slab)
		goto new_slab;
	if (unlikely(!node_match(slab, node))) {
		stat(s, ALLOC_NODE_MISMATCH);
		freelist = c->freelist;
		c->slab = NULL;
		c->freelist = NULL;
		deactivate_slab(s, slab, freelist);
		goto new_slab;
	}
	freelist = c->freelist;
	if (freelist)
		goto load_freelist;
	freelist = get_freelist(slab);
	if (!freelist) {
		c->slab = NULL;
		stat(s, DEACTIVATE_BYPASS);
		goto new_slab;
	}
	stat(s, ALLOC_REFILL);
load_freelist:
	c->freelist = get_freepointer(s, freelist);
	return freelist;

new_slab:
	while (c->partial) {
		slab = c->partial;
		c->partial = slab->next;
		if (likely(node_match(slab, node))) {
			freelist = freeze_slab(slab);
			c->slab = slab;
			stat(s, CPU_PARTIAL_ALLOC);
			goto load_freelist;
		}
		slab->next = NULL;
		__put_partials(s, slab);
	}

	slab = get_partial(s, node, &pc);
	if (slab) {
		if (kmem_cache_debug(s))
			return pc.object;
		freelist = freeze_slab(slab);
		c->slab = slab;
		goto load_freelist;
	}

	slab = new_slab(s, gfpflags, node);
	if (unlikely(!slab)) {
		if (!(gfpflags & __GFP_NOWARN))
			printk("SLUB: Unable to allocate memory on node %d, gfp=0x%x\n"
			       "  cache: %s, object size: %u, buffer size: %u, order: %u\n",
			       node, gfpflags, s->name, s->object_size, s->size, oo_order(s->oo));
		return NULL;
	}
	stat(s, ALLOC_SLAB);
	if (kmem_cache_debug(s))
		return alloc_single_from_new_slab(s, slab, &pc);
	/* Nobody else sees the new slab yet: no slab_lock needed. */
	freelist = slab->freelist;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = 1;
	c->slab = slab;
	goto load_freelist;
}

static __attribute__((noinline)) void slab_zero(struct kmem_cache *s, void *object,
						unsigned int orig_size)
{
	unsigned int zero_size = s->object_size;

	if (slub_debug_orig_size(s) && orig_size < zero_size)
		zero_size = orig_size;   /* the rest is kmalloc red zone */
	memset(object, 0, zero_size);
}

/* The fast path: pop the CPU freelist (Linux: slab_alloc_node). */
static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfpflags, int node,
					     unsigned long addr, unsigned int orig_size)
{
	struct kmem_cache_cpu *c;
	unsigned long flags;
	void *object;

	local_irq_save(flags);
	c = this_cpu_slab(s);
	object = c->freelist;
	if (likely(object && (node == NUMA_NO_NODE || slab_nid(c->slab) == node)))
		c->freelist = get_freepointer(s, object);
	else
		object = ___slab_alloc(s, gfpflags, node, addr, c, orig_size);
	local_irq_restore(flags);
	if (unlikely(gfpflags & __GFP_ZERO) && likely(object))
		slab_zero(s, object, orig_size);
	return object;
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	return slab_alloc_node(s, flags, NUMA_NO_NODE, _RET_IP_, s->object_size);
}

void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node)
{
	return slab_alloc_node(s, flags, node, _RET_IP_, s->object_size);
}

/* ---- Free ---- */

/* A debug cache frees under list_lock, after the checks. */
static void free_to_partial_list(struct kmem_cache *s, struct slab *slab, void *object,
				 unsigned long addr)
{
	struct kmem_cache_node *n = get_node(s, slab_nid(slab));
	struct slab *slab_free = NULL;
	void *prior;

	spin_lock(&n->list_lock);
	free_debug_processing(s, slab, object, addr);
	prior = slab->freelist;
	set_freepointer(s, object, prior);
	slab->freelist = object;
	slab->inuse--;
	if (!prior) {
		add_partial(n, slab, DEACTIVATE_TO_TAIL_);     /* was full */
		stat(s, FREE_ADD_PARTIAL);
	} else {
		n->partial_free++;
	}
	if (!slab->inuse && n->nr_partial > s->min_partial) {
		remove_partial(n, slab);
		stat(s, FREE_REMOVE_PARTIAL);
		slab_free = slab;
	}
	spin_unlock(&n->list_lock);
	if (slab_free)
		discard_slab(s, slab_free);
}

__noreturn static void double_free(struct kmem_cache *s, struct slab *slab, void *object)
{
	object_err(s, slab, object, "Object already free");
}

/*
 * The slow path of a free: OBJECT's slab is not this CPU's slab
 * (Linux: __slab_free). Interrupts are off.
 */
static void __slab_free(struct kmem_cache *s, struct slab *slab, void *head, void *tail,
			int cnt, unsigned long addr)
{
	struct kmem_cache_node *n = NULL;
	bool was_frozen, on_node_partial = false;
	unsigned long counters;
	struct slab new;
	void *prior;

	stat(s, FREE_SLOWPATH);
	if (kmem_cache_debug(s)) {
		free_to_partial_list(s, slab, head, addr);
		return;
	}
	do {
		if (unlikely(n)) {
			spin_unlock(&n->list_lock);
			n = NULL;
		}
		prior = READ_ONCE(slab->freelist);
		counters = READ_ONCE(slab->counters);
		if (unlikely(prior == head))
			double_free(s, slab, head);
		set_freepointer(s, tail, prior);
		new.counters = counters;
		was_frozen = new.frozen;
		new.inuse -= cnt;
		/* A slab with free objects may be on a node's list: its
		 * counts change under that list's lock. */
		if (!was_frozen && (prior || !kmem_cache_has_cpu_partial(s))) {
			n = get_node(s, slab_nid(slab));
			spin_lock(&n->list_lock);
			on_node_partial = slab_test_node_partial(slab);
		}
	} while (!slab_update_freelist(slab, prior, counters, head, new.counters));

	if (likely(!n)) {
		if (was_frozen) {
			stat(s, FREE_FROZEN);          /* its CPU picks it up */
		} else {
			put_cpu_partial(s, slab, true); /* it was full */
			stat(s, CPU_PARTIAL_FREE);
		}
		return;
	}
	if (prior && !on_node_partial) {        /* on some CPU's partial list */
		spin_unlock(&n->list_lock);
		return;
	}
	if (on_node_partial)
		n->partial_free += cnt;
	if (unlikely(!new.inuse && n->nr_partial >= s->min_partial)) {
		if (prior) {
			remove_partial(n, slab);
			stat(s, FREE_REMOVE_PARTIAL);
		}
		spin_unlock(&n->list_lock);
		discard_slab(s, slab);
		return;
	}
	if (!kmem_cache_has_cpu_partial(s) && unlikely(!prior)) {
		add_partial(n, slab, DEACTIVATE_TO_TAIL_);
		stat(s, FREE_ADD_PARTIAL);
	}
	spin_unlock(&n->list_lock);
}

/* The fast path: push onto the CPU freelist if OBJECT is in the CPU slab
 * (Linux: do_slab_free). */
static __always_inline void slab_free(struct kmem_cache *s, struct slab *slab, void *object,
				      unsigned long addr)
{
	struct kmem_cache_cpu *c;
	unsigned long flags;

	local_irq_save(flags);
	c = this_cpu_slab(s);
	if (likely(slab == c->slab)) {
		void *fp = c->freelist;

		if (unlikely(object == fp))
			double_free(s, slab, object);
		set_freepointer(s, object, fp);
		c->freelist = object;
	} else {
		__slab_free(s, slab, object, object, 1, addr);
	}
	local_irq_restore(flags);
}

__noreturn static void wrong_cache(struct kmem_cache *s, struct slab *slab, void *x)
{
	if (!slab)
		kfree_invalid(x, compound_head(virt_to_page(x)));
	printk("cache_from_obj: Wrong slab cache. %s but object is from %s\n",
	       s->name, slab->slab_cache->name);
	object_err(slab->slab_cache, slab, x, "Wrong slab cache");
}

void kmem_cache_free(struct kmem_cache *s, void *x)
{
	struct slab *slab;

	if (unlikely(!x))
		return;
	slab = virt_to_slab(x);
	if (unlikely(!slab || ((s->flags & SLAB_CONSISTENCY_CHECKS) && slab->slab_cache != s)))
		wrong_cache(s, slab, x);
	slab_free(s, slab, x, _RET_IP_);
}

/* ---- kmalloc ---- */

/* kmalloc_caches[] index for sizes 1..192, by (size - 1) / 8 (Linux's
 * kmalloc_size_index); above, the power of two. */
static const u8 kmalloc_size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2,
};

static inline unsigned int fls_long(unsigned long x)
{
	return x ? 64 - (unsigned int)__builtin_clzl(x) : 0;
}

struct kmem_cache *kmalloc_slab(size_t size)
{
	if (size <= 192)
		return kmalloc_caches[kmalloc_size_index[(size - 1) / 8]];
	return kmalloc_caches[fls_long(size - 1)];
}

void *kmalloc_large_node(size_t size, gfp_t flags, int node)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		if (!(flags & __GFP_NOWARN))
			printk("kmalloc: %zu bytes is more than KMALLOC_MAX_SIZE\n", size);
		return NULL;
	}
	if (node < 0 || node >= (int)nr_online_nodes)
		node = NUMA_NO_NODE;
	page = alloc_pages_node(node, flags, order);
	if (unlikely(!page))
		return NULL;
	__SetPageLargeKmalloc(page);
	account_pages(page_to_nid(page), false, 1L << order);
	return page_address(page);
}

void *kmalloc_large(size_t size, gfp_t flags)
{
	return kmalloc_large_node(size, flags, NUMA_NO_NODE);
}

static void free_large_kmalloc(struct page *page, void *object)
{
	unsigned int order;

	if (unlikely(!PageLargeKmalloc(page) || object != page_address(page)))
		kfree_invalid(object, page);
	order = (unsigned int)page_alloc_order(page);
	account_pages(page_to_nid(page), false, -(1L << order));
	__ClearPageLargeKmalloc(page);
	__free_pages(page, order);
}

static __always_inline void *__do_kmalloc_node(size_t size, gfp_t flags, int node,
					       unsigned long caller)
{
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large_node(size, flags, node);
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	return slab_alloc_node(kmalloc_slab(size), flags, node, caller, (unsigned int)size);
}

void *__kmalloc(size_t size, gfp_t flags)
{
	return __do_kmalloc_node(size, flags, NUMA_NO_NODE, _RET_IP_);
}

void *__kmalloc_node(size_t size, gfp_t flags, int node)
{
	return __do_kmalloc_node(size, flags, node, _RET_IP_);
}

void *kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size)
{
	return slab_alloc_node(s, flags, NUMA_NO_NODE, _RET_IP_, (unsigned int)size);
}

void *kmalloc_node_trace(struct kmem_cache *s, gfp_t flags, int node, size_t size)
{
	return slab_alloc_node(s, flags, node, _RET_IP_, (unsigned int)size);
}

/* The page of X, or its head page for a tail of a multi-page slab. */
static __attribute__((noinline)) struct page *kfree_head_page(const void *x)
{
	return compound_head(virt_to_page(x));
}

void kfree(const void *x)
{
	struct page *page;
	struct slab *slab;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	/* The page itself first: for an order-0 slab it is the head, and the
	 * cache (hence this CPU's freelist) is known one load sooner. */
	page = virt_to_page(x);
	if (unlikely(!PageSlab(page))) {
		page = kfree_head_page(x);
		if (unlikely(!PageSlab(page))) {
			free_large_kmalloc(page, (void *)x);
			return;
		}
	}
	slab = (struct slab *)page;
	slab_free(slab->slab_cache, slab, (void *)x, _RET_IP_);
}

size_t ksize(const void *p)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return 0;
	page = compound_head(virt_to_page(p));
	if (PageSlab(page))
		return ((struct slab *)page)->slab_cache->object_size;
	if (PageLargeKmalloc(page) && p == page_address(page))
		return PAGE_SIZE << page_alloc_order(page);
	kfree_invalid(p, page);
}

void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	struct kmem_cache *s = NULL;
	size_t ks = 0, orig = 0;
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (!ZERO_OR_NULL_PTR(p)) {
		struct slab *slab = virt_to_slab(p);

		ks = ksize(p);
		orig = ks;
		if (slab) {
			s = slab->slab_cache;
			if (slub_debug_orig_size(s))
				orig = get_orig_size(s, (void *)p);
		}
	}
	if (new_size <= ks) {           /* still fits: keep it */
		if (flags & __GFP_ZERO)
			memset((char *)p + new_size, 0, ks - new_size);
		if (s && slub_debug_orig_size(s)) {
			set_orig_size(s, (void *)p, (unsigned int)new_size);
			if ((s->flags & SLAB_RED_ZONE) && new_size < ks)
				memset((char *)p + new_size, SLUB_RED_ACTIVE, ks - new_size);
		}
		return (void *)p;
	}
	ret = __do_kmalloc_node(new_size, flags, NUMA_NO_NODE, _RET_IP_);
	if (ret && ks) {
		memcpy(ret, p, min(orig, new_size));
		kfree(p);
	}
	return ret;
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

/* ---- Cache geometry ---- */

static inline unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)(PAGE_SIZE << order) / size;
}

static inline struct kmem_cache_order_objects oo_make(unsigned int order, unsigned int size)
{
	struct kmem_cache_order_objects x = { (order << OO_SHIFT) + order_objects(order, size) };

	return x;
}

static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract_leftover)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* The slab order for objects of SIZE bytes (Linux: calculate_order):
 * the smallest that holds min_objects (more with more CPUs) and wastes at
 * most 1/16 of the slab (then 1/8, 1/4, 1/2), up to SLUB_MAX_ORDER. */
static int calculate_order(unsigned int size)
{
	unsigned int min_objects = 4 * (fls_long(nr_cpu_ids) + 1);
	unsigned int max_objects = max(order_objects(SLUB_MAX_ORDER, size), 1U);
	unsigned int min_order, order, fraction;

	min_objects = min(min_objects, max_objects);
	min_order = get_order((unsigned long)min_objects * size);
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	for (fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, SLUB_MAX_ORDER, fraction);
		if (order <= SLUB_MAX_ORDER)
			return (int)order;
	}
	order = get_order(size);
	return order <= MAX_PAGE_ORDER ? (int)order : -1;
}

static unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = SMP_CACHE_BYTES;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, (unsigned int)sizeof(void *));
	return ALIGN(align, (unsigned int)sizeof(void *));
}

/*
 * Object layout (Linux's, see also mm/slub_debug.c):
 *   [left red zone: red_left_pad] object [right red zone up to inuse]
 *   [free pointer, if it cannot live inside the object] [track alloc,
 *   track free, orig_size (SLAB_STORE_USER)] [padding] ... s->size
 * The free pointer lives in the middle of the object unless the object's
 * contents must survive a free (constructor) or are poisoned.
 */
static bool calculate_sizes(struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned int size = ALIGN(s->object_size, (unsigned int)sizeof(void *));
	int order;

	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);         /* a right red zone, at least a word */
	s->inuse = size;
	if ((flags & SLAB_POISON) || s->ctor) {
		s->offset = size;
		size += sizeof(void *);
	} else {
		s->offset = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(void *));
	}
	size += slab_debug_metadata_size(s);
	if (flags & SLAB_RED_ZONE) {
		size += sizeof(void *);         /* catches writes before the next object */
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	s->size = ALIGN(size, s->align);
	order = calculate_order(s->size);
	if (order < 0)
		return false;
	s->oo = oo_make((unsigned int)order, s->size);
	s->min = oo_make(get_order(s->size), s->size);
	return oo_objects(s->oo) != 0;
}

static void set_cpu_partial(struct kmem_cache *s)
{
	unsigned int nr_objects;

	if (!kmem_cache_has_cpu_partial(s))
		nr_objects = 0;
	else if (s->size >= PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	s->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, oo_objects(s->oo));
}

static void init_kmem_cache_node(struct kmem_cache_node *n)
{
	spin_lock_init(&n->list_lock);
	n->nr_partial = 0;
	INIT_LIST_HEAD(&n->partial);
	n->partial_free = 0;
	n->nr_slabs = 0;
	n->total_objects = 0;
}

/* The first kmem_cache_node of a node, from a slab of kmem_cache_node
 * itself (Linux: early_kmem_cache_node_alloc). */
static bool early_kmem_cache_node_alloc(int node)
{
	struct kmem_cache_node *n;
	struct slab *slab = new_slab(kmem_cache_node, GFP_NOWAIT, node);

	if (!slab)
		return false;
	if (slab_nid(slab) != node)
		printk("SLUB: Unable to allocate memory from node %d\n", node);
	n = slab->freelist;
	slab->freelist = get_freepointer(kmem_cache_node, n);
	slab->inuse = 1;
	if (kmem_cache_debug(kmem_cache_node))
		alloc_debug_processing(kmem_cache_node, slab, n, _RET_IP_,
				       sizeof(struct kmem_cache_node));
	kmem_cache_node->node[slab_nid(slab)] = n;
	init_kmem_cache_node(n);
	inc_slabs_node(kmem_cache_node, slab_nid(slab), slab->objects);
	add_partial(n, slab, DEACTIVATE_TO_HEAD_);
	return true;
}

static void free_kmem_cache_nodes(struct kmem_cache *s)
{
	for (int node = 0; node < (int)nr_online_nodes; node++) {
		if (s->node[node])
			kmem_cache_free(kmem_cache_node, s->node[node]);
		s->node[node] = NULL;
	}
}

static bool init_kmem_cache_nodes(struct kmem_cache *s)
{
	int node;

	for_each_node_state(node, N_MEMORY) {
		struct kmem_cache_node *n;

		if (slab_state == DOWN) {
			if (!early_kmem_cache_node_alloc(node))
				return false;
			continue;
		}
		n = kmem_cache_alloc_node(kmem_cache_node, GFP_KERNEL, node);
		if (!n) {
			free_kmem_cache_nodes(s);
			return false;
		}
		init_kmem_cache_node(n);
		s->node[node] = n;
	}
	return true;
}

/* Fill in S (memory of kmem_cache_struct_size() bytes) and, with NODES,
 * its kmem_cache_nodes. */
static bool kmem_cache_open(struct kmem_cache *s, const char *name, unsigned int size,
			    unsigned int align, slab_flags_t flags, void (*ctor)(void *),
			    bool nodes)
{
	size_t i;

	/* Only what is used: node[] up to nr_online_nodes, nr_cpu_ids CPUs
	 * (memset runs at ~3 us per 8 bytes in interpreted ring 0). */
	memset(s, 0, offsetof(struct kmem_cache, node) + nr_online_nodes * sizeof(s->node[0]));
	memset(s->cpu_slab, 0, nr_cpu_ids * sizeof(s->cpu_slab[0]));
	/* (Not snprintf: vsnprintf costs ~1 ms of interpreted ring 0.) */
	for (i = 0; i < sizeof(s->name) - 1 && name[i]; i++)
		s->name[i] = name[i];
	s->flags = kmem_cache_debug_flags_for(name, flags);
	s->object_size = size;
	s->align = calculate_alignment(flags, align, size);
	s->ctor = ctor;
	s->refcount = 1;
	if (!calculate_sizes(s))
		return false;
	/* Linux: ilog2(size) / 2, within [MIN_PARTIAL, MAX_PARTIAL]. */
	s->min_partial = min((unsigned long)MAX_PARTIAL, (unsigned long)(fls_long(s->size) - 1) / 2);
	s->min_partial = max((unsigned long)MIN_PARTIAL, s->min_partial);
	set_cpu_partial(s);
	return !nodes || init_kmem_cache_nodes(s);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	struct kmem_cache *s = NULL;
	unsigned long irqflags;

	if (slab_state < UP || !name || !size || size > KMALLOC_MAX_SIZE ||
	    (align & (align - 1)))
		goto out;
	s = kmem_cache_alloc(kmem_cache, GFP_KERNEL);
	if (!s)
		goto out;
	if (!kmem_cache_open(s, name, size, align, flags & ~SLAB_KMALLOC, ctor, true)) {
		kmem_cache_free(kmem_cache, s);
		s = NULL;
		goto out;
	}
	spin_lock_irqsave(&slab_caches_lock, irqflags);
	list_add(&s->list, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, irqflags);
out:
	if (!s && (flags & SLAB_PANIC))
		panic("kmem_cache_create: failed to create slab cache '%s'", name ? name : "(null)");
	if (!s)
		printk("kmem_cache_create(%s) failed\n", name ? name : "(null)");
	return s;
}

/* Empty partial slabs of every node back to the page allocator; true if
 * the cache still has slabs. */
static bool shrink_nodes(struct kmem_cache *s)
{
	bool left = false;

	for (int node = 0; node < (int)nr_online_nodes; node++) {
		struct kmem_cache_node *n = get_node(s, node);
		struct slab *slab, *t;
		unsigned long flags;
		LIST_HEAD(discard);

		if (!n)
			continue;
		local_irq_save(flags);
		spin_lock(&n->list_lock);
		list_for_each_entry_safe(slab, t, &n->partial, slab_list) {
			if (!slab->inuse) {
				remove_partial(n, slab);
				list_add(&slab->slab_list, &discard);
			}
		}
		spin_unlock(&n->list_lock);
		list_for_each_entry_safe(slab, t, &discard, slab_list)
			discard_slab(s, slab);
		local_irq_restore(flags);
		left |= READ_ONCE(n->nr_slabs) != 0;
	}
	return left;
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	flush_all(s);
	return shrink_nodes(s) ? 1 : 0;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	unsigned long flags;

	if (!s)
		return;
	if ((s->flags & SLAB_KMALLOC) || s == kmem_cache || s == kmem_cache_node) {
		printk("kmem_cache_destroy %s: a boot cache is never destroyed\n", s->name);
		return;
	}
	spin_lock_irqsave(&slab_caches_lock, flags);
	if (--s->refcount) {
		spin_unlock_irqrestore(&slab_caches_lock, flags);
		return;
	}
	list_del(&s->list);
	spin_unlock_irqrestore(&slab_caches_lock, flags);

	flush_all(s);
	if (shrink_nodes(s)) {
		unsigned long objs = 0;
		struct slabinfo si;

		get_slabinfo(s, &si);
		objs = si.active_objs;
		printk("kmem_cache_destroy %s: Slab cache still has objects (%lu in use)\n",
		       s->name, objs);
		spin_lock_irqsave(&slab_caches_lock, flags);
		s->refcount++;
		list_add(&s->list, &slab_caches);
		spin_unlock_irqrestore(&slab_caches_lock, flags);
		return;
	}
	free_kmem_cache_nodes(s);
	kmem_cache_free(kmem_cache, s);
}

/* ---- Boot ---- */

static void create_boot_cache(struct kmem_cache *s, const char *name, unsigned int size,
			      slab_flags_t flags, bool nodes)
{
	unsigned int align = sizeof(void *);

	/* kmalloc objects are aligned to the largest power of two dividing
	 * their size: a power-of-two size is naturally aligned (Linux). */
	if (flags & SLAB_KMALLOC)
		align = max(align, 1U << __builtin_ctz(size));
	if (!kmem_cache_open(s, name, size, align, flags, NULL, nodes))
		panic("SLUB: creating cache %s (size %u) failed", name, size);
	list_add(&s->list, &slab_caches);
}

static const char *const kmalloc_names[KMALLOC_SHIFT_HIGH + 1] = {
	[1] = "kmalloc-96", [2] = "kmalloc-192", [3] = "kmalloc-8", [4] = "kmalloc-16",
	[5] = "kmalloc-32", [6] = "kmalloc-64", [7] = "kmalloc-128", [8] = "kmalloc-256",
	[9] = "kmalloc-512", [10] = "kmalloc-1k", [11] = "kmalloc-2k", [12] = "kmalloc-4k",
	[13] = "kmalloc-8k",
};

static void new_kmalloc_cache(unsigned int idx)
{
	unsigned int size = idx == 1 ? 96 : idx == 2 ? 192 : 1U << idx;
	struct kmem_cache *s = kmem_cache_alloc(kmem_cache, GFP_NOWAIT);

	if (!s)
		panic("SLUB: no memory for %s", kmalloc_names[idx]);
	create_boot_cache(s, kmalloc_names[idx], size, SLAB_KMALLOC, false);
	kmalloc_caches[idx] = s;
}

/* The kmalloc caches' kmem_cache_nodes, node by node: the CPU slab of
 * kmem_cache_node changes node once per node, not once per cache and node
 * (each change walks a freelist: slow in interpreted ring 0). */
static void init_kmalloc_cache_nodes(void)
{
	int node;

	for_each_node_state(node, N_MEMORY) {
		for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
			struct kmem_cache_node *n;

			if (!kmalloc_caches[i])
				continue;
			n = kmem_cache_alloc_node(kmem_cache_node, GFP_NOWAIT, node);
			if (!n)
				panic("SLUB: no memory for %s's node %d", kmalloc_names[i], node);
			init_kmem_cache_node(n);
			kmalloc_caches[i]->node[node] = n;
		}
	}
}

void kmem_cache_init(void)
{
	size_t size = ALIGN(kmem_cache_struct_size(), (size_t)SMP_CACHE_BYTES);
	struct page *page;
	int nid;

	/* Each node's nearest node with memory (itself if it has some). */
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct zoneref *z;

		node_mem_node[nid] = 0;
		if (nid >= (int)nr_online_nodes || !NODE_DATA(nid))
			continue;
		z = first_zones_zonelist(&NODE_DATA(nid)->node_zonelists[ZONELIST_FALLBACK],
					 ZONE_NORMAL);
		node_mem_node[nid] = z->zone ? zone_to_nid(z->zone) : 0;
	}
	/* The two boot caches live in pages of their own, for good. */
	page = alloc_pages(GFP_NOWAIT, get_order(2 * size));
	if (!page)
		panic("SLUB: no memory for the boot caches");
	kmem_cache_node = page_address(page);
	kmem_cache = (struct kmem_cache *)((char *)kmem_cache_node + size);

	create_boot_cache(kmem_cache_node, "kmem_cache_node", sizeof(struct kmem_cache_node), 0,
			  true);
	slab_state = PARTIAL;
	create_boot_cache(kmem_cache, "kmem_cache", (unsigned int)kmem_cache_struct_size(),
			  SLAB_HWCACHE_ALIGN, true);
	for (unsigned int i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH; i++) {
		new_kmalloc_cache(i);
		if (i == 6)
			new_kmalloc_cache(1);   /* 96 after 64 */
		if (i == 7)
			new_kmalloc_cache(2);   /* 192 after 128 */
	}
	init_kmalloc_cache_nodes();
	slab_state = UP;
	printk("SLUB: HWalign=%d, Order=0-%d, MinObjects=%u, CPUs=%u, Nodes=%u%s\n",
	       SMP_CACHE_BYTES, SLUB_MAX_ORDER, 4 * (fls_long(nr_cpu_ids) + 1), nr_cpu_ids,
	       nr_online_nodes, kmem_cache_debug(kmalloc_caches[6]) ? ", slub_debug on" : "");
}

/* ---- Statistics ---- */

void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	unsigned long nr_slabs = 0, nr_objs = 0, nr_free = 0;

	for (int node = 0; node < (int)nr_online_nodes; node++) {
		struct kmem_cache_node *n = get_node(s, node);

		if (!n)
			continue;
		nr_slabs += __atomic_load_n(&n->nr_slabs, __ATOMIC_RELAXED);
		nr_objs += __atomic_load_n(&n->total_objects, __ATOMIC_RELAXED);
		nr_free += READ_ONCE(n->partial_free);
	}
	sinfo->active_objs = nr_objs > nr_free ? nr_objs - nr_free : 0;
	sinfo->num_objs = nr_objs;
	sinfo->active_slabs = nr_slabs;
	sinfo->num_slabs = nr_slabs;
	sinfo->objects_per_slab = oo_objects(s->oo);
	sinfo->cache_order = oo_order(s->oo);
	sinfo->objsize = s->size;
}

/* /proc/slabinfo (version 2.1, as SLUB prints it: no tunables). */
void show_slabinfo(void)
{
	struct kmem_cache *s;
	unsigned long flags;

	printk("slabinfo - version: 2.1\n");
	printk("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	       " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
	       " <num_slabs> <sharedavail>\n");
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo si;

		get_slabinfo(s, &si);
		printk("%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		       s->name, si.active_objs, si.num_objs, si.objsize, si.objects_per_slab,
		       1 << si.cache_order, 0U, 0U, 0U, si.active_slabs, si.num_slabs, 0UL);
	}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

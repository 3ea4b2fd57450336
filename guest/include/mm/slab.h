/*
 * The slab allocator's interface: object caches and kmalloc
 * (Linux: include/linux/slab.h). The allocator is SLUB (mm/slub.c).
 *
 *   s = kmem_cache_create("name", size, align, flags, ctor);
 *   obj = kmem_cache_alloc(s, GFP_KERNEL);   kmem_cache_free(s, obj);
 *   p = kmalloc(size, GFP_KERNEL);           kfree(p);
 *
 * kmalloc sizes up to KMALLOC_MAX_CACHE_SIZE (8 KiB) come from the
 * kmalloc-8 .. kmalloc-8k caches (Linux's size classes: powers of two and
 * 96, 192); larger ones straight from the page allocator, up to
 * KMALLOC_MAX_SIZE (one MAX_PAGE_ORDER block). kmalloc(0) returns
 * ZERO_SIZE_PTR, which kfree() accepts. Every function may be called with
 * interrupts on or off and never sleeps (gfp says only where memory may
 * come from); NULL means no memory.
 *
 * Set-up: kmem_cache_init() once, after mm_core_init() and before the
 * first kmalloc. setup_slub_debug() before it turns on the debug checks
 * (the slub_debug command-line switch).
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <kernel/compiler.h>
#include <kernel/smp.h>
#include <kernel/types.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

typedef unsigned int slab_flags_t;

/* Debug flags (slub_debug letters F, Z, P, U: Linux's). */
#define SLAB_CONSISTENCY_CHECKS ((slab_flags_t)0x00000100U) /* F: check on alloc and free */
#define SLAB_RED_ZONE           ((slab_flags_t)0x00000400U) /* Z: red zones around objects */
#define SLAB_POISON             ((slab_flags_t)0x00000800U) /* P: poison free objects */
#define SLAB_STORE_USER         ((slab_flags_t)0x00010000U) /* U: remember who allocated/freed */
/* Other flags. */
#define SLAB_HWCACHE_ALIGN      ((slab_flags_t)0x00002000U) /* align objects on cache lines */
#define SLAB_PANIC              ((slab_flags_t)0x00040000U) /* panic if creation fails */
#define SLAB_RECLAIM_ACCOUNT    ((slab_flags_t)0x00020000U) /* counted as nr_slab_reclaimable */
#define SLAB_KMALLOC            ((slab_flags_t)0x00100000U) /* a kmalloc-* cache */

#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* kmalloc size classes: kmalloc_caches[i] holds objects of 1 << i bytes
 * for i = KMALLOC_SHIFT_LOW..KMALLOC_SHIFT_HIGH, [1] 96 and [2] 192. */
#define KMALLOC_SHIFT_LOW       3
#define KMALLOC_SHIFT_HIGH      (PAGE_SHIFT + 1)
#define KMALLOC_MIN_SIZE        (1UL << KMALLOC_SHIFT_LOW)
#define KMALLOC_MAX_CACHE_SIZE  (1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_SIZE        (PAGE_SIZE << MAX_PAGE_ORDER)

/* kmalloc(0): a unique non-NULL pointer that faults when used. */
#define ZERO_SIZE_PTR           ((void *)16)
#define ZERO_OR_NULL_PTR(x)     ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;

extern struct kmem_cache *kmalloc_caches[KMALLOC_SHIFT_HIGH + 1];

/* The size class of a kmalloc of SIZE bytes (0 for 0; SIZE must be at
 * most KMALLOC_MAX_CACHE_SIZE). Folds to a constant for a constant SIZE. */
static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	if (size <= 16)
		return 4;
	if (size <= 32)
		return 5;
	if (size <= 64)
		return 6;
	if (size <= 128)
		return 7;
	if (size <= 256)
		return 8;
	if (size <= 512)
		return 9;
	if (size <= 1024)
		return 10;
	if (size <= 2048)
		return 11;
	if (size <= 4096)
		return 12;
	return 13;
}
_Static_assert(KMALLOC_SHIFT_HIGH == 13, "kmalloc_index() knows classes up to 8 KiB");

/* The cache kmalloc(SIZE) uses, for any SIZE in 1..KMALLOC_MAX_CACHE_SIZE. */
struct kmem_cache *kmalloc_slab(size_t size);

/* ---- Caches ---- */

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *));
/* Free an unused cache; one that still has objects is reported and kept. */
void kmem_cache_destroy(struct kmem_cache *s);
/* Give every CPU's cached slabs back to the nodes and the empty slabs back
 * to the page allocator. Returns 0 if the cache then has no slabs left. */
int kmem_cache_shrink(struct kmem_cache *s);

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node);
void kmem_cache_free(struct kmem_cache *s, void *x);

static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags)
{
	return kmem_cache_alloc(s, flags | __GFP_ZERO);
}

unsigned int kmem_cache_size(struct kmem_cache *s);     /* object size */
const char *kmem_cache_name(const struct kmem_cache *s);

/* ---- kmalloc ---- */

void *__kmalloc(size_t size, gfp_t flags);
void *__kmalloc_node(size_t size, gfp_t flags, int node);
/* Above KMALLOC_MAX_CACHE_SIZE: whole pages from the page allocator. */
void *kmalloc_large(size_t size, gfp_t flags);
void *kmalloc_large_node(size_t size, gfp_t flags, int node);
/* kmem_cache_alloc of a kmalloc cache that remembers SIZE (for slub_debug). */
void *kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size);
void *kmalloc_node_trace(struct kmem_cache *s, gfp_t flags, int node, size_t size);

static __always_inline void *kmalloc(size_t size, gfp_t flags)
{
	if (__builtin_constant_p(size) && size) {
		if (size > KMALLOC_MAX_CACHE_SIZE)
			return kmalloc_large(size, flags);
		return kmalloc_trace(kmalloc_caches[kmalloc_index(size)], flags, size);
	}
	return __kmalloc(size, flags);
}

static __always_inline void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	if (__builtin_constant_p(size) && size) {
		if (size > KMALLOC_MAX_CACHE_SIZE)
			return kmalloc_large_node(size, flags, node);
		return kmalloc_node_trace(kmalloc_caches[kmalloc_index(size)], flags, node, size);
	}
	return __kmalloc_node(size, flags, node);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kzalloc_node(size_t size, gfp_t flags, int node)
{
	return kmalloc_node(size, flags | __GFP_ZERO, node);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return __kmalloc(n * size, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

void kfree(const void *x);
/* Resize P (NULL: allocate) keeping its contents; NEW_SIZE 0 frees it.
 * On failure P is left as it was and NULL returned. */
void *krealloc(const void *p, size_t new_size, gfp_t flags);
/* How many bytes the object at P really has (its size class). */
size_t ksize(const void *p);

/* ---- Set-up, statistics, reports ---- */

void kmem_cache_init(void);
/*
 * slub_debug[=FLAGS[,CACHE[,CACHE...]]] (Linux's syntax): FLAGS are letters
 * F (consistency checks), Z (red zones), P (poisoning), U (store user),
 * '-' (none); no FLAGS means FZPU. Without CACHE names every cache is
 * debugged. STR is what follows "slub_debug" ("" for the bare switch, or
 * "=..."; a leading '=' is optional), NULL for no debugging. Call before
 * kmem_cache_init(); caches created later also follow it.
 */
void setup_slub_debug(const char *str);

/* One cache's /proc/slabinfo figures (Linux: struct slabinfo). */
struct slabinfo {
	unsigned long active_objs;      /* objects not free on a node's partial list */
	unsigned long num_objs;         /* objects in all slabs */
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned int objects_per_slab;
	unsigned int cache_order;       /* pages per slab = 1 << cache_order */
	unsigned int objsize;           /* bytes per object with its metadata */
};
void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo);

/* Pages in slabs (and large kmallocs) on node NID: Linux's
 * nr_slab_reclaimable / nr_slab_unreclaimable. */
unsigned long node_slab_pages(int nid, bool reclaimable);

/* /proc/slabinfo on the console (the slabinfo switch). */
void show_slabinfo(void);

/*
 * Self-test (mm/slub_selftest.c), the slub_selftest switch: three phases,
 * each run on every CPU at once by RUN_ON_CPUS (which returns when every
 * CPU has run FUNC(INFO); the guest runs them through its work queues,
 * the host tests pass on_each_cpu): 0) allocate objects of several kmalloc
 * classes, half of them on the next node (kmalloc_node), and fill each
 * with a pattern; 1) check the next CPU's objects and free them (frees
 * from another CPU); 2) churn allocations and frees locally, checking each
 * object. Then it shrinks the kmalloc caches and checks that no object is
 * left over. It prints "slub selftest: <check>: PASS|FAIL" lines and a
 * summary and returns the number of failed checks. Call it on one CPU.
 */
int slub_selftest(void (*run_on_cpus)(void (*func)(void *), void *info));
/*
 * slub_bug=KIND: a deliberate bug for the slub_debug report: redzone
 * (write past a kmalloc-64 object), poison (write to one after kfree),
 * double_free, invalid_free (kfree of a pointer inside an object). Prints
 * the object's address first. Returns only if nothing caught the bug.
 */
void slub_bug(const char *kind);

#endif

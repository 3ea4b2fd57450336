/*
 * SLUB's structures (Linux: mm/slab.h, the struct slab and kmem_cache
 * definitions of mm/slub.c). Shared by mm/slub*.c and the host tests,
 * which look inside; everyone else uses <mm/slab.h>.
 *
 * A slab is one block of 2^order pages from the page allocator, cut into
 * objects of one cache. Its head page's struct page is read as a struct
 * slab (the same 64 bytes, overlaid as Linux does): page_type PGTY_slab,
 * the cache, the free objects and the counts live in the words the buddy
 * allocator uses for its lists while a page is free. Tail pages only
 * point at the head (compound_head). Every field is given back to the
 * page allocator's meaning (zero) before the slab is freed.
 */
#ifndef GUEST_MM_SLAB_H
#define GUEST_MM_SLAB_H

#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <mm/mm.h>
#include <mm/slab.h>

struct slab {
	unsigned long __page_flags;     /* page->flags: PG_locked is slab_lock() */
	union {
		struct list_head slab_list;     /* on its node's partial list */
		struct {                        /* on a CPU's partial list */
			struct slab *next;
			int slabs;              /* slabs on the list from this one on */
		};
	};
	struct kmem_cache *slab_cache;  /* overlays page->mapping */
	void *freelist;                 /* first free object (not the CPU's) */
	union {
		unsigned long counters;         /* updated with freelist, under slab_lock() */
		struct {
			unsigned inuse:16;      /* objects not on freelist */
			unsigned objects:15;
			unsigned frozen:1;      /* a CPU slab: only its CPU allocates */
		};
	};
	unsigned int __page_type;       /* PGTY_slab */
	int __page_mapcount;
	int __page_refcount;
	unsigned int __page_unused;
};

#define SLAB_MATCH(pg, sl) \
	_Static_assert(__builtin_offsetof(struct page, pg) == __builtin_offsetof(struct slab, sl), \
		       "struct slab: " #sl " must overlay page->" #pg)
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(lru, slab_list);
SLAB_MATCH(compound_head, slab_list);
SLAB_MATCH(mapping, slab_cache);
SLAB_MATCH(index, freelist);
SLAB_MATCH(private, counters);
SLAB_MATCH(page_type, __page_type);
SLAB_MATCH(_mapcount, __page_mapcount);
SLAB_MATCH(_refcount, __page_refcount);
#undef SLAB_MATCH
_Static_assert(sizeof(struct slab) == sizeof(struct page), "struct slab overlays struct page");

#define MAX_OBJS_PER_PAGE       32767   /* slab->objects is 15 bits */

static inline struct page *slab_page(const struct slab *slab)
{
	return (struct page *)slab;
}

static inline void *slab_address(const struct slab *slab)
{
	return page_address(slab_page(slab));
}

static inline int slab_nid(const struct slab *slab)
{
	return page_to_nid(slab_page(slab));
}

static inline unsigned int slab_order(const struct slab *slab)
{
	return (unsigned int)page_alloc_order(slab_page(slab));
}

static inline size_t slab_size(const struct slab *slab)
{
	return PAGE_SIZE << slab_order(slab);
}

/* The slab an address lies in, or NULL if its page is not a slab's. */
static inline struct slab *virt_to_slab(const void *addr)
{
	struct page *page = compound_head(virt_to_page(addr));

	return PageSlab(page) ? (struct slab *)page : NULL;
}

/* Slow-path events of one CPU (Linux: enum stat_item, CONFIG_SLUB_STATS).
 * The fast paths count nothing. */
#define SLUB_STAT_ITEMS(X) \
	X(ALLOC_SLOWPATH)       /* allocation missed the CPU freelist */ \
	X(ALLOC_REFILL)         /* CPU freelist refilled from its slab's remote frees */ \
	X(ALLOC_FROM_PARTIAL)   /* CPU slab taken from the node's partial list */ \
	X(ALLOC_SLAB)           /* new slab from the page allocator */ \
	X(ALLOC_NODE_MISMATCH)  /* CPU slab on another node than asked */ \
	X(FREE_SLOWPATH)        /* free to another slab than the CPU slab */ \
	X(FREE_FROZEN)          /* ... to another CPU's slab */ \
	X(FREE_ADD_PARTIAL)     /* slab put on a node partial list */ \
	X(FREE_REMOVE_PARTIAL)  /* empty slab taken off a node partial list */ \
	X(FREE_SLAB)            /* slab given back to the page allocator */ \
	X(CPUSLAB_FLUSH)        /* CPU slab given back (flush) */ \
	X(DEACTIVATE_FULL)      /* CPU slab given back full */ \
	X(DEACTIVATE_EMPTY)     /* ... empty */ \
	X(DEACTIVATE_TO_HEAD)   /* ... to the head of the partial list */ \
	X(DEACTIVATE_TO_TAIL)   /* ... to its tail */ \
	X(DEACTIVATE_REMOTE_FREES) /* ... with objects other CPUs freed */ \
	X(DEACTIVATE_BYPASS)    /* CPU slab ran out, no remote frees */ \
	X(ORDER_FALLBACK)       /* slab of the minimum order instead */ \
	X(CPU_PARTIAL_ALLOC)    /* CPU slab taken from the CPU partial list */ \
	X(CPU_PARTIAL_FREE)     /* a full slab freed into: onto the CPU partial list */ \
	X(CPU_PARTIAL_NODE)     /* slab moved from the node to the CPU partial list */ \
	X(CPU_PARTIAL_DRAIN)    /* CPU partial list moved to the node (too long) */

#define SLUB_STAT_ENUM(x) x,
enum stat_item { SLUB_STAT_ITEMS(SLUB_STAT_ENUM) NR_SLUB_STAT_ITEMS };
#undef SLUB_STAT_ENUM
extern const char *const slub_stat_name[NR_SLUB_STAT_ITEMS];

/*
 * One CPU's part of a cache (Linux: struct kmem_cache_cpu). Only that CPU
 * touches it, with interrupts off; kmem_cache_shrink() reaches every CPU's
 * through on_each_cpu().
 */
struct kmem_cache_cpu {
	void *freelist;         /* next free object of the CPU slab */
	struct slab *slab;      /* the CPU slab (frozen), or NULL */
	struct slab *partial;   /* partial slabs kept by this CPU (unfrozen) */
	unsigned int stat[NR_SLUB_STAT_ITEMS];
} ____cacheline_aligned;

/* A cache's slabs on one node (Linux: struct kmem_cache_node). */
struct kmem_cache_node {
	spinlock_t list_lock;
	unsigned long nr_partial;       /* slabs on partial */
	struct list_head partial;       /* slabs with free objects, no CPU's */
	unsigned long partial_free;     /* free objects in them (under list_lock) */
	unsigned long nr_slabs;         /* every slab of the node (atomic) */
	unsigned long total_objects;    /* objects in them (atomic) */
};

/* A slab's order and object count in one word (Linux: kmem_cache_order_objects). */
struct kmem_cache_order_objects {
	unsigned int x;
};
#define OO_SHIFT        16
#define OO_MASK         ((1U << OO_SHIFT) - 1)

static inline unsigned int oo_order(struct kmem_cache_order_objects x)
{
	return x.x >> OO_SHIFT;
}

static inline unsigned int oo_objects(struct kmem_cache_order_objects x)
{
	return x.x & OO_MASK;
}

#define KMEM_CACHE_NAME_LEN     32

struct kmem_cache {
	/* Read by the fast paths. */
	unsigned int offset;            /* free pointer's offset in a free object */
	slab_flags_t flags;
	unsigned int size;              /* bytes per object with metadata (slot) */
	unsigned int object_size;       /* what the user asked for */
	unsigned int inuse;             /* object + right red zone: metadata starts here */
	unsigned int align;
	unsigned int red_left_pad;      /* left red zone before each object */
	unsigned int cpu_partial_slabs; /* longest CPU partial list */
	unsigned long min_partial;      /* empty slabs a node keeps */
	struct kmem_cache_order_objects oo;     /* preferred slab size */
	struct kmem_cache_order_objects min;    /* smallest that holds one object */
	void (*ctor)(void *);
	int refcount;
	char name[KMEM_CACHE_NAME_LEN];
	struct list_head list;          /* slab_caches */
	struct kmem_cache_node *node[MAX_NUMNODES];     /* valid below nr_online_nodes */
	struct kmem_cache_cpu cpu_slab[];       /* nr_cpu_ids of them */
};

/* struct kmem_cache with nr_cpu_ids per-CPU parts. */
static inline size_t kmem_cache_struct_size(void)
{
	return sizeof(struct kmem_cache) + (size_t)nr_cpu_ids * sizeof(struct kmem_cache_cpu);
}

static inline struct kmem_cache_node *get_node(const struct kmem_cache *s, int node)
{
	return s->node[node];
}

static inline struct kmem_cache_cpu *this_cpu_slab(struct kmem_cache *s)
{
	return &s->cpu_slab[smp_processor_id()];
}

static inline unsigned long cpu_slab_stat(struct kmem_cache *s, unsigned int cpu, enum stat_item si)
{
	return READ_ONCE(s->cpu_slab[cpu].stat[si]);
}

/* Summed over every CPU. */
unsigned long slab_stat(struct kmem_cache *s, enum stat_item si);

extern struct kmem_cache *kmem_cache;          /* the cache of struct kmem_cache */
extern struct kmem_cache *kmem_cache_node;     /* the cache of struct kmem_cache_node */
extern struct list_head slab_caches;           /* every cache, newest first */
extern spinlock_t slab_caches_lock;

/* ---- Free pointers and object layout (slub.c) ---- */

static inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	return *(void **)((char *)object + s->offset);
}

static inline void set_freepointer(const struct kmem_cache *s, void *object, void *fp)
{
	*(void **)((char *)object + s->offset) = fp;
}

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return unlikely(s->flags & SLAB_DEBUG_FLAGS);
}

/* ---- Debugging (slub_debug.c) ---- */

/* Red zone and poison bytes (Linux: include/linux/poison.h). */
#define SLUB_RED_INACTIVE       0xbb    /* red zone of a free object */
#define SLUB_RED_ACTIVE         0xcc    /* red zone of an allocated object */
#define POISON_INUSE            0x5a    /* padding, and a new slab */
#define POISON_FREE             0x6b    /* a free object */
#define POISON_END              0xa5    /* a free object's last byte */

/* Object poisoning: SLAB_POISON on a cache without constructor (Linux's
 * __OBJECT_POISON: a constructed object must keep its contents). */
static inline bool slab_object_poison(const struct kmem_cache *s)
{
	return (s->flags & SLAB_POISON) && !s->ctor;
}

/* Free pointer after the object (its contents are the user's or poison). */
static inline bool freeptr_outside_object(const struct kmem_cache *s)
{
	return s->offset >= s->inuse;
}

/* kmalloc caches with user tracking keep the size asked for (after the
 * tracks); with red zones, the bytes between it and the object size are
 * red zone too ("kmalloc Redzone"). */
static inline bool slub_debug_orig_size(const struct kmem_cache *s)
{
	return (s->flags & (SLAB_KMALLOC | SLAB_STORE_USER)) == (SLAB_KMALLOC | SLAB_STORE_USER);
}

/* Debug flags of the slub_debug switch for a cache of this name. */
slab_flags_t kmem_cache_debug_flags_for(const char *name, slab_flags_t flags);
/* Metadata bytes after s->inuse (free pointer, tracks, orig size). */
unsigned int slab_debug_metadata_size(const struct kmem_cache *s);
/* A new slab (all of it) and each of its objects before it is used. */
void setup_slab_debug(struct kmem_cache *s, struct slab *slab, void *addr);
void setup_object_debug(struct kmem_cache *s, void *object);
/* The checks on allocation and on free of OBJECT; each reports and
 * panics on what it finds. Called with the node's list_lock held. */
void alloc_debug_processing(struct kmem_cache *s, struct slab *slab, void *object,
			    unsigned long addr, unsigned int orig_size);
void free_debug_processing(struct kmem_cache *s, struct slab *slab, void *object,
			   unsigned long addr);
/* Checks of a slab given back to the page allocator. */
void free_slab_debug(struct kmem_cache *s, struct slab *slab);
/* kmalloc caches: the size asked for (debug), and krealloc's update. */
unsigned int get_orig_size(struct kmem_cache *s, void *object);
void set_orig_size(struct kmem_cache *s, void *object, unsigned int orig_size);
/* Object OBJECT is not where a free pointer of S may point. */
bool check_valid_pointer(struct kmem_cache *s, struct slab *slab, void *object);
/* Reports (Linux's format) followed by a panic naming cache and object. */
__noreturn void object_err(struct kmem_cache *s, struct slab *slab, void *object,
			   const char *reason);
__printf(3, 4) __noreturn void slab_err(struct kmem_cache *s, struct slab *slab,
					const char *fmt, ...);
/* A pointer kfree() cannot have come from kmalloc(). */
__noreturn void kfree_invalid(const void *x, struct page *page);

#endif

/*
 * SLUB debugging: red zones, poisoning, user tracking and consistency
 * checks (Linux: the CONFIG_SLUB_DEBUG half of mm/slub.c).
 *
 * Turned on per cache by SLAB_RED_ZONE, SLAB_POISON, SLAB_STORE_USER and
 * SLAB_CONSISTENCY_CHECKS, or for caches chosen on the command line
 * (slub_debug, see setup_slub_debug() in <mm/slab.h>). A debug cache
 * allocates and frees under its node's list_lock only (mm/slub.c), so
 * each object is checked right there:
 *
 *   slot: [left red zone] object [right red zone] [free pointer]
 *         [track alloc][track free][orig_size] [padding]
 *
 * - Red zones hold 0xbb around a free object, 0xcc around an allocated
 *   one; a kmalloc object's bytes beyond the size asked for are red zone
 *   too. A write past either end is "Redzone overwritten".
 * - Poison: a free object holds 0x6b with 0xa5 as its last byte; checked
 *   when it is allocated again: a write after free is "Poison
 *   overwritten". (An allocated object starts as poison too.)
 * - Consistency: a freed pointer must be an object of its slab ("Invalid
 *   object pointer") not already on the freelist ("Object already free").
 * - Padding and the end of a slab hold 0x5a.
 *
 * Each finding is reported as Linux reports it (a "BUG <cache> (Not
 * tainted): <what>" banner, the object's tracks, slab and object
 * addresses, hex dumps of the object and its red zones), then panics:
 * the report names the cache and the object's address.
 *
 * Locking: called with the node's list_lock held (or on a slab nobody
 * else sees yet); the checks read only the slab and its objects.
 */
#include "slab.h"
#include <stdarg.h>
#include <kernel/ksyms.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sprintf.h>
#include <kernel/string.h>

/* ---- slub_debug= ---- */

static slab_flags_t slub_debug;                 /* flags for the chosen caches */
static char slub_debug_slabs[128];              /* "name,name*,..." or "" for all */

void setup_slub_debug(const char *str)
{
	slab_flags_t flags = 0;
	const char *p;

	slub_debug = 0;
	slub_debug_slabs[0] = '\0';
	if (!str)
		return;
	if (*str == '=')
		str++;
	if (!*str || *str == ',') {
		flags = SLAB_DEBUG_FLAGS;       /* no letters: everything */
	} else {
		for (p = str; *p && *p != ','; p++) {
			switch (*p | 0x20) {
			case 'f': flags |= SLAB_CONSISTENCY_CHECKS; break;
			case 'z': flags |= SLAB_RED_ZONE; break;
			case 'p': flags |= SLAB_POISON; break;
			case 'u': flags |= SLAB_STORE_USER; break;
			case '-': flags = 0; break;
			default:
				printk("slub_debug option '%c' unknown. skipped\n", *p);
			}
		}
	}
	p = strchr(str, ',');
	if (p)
		snprintf(slub_debug_slabs, sizeof(slub_debug_slabs), "%s", p + 1);
	slub_debug = flags;
	if (flags)
		printk("SLUB: slub_debug flags 0x%x for %s\n", flags,
		       slub_debug_slabs[0] ? slub_debug_slabs : "all caches");
}

/* NAME is in the comma-separated LIST (an entry ending in '*' is a prefix). */
static bool name_in_list(const char *name, const char *list)
{
	while (*list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len && list[len - 1] == '*') {
			if (!strncmp(name, list, len - 1))
				return true;
		} else if (len && strlen(name) == len && !strncmp(name, list, len)) {
			return true;
		}
		if (!end)
			break;
		list = end + 1;
	}
	return false;
}

slab_flags_t kmem_cache_debug_flags_for(const char *name, slab_flags_t flags)
{
	if (slub_debug && (!slub_debug_slabs[0] || name_in_list(name, slub_debug_slabs)))
		flags |= slub_debug;
	return flags;
}

/* ---- Layout of the metadata ---- */

struct track {
	unsigned long addr;     /* who called */
	unsigned int cpu;
	unsigned int pad;
};

enum track_item { TRACK_ALLOC, TRACK_FREE };

unsigned int slab_debug_metadata_size(const struct kmem_cache *s)
{
	unsigned int size = 0;

	if (s->flags & SLAB_STORE_USER) {
		size += 2 * sizeof(struct track);
		if (s->flags & SLAB_KMALLOC)
			size += sizeof(unsigned int);
	}
	return size;
}

/* Where the metadata after the free pointer starts. */
static inline unsigned int get_info_end(const struct kmem_cache *s)
{
	return freeptr_outside_object(s) ? s->inuse + (unsigned int)sizeof(void *) : s->inuse;
}

/* Bytes from the object to the end of its slot. */
static inline unsigned int size_from_object(const struct kmem_cache *s)
{
	return s->size - s->red_left_pad;
}

static struct track *get_track(struct kmem_cache *s, void *object, enum track_item alloc)
{
	return (struct track *)((char *)object + get_info_end(s)) + alloc;
}

static void set_track(struct kmem_cache *s, void *object, enum track_item alloc,
		      unsigned long addr)
{
	struct track *t = get_track(s, object, alloc);

	t->addr = addr;
	t->cpu = smp_processor_id();
	t->pad = 0;
}

static void init_tracking(struct kmem_cache *s, void *object)
{
	if (s->flags & SLAB_STORE_USER)
		memset(get_track(s, object, TRACK_ALLOC), 0, 2 * sizeof(struct track));
}

static unsigned int *orig_size_slot(struct kmem_cache *s, void *object)
{
	return (unsigned int *)((char *)object + get_info_end(s) + 2 * sizeof(struct track));
}

unsigned int get_orig_size(struct kmem_cache *s, void *object)
{
	if (!slub_debug_orig_size(s))
		return s->object_size;
	return *orig_size_slot(s, object);
}

void set_orig_size(struct kmem_cache *s, void *object, unsigned int orig_size)
{
	if (!slub_debug_orig_size(s))
		return;
	if (!orig_size || orig_size > s->object_size)
		orig_size = s->object_size;
	*orig_size_slot(s, object) = orig_size;
}

/* ---- Reports ---- */

static void print_section(const char *text, const void *addr, unsigned int length)
{
	const u8 *p = addr;

	for (unsigned int off = 0; off < length; off += 16) {
		char line[16 * 3 + 2 + 16 + 1], *q = line;
		unsigned int n = min(16U, length - off), i;

		for (i = 0; i < 16; i++)
			q += i < n ? snprintf(q, 4, "%02x ", p[off + i]) : snprintf(q, 4, "   ");
		*q++ = ' ';
		for (i = 0; i < n; i++)
			*q++ = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		*q = '\0';
		printk("%s%016lx: %s\n", text, (unsigned long)(p + off), line);
	}
}

static void print_track(const char *s, const struct track *t)
{
	char sym[KSYM_SYMBOL_LEN];

	if (!t->addr)
		return;
	sprint_symbol(sym, sizeof(sym), t->addr);
	printk("%s in %s cpu=%u\n", s, sym, t->cpu);
}

static void print_tracking(struct kmem_cache *s, void *object)
{
	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC));
	print_track("Freed", get_track(s, object, TRACK_FREE));
}

static void print_slab_info(const struct slab *slab)
{
	printk("Slab 0x%lx objects=%u used=%u fp=0x%lx flags=0x%lx\n", (unsigned long)slab,
	       slab->objects, slab->inuse, (unsigned long)slab->freelist, slab->__page_flags);
}

__printf(2, 3) static void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("=============================================================================\n");
	printk("BUG %s (Not tainted): %s\n", s ? s->name : "<unknown>", msg);
	printk("-----------------------------------------------------------------------------\n\n");
}

#define OBJECT_DUMP_MAX 256     /* bytes of an object dumped (Linux: a page) */

static void print_trailer(struct kmem_cache *s, struct slab *slab, u8 *p)
{
	u8 *addr = slab_address(slab);
	unsigned int off;

	print_tracking(s, p);
	print_slab_info(slab);
	printk("Object 0x%lx @offset=%lu fp=0x%lx\n\n", (unsigned long)p,
	       (unsigned long)(p - addr), (unsigned long)get_freepointer(s, p));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p - s->red_left_pad, s->red_left_pad);
	else if (p > addr + 16)
		print_section("Bytes b4 ", p - 16, 16);
	print_section("Object   ", p, min(s->object_size, (unsigned int)OBJECT_DUMP_MAX));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p + s->object_size, s->inuse - s->object_size);
	off = get_info_end(s) + slab_debug_metadata_size(s);
	if (off < size_from_object(s))
		print_section("Padding  ", p + off, size_from_object(s) - off);
}

void object_err(struct kmem_cache *s, struct slab *slab, void *object, const char *reason)
{
	slab_bug(s, "%s", reason);
	print_trailer(s, slab, object);
	panic("SLUB: %s: %s (object 0x%lx)", s->name, reason, (unsigned long)object);
}

void slab_err(struct kmem_cache *s, struct slab *slab, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	slab_bug(s, "%s", msg);
	print_slab_info(slab);
	panic("SLUB: %s: %s", s ? s->name : "<unknown>", msg);
}

void kfree_invalid(const void *x, struct page *page)
{
	printk("=============================================================================\n");
	printk("BUG kfree (Not tainted): invalid pointer 0x%lx: not a slab object, not a kmalloc'ed block\n",
	       (unsigned long)x);
	printk("-----------------------------------------------------------------------------\n\n");
	dump_page(page, "kfree of an invalid pointer");
	panic("SLUB: kfree of invalid pointer 0x%lx", (unsigned long)x);
}

/* ---- Checks ---- */

typedef u64 __attribute__((may_alias)) u64_alias;

/* The first byte in [start, start + bytes) that is not C, or NULL. */
static u8 *memchr_inv(u8 *start, u8 c, size_t bytes)
{
	const u64 pattern = 0x0101010101010101ULL * c;
	u8 *p = start, *end = start + bytes;

	while (p < end && ((unsigned long)p & 7))
		if (*p++ != c)
			return p - 1;
	for (; p + 8 <= end; p += 8)
		if (*(u64_alias *)p != pattern)
			break;
	for (; p < end; p++)
		if (*p != c)
			return p;
	return NULL;
}

static void check_bytes_and_report(struct kmem_cache *s, struct slab *slab, u8 *object,
				   const char *what, u8 *start, u8 value, unsigned int bytes)
{
	u8 *fault = memchr_inv(start, value, bytes), *end = start + bytes;

	if (!fault)
		return;
	while (end > fault && end[-1] == value)
		end--;
	slab_bug(s, "%s overwritten", what);
	printk("0x%lx-0x%lx @offset=%lu. First byte 0x%x instead of 0x%x\n",
	       (unsigned long)fault, (unsigned long)(end - 1),
	       (unsigned long)(fault - (u8 *)slab_address(slab)), fault[0], value);
	print_trailer(s, slab, object);
	panic("SLUB: %s: %s overwritten (object 0x%lx)", s->name, what, (unsigned long)object);
}

bool check_valid_pointer(struct kmem_cache *s, struct slab *slab, void *object)
{
	char *base = slab_address(slab), *p = object;

	if (!object)
		return true;
	p -= s->red_left_pad;
	return p >= base && p < base + (size_t)slab->objects * s->size &&
	       (size_t)(p - base) % s->size == 0;
}

/* Metadata padding after the tracks (Linux: check_pad_bytes). */
static void check_pad_bytes(struct kmem_cache *s, struct slab *slab, u8 *p)
{
	unsigned int off = get_info_end(s) + slab_debug_metadata_size(s);

	if (off < size_from_object(s))
		check_bytes_and_report(s, slab, p, "Object padding", p + off, POISON_INUSE,
				       size_from_object(s) - off);
}

/* The slab's bytes after its last object (Linux: slab_pad_check). */
static void slab_pad_check(struct kmem_cache *s, struct slab *slab)
{
	u8 *start = slab_address(slab), *end = start + slab_size(slab), *pad, *fault;
	unsigned int remainder = (unsigned int)(slab_size(slab) % s->size);

	if (!(s->flags & SLAB_POISON) || !remainder)
		return;
	pad = end - remainder;
	fault = memchr_inv(pad, POISON_INUSE, remainder);
	if (!fault)
		return;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	slab_bug(s, "Padding overwritten. 0x%lx-0x%lx @offset=%lu", (unsigned long)fault,
		 (unsigned long)(end - 1), (unsigned long)(fault - start));
	print_section("Padding ", pad, remainder);
	panic("SLUB: %s: Padding overwritten (slab 0x%lx)", s->name, (unsigned long)slab);
}

static void check_object(struct kmem_cache *s, struct slab *slab, void *object, u8 val)
{
	u8 *p = object, *endobject = p + s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		check_bytes_and_report(s, slab, p, "Left Redzone", p - s->red_left_pad, val,
				       s->red_left_pad);
		check_bytes_and_report(s, slab, p, "Right Redzone", endobject, val,
				       s->inuse - s->object_size);
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
			unsigned int orig_size = get_orig_size(s, p);

			if (s->object_size > orig_size)
				check_bytes_and_report(s, slab, p, "kmalloc Redzone", p + orig_size,
						       val, s->object_size - orig_size);
		}
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		check_bytes_and_report(s, slab, p, "Alignment padding", endobject, POISON_INUSE,
				       s->inuse - s->object_size);
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && slab_object_poison(s)) {
			check_bytes_and_report(s, slab, p, "Poison", p, POISON_FREE, s->object_size - 1);
			check_bytes_and_report(s, slab, p, "End Poison", endobject - 1, POISON_END, 1);
		}
		check_pad_bytes(s, slab, p);
	}
	/* An allocated object's free pointer may be the user's bytes. */
	if ((freeptr_outside_object(s) || val != SLUB_RED_ACTIVE) &&
	    !check_valid_pointer(s, slab, get_freepointer(s, p)))
		object_err(s, slab, p, "Freepointer corrupt");
}

static void check_slab(struct kmem_cache *s, struct slab *slab)
{
	unsigned int maxobj;

	if (!PageSlab(slab_page(slab)))
		slab_err(s, slab, "Not a valid slab page");
	maxobj = (unsigned int)(slab_size(slab) / s->size);
	if (slab->objects > maxobj)
		slab_err(s, slab, "objects %u > max %u", slab->objects, maxobj);
	if (slab->inuse > slab->objects)
		slab_err(s, slab, "inuse %u > max %u", slab->inuse, slab->objects);
	slab_pad_check(s, slab);
}

/* Whether SEARCH is on the slab's freelist; checks the chain on the way. */
static bool on_freelist(struct kmem_cache *s, struct slab *slab, void *search)
{
	void *fp = slab->freelist, *object = NULL;
	unsigned int nr = 0;

	while (fp && nr <= slab->objects) {
		if (fp == search)
			return true;
		if (!check_valid_pointer(s, slab, fp)) {
			if (object)
				object_err(s, slab, object, "Freechain corrupt");
			slab_err(s, slab, "Freepointer corrupt");
		}
		object = fp;
		fp = get_freepointer(s, object);
		nr++;
	}
	if (nr > slab->objects)
		slab_err(s, slab, "Freelist cycle: more than %u free objects", slab->objects);
	if (slab->inuse != slab->objects - nr)
		slab_err(s, slab, "Wrong object count. Counter is %u but counted were %u",
			 slab->inuse, slab->objects - nr);
	return false;
}

/* ---- Object life ---- */

/* Red zones and poison for an object going to state VAL (Linux: init_object). */
static void init_object(struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;
	unsigned int poison_size = s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - s->red_left_pad, val, s->red_left_pad);
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE)
			poison_size = get_orig_size(s, object);
	}
	if (slab_object_poison(s)) {
		memset(p, POISON_FREE, poison_size - 1);
		p[poison_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + poison_size, val, s->inuse - poison_size);
}

void setup_slab_debug(struct kmem_cache *s, struct slab *slab, void *addr)
{
	if (s->flags & SLAB_POISON)
		memset(addr, POISON_INUSE, slab_size(slab));
}

void setup_object_debug(struct kmem_cache *s, void *object)
{
	if (!(s->flags & (SLAB_STORE_USER | SLAB_RED_ZONE | SLAB_POISON)))
		return;
	init_tracking(s, object);
	set_orig_size(s, object, s->object_size);
	init_object(s, object, SLUB_RED_INACTIVE);
}

void alloc_debug_processing(struct kmem_cache *s, struct slab *slab, void *object,
			    unsigned long addr, unsigned int orig_size)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		check_slab(s, slab);
		if (!check_valid_pointer(s, slab, object))
			object_err(s, slab, object, "Freelist Pointer check fails");
		check_object(s, slab, object, SLUB_RED_INACTIVE);
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_ALLOC, addr);
	set_orig_size(s, object, orig_size);
	init_object(s, object, SLUB_RED_ACTIVE);
}

void free_debug_processing(struct kmem_cache *s, struct slab *slab, void *object,
			   unsigned long addr)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		check_slab(s, slab);
		if (!check_valid_pointer(s, slab, object))
			slab_err(s, slab, "Invalid object pointer 0x%lx", (unsigned long)object);
		if (on_freelist(s, slab, object))
			object_err(s, slab, object, "Object already free");
		check_object(s, slab, object, SLUB_RED_ACTIVE);
		if (unlikely(s != slab->slab_cache))
			object_err(s, slab, object, "page slab pointer corrupt.");
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, addr);
	init_object(s, object, SLUB_RED_INACTIVE);
}

void free_slab_debug(struct kmem_cache *s, struct slab *slab)
{
	char *p;

	if (!(s->flags & SLAB_CONSISTENCY_CHECKS))
		return;
	slab_pad_check(s, slab);
	p = (char *)slab_address(slab) + s->red_left_pad;
	for (unsigned int i = 0; i < slab->objects; i++, p += s->size)
		check_object(s, slab, p, SLUB_RED_INACTIVE);
}

/*
 * Machine configuration: the libvirt domain XML subset of docs/config.md,
 * parsed with libxml2 into struct vm_config.
 *
 * Two passes. walk() visits every element once and checks, against a rule
 * table per parent, that it is one we know in that place; each element's
 * handler records what it says and checks what it can alone (syntax,
 * ranges). Then the finish_*() functions check what spans elements (cells
 * against <vcpu> and <memory>, distances, metadata against cells and the
 * disk) and fill the config. The first error stops the parse with one
 * message naming the element; nothing outside the config is created or
 * changed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#define MiB (1024ULL * 1024)
#define GiB (1024ULL * MiB)

/* Limits of the machines we build (docs/config.md, "Limits"). */
#define CELL_MEM_ALIGN   (2 * MiB)    /* nodes are mapped with 2 MiB pages */
#define NODE0_MIN_MEM    (8 * MiB)    /* kernel image, boot tables, early heap */
#define TOTAL_MEM_MAX    (128 * GiB)
#define SWAP_ALIGN       4096ULL
#define CONFIG_FILE_MAX  (1024 * 1024)
#define LOCAL_DISTANCE   10
#define REMOTE_DEFAULT   20           /* QEMU's default without <distances> */
#define MAX_DISTANCE     255

/* One <cell> as written, before the cross-element checks. */
struct raw_cell {
	int      id;
	uint64_t mem_bytes;
	bool     cpus[CONFIG_MAX_CPUS];
	bool     has_distances;
	uint8_t  dist[CONFIG_MAX_NODES];  /* by sibling id; 0 = not given */
};

struct parser {
	const char *name;            /* file path or buffer name, for messages */
	char dir[4096];              /* its directory; "" = current directory */
	struct vm_config *cfg;
	char  *err;
	size_t errlen;

	xmlChar **strs;              /* libxml2 strings, freed at the end */
	size_t nr_strs, cap_strs;

	bool have_vcpu, have_memory, have_current, have_numa, have_topology;
	uint64_t current_bytes;
	uint64_t topology_cpus;      /* product of the <topology> attributes */

	int nr_cells;
	struct raw_cell cell[CONFIG_MAX_NODES];
	struct raw_cell *cur_cell;   /* the <cell> whose <sibling>s we read */
	int binding[CONFIG_MAX_NODES];  /* cell id -> host node, -1 = none */

	int nr_disks;
	bool disk_has_source, disk_has_target;
	bool have_swap_size, have_swap_faults;

	int  xml_err_line;           /* first libxml2 error; 0 = none yet */
	char xml_err[256];
};

/* ---- messages ---------------------------------------------------------- */

/*
 * "<gmm:swap>" for an element, with the prefix the file used. Returned by
 * value so two names can appear in one message; the array lives until the
 * end of the full expression (C11 temporary lifetime).
 */
struct ename { char s[96]; };

static struct ename ename(const xmlNode *n)
{
	struct ename e;

	if (n->ns && n->ns->prefix)
		snprintf(e.s, sizeof e.s, "<%s:%s>", (const char *)n->ns->prefix,
			 (const char *)n->name);
	else
		snprintf(e.s, sizeof e.s, "<%s>", (const char *)n->name);
	return e;
}

/* Write "NAME: ELEM: problem" and return -1, so callers can `return fail()`. */
static int vfail(struct parser *p, const char *elem, const char *fmt, va_list ap)
{
	int n = snprintf(p->err, p->errlen, "%s: %s: ", p->name, elem);

	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	return -1;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, ename(n).s, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct parser *p, const char *elem, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, elem, fmt, ap);
	va_end(ap);
	return -1;
}

/* "32 MiB", or the largest unit of GiB/MiB/KiB/bytes that is exact. */
static const char *fmt_size(uint64_t b, char *buf, size_t len)
{
	if (b && b % GiB == 0)
		snprintf(buf, len, "%llu GiB", (unsigned long long)(b / GiB));
	else if (b % MiB == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(b / MiB));
	else if (b % 1024 == 0)
		snprintf(buf, len, "%llu KiB", (unsigned long long)(b / 1024));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)b);
	return buf;
}

/* ---- strings from the tree ---------------------------------------------- */

/* Keep S for freeing at the end of the parse; returns it. */
static char *keep(struct parser *p, xmlChar *s)
{
	if (!s)
		return NULL;
	if (p->nr_strs == p->cap_strs) {
		size_t cap = p->cap_strs ? 2 * p->cap_strs : 32;
		xmlChar **n = realloc(p->strs, cap * sizeof *n);

		if (!n) {
			xmlFree(s);
			return NULL;
		}
		p->strs = n;
		p->cap_strs = cap;
	}
	p->strs[p->nr_strs++] = s;
	return (char *)s;
}

/* Attribute NAME of N, or NULL if absent. */
static const char *attr(struct parser *p, const xmlNode *n, const char *name)
{
	return keep(p, xmlGetProp(n, (const xmlChar *)name));
}

/* Text content of N without leading and trailing white space ("" if none). */
static const char *text(struct parser *p, const xmlNode *n)
{
	char *s = keep(p, xmlNodeGetContent(n));
	size_t len;

	if (!s)
		return "";
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Copy S into DST of size LEN, or fail naming N if it does not fit. */
static int copy_str(struct parser *p, const xmlNode *n, char *dst, size_t len,
		    const char *s)
{
	if (strlen(s) >= len)
		return fail(p, n, "value longer than %zu characters", len - 1);
	strcpy(dst, s);
	return 0;
}

/* ---- numbers and sizes --------------------------------------------------- */

/* Strict unsigned decimal: digits only, white space around allowed. */
static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return false;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return false;
	*out = v;
	return true;
}

/* Integer attribute NAME of N in [MIN, MAX]. Returns 1 if read, 0 if
 * absent (an error if REQUIRED), -1 on error. */
static int attr_uint(struct parser *p, const xmlNode *n, const char *name,
		     bool required, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s = attr(p, n, name);

	if (!s)
		return required ? fail(p, n, "missing attribute '%s'", name) : 0;
	if (!parse_u64(s, out))
		return fail(p, n, "%s='%s' is not a non-negative integer", name, s);
	if (*out < min || *out > max)
		return fail(p, n, "%s='%s' is out of range %llu..%llu", name, s,
			    (unsigned long long)min, (unsigned long long)max);
	return 1;
}

/*
 * Bytes per UNIT, following libvirt's virScaleInteger: case-insensitive,
 * "b"/"bytes", a single prefix letter or "<p>iB" is a power of 1024,
 * "<p>B" a power of 1000. No unit means KiB (libvirt's default for
 * memory). Returns 0 for a unit libvirt does not know.
 */
static uint64_t unit_scale(const char *unit)
{
	static const char prefixes[] = "kmgtpe";
	const char *pos;
	uint64_t base, scale = 1;

	if (!unit || !*unit)
		return 1024;
	if (!strcasecmp(unit, "b") || !strcasecmp(unit, "byte") ||
	    !strcasecmp(unit, "bytes"))
		return 1;
	if (!unit[1] || !strcasecmp(unit + 1, "iB"))
		base = 1024;
	else if (tolower((unsigned char)unit[1]) == 'b' && !unit[2])
		base = 1000;
	else
		return 0;
	pos = strchr(prefixes, tolower((unsigned char)unit[0]));
	if (!pos || !*pos)
		return 0;
	for (int i = 0; i <= pos - prefixes; i++)
		scale *= base;
	return scale;
}

/* VALUE in UNIT as bytes into OUT; errors name N. */
static int parse_size(struct parser *p, const xmlNode *n, const char *value,
		      const char *unit, uint64_t *out)
{
	uint64_t v, scale = unit_scale(unit);

	if (!scale)
		return fail(p, n, "unknown unit '%s'", unit);
	if (!parse_u64(value, &v))
		return fail(p, n, "size '%s' is not a non-negative integer", value);
	if (v > UINT64_MAX / scale)
		return fail(p, n, "size '%s' is too large", value);
	*out = v * scale;
	return 0;
}

/* ---- paths --------------------------------------------------------------- */

/* PATH as seen from the current directory: relative ones are taken from
 * the directory of the config file. */
static int resolve_path(struct parser *p, const xmlNode *n, const char *path,
			char *out, size_t len)
{
	int r;

	if (path[0] == '/' || !p->dir[0])
		r = snprintf(out, len, "%s", path);
	else
		r = snprintf(out, len, "%s/%s", p->dir, path);
	if (r < 0 || (size_t)r >= len)
		return fail(p, n, "path '%s' is too long", path);
	return 0;
}

/* PATH must be a regular file we can open for reading. */
static int check_readable_file(struct parser *p, const xmlNode *n, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(p, n, "'%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(p, n, "'%s' is not a regular file", path);
	}
	close(fd);
	return 0;
}

/* ---- the tree walk -------------------------------------------------------- */

typedef int (*elem_fn)(struct parser *p, xmlNode *n);

/* An element allowed under some parent. FN NULL: accepted, not read. */
struct rule {
	const char *name;
	elem_fn     fn;
	bool        repeat;    /* may appear more than once */
};

#define MAX_RULES 24
#define RULES(r)  (r), sizeof(r) / sizeof((r)[0])

static bool same_ns(const xmlNode *n, const char *ns)
{
	const char *href = n->ns ? (const char *)n->ns->href : NULL;

	if (!href || !ns)
		return href == ns;
	return strcmp(href, ns) == 0;
}

/*
 * Check each child element of PARENT against RULES (elements in namespace
 * NS, NULL for libvirt's own) and run its handler. An element with no rule
 * is an error, so a misspelt setting never silently does nothing.
 */
static int walk(struct parser *p, xmlNode *parent, const struct rule *rules,
		size_t nr_rules, const char *ns)
{
	bool seen[MAX_RULES] = { false };

	if (nr_rules > MAX_RULES)
		abort();                        /* a rule table outgrew seen[] */
	for (xmlNode *c = parent->children; c; c = c->next) {
		size_t i;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (i = 0; i < nr_rules; i++)
			if (same_ns(c, ns) && !strcmp((const char *)c->name, rules[i].name))
				break;
		if (i == nr_rules)
			return fail(p, c, "element not supported (in %s)", ename(parent).s);
		if (seen[i] && !rules[i].repeat)
			return fail(p, c, "appears more than once in %s", ename(parent).s);
		seen[i] = true;
		if (rules[i].fn && rules[i].fn(p, c) < 0)
			return -1;
	}
	return 0;
}

/* For elements that take no child elements. */
static int no_children(struct parser *p, xmlNode *n)
{
	return walk(p, n, NULL, 0, NULL);
}

/* Every attribute of N must be in ALLOWED (NULL-terminated). */
static int check_attrs(struct parser *p, const xmlNode *n, const char *const *allowed)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *const *ok = allowed;

		while (*ok && strcmp(*ok, (const char *)a->name))
			ok++;
		if (!*ok)
			return fail(p, n, "attribute '%s' not supported", (const char *)a->name);
	}
	return 0;
}

#define ATTRS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_ATTRS   ((const char *const[]){ NULL })

/* Attribute NAME, if present, must be one of VALUES (NULL-terminated). */
static int check_enum(struct parser *p, const xmlNode *n, const char *name,
		      const char *const *values)
{
	const char *v = attr(p, n, name);

	if (!v)
		return 0;
	for (const char *const *ok = values; *ok; ok++)
		if (!strcmp(v, *ok))
			return 0;
	return fail(p, n, "%s='%s' not supported", name, v);
}

/* ---- <domain> children ---------------------------------------------------- */

static int parse_name(struct parser *p, xmlNode *n)
{
	if (check_attrs(p, n, NO_ATTRS) < 0 || no_children(p, n) < 0)
		return -1;
	return copy_str(p, n, p->cfg->name, sizeof p->cfg->name, text(p, n));
}

static int parse_vcpu(struct parser *p, xmlNode *n)
{
	const char *s = text(p, n);
	uint64_t v;

	/* placement= only says how libvirt picks host CPUs: harmless. */
	if (check_attrs(p, n, ATTRS("placement")) < 0 ||
	    check_enum(p, n, "placement", ATTRS("static", "auto")) < 0 ||
	    no_children(p, n) < 0)
		return -1;
	if (!parse_u64(s, &v))
		return fail(p, n, "'%s' is not a non-negative integer", s);
	if (v < 1 || v > CONFIG_MAX_CPUS)
		return fail(p, n, "%llu is out of range 1..%d", (unsigned long long)v,
			    CONFIG_MAX_CPUS);
	p->cfg->nr_vcpus = (int)v;
	p->have_vcpu = true;
	return 0;
}

static int parse_memory(struct parser *p, xmlNode *n)
{
	if (check_attrs(p, n, ATTRS("unit")) < 0 || no_children(p, n) < 0 ||
	    parse_size(p, n, text(p, n), attr(p, n, "unit"), &p->cfg->mem_bytes) < 0)
		return -1;
	p->have_memory = true;
	return 0;
}

static int parse_current_memory(struct parser *p, xmlNode *n)
{
	if (check_attrs(p, n, ATTRS("unit")) < 0 || no_children(p, n) < 0 ||
	    parse_size(p, n, text(p, n), attr(p, n, "unit"), &p->current_bytes) < 0)
		return -1;
	p->have_current = true;
	return 0;
}

/* ---- <cpu>, <numa>, <cell>, <distances> ------------------------------------ */

static int parse_sibling(struct parser *p, xmlNode *n)
{
	struct raw_cell *c = p->cur_cell;
	uint64_t sid, v;

	if (check_attrs(p, n, ATTRS("id", "value")) < 0 || no_children(p, n) < 0 ||
	    attr_uint(p, n, "id", true, 0, CONFIG_MAX_NODES - 1, &sid) < 0 ||
	    attr_uint(p, n, "value", true, 0, UINT32_MAX, &v) < 0)
		return -1;
	if (c->dist[sid])
		return fail(p, n, "cell %d: two <sibling id='%llu'>", c->id,
			    (unsigned long long)sid);
	if (v < LOCAL_DISTANCE)
		return fail(p, n, "cell %d: distance %llu to cell %llu is below %d", c->id,
			    (unsigned long long)v, (unsigned long long)sid, LOCAL_DISTANCE);
	if (v > MAX_DISTANCE)
		return fail(p, n, "cell %d: distance %llu to cell %llu is above %d", c->id,
			    (unsigned long long)v, (unsigned long long)sid, MAX_DISTANCE);
	if ((int)sid == c->id && v != LOCAL_DISTANCE)
		return fail(p, n, "cell %d: distance to itself must be %d, not %llu",
			    c->id, LOCAL_DISTANCE, (unsigned long long)v);
	/* As libvirt and QEMU: 10 means "local", so a remote node is further. */
	if ((int)sid != c->id && v == LOCAL_DISTANCE)
		return fail(p, n, "cell %d: distance to cell %llu must be above %d "
			    "(%d means local)", c->id, (unsigned long long)sid,
			    LOCAL_DISTANCE, LOCAL_DISTANCE);
	c->dist[sid] = (uint8_t)v;
	return 0;
}

static int parse_distances(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = { { "sibling", parse_sibling, true } };

	p->cur_cell->has_distances = true;
	if (check_attrs(p, n, NO_ATTRS) < 0)
		return -1;
	return walk(p, n, RULES(rules), NULL);
}

/* cpus='...' of a cell: syntax and the absolute limit here, against
 * <vcpu> in finish (which may come later in the file). */
static int parse_cell_cpus(struct parser *p, xmlNode *n, struct raw_cell *c)
{
	const char *s = attr(p, n, "cpus");
	char msg[160];
	int count;

	if (!s)
		return fail(p, n, "cell %d: missing attribute 'cpus'", c->id);
	count = config_parse_cpuset(s, c->cpus, CONFIG_MAX_CPUS, msg, sizeof msg);
	if (count < 0)
		return fail(p, n, "cell %d: cpus='%s': %s", c->id, s, msg);
	if (count == 0)
		return fail(p, n, "cell %d: cpus='%s' names no vCPU", c->id, s);
	return 0;
}

static int parse_cell(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = { { "distances", parse_distances, false } };
	struct raw_cell *c;
	const char *mem;
	uint64_t id;

	if (p->nr_cells == CONFIG_MAX_NODES)
		return fail(p, n, "more than %d cells", CONFIG_MAX_NODES);
	if (check_attrs(p, n, ATTRS("id", "cpus", "memory", "unit")) < 0 ||
	    attr_uint(p, n, "id", true, 0, CONFIG_MAX_NODES - 1, &id) < 0)
		return -1;
	c = &p->cell[p->nr_cells++];
	c->id = (int)id;
	if (parse_cell_cpus(p, n, c) < 0)
		return -1;
	mem = attr(p, n, "memory");
	if (!mem)
		return fail(p, n, "cell %d: missing attribute 'memory'", c->id);
	if (parse_size(p, n, mem, attr(p, n, "unit"), &c->mem_bytes) < 0)
		return -1;
	p->cur_cell = c;
	return walk(p, n, RULES(rules), NULL);
}

static int parse_numa(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = { { "cell", parse_cell, true } };

	if (check_attrs(p, n, NO_ATTRS) < 0 || walk(p, n, RULES(rules), NULL) < 0)
		return -1;
	if (p->nr_cells == 0)
		return fail(p, n, "has no <cell>");
	p->have_numa = true;
	return 0;
}

/* The guest is not told a socket/core/thread split; we accept one that
 * agrees with <vcpu> (libvirt requires that too) and ignore it. */
static int parse_topology(struct parser *p, xmlNode *n)
{
	static const char *const names[] = { "sockets", "dies", "clusters", "cores",
					     "threads" };
	uint64_t product = 1, v;

	if (check_attrs(p, n, ATTRS("sockets", "dies", "clusters", "cores", "threads")) < 0 ||
	    no_children(p, n) < 0)
		return -1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int r = attr_uint(p, n, names[i], false, 1, CONFIG_MAX_CPUS, &v);

		if (r < 0)
			return -1;
		if (r > 0)
			product *= v;
	}
	p->topology_cpus = product;
	p->have_topology = true;
	return 0;
}

static int parse_cpu(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = {
		{ "numa", parse_numa, false },
		{ "topology", parse_topology, false },
	};

	/* The CPU model is the VMM's business; mode= matters only to libvirt. */
	if (check_attrs(p, n, ATTRS("mode", "match", "check", "migratable")) < 0 ||
	    check_enum(p, n, "mode", ATTRS("host-passthrough", "host-model",
					   "maximum", "custom")) < 0)
		return -1;
	return walk(p, n, RULES(rules), NULL);
}

/* ---- <os> --------------------------------------------------------------- */

static int parse_os_type(struct parser *p, xmlNode *n)
{
	const char *t = text(p, n);

	if (check_attrs(p, n, ATTRS("arch", "machine")) < 0 ||
	    check_enum(p, n, "arch", ATTRS("x86_64")) < 0 || no_children(p, n) < 0)
		return -1;
	if (strcmp(t, "hvm"))
		return fail(p, n, "'%s' not supported (only 'hvm')", t);
	return 0;
}

/* <kernel> and <initrd>: empty means the default; else a readable file. */
static int parse_image(struct parser *p, xmlNode *n, char *dst, size_t len)
{
	const char *path = text(p, n);

	if (check_attrs(p, n, NO_ATTRS) < 0 || no_children(p, n) < 0)
		return -1;
	if (!*path)
		return 0;
	if (resolve_path(p, n, path, dst, len) < 0)
		return -1;
	return check_readable_file(p, n, dst);
}

static int parse_kernel(struct parser *p, xmlNode *n)
{
	return parse_image(p, n, p->cfg->kernel, sizeof p->cfg->kernel);
}

static int parse_initrd(struct parser *p, xmlNode *n)
{
	return parse_image(p, n, p->cfg->initrd, sizeof p->cfg->initrd);
}

static int parse_cmdline(struct parser *p, xmlNode *n)
{
	if (check_attrs(p, n, NO_ATTRS) < 0 || no_children(p, n) < 0)
		return -1;
	return copy_str(p, n, p->cfg->cmdline, sizeof p->cfg->cmdline, text(p, n));
}

static int parse_os(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = {
		{ "type", parse_os_type, false },
		{ "kernel", parse_kernel, false },
		{ "initrd", parse_initrd, false },
		{ "cmdline", parse_cmdline, false },
	};

	if (check_attrs(p, n, NO_ATTRS) < 0)
		return -1;
	return walk(p, n, RULES(rules), NULL);
}

/* ---- <devices> -------------------------------------------------------------- */

/* The swap file need not exist (the VMM creates it), but must not be
 * something other than a file. */
static int parse_disk_source(struct parser *p, xmlNode *n)
{
	struct vm_swap_config *sw = &p->cfg->swap;
	const char *file = attr(p, n, "file");
	struct stat st;

	if (check_attrs(p, n, ATTRS("file")) < 0 || no_children(p, n) < 0)
		return -1;
	if (!file || !*file)
		return fail(p, n, "missing attribute 'file'");
	if (resolve_path(p, n, file, sw->path, sizeof sw->path) < 0)
		return -1;
	if (stat(sw->path, &st) == 0 && !S_ISREG(st.st_mode))
		return fail(p, n, "'%s' exists and is not a regular file", sw->path);
	p->disk_has_source = true;
	return 0;
}

static int parse_disk_target(struct parser *p, xmlNode *n)
{
	const char *dev = attr(p, n, "dev");

	if (check_attrs(p, n, ATTRS("dev", "bus")) < 0 ||
	    check_enum(p, n, "bus", ATTRS("virtio")) < 0 || no_children(p, n) < 0)
		return -1;
	/* Without bus=, libvirt picks the bus from the name: vd* is virtio. */
	if (!dev || strncmp(dev, "vd", 2))
		return fail(p, n, "dev= must name a virtio disk ('vda', ...)");
	p->disk_has_target = true;
	return 0;
}

static int parse_disk_driver(struct parser *p, xmlNode *n)
{
	/* cache/io/discard tune QEMU's I/O path; ours ignores them. */
	if (check_attrs(p, n, ATTRS("name", "type", "cache", "io", "discard")) < 0 ||
	    check_enum(p, n, "name", ATTRS("qemu")) < 0 ||
	    check_enum(p, n, "type", ATTRS("raw")) < 0)
		return -1;
	return no_children(p, n);
}

static int parse_disk_readonly(struct parser *p, xmlNode *n)
{
	if (check_attrs(p, n, NO_ATTRS) < 0 || no_children(p, n) < 0)
		return -1;
	p->cfg->swap.readonly = true;
	return 0;
}

static int parse_disk(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = {
		{ "source", parse_disk_source, false },
		{ "target", parse_disk_target, false },
		{ "driver", parse_disk_driver, false },
		{ "readonly", parse_disk_readonly, false },
	};

	if (++p->nr_disks > 1)
		return fail(p, n, "only one <disk> (the swap disk) is supported");
	if (check_attrs(p, n, ATTRS("type", "device")) < 0 ||
	    check_enum(p, n, "type", ATTRS("file")) < 0 ||
	    check_enum(p, n, "device", ATTRS("disk")) < 0 ||
	    walk(p, n, RULES(rules), NULL) < 0)
		return -1;
	if (!p->disk_has_source)
		return fail(p, n, "has no <source file='...'/>");
	if (!p->disk_has_target)
		return fail(p, n, "has no <target dev='vda' bus='virtio'/>");
	p->cfg->swap.present = true;
	return 0;
}

/* model='none' only: it keeps libvirt from adding a balloon device. */
static int parse_memballoon(struct parser *p, xmlNode *n)
{
	const char *model = attr(p, n, "model");

	if (check_attrs(p, n, ATTRS("model")) < 0 || no_children(p, n) < 0)
		return -1;
	if (!model || strcmp(model, "none"))
		return fail(p, n, "only model='none' is supported (we do not balloon)");
	return 0;
}

static int parse_devices(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = {
		{ "emulator", NULL, false },
		{ "serial", NULL, true },
		{ "console", NULL, true },
		{ "disk", parse_disk, true },
		{ "memballoon", parse_memballoon, false },
	};

	if (check_attrs(p, n, NO_ATTRS) < 0)
		return -1;
	return walk(p, n, RULES(rules), NULL);
}

/* ---- <metadata>: our namespace -------------------------------------------- */

static int parse_gmm_memory(struct parser *p, xmlNode *n)
{
	const char *b = attr(p, n, "backing");

	if (check_attrs(p, n, ATTRS("backing")) < 0 || no_children(p, n) < 0)
		return -1;
	if (!b)
		return fail(p, n, "missing attribute 'backing'");
	if (!strcmp(b, "normal"))
		p->cfg->backing = BACKING_NORMAL;
	else if (!strcmp(b, "thp"))
		p->cfg->backing = BACKING_THP;
	else if (!strcmp(b, "hugetlbfs"))
		p->cfg->backing = BACKING_HUGETLBFS;
	else
		return fail(p, n, "backing='%s' not supported (normal, thp or hugetlbfs)", b);
	return 0;
}

static int parse_gmm_binding(struct parser *p, xmlNode *n)
{
	uint64_t cell, host;

	if (check_attrs(p, n, ATTRS("cell", "host-node")) < 0 || no_children(p, n) < 0 ||
	    attr_uint(p, n, "cell", true, 0, CONFIG_MAX_NODES - 1, &cell) < 0 ||
	    attr_uint(p, n, "host-node", true, 0, INT_MAX, &host) < 0)
		return -1;
	if (p->binding[cell] >= 0)
		return fail(p, n, "cell %llu is bound twice", (unsigned long long)cell);
	p->binding[cell] = (int)host;
	return 0;
}

static int parse_gmm_swap(struct parser *p, xmlNode *n)
{
	const char *size = attr(p, n, "size");
	uint64_t *bytes = &p->cfg->swap.size_bytes;

	if (check_attrs(p, n, ATTRS("size", "unit")) < 0 || no_children(p, n) < 0)
		return -1;
	if (!size)
		return fail(p, n, "missing attribute 'size'");
	if (parse_size(p, n, size, attr(p, n, "unit"), bytes) < 0)
		return -1;
	if (*bytes == 0 || *bytes % SWAP_ALIGN)
		return fail(p, n, "size %llu bytes is not a positive multiple of %llu",
			    (unsigned long long)*bytes, SWAP_ALIGN);
	p->have_swap_size = true;
	return 0;
}

static int parse_fraction(struct parser *p, xmlNode *n, const char *name, double *out)
{
	const char *s = attr(p, n, name);
	char *end;

	if (!s)
		return 0;
	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end || errno || !(*out >= 0.0 && *out <= 1.0))
		return fail(p, n, "%s='%s' is not a number in 0.0..1.0", name, s);
	return 0;
}

static int parse_gmm_swap_faults(struct parser *p, xmlNode *n)
{
	struct vm_swap_config *sw = &p->cfg->swap;
	uint64_t v;
	int r;

	if (check_attrs(p, n, ATTRS("fail-every", "fail-fraction", "delay-us",
				    "truncate-every", "seed")) < 0 ||
	    no_children(p, n) < 0 ||
	    parse_fraction(p, n, "fail-fraction", &sw->fail_fraction) < 0)
		return -1;
	if ((r = attr_uint(p, n, "fail-every", false, 0, UINT32_MAX, &v)) < 0)
		return -1;
	sw->fail_every = r ? (uint32_t)v : 0;
	if ((r = attr_uint(p, n, "delay-us", false, 0, UINT32_MAX, &v)) < 0)
		return -1;
	sw->delay_us = r ? (uint32_t)v : 0;
	if ((r = attr_uint(p, n, "truncate-every", false, 0, UINT32_MAX, &v)) < 0)
		return -1;
	sw->truncate_every = r ? (uint32_t)v : 0;
	if ((r = attr_uint(p, n, "seed", false, 0, UINT64_MAX, &v)) < 0)
		return -1;
	sw->seed = r ? v : 0;
	p->have_swap_faults = true;
	return 0;
}

static int parse_gmm_vmm(struct parser *p, xmlNode *n)
{
	static const struct rule rules[] = {
		{ "memory", parse_gmm_memory, false },
		{ "numa-binding", parse_gmm_binding, true },
		{ "swap", parse_gmm_swap, false },
		{ "swap-faults", parse_gmm_swap_faults, false },
	};

	if (check_attrs(p, n, NO_ATTRS) < 0)
		return -1;
	return walk(p, n, RULES(rules), CONFIG_NS_URI);
}

/*
 * libvirt keeps each application's metadata under its own namespace; we
 * read <gmm:vmm> in ours and leave the others alone. An element with no
 * namespace, or a namespace like ours with another version, is an error:
 * it is most likely our wrapper with a mistake that would be ignored.
 */
static int parse_metadata(struct parser *p, xmlNode *n)
{
	bool seen = false;

	if (check_attrs(p, n, NO_ATTRS) < 0)
		return -1;
	for (xmlNode *c = n->children; c; c = c->next) {
		const char *href;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!c->ns || !c->ns->href)
			return fail(p, c, "element in <metadata> without a namespace "
				    "(ours is xmlns:gmm='%s')", CONFIG_NS_URI);
		href = (const char *)c->ns->href;
		if (strcmp(href, CONFIG_NS_URI)) {
			if (!strncmp(href, "urn:gmm:", 8))
				return fail(p, c, "namespace '%s' is not ours ('%s')",
					    href, CONFIG_NS_URI);
			continue;
		}
		if (strcmp((const char *)c->name, "vmm"))
			return fail(p, c, "element not supported (in <metadata>; "
				    "our settings go inside <gmm:vmm>)");
		if (seen)
			return fail(p, c, "appears more than once in <metadata>");
		seen = true;
		if (parse_gmm_vmm(p, c) < 0)
			return -1;
	}
	return 0;
}

static int parse_domain(struct parser *p, xmlNode *root)
{
	/* Rules with no handler are what libvirt/QEMU need to run the same
	 * file and mean nothing to us. */
	static const struct rule rules[] = {
		{ "name", parse_name, false },
		{ "uuid", NULL, false },
		{ "title", NULL, false },
		{ "description", NULL, false },
		{ "metadata", parse_metadata, false },
		{ "memory", parse_memory, false },
		{ "currentMemory", parse_current_memory, false },
		{ "vcpu", parse_vcpu, false },
		{ "cpu", parse_cpu, false },
		{ "os", parse_os, false },
		{ "features", NULL, false },
		{ "clock", NULL, false },
		{ "on_poweroff", NULL, false },
		{ "on_reboot", NULL, false },
		{ "on_crash", NULL, false },
		{ "devices", parse_devices, false },
	};
	const char *type;

	if (root->ns || strcmp((const char *)root->name, "domain"))
		return fail(p, root, "root element must be <domain>");
	if (check_attrs(p, root, ATTRS("type", "id")) < 0)
		return -1;
	type = attr(p, root, "type");
	if (!type)
		return fail(p, root, "missing attribute 'type' (kvm)");
	if (strcmp(type, "kvm") && strcmp(type, "qemu"))
		return fail(p, root, "type='%s' not supported (kvm or qemu)", type);
	return walk(p, root, RULES(rules), NULL);
}

/* ---- cross-element checks ----------------------------------------------- */

/* <vcpu>, <memory>, <currentMemory>, <topology> agree and are in range. */
static int finish_basics(struct parser *p)
{
	char a[32], b[32];
	uint64_t mem = p->cfg->mem_bytes;

	if (!p->have_vcpu)
		p->cfg->nr_vcpus = 1;            /* libvirt's default */
	if (!p->have_memory)
		return fail_at(p, "<domain>", "<memory> is missing");
	if (p->have_current && p->current_bytes != mem)
		return fail_at(p, "<currentMemory>", "%s differs from <memory> %s "
			       "(ballooning is not supported)",
			       fmt_size(p->current_bytes, a, sizeof a),
			       fmt_size(mem, b, sizeof b));
	if (mem > TOTAL_MEM_MAX)
		return fail_at(p, "<memory>", "%s is more than the %s supported",
			       fmt_size(mem, a, sizeof a), fmt_size(TOTAL_MEM_MAX, b, sizeof b));
	if (p->have_topology && p->topology_cpus != (uint64_t)p->cfg->nr_vcpus)
		return fail_at(p, "<topology>", "describes %llu CPUs but <vcpu> is %d",
			       (unsigned long long)p->topology_cpus, p->cfg->nr_vcpus);
	return 0;
}

/* Cell ids must be 0..n-1, each once (libvirt's rule); fills BY_ID. */
static int check_cell_ids(struct parser *p, struct raw_cell **by_id)
{
	for (int i = 0; i < p->nr_cells; i++) {
		struct raw_cell *c = &p->cell[i];

		if (c->id >= p->nr_cells)
			return fail_at(p, "<cell>", "cell id %d: with %d cells the ids "
				       "must be 0..%d", c->id, p->nr_cells, p->nr_cells - 1);
		if (by_id[c->id])
			return fail_at(p, "<cell>", "cell id %d appears twice", c->id);
		by_id[c->id] = c;
	}
	return 0;
}

/* Each vCPU in exactly one cell. */
static int check_cell_cpus(struct parser *p, struct raw_cell **by_id)
{
	int owner[CONFIG_MAX_CPUS];

	for (int cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++)
		owner[cpu] = -1;
	for (int id = 0; id < p->nr_cells; id++) {
		for (int cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
			if (!by_id[id]->cpus[cpu])
				continue;
			if (cpu >= p->cfg->nr_vcpus)
				return fail_at(p, "<cell>", "cell %d: cpu %d is out of range: "
					       "<vcpu> is %d", id, cpu, p->cfg->nr_vcpus);
			if (owner[cpu] >= 0)
				return fail_at(p, "<cell>", "cell %d: cpu %d is already in "
					       "cell %d", id, cpu, owner[cpu]);
			owner[cpu] = id;
		}
	}
	for (int cpu = 0; cpu < p->cfg->nr_vcpus; cpu++)
		if (owner[cpu] < 0)
			return fail_at(p, "<numa>", "vcpu %d is in no <cell>", cpu);
	return 0;
}

/* Memory of one node (cell ID, or the implicit node 0 when ELEM is
 * "<memory>"): whole 2 MiB pages, and room for the kernel on node 0. */
static int check_node_memory(struct parser *p, const char *elem, int id, uint64_t bytes)
{
	char a[32], b[32];
	char who[24] = "";

	if (!strcmp(elem, "<cell>"))
		snprintf(who, sizeof who, "cell %d: ", id);
	if (bytes < CELL_MEM_ALIGN || bytes % CELL_MEM_ALIGN)
		return fail_at(p, elem, "%smemory %s is not a non-zero multiple of 2 MiB",
			       who, fmt_size(bytes, a, sizeof a));
	if (id == 0 && bytes < NODE0_MIN_MEM)
		return fail_at(p, elem, "%smemory %s is less than the %s node 0 needs "
			       "(the kernel loads there)", who, fmt_size(bytes, a, sizeof a),
			       fmt_size(NODE0_MIN_MEM, b, sizeof b));
	return 0;
}

static int check_cell_memory(struct parser *p, struct raw_cell **by_id)
{
	char a[32], b[32];
	uint64_t sum = 0;

	for (int id = 0; id < p->nr_cells; id++) {
		if (check_node_memory(p, "<cell>", id, by_id[id]->mem_bytes) < 0)
			return -1;
		sum += by_id[id]->mem_bytes;
		if (sum < by_id[id]->mem_bytes)   /* wrapped: cannot match <memory> */
			sum = UINT64_MAX;
	}
	if (sum != p->cfg->mem_bytes)
		return fail_at(p, "<memory>", "is %s but the cells add up to %s",
			       fmt_size(p->cfg->mem_bytes, a, sizeof a), fmt_size(sum, b, sizeof b));
	return 0;
}

/* No <distances> anywhere: QEMU's defaults. Some: all must be given. */
static int check_cell_distances(struct parser *p, struct raw_cell **by_id)
{
	bool any = false;

	for (int id = 0; id < p->nr_cells; id++)
		any |= by_id[id]->has_distances;
	for (int id = 0; id < p->nr_cells; id++) {
		struct raw_cell *c = by_id[id];

		for (int sid = 0; sid < CONFIG_MAX_NODES; sid++) {
			if (sid >= p->nr_cells && c->dist[sid])
				return fail_at(p, "<sibling>", "cell %d: sibling id %d is not "
					       "a cell (ids are 0..%d)", id, sid, p->nr_cells - 1);
			if (sid < p->nr_cells && any && !c->dist[sid])
				return fail_at(p, "<distances>", "cell %d has no <sibling id='%d'> "
					       "(once one cell has <distances>, every cell must "
					       "list every cell)", id, sid);
			if (sid < p->nr_cells && !any)
				c->dist[sid] = sid == id ? LOCAL_DISTANCE : REMOTE_DEFAULT;
		}
	}
	return 0;
}

/* Copy checked cells into cfg->node[], indexed by id. */
static void fill_nodes(struct parser *p, struct raw_cell **by_id)
{
	struct vm_config *cfg = p->cfg;

	cfg->nr_nodes = p->nr_cells;
	for (int id = 0; id < p->nr_cells; id++) {
		struct vm_node *node = &cfg->node[id];

		node->id = id;
		node->mem_bytes = by_id[id]->mem_bytes;
		memcpy(node->distance, by_id[id]->dist, sizeof node->distance);
		for (int cpu = 0; cpu < cfg->nr_vcpus; cpu++) {
			if (by_id[id]->cpus[cpu]) {
				node->cpus[node->nr_cpus++] = cpu;
				cfg->cpu_node[cpu] = id;
			}
		}
	}
}

/* No <numa>: one node 0 with every vCPU and all memory. */
static int fill_implicit_node(struct parser *p)
{
	struct vm_config *cfg = p->cfg;
	struct vm_node *node = &cfg->node[0];

	if (check_node_memory(p, "<memory>", 0, cfg->mem_bytes) < 0)
		return -1;
	cfg->nr_nodes = 1;
	node->id = 0;
	node->mem_bytes = cfg->mem_bytes;
	node->distance[0] = LOCAL_DISTANCE;
	for (int cpu = 0; cpu < cfg->nr_vcpus; cpu++) {
		node->cpus[node->nr_cpus++] = cpu;
		cfg->cpu_node[cpu] = 0;
	}
	return 0;
}

static int finish_nodes(struct parser *p)
{
	struct raw_cell *by_id[CONFIG_MAX_NODES] = { NULL };

	if (!p->have_numa)
		return fill_implicit_node(p);
	if (check_cell_ids(p, by_id) < 0 || check_cell_cpus(p, by_id) < 0 ||
	    check_cell_memory(p, by_id) < 0 || check_cell_distances(p, by_id) < 0)
		return -1;
	fill_nodes(p, by_id);
	return 0;
}

static int finish_metadata(struct parser *p)
{
	struct vm_config *cfg = p->cfg;

	for (int id = 0; id < CONFIG_MAX_NODES; id++) {
		if (p->binding[id] >= 0 && id >= cfg->nr_nodes)
			return fail_at(p, "<gmm:numa-binding>", "cell %d does not exist "
				       "(there are %d)", id, cfg->nr_nodes);
		if (id < cfg->nr_nodes)
			cfg->node[id].host_node = p->binding[id];
	}
	if (cfg->swap.present && !p->have_swap_size)
		return fail_at(p, "<disk>", "the swap disk needs its size in "
			       "<metadata>: <gmm:swap size='...' unit='MiB'/>");
	if (!cfg->swap.present && p->have_swap_size)
		return fail_at(p, "<gmm:swap>", "there is no swap <disk> in <devices>");
	if (!cfg->swap.present && p->have_swap_faults)
		return fail_at(p, "<gmm:swap-faults>", "there is no swap <disk> in <devices>");
	return 0;
}

/* ---- entry points --------------------------------------------------------- */

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_arg;
#else
typedef xmlErrorPtr xml_error_arg;
#endif

/*
 * libxml2 goes on parsing after an error and reports what follows from
 * it too; the first report is the one that explains the mistake, so the
 * parse keeps that one (in the parser, through the context's _private).
 */
static void keep_first_error(void *ctxt, xml_error_arg e)
{
	struct parser *p = ((xmlParserCtxt *)ctxt)->_private;
	size_t len;

	if (p->xml_err_line || !e || !e->message)
		return;
	snprintf(p->xml_err, sizeof p->xml_err, "%s", e->message);
	len = strlen(p->xml_err);
	while (len > 0 && isspace((unsigned char)p->xml_err[len - 1]))
		p->xml_err[--len] = '\0';
	p->xml_err_line = e->line > 0 ? e->line : 1;
}

static int xml_error(struct parser *p)
{
	if (!p->xml_err_line)
		return fail_at(p, "<domain>", "document is empty or unreadable");
	snprintf(p->err, p->errlen, "%s:%d: XML parse error: %s", p->name,
		 p->xml_err_line, p->xml_err);
	return -1;
}

/* Parse BUF into a tree; errors are kept, not printed (XML_PARSE_NOERROR). */
static xmlDoc *read_xml(struct parser *p, const char *buf, size_t len)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxt *ctxt;
	xmlDoc *doc;

	if (len == 0) {
		snprintf(p->xml_err, sizeof p->xml_err, "Document is empty");
		p->xml_err_line = 1;
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		snprintf(p->xml_err, sizeof p->xml_err, "out of memory");
		p->xml_err_line = 1;
		return NULL;
	}
	ctxt->_private = p;
	ctxt->sax->serror = keep_first_error;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, p->name, NULL, opts);
	if (doc && !ctxt->wellFormed) {     /* only possible in recovery mode */
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* The directory of NAME, "" if it has none. */
static void set_dir(struct parser *p, const char *name)
{
	const char *slash = strrchr(name, '/');
	size_t len;

	p->dir[0] = '\0';
	if (!slash)
		return;
	len = slash == name ? 1 : (size_t)(slash - name);   /* "/x.xml" -> "/" */
	if (len < sizeof p->dir) {
		memcpy(p->dir, name, len);
		p->dir[len] = '\0';
	}
}

static void init_config(struct vm_config *cfg, const char *name)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->path, sizeof cfg->path, "%s", name);
	cfg->backing = BACKING_NORMAL;
	for (int i = 0; i < CONFIG_MAX_NODES; i++)
		cfg->node[i].host_node = -1;
}

static int parse_doc(struct parser *p, const char *buf, size_t len)
{
	xmlDoc *doc;
	int r;

	if (len > INT_MAX)
		return fail_at(p, "<domain>", "file too large");
	doc = read_xml(p, buf, len);
	if (!doc)
		return xml_error(p);
	r = parse_domain(p, xmlDocGetRootElement(doc));
	if (r == 0)
		r = finish_basics(p);
	if (r == 0)
		r = finish_nodes(p);
	if (r == 0)
		r = finish_metadata(p);
	xmlFreeDoc(doc);
	return r;
}

int config_parse_buffer(const char *buf, size_t len, const char *name,
			struct vm_config *cfg, char *err, size_t errlen)
{
	struct parser *p = calloc(1, sizeof *p);   /* tens of KiB: not on the stack */
	int r;

	init_config(cfg, name);
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	p->name = name;
	p->cfg = cfg;
	p->err = err;
	p->errlen = errlen;
	for (int i = 0; i < CONFIG_MAX_NODES; i++)
		p->binding[i] = -1;
	set_dir(p, name);

	r = parse_doc(p, buf, len);

	for (size_t i = 0; i < p->nr_strs; i++)
		xmlFree(p->strs[i]);
	free(p->strs);
	free(p);
	return r;
}

int config_load(const char *path, struct vm_config *cfg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t len;
	int r;

	init_config(cfg, path);
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(CONFIG_FILE_MAX + 1);
	len = buf ? fread(buf, 1, CONFIG_FILE_MAX + 1, f) : 0;
	if (!buf || ferror(f) || len > CONFIG_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, !buf ? "out of memory" :
			 ferror(f) ? strerror(errno) : "larger than 1 MiB");
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	r = config_parse_buffer(buf, len, path, cfg, err, errlen);
	free(buf);
	return r;
}

/* ---- cpusets -------------------------------------------------------------- */

/* One decimal number at *S (no sign); advances *S. Saturates huge values. */
static bool cpuset_number(const char **s, long *out)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return false;
	errno = 0;
	*out = strtol(*s, &end, 10);
	if (errno == ERANGE)
		*out = LONG_MAX;
	*s = end;
	return true;
}

static const char *skip_spaces(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/*
 * libvirt's cpuset syntax: comma-separated items, each "N", "N-M" or
 * "^N" (take N out of what the items before it put in), white space
 * around items allowed.
 */
int config_parse_cpuset(const char *s, bool *set, int max, char *err, size_t errlen)
{
	const char *c = s;
	int count = 0;

	memset(set, 0, (size_t)max * sizeof *set);
	for (;;) {
		bool neg;
		long a, b;

		c = skip_spaces(c);
		neg = *c == '^';
		c += neg;
		if (!cpuset_number(&c, &a))
			goto expected_number;
		b = a;
		if (!neg && *c == '-') {
			c++;
			if (!cpuset_number(&c, &b))
				goto expected_number;
			if (b < a) {
				snprintf(err, errlen, "range %ld-%ld ends before it starts", a, b);
				return -1;
			}
		}
		if (b >= max) {
			snprintf(err, errlen, "cpu %ld is out of range 0-%d", b, max - 1);
			return -1;
		}
		for (long i = a; i <= b; i++)
			set[i] = !neg;
		c = skip_spaces(c);
		if (!*c)
			break;
		if (*c != ',') {
			snprintf(err, errlen, "unexpected '%c'", *c);
			return -1;
		}
		c++;
	}
	for (int i = 0; i < max; i++)
		count += set[i];
	return count;

expected_number:
	if (*c)
		snprintf(err, errlen, "expected a number at '%s'", c);
	else
		snprintf(err, errlen, "expected a number at the end");
	return -1;
}

/* ---- summary ---------------------------------------------------------------- */

/* "0-1,4" for the ascending list CPUS[0..N). */
static void format_cpus(const int *cpus, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++) {
		int j = i;

		while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
			j++;
		if (j == i)
			used += snprintf(buf + used, len - used, "%s%d", i ? "," : "", cpus[i]);
		else
			used += snprintf(buf + used, len - used, "%s%d-%d", i ? "," : "",
					 cpus[i], cpus[j]);
		i = j;
	}
}

static void print_node(const struct vm_config *cfg, const struct vm_node *node, FILE *out)
{
	char cpus[1024], size[32];       /* room for 256 CPUs as "0,2,4,..." */

	format_cpus(node->cpus, node->nr_cpus, cpus, sizeof cpus);
	fprintf(out, "  node %d: cpus %-10s %10s  distances", node->id, cpus,
		fmt_size(node->mem_bytes, size, sizeof size));
	for (int j = 0; j < cfg->nr_nodes; j++)
		fprintf(out, " %3u", node->distance[j]);
	if (node->host_node >= 0)
		fprintf(out, "  host node %d\n", node->host_node);
	else
		fprintf(out, "  host node any\n");
}

static void print_swap(const struct vm_swap_config *sw, FILE *out)
{
	char size[32];

	if (!sw->present) {
		fprintf(out, "  swap     none\n");
		return;
	}
	fprintf(out, "  swap     %s, %s%s\n", sw->path,
		fmt_size(sw->size_bytes, size, sizeof size), sw->readonly ? ", read-only" : "");
	if (sw->fail_every || sw->fail_fraction > 0 || sw->delay_us || sw->truncate_every)
		fprintf(out, "  faults   fail-every %u, fail-fraction %g, delay %u us, "
			"truncate-every %u, seed %llu\n", sw->fail_every, sw->fail_fraction,
			sw->delay_us, sw->truncate_every, (unsigned long long)sw->seed);
}

void config_print(const struct vm_config *cfg, FILE *out)
{
	static const char *const backing[] = { "normal", "thp", "hugetlbfs" };
	char size[32];

	fprintf(out, "%s%s%s%s: %d vCPUs, %s in %d node%s, backing %s\n", cfg->path,
		cfg->name[0] ? " ('" : "", cfg->name, cfg->name[0] ? "')" : "",
		cfg->nr_vcpus, fmt_size(cfg->mem_bytes, size, sizeof size), cfg->nr_nodes,
		cfg->nr_nodes == 1 ? "" : "s", backing[cfg->backing]);
	for (int i = 0; i < cfg->nr_nodes; i++)
		print_node(cfg, &cfg->node[i], out);
	fprintf(out, "  kernel   %s\n", cfg->kernel[0] ? cfg->kernel : "(the one this repo builds)");
	fprintf(out, "  initrd   %s\n", cfg->initrd[0] ? cfg->initrd : "(none)");
	fprintf(out, "  cmdline  '%s'\n", cfg->cmdline);
	print_swap(&cfg->swap, out);
}

/*
 * The kernel command line (kernel/cmdline.h). cmdline_init() copies it
 * out of boot_info once, at boot, before any other CPU runs; afterwards
 * everything here is read-only, so no locking.
 *
 * The parsed copy holds each word as "key\0value\0" with quotes removed;
 * param[] points into it.
 */
#include <gmm/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define MAX_PARAMS 128

struct param {
	const char *key;
	const char *val;     /* NULL for a bare "key" */
};

char boot_command_line[BOOT_CMDLINE_MAX];
static char parsed[BOOT_CMDLINE_MAX];
static struct param param[MAX_PARAMS];
static int nr_params;
static const char *init_args;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Split PARSED (a copy of the line) in place into param[]. */
static void parse_words(void)
{
	char *p = parsed;

	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			return;
		if (p[0] == '-' && p[1] == '-' && (is_space(p[2]) || !p[2])) {
			p += 2;
			while (is_space(*p))
				p++;
			init_args = boot_command_line + (p - parsed);
			return;
		}
		char *key = p, *val = NULL, *out = p;
		bool quoted = false;
		for (; *p && (quoted || !is_space(*p)); p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (*p == '=' && !val) {
				*out++ = '\0';
				val = out;
				continue;
			}
			*out++ = *p;
		}
		bool end = !*p;
		*out = '\0';
		if (nr_params < MAX_PARAMS)
			param[nr_params++] = (struct param){ key, val };
		else
			printk("cmdline: too many parameters, \"%s\" ignored\n", key);
		if (end)
			return;
		p++;
	}
}

void cmdline_init(const char *src, size_t max)
{
	size_t n = strnlen(src, max < sizeof(parsed) ? max : sizeof(parsed) - 1);

	memcpy(boot_command_line, src, n);
	boot_command_line[n] = '\0';
	memcpy(parsed, src, n);
	parsed[n] = '\0';
	parse_words();
}

static const struct param *find(const char *key)
{
	for (int i = nr_params - 1; i >= 0; i--)     /* the last one wins */
		if (!strcmp(param[i].key, key))
			return &param[i];
	return NULL;
}

const char *cmdline_get(const char *key)
{
	const struct param *p = find(key);

	if (!p)
		return NULL;
	return p->val ? p->val : "";
}

bool cmdline_has(const char *flag)
{
	return find(flag) != NULL;
}

bool cmdline_get_ulong(const char *key, unsigned long *val)
{
	const char *s = cmdline_get(key);
	unsigned long v = 0, base = 10;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	for (; *s; s++) {
		unsigned long d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned long)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned long)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned long)(*s - 'A' + 10);
		else
			return false;
		v = v * base + d;
	}
	*val = v;
	return true;
}

const char *cmdline_init_args(void)
{
	return init_args;
}

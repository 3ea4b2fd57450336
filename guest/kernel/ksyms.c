/*
 * Symbol lookup over the table scripts/gen-ksyms.sh generates (section
 * .ksyms, linked in the second link stage; see mk/guest.mk). The table is
 * sorted by address, so a lookup is a binary search. Read-only data: safe
 * from any CPU, also in the panic path.
 */
#include <kernel/ksyms.h>
#include <kernel/sprintf.h>

extern const unsigned long ksyms_num;
extern const unsigned long ksyms_addresses[];
extern const u32 ksyms_name_offsets[];
extern const char ksyms_names[];
extern const char _etext[];

const char *ksym_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
	unsigned long n = ksyms_num, lo = 0, hi;

	if (!n || addr < ksyms_addresses[0] || addr >= (unsigned long)_etext)
		return NULL;
	hi = n;                       /* find the last entry <= addr */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (ksyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	unsigned long end = lo + 1 < n ? ksyms_addresses[lo + 1] : (unsigned long)_etext;
	*offset = addr - ksyms_addresses[lo];
	*size = end - ksyms_addresses[lo];
	return ksyms_names + ksyms_name_offsets[lo];
}

int sprint_symbol(char *buf, size_t len, unsigned long addr)
{
	unsigned long off, size;
	const char *name = ksym_lookup(addr, &off, &size);

	if (!name)
		return scnprintf(buf, len, "0x%lx", addr);
	return scnprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
}

int sprint_backtrace(char *buf, size_t len, unsigned long addr)
{
	unsigned long off, size;
	const char *name = ksym_lookup(addr - 1, &off, &size);

	if (!name)
		return scnprintf(buf, len, "0x%lx", addr);
	return scnprintf(buf, len, "%s+0x%lx/0x%lx", name, off + 1, size);
}

/*
 * Fault injection. See swap_fault.h.
 */
#include <string.h>

#include "host/swap/swap_fault.h"
#include "vmm/config.h"

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void swap_fault_init(struct swap_fault *f, const struct vm_swap_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->fail_every = cfg->fail_every;
	f->truncate_every = cfg->truncate_every;
	f->delay_us = cfg->delay_us;
	f->rng = cfg->seed;
	if (cfg->fail_fraction >= 1.0)
		f->fail_threshold = UINT64_MAX;
	else if (cfg->fail_fraction > 0.0)
		f->fail_threshold = (uint64_t)(cfg->fail_fraction * 18446744073709551616.0);
}

enum swap_fault_action swap_fault_next(struct swap_fault *f, bool has_data)
{
	uint64_t n = ++f->count;

	if (f->fail_every && n % f->fail_every == 0)
		return SWAP_FAULT_EIO;
	if (f->fail_threshold && splitmix64(&f->rng) < f->fail_threshold)
		return SWAP_FAULT_EIO;
	if (has_data && f->truncate_every && n % f->truncate_every == 0)
		return SWAP_FAULT_TRUNCATE;
	return SWAP_FAULT_NONE;
}

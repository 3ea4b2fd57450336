/*
 * Fault injection for tests (<metadata><gmm:swap-faults .../> in the
 * config, struct vm_swap_config): every Nth request or a seeded fraction
 * of them fails with EIO, every Nth data request is cut short (and so
 * fails as a short I/O), and completions can be delayed.
 *
 * Requests are counted in the order the device takes them off the avail
 * ring (reads, writes and flushes; not GET_ID or requests failed by the
 * parser), so a run is reproducible for a given seed and request order.
 *
 * No locking: used by the I/O thread only.
 */
#ifndef SWAP_FAULT_H
#define SWAP_FAULT_H

#include <stdbool.h>
#include <stdint.h>

struct vm_swap_config;

enum swap_fault_action {
	SWAP_FAULT_NONE = 0,
	SWAP_FAULT_EIO,         /* complete with EIO without doing the I/O */
	SWAP_FAULT_TRUNCATE,    /* do the I/O on a shorter length */
};

struct swap_fault {
	uint32_t fail_every;
	uint64_t fail_threshold;   /* fail_fraction scaled to 2^64, 0 = never */
	uint32_t truncate_every;
	uint32_t delay_us;
	uint64_t rng;              /* splitmix64 state */
	uint64_t count;            /* requests counted so far */
};

void swap_fault_init(struct swap_fault *f, const struct vm_swap_config *cfg);

/* The fault to inject into the next request (HAS_DATA: a read or write). */
enum swap_fault_action swap_fault_next(struct swap_fault *f, bool has_data);

/* The shorter length a truncated request of LEN bytes is done with. */
static inline uint64_t swap_fault_truncated_len(uint64_t len)
{
	return (len / 2) & ~511ULL;
}

#endif

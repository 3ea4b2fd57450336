/*
 * The data the guest's swap self-test (swap_selftest, guest/drivers/
 * blk_selftest.c) writes to the swap disk, so that a host test can check
 * the disk file afterwards (tests/test_swap_guest.c): in every 512-byte
 * sector S, 64-bit word 0 and word 63 hold swap_selftest_word(seed, S, w)
 * and words 1..62 are zero. Freestanding: the guest compiles it too.
 */
#ifndef GMM_SWAP_SELFTEST_H
#define GMM_SWAP_SELFTEST_H

#include <stdint.h>

#define SWAP_SELFTEST_WORDS     64      /* per sector */
#define SWAP_SELFTEST_LAST      63

/* Never 0 (a sector of zeros never matches) and cheap in ring 0. */
static inline uint64_t swap_selftest_word(uint64_t seed, uint64_t sector, unsigned int w)
{
	uint64_t z = (seed + sector * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)w << 32);

	z *= 0xbf58476d1ce4e5b9ULL;
	return (z ^ (z >> 31)) | 1;
}

#endif

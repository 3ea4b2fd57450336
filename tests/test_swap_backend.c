/*
 * The swap backend (host/swap/) driven through hand-built virtqueues in
 * fake guest memory, with its real I/O thread and io_uring on a temporary
 * file: data integrity, request types, fault injection, notification
 * suppression, reset, and opening/creating the disk.
 */
#include <criterion/criterion.h>
#include <sched.h>
#include <sys/mount.h>

#include "host/swap/blk_req.h"
#include "host/swap/swap_disk.h"
#include "test_swap_env.h"

static struct swap_env e;

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void setup(void)
{
	memset(&e, 0, sizeof(e));
	cr_assert_eq(env_setup(&e), 0);
}

static void teardown(void)
{
	env_teardown(&e);
}

TestSuite(swap_backend, .init = setup, .fini = teardown, .timeout = 20);

Test(swap_backend, write_then_read_returns_the_data)
{
	uint8_t *src = G(&e.g, ENV_DATA), *dst = G(&e.g, ENV_DATA + 0x10000);
	uint16_t h;

	fill(src, 8192, 1);
	h = env_req(&e, 0, VIRTIO_BLK_T_OUT, 24, ENV_DATA, 8192);
	cr_assert(env_run1(&e, h));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);

	h = env_req(&e, 1, VIRTIO_BLK_T_IN, 24, ENV_DATA + 0x10000, 8192);
	cr_assert(env_run1(&e, h));
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_OK);
	cr_assert_eq(memcmp(src, dst, 8192), 0);

	struct vring_used_elem u0 = drv_get_used(&e.q), u1 = drv_get_used(&e.q);
	cr_assert_eq(u0.id, 0);
	cr_assert_eq(u0.len, 1, "write: only the status byte is device-writable");
	cr_assert_eq(u1.id, 3);
	cr_assert_eq(u1.len, 8193, "read: data + status");
}

Test(swap_backend, many_requests_in_one_batch)
{
	enum { N = 21 };   /* 63 descriptors of 64 */
	uint16_t heads[N];

	for (unsigned i = 0; i < N; i++) {
		fill(G(&e.g, ENV_DATA + i * 4096ULL), 4096, 100 + i);
		heads[i] = env_req(&e, i, VIRTIO_BLK_T_OUT, (N - i) * 8ULL, ENV_DATA + i * 4096ULL, 4096);
	}
	cr_assert(env_run(&e, heads, N));
	for (unsigned i = 0; i < N; i++) {
		cr_assert_eq(env_st(&e, i), VIRTIO_BLK_S_OK);
		drv_get_used(&e.q);
	}
	for (unsigned i = 0; i < N; i++)
		heads[i] = env_req(&e, i, VIRTIO_BLK_T_IN, (N - i) * 8ULL,
				   ENV_DATA + 0x80000 + i * 4096ULL, 4096);
	cr_assert(env_run(&e, heads, N));
	for (unsigned i = 0; i < N; i++) {
		cr_assert_eq(env_st(&e, i), VIRTIO_BLK_S_OK);
		cr_assert_eq(memcmp(G(&e.g, ENV_DATA + i * 4096ULL),
				    G(&e.g, ENV_DATA + 0x80000 + i * 4096ULL), 4096), 0, "request %u", i);
	}
	struct swap_stats s;
	swap_dev_stats(e.d, &s);
	cr_assert_eq(s.requests, 2 * N);
	cr_assert_leq(s.submits, 8, "requests are submitted in batches (%llu submits)",
		      (unsigned long long)s.submits);
}

/* Many requests kept in flight with notification suppression both ways
 * (EVENT_IDX, kicks only when avail_event asks): every block written
 * twice in random order, then read back: each holds its last write. */
Test(swap_backend, integrity_under_load)
{
	enum { SLOTS = 21, BLOCKS = 512, ROUNDS = 3 * BLOCKS };
	const char *why;
	uint32_t gen[BLOCKS] = { 0 }, order[ROUNDS];
	int slot_block[SLOTS];
	unsigned next = 0, done = 0;
	uint64_t seed = 12345;

	swap_dev_queue_stop(e.d);
	drv_init(&e.q, &e.g, 64, ENV_RING, true);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
					  &why), 0);
	/* two writes of each block in random order, then one read of each */
	for (unsigned i = 0; i < ROUNDS; i++)
		order[i] = i % BLOCKS;
	for (unsigned i = 2 * BLOCKS - 1; i > 0; i--) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned j = (unsigned)(seed >> 33) % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned s = 0; s < SLOTS; s++)
		slot_block[s] = -1;
	while (done < ROUNDS) {
		bool added = false;

		for (unsigned s = 0; s < SLOTS && next < ROUNDS; s++) {
			if (slot_block[s] >= 0 || (next >= 2 * BLOCKS && done < 2 * BLOCKS))
				continue;   /* busy; or a read before every write is done */
			unsigned b = order[next], *d = G(&e.g, ENV_DATA + s * 4096ULL);
			bool wr = next < 2 * BLOCKS, clash = false;

			for (unsigned k = 0; k < SLOTS; k++)
				clash |= slot_block[k] == (int)b;
			if (clash)
				break;      /* same block in flight: the order would be undefined */

			if (wr) {
				gen[b]++;
				for (unsigned w = 0; w < 1024; w++)
					d[w] = b * 1000003u + gen[b] * 7919u + w;
			}
			drv_add(&e.q, env_req(&e, s, wr ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, b * 8ULL,
					      ENV_DATA + s * 4096ULL, 4096));
			slot_block[s] = (int)b;
			next++;
			added = true;
		}
		if (added)
			drv_publish_kick(&e.q, swap_dev_notify_fd(e.d));
		cr_assert(drv_wait_used(&e.q, e.irq_fd, 1, 5000), "stalled at %u of %u", done, ROUNDS);
		while (drv_used_pending(&e.q)) {
			struct vring_used_elem u = drv_get_used(&e.q);
			unsigned s = u.id / 3, b = (unsigned)slot_block[s], *d = G(&e.g, ENV_DATA + s * 4096ULL);

			cr_assert_eq(env_st(&e, s), VIRTIO_BLK_S_OK);
			if (done >= 2 * BLOCKS)
				for (unsigned w = 0; w < 1024; w++)
					cr_assert_eq(d[w], b * 1000003u + gen[b] * 7919u + w,
						     "block %u word %u", b, w);
			slot_block[s] = -1;
			done++;
		}
	}
	/* How many kicks suppression saved depends on how the I/O thread is
	 * scheduled (a loaded host kicks more): a figure, not an assertion.
	 * The suppression rules themselves are checked deterministically by
	 * the event-index tests below. */
	struct swap_stats st;
	swap_dev_stats(e.d, &st);
	cr_log_info("%llu kicks for %u requests", (unsigned long long)st.kicks, ROUNDS);
}

/* Framing is free (2.6.4): header split over two buffers, data over three,
 * status sharing the last data buffer. */
Test(swap_backend, arbitrary_framing)
{
	uint8_t *hdr = G(&e.g, env_hdr(0));
	uint8_t *src = G(&e.g, ENV_DATA);
	struct virtio_blk_outhdr h = { VIRTIO_BLK_T_OUT, 0, 100 };

	fill(src, 3072, 7);
	memcpy(hdr, &h, 16);
	/* write: hdr[0..5) hdr[5..16)+data[0..1000) data[1000..3072) status */
	memcpy(hdr + 64, (uint8_t *)&h + 5, 11);
	memcpy(hdr + 75, src, 1000);
	drv_desc(&e.q, 0, env_hdr(0), 5, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&e.q, 1, env_hdr(0) + 64, 11 + 1000, VIRTQ_DESC_F_NEXT, 2);
	drv_desc(&e.q, 2, ENV_DATA + 1000, 2072, VIRTQ_DESC_F_NEXT, 3);
	drv_desc(&e.q, 3, env_status(0), 1, VIRTQ_DESC_F_WRITE, 0);
	*(uint8_t *)G(&e.g, env_status(0)) = 0xee;
	cr_assert(env_run1(&e, 0));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);

	/* read back: data in two buffers, the second also holding the status */
	h.type = VIRTIO_BLK_T_IN;
	memcpy(hdr, &h, 16);
	drv_desc(&e.q, 10, env_hdr(0), 16, VIRTQ_DESC_F_NEXT, 11);
	drv_desc(&e.q, 11, ENV_DATA + 0x10000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 12);
	drv_desc(&e.q, 12, ENV_DATA + 0x20000, 2560 + 1, VIRTQ_DESC_F_WRITE, 0);
	cr_assert(env_run1(&e, 10));
	cr_assert_eq(*(uint8_t *)G(&e.g, ENV_DATA + 0x20000 + 2560), VIRTIO_BLK_S_OK);
	cr_assert_eq(memcmp(G(&e.g, ENV_DATA + 0x10000), src, 512), 0);
	cr_assert_eq(memcmp(G(&e.g, ENV_DATA + 0x20000), src + 512, 2560), 0);
}

Test(swap_backend, flush_and_data_reach_the_file)
{
	uint8_t buf[4096];
	int fd;

	fill(G(&e.g, ENV_DATA), 4096, 3);
	uint16_t heads[2] = { env_req(&e, 0, VIRTIO_BLK_T_OUT, 8, ENV_DATA, 4096) };
	cr_assert(env_run(&e, heads, 1));
	heads[0] = env_req(&e, 1, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	cr_assert(env_run(&e, heads, 1));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_OK);
	fd = open(e.cfg.path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, buf, 4096, 4096), 4096);
	close(fd);
	cr_assert_eq(memcmp(buf, G(&e.g, ENV_DATA), 4096), 0);
	struct swap_stats s;
	swap_dev_stats(e.d, &s);
	cr_assert_eq(s.flushes, 1);
}

Test(swap_backend, get_id_and_unsupported)
{
	char *id = G(&e.g, ENV_DATA);
	char want[VIRTIO_BLK_ID_BYTES];

	memset(id, 'x', 64);
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_GET_ID, 0, ENV_DATA, VIRTIO_BLK_ID_BYTES);
	cr_assert(env_run1(&e, h));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);
	blk_serial_from_path(want, e.cfg.path);
	cr_assert_eq(memcmp(id, want, VIRTIO_BLK_ID_BYTES), 0);
	cr_assert_eq(id[VIRTIO_BLK_ID_BYTES], 'x', "nothing written past the 20 bytes");

	h = env_req(&e, 1, VIRTIO_BLK_T_DISCARD, 0, ENV_DATA + 4096, 16);
	cr_assert(env_run1(&e, h));
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_UNSUPP);
}

Test(swap_backend, sector_range_is_checked)
{
	uint64_t cap = ENV_DISK / 512;
	uint8_t *p = G(&e.g, ENV_DATA);
	uint16_t heads[4];

	memset(p, 0x5a, 8192);
	heads[0] = env_req(&e, 0, VIRTIO_BLK_T_IN, cap, ENV_DATA, 512);            /* just past */
	heads[1] = env_req(&e, 1, VIRTIO_BLK_T_IN, cap - 1, ENV_DATA, 1024);       /* straddles */
	heads[2] = env_req(&e, 2, VIRTIO_BLK_T_IN, UINT64_MAX - 1, ENV_DATA, 4096); /* wraps */
	heads[3] = env_req(&e, 3, VIRTIO_BLK_T_IN, cap - 8, ENV_DATA + 4096, 4096); /* last 4 KiB: fine */
	cr_assert(env_run(&e, heads, 4));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_IOERR);
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_IOERR);
	cr_assert_eq(env_st(&e, 2), VIRTIO_BLK_S_IOERR);
	cr_assert_eq(env_st(&e, 3), VIRTIO_BLK_S_OK);
	for (int i = 0; i < 4096; i++)
		cr_assert_eq(p[i], 0x5a, "failed requests leave their buffers alone");
}

Test(swap_backend, bad_lengths_fail_the_request)
{
	uint16_t heads[3];

	heads[0] = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 100);     /* not whole sectors */
	heads[1] = env_req(&e, 1, VIRTIO_BLK_T_OUT, 0, ENV_DATA, 513);
	heads[2] = env_req(&e, 2, VIRTIO_BLK_T_IN, 0, 0, 0);              /* no data */
	cr_assert(env_run(&e, heads, 3));
	for (int i = 0; i < 3; i++)
		cr_assert_eq(env_st(&e, i), VIRTIO_BLK_S_IOERR, "request %d", i);
	cr_assert_eq(e.broken, 0);
}

Test(swap_backend, fail_every_nth)
{
	uint16_t heads[9];

	swap_dev_destroy(e.d);
	e.cfg.fail_every = 3;
	cr_assert_eq(env_create(&e, SWAP_DIRECT_AUTO, (char[256]){0}, 256), 0);
	cr_assert_eq(swap_dev_start(e.d, (char[256]){0}, 256), 0);
	const char *why;
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1), &why), 0);
	for (unsigned i = 0; i < 9; i++)
		heads[i] = env_req(&e, i, i & 1 ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT, i * 8ULL,
				   ENV_DATA + i * 4096ULL, 4096);
	cr_assert(env_run(&e, heads, 9));
	for (unsigned i = 0; i < 9; i++)
		cr_assert_eq(env_st(&e, i), (i + 1) % 3 == 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK,
			     "request %u", i);
}

static void restart_with_faults(double fraction, uint32_t truncate_every, uint32_t delay_us,
				uint64_t seed)
{
	const char *why;

	swap_dev_destroy(e.d);
	e.cfg.fail_fraction = fraction;
	e.cfg.truncate_every = truncate_every;
	e.cfg.delay_us = delay_us;
	e.cfg.seed = seed;
	cr_assert_eq(env_create(&e, SWAP_DIRECT_AUTO, (char[256]){0}, 256), 0);
	cr_assert_eq(swap_dev_start(e.d, (char[256]){0}, 256), 0);
	drv_init(&e.q, &e.g, 64, ENV_RING, false);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1), &why), 0);
}

/* A seeded fraction fails, and the same seed fails the same requests. */
Test(swap_backend, fail_fraction_is_seeded)
{
	uint8_t pattern[2][20];
	uint16_t heads[20];
	int fails = 0;

	for (int run = 0; run < 2; run++) {
		restart_with_faults(0.5, 0, 0, 42);
		for (unsigned i = 0; i < 20; i++)
			heads[i] = env_req(&e, i, VIRTIO_BLK_T_IN, i, ENV_DATA + i * 512ULL, 512);
		cr_assert(env_run(&e, heads, 20));
		for (unsigned i = 0; i < 20; i++) {
			pattern[run][i] = env_st(&e, i);
			fails += run == 0 && pattern[run][i] == VIRTIO_BLK_S_IOERR;
		}
	}
	cr_assert_eq(memcmp(pattern[0], pattern[1], 20), 0);
	cr_assert(fails > 2 && fails < 18, "%d of 20 failed", fails);
}

Test(swap_backend, truncated_requests_fail_as_short_io)
{
	uint16_t heads[4];

	restart_with_faults(0, 2, 0, 0);
	memset(G(&e.g, ENV_DATA), 0x77, 4 * 4096);
	for (unsigned i = 0; i < 4; i++)
		heads[i] = env_req(&e, i, VIRTIO_BLK_T_OUT, i * 8ULL, ENV_DATA + i * 4096ULL, 4096);
	cr_assert(env_run(&e, heads, 4));
	for (unsigned i = 0; i < 4; i++)
		cr_assert_eq(env_st(&e, i), i % 2 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK, "request %u", i);
}

Test(swap_backend, delayed_completions)
{
	uint64_t t0;

	restart_with_faults(0, 0, 100000, 0);
	t0 = now_ns();
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);
	cr_assert(env_run1(&e, h));
	cr_assert_geq(now_ns() - t0, 100000000ULL, "completion came before the 100 ms delay");
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);
}

/* Reset waits for in-flight (delayed) I/O and writes no used entry for it;
 * the device then works with a new queue. */
Test(swap_backend, reset_drains_and_restarts)
{
	const char *why;
	uint64_t t0;

	restart_with_faults(0, 0, 100000, 0);
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);
	drv_add(&e.q, h);
	drv_publish(&e.q);
	drv_kick(swap_dev_notify_fd(e.d));
	usleep(20000);
	t0 = now_ns();
	swap_dev_queue_stop(e.d);
	cr_assert_geq(now_ns() - t0, 50000000ULL, "reset returned before in-flight I/O finished");
	cr_assert_eq(e.q.used->idx, 0, "no used entry after reset");
	cr_assert_eq(env_st(&e, 0), 0xee, "no status after reset");

	drv_init(&e.q, &e.g, 32, ENV_RING + 0x8000, false);
	cr_assert_eq(swap_dev_queue_start(e.d, 32, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1), &why), 0);
	h = env_req(&e, 1, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);
	cr_assert(env_run1(&e, h));
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_OK);
}

/* VIRTQ_AVAIL_F_NO_INTERRUPT: the used ring advances, the guest is not interrupted. */
Test(swap_backend, no_interrupt_flag_is_honoured)
{
	e.q.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);
	drv_add(&e.q, h);
	drv_publish(&e.q);
	drv_kick(swap_dev_notify_fd(e.d));
	for (int i = 0; i < 2000 && drv_used_pending(&e.q) == 0; i++)
		usleep(1000);
	cr_assert_eq(drv_used_pending(&e.q), 1);
	usleep(20000);
	cr_assert_eq(__atomic_load_n(&e.interrupts, __ATOMIC_RELAXED), 0);
	/* idle device asks for kicks again */
	cr_assert_eq(e.q.used->flags & VIRTQ_USED_F_NO_NOTIFY, 0);
}

/* VIRTIO_F_EVENT_IDX both ways: interrupts only when used_event is passed;
 * avail_event tells the driver when to kick. */
Test(swap_backend, event_idx_is_honoured)
{
	uint16_t heads[3];
	const char *why;

	swap_dev_queue_stop(e.d);
	drv_init(&e.q, &e.g, 64, ENV_RING, true);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
					  &why), 0);
	*drv_used_event(&e.q) = 5;    /* interrupt me when entry 5 is used */
	for (unsigned i = 0; i < 3; i++)
		heads[i] = env_req(&e, i, VIRTIO_BLK_T_IN, i * 8ULL, ENV_DATA + i * 4096ULL, 4096);
	for (unsigned i = 0; i < 3; i++)
		drv_add(&e.q, heads[i]);
	cr_assert(drv_publish_kick(&e.q, swap_dev_notify_fd(e.d)), "first kick is wanted");
	for (int i = 0; i < 2000 && drv_used_pending(&e.q) < 3; i++)
		usleep(1000);
	cr_assert_eq(drv_used_pending(&e.q), 3);
	usleep(20000);
	cr_assert_eq(__atomic_load_n(&e.interrupts, __ATOMIC_RELAXED), 0, "used_event 5 not reached");
	cr_assert_eq(drv_avail_event(&e.q), 3, "idle device wants a kick for the next chain");

	for (unsigned i = 0; i < 3; i++)
		drv_get_used(&e.q);   /* moves used_event to 3 */
	for (unsigned i = 0; i < 3; i++)
		heads[i] = env_req(&e, 3 + i, VIRTIO_BLK_T_IN, i * 8ULL, ENV_DATA + i * 4096ULL, 4096);
	for (unsigned i = 0; i < 3; i++)
		drv_add(&e.q, heads[i]);
	cr_assert(drv_publish_kick(&e.q, swap_dev_notify_fd(e.d)));
	cr_assert(drv_wait_used(&e.q, e.irq_fd, 3, 5000));
	cr_assert_geq(__atomic_load_n(&e.interrupts, __ATOMIC_RELAXED), 1);
}

Test(swap_backend, readonly_disk_refuses_writes)
{
	const char *why;

	swap_dev_destroy(e.d);
	e.cfg.readonly = true;
	cr_assert_eq(env_create(&e, SWAP_DIRECT_AUTO, (char[256]){0}, 256), 0);
	cr_assert_eq(swap_dev_start(e.d, (char[256]){0}, 256), 0);
	cr_assert(swap_dev_features(e.d) & VIRTIO_BIT(VIRTIO_BLK_F_RO));
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1), &why), 0);
	uint16_t heads[2] = { env_req(&e, 0, VIRTIO_BLK_T_OUT, 0, ENV_DATA, 4096),
			      env_req(&e, 1, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096) };
	cr_assert(env_run(&e, heads, 2));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_IOERR);
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_OK);
}

/* Page-aligned 4 KiB requests go through O_DIRECT where the file system
 * allows it; misaligned ones through the page cache, with the same data. */
Test(swap_backend, direct_io_when_aligned)
{
	const struct swap_disk *dk = swap_dev_disk(e.d);
	struct swap_stats s;

	if (dk->fd_direct < 0)
		cr_skip_test("SKIPPED: no O_DIRECT on this file system");
	fill(G(&e.g, ENV_DATA), 4096, 9);
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_OUT, 16, ENV_DATA, 4096);
	cr_assert(env_run1(&e, h));
	swap_dev_stats(e.d, &s);
	cr_assert_eq(s.direct, 1);
	h = env_req(&e, 1, VIRTIO_BLK_T_IN, 16, ENV_DATA + 0x10000 + 1, 4096);  /* odd address */
	cr_assert(env_run1(&e, h));
	swap_dev_stats(e.d, &s);
	cr_assert_eq(s.direct, 1);
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_OK);
	cr_assert_eq(memcmp(G(&e.g, ENV_DATA), G(&e.g, ENV_DATA + 0x10000 + 1), 4096), 0);
}

/* A real host error: a sparse swap file on a file system that fills up.
 * The write fails with ENOSPC and the guest sees IOERR. Needs a private
 * mount namespace (root); skipped otherwise. */
Test(swap_backend, host_enospc_becomes_ioerr)
{
	char dir[256];
	const char *why;
	uint16_t heads[2];
	int fd;

	env_teardown(&e);
	memset(&e, 0, sizeof(e));
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		cr_skip_test("SKIPPED: no private mount namespace (%s)", strerror(errno));
	snprintf(dir, sizeof(dir), "%s/gmm-swap-mnt-%d",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", getpid());
	mkdir(dir, 0700);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=256k")) {
		rmdir(dir);
		cr_skip_test("SKIPPED: cannot mount a small tmpfs (%s)", strerror(errno));
	}
	snprintf(e.cfg.path, sizeof(e.cfg.path), "%s/sparse.img", dir);
	fd = open(e.cfg.path, O_CREAT | O_RDWR, 0600);
	cr_assert_eq(ftruncate(fd, 4 << 20), 0);   /* 4 MiB sparse on 256 KiB */
	close(fd);
	e.cfg.size_bytes = 4 << 20;
	cr_assert_eq(env_setup_full(&e, 64, VIRTIO_BIT(VIRTIO_F_VERSION_1), SWAP_DIRECT_AUTO), 0);
	heads[0] = env_req(&e, 0, VIRTIO_BLK_T_OUT, 0, ENV_DATA, 128 << 10);
	heads[1] = env_req(&e, 1, VIRTIO_BLK_T_OUT, 2048, ENV_DATA, 512 << 10);
	cr_assert(env_run(&e, heads, 2));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);
	cr_assert_eq(env_st(&e, 1), VIRTIO_BLK_S_IOERR, "ENOSPC must not look like success");
	swap_dev_destroy(e.d);
	e.d = NULL;
	unlink(e.cfg.path);
	umount2(dir, MNT_DETACH);   /* the ring may hold the file a moment longer */
	rmdir(dir);
	(void)why;
}

/* ---- opening the disk ---- */

Test(swap_disk, created_at_size_and_grown)
{
	char path[256], err[256];
	struct swap_disk d;
	struct stat st;

	env_tmp_path(path, sizeof(path), "disk");
	unlink(path);
	cr_assert_eq(swap_disk_open(&d, path, 3 << 20, false, SWAP_DIRECT_AUTO, err, sizeof(err)), 0, "%s", err);
	cr_assert(d.created);
	cr_assert_eq(d.size, 3 << 20);
	swap_disk_close(&d);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_size, 3 << 20);

	cr_assert_eq(swap_disk_open(&d, path, 5 << 20, false, SWAP_DIRECT_OFF, err, sizeof(err)), 0, "%s", err);
	cr_assert(!d.created);
	cr_assert_eq(d.size, 5 << 20);
	cr_assert_eq(d.fd_direct, -1);
	swap_disk_close(&d);

	cr_assert_eq(swap_disk_open(&d, path, 0, true, SWAP_DIRECT_AUTO, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(d.size, 5 << 20, "size 0 = the file's size");
	swap_disk_close(&d);
	unlink(path);
}

Test(swap_disk, errors_name_the_file)
{
	char path[256], err[256];
	struct swap_disk d;

	env_tmp_path(path, sizeof(path), "absent");
	unlink(path);
	cr_assert_eq(swap_disk_open(&d, path, 0, false, SWAP_DIRECT_AUTO, err, sizeof(err)), -1);
	cr_assert(strstr(err, path), "%s", err);
	cr_assert_eq(swap_disk_open(&d, path, 1 << 20, true, SWAP_DIRECT_AUTO, err, sizeof(err)), -1);
	cr_assert(strstr(err, path), "%s", err);
	cr_assert_eq(access(path, F_OK), -1, "read-only open creates nothing");
	cr_assert_eq(swap_disk_open(&d, "", 1 << 20, false, SWAP_DIRECT_AUTO, err, sizeof(err)), -1);
	cr_assert_eq(swap_disk_open(&d, "/dev/null", 0, false, SWAP_DIRECT_AUTO, err, sizeof(err)), -1);
	cr_assert(strstr(err, "not a regular file"), "%s", err);
}

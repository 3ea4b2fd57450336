/*
 * DESIGN.md decision 9 for the swap device: every malformed descriptor
 * case either fails that request or breaks the device, and never touches
 * guest memory outside the request's own buffers. Each test snapshots all
 * of guest memory, sends one bad request, and compares: only the used
 * ring (and, for a failed request, its status byte) may change.
 */
#include <criterion/criterion.h>

#include "test_swap_env.h"

static struct swap_env e;
static uint8_t *snap[2];

static void setup_features(uint64_t features)
{
	memset(&e, 0, sizeof(e));
	cr_assert_eq(env_setup_full(&e, 64, VIRTIO_BIT(VIRTIO_F_VERSION_1) | features,
				    SWAP_DIRECT_AUTO), 0);
}

static void setup(void)
{
	setup_features(0);
}

static void teardown(void)
{
	env_teardown(&e);
	free(snap[0]);
	free(snap[1]);
	snap[0] = snap[1] = NULL;
}

TestSuite(swap_checks, .init = setup, .fini = teardown, .timeout = 20);

static void take_snapshot(void)
{
	for (int i = 0; i < e.g.mem.nr_regions; i++) {
		free(snap[i]);
		snap[i] = malloc(e.g.mem.region[i].size);
		memcpy(snap[i], e.g.mem.region[i].hva, e.g.mem.region[i].size);
	}
}

/* Everything equal to the snapshot but the rings (the avail ring is the
 * test's own doing) and [ok, ok+ok_len). */
static void assert_untouched(uint64_t ok, uint64_t ok_len)
{
	uint64_t used = e.q.used_gpa, used_len = vring_used_bytes(e.q.num);
	uint64_t avail = e.q.avail_gpa, avail_len = vring_avail_bytes(e.q.num);

	for (int i = 0; i < e.g.mem.nr_regions; i++) {
		const struct guest_region *r = &e.g.mem.region[i];

		for (uint64_t off = 0; off < r->size; off++) {
			uint64_t gpa = r->gpa + off;

			if (r->hva[off] == snap[i][off])
				continue;
			if (gpa >= used && gpa < used + used_len)
				continue;
			if (gpa >= avail && gpa < avail + avail_len)
				continue;
			if (gpa >= ok && gpa < ok + ok_len)
				continue;
			cr_assert_fail("guest byte at 0x%llx changed", (unsigned long long)gpa);
		}
	}
}

/* Send head H (already built), expect the device to break with a reason
 * containing WHAT, write no used entry, and change nothing. */
static void expect_broken(uint16_t h, const char *what)
{
	take_snapshot();
	drv_add(&e.q, h);
	drv_publish(&e.q);
	drv_kick(swap_dev_notify_fd(e.d));
	cr_assert(env_wait_broken(&e, 5000), "device did not break");
	cr_assert(strstr(e.broken_why, what), "reason \"%s\", expected \"%s\"", e.broken_why, what);
	usleep(10000);
	cr_assert_eq(e.q.used->idx, 0, "a broken device writes no used entry");
	assert_untouched(0, 0);
}

/* Send head H, expect it to complete with STATUS, touching only its status byte. */
static void expect_failed(uint16_t h, unsigned i, uint8_t status)
{
	take_snapshot();
	cr_assert(env_run1(&e, h));
	cr_assert_eq(e.broken, 0, "broke: %s", e.broken_why);
	cr_assert_eq(env_st(&e, i), status);
	assert_untouched(env_status(i), 1);
}

/* A broken device works again after a reset. */
static void expect_reset_recovers(void)
{
	const char *why;

	swap_dev_queue_stop(e.d);
	e.broken = 0;
	drv_init(&e.q, &e.g, 64, ENV_RING, false);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1), &why), 0);
	uint16_t h = env_req(&e, 20, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);
	cr_assert(env_run1(&e, h));
	cr_assert_eq(env_st(&e, 20), VIRTIO_BLK_S_OK);
	cr_assert_eq(e.broken, 0);
}

/* ---- buffers ---- */

Test(swap_checks, buffer_outside_guest_ram)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, FG_RAM_GPA + ENV_RAM + 0x1000, 4096); /* hole */

	expect_broken(h, "outside guest RAM");
	expect_reset_recovers();
}

Test(swap_checks, buffer_running_off_the_end_of_ram)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, FG_RAM_GPA + ENV_RAM - 2048, 4096);

	expect_broken(h, "outside guest RAM");
}

Test(swap_checks, buffer_spanning_two_regions)
{
	/* region 1 starts FG_HOLE after region 0: a buffer over the hole */
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, FG_RAM_GPA + ENV_RAM - 512,
			     (uint32_t)(FG_HOLE + 1024));

	expect_broken(h, "outside guest RAM");
}

Test(swap_checks, buffer_at_wrapping_address)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, UINT64_MAX - 1023, 4096);

	expect_broken(h, "outside guest RAM");
}

Test(swap_checks, buffer_in_second_region_is_fine)
{
	uint64_t r1 = e.g.mem.region[1].gpa;
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, r1 + 4096, 4096);

	cr_assert(env_run1(&e, h));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);
}

Test(swap_checks, read_into_the_descriptor_table)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, e.q.desc_gpa + 512, 512);

	expect_broken(h, "overlaps the virtqueue");
}

Test(swap_checks, write_from_the_used_ring)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_OUT, 0, e.q.used_gpa, 512);

	expect_broken(h, "overlaps the virtqueue");
}

Test(swap_checks, status_in_the_avail_ring)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);

	e.q.desc[2].addr = e.q.avail_gpa + 4;   /* would scribble on avail->ring[0] */
	expect_broken(h, "overlaps the virtqueue");
}

Test(swap_checks, zero_length_buffer)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);

	e.q.desc[1].len = 0;
	expect_broken(h, "zero-length");
}

/* ---- chains ---- */

Test(swap_checks, descriptor_loop)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);

	e.q.desc[2].flags |= VIRTQ_DESC_F_NEXT;
	e.q.desc[2].next = 1;                   /* 0 -> 1 -> 2 -> 1 ... */
	expect_broken(h, "loop");
	expect_reset_recovers();
}

Test(swap_checks, descriptor_self_loop)
{
	drv_desc(&e.q, 0, env_hdr(0), 16, VIRTQ_DESC_F_NEXT, 0);
	expect_broken(0, "loop");
}

Test(swap_checks, head_out_of_range)
{
	expect_broken(64, "head index out of range");
}

Test(swap_checks, next_out_of_range)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);

	e.q.desc[1].next = 64;
	expect_broken(h, "next index out of range");
}

Test(swap_checks, avail_index_runs_ahead)
{
	take_snapshot();
	__atomic_store_n(&e.q.avail->idx, 65, __ATOMIC_RELEASE);
	drv_kick(swap_dev_notify_fd(e.d));
	cr_assert(env_wait_broken(&e, 5000));
	cr_assert(strstr(e.broken_why, "avail index"), "%s", e.broken_why);
	assert_untouched(0, 0);
}

Test(swap_checks, readable_after_writable)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_OUT, 0, ENV_DATA, 4096);

	/* header (R) -> status (W) -> data (R) */
	drv_desc(&e.q, 0, env_hdr(0), 16, VIRTQ_DESC_F_NEXT, 2);
	drv_desc(&e.q, 2, env_status(0), 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&e.q, 1, ENV_DATA, 4096, 0, 0);
	expect_broken(h, "readable buffer after a writable");
}

Test(swap_checks, no_writable_status_byte)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_OUT, 0, ENV_DATA, 4096);

	e.q.desc[2].flags = 0;                  /* status descriptor read-only */
	expect_broken(h, "no writable status");
}

Test(swap_checks, short_header)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);

	e.q.desc[0].len = 8;
	expect_broken(h, "header shorter");
}

Test(swap_checks, head_reused_while_in_flight)
{
	const char *why;

	/* delayed completions keep head 0 in flight */
	swap_dev_destroy(e.d);
	e.cfg.delay_us = 200000;
	cr_assert_eq(env_create(&e, SWAP_DIRECT_AUTO, (char[256]){0}, 256), 0);
	cr_assert_eq(swap_dev_start(e.d, (char[256]){0}, 256), 0);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa,
					  VIRTIO_BIT(VIRTIO_F_VERSION_1), &why), 0);
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);
	drv_add(&e.q, h);
	expect_broken(h, "again while in flight");
}

/* ---- indirect descriptors ---- */

Test(swap_checks, indirect_not_negotiated)
{
	drv_desc(&e.q, 0, ENV_DATA, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	expect_broken(0, "indirect descriptor not negotiated");
}

static void setup_indirect(void)
{
	setup_features(VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
}

TestSuite(swap_checks_indirect, .init = setup_indirect, .fini = teardown, .timeout = 20);

/* Indirect table at ENV_DATA: header, data, status. */
static uint64_t build_indirect(uint32_t type, uint64_t data_gpa, uint32_t len)
{
	struct vring_desc *t = G(&e.g, ENV_DATA);
	struct virtio_blk_outhdr *hd = G(&e.g, env_hdr(0));

	hd->type = type;
	hd->sector = 8;
	t[0] = (struct vring_desc){ env_hdr(0), 16, VIRTQ_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ data_gpa, len, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2 };
	t[2] = (struct vring_desc){ env_status(0), 1, VIRTQ_DESC_F_WRITE, 0 };
	drv_desc(&e.q, 0, ENV_DATA, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	return ENV_DATA;
}

Test(swap_checks_indirect, indirect_request_works)
{
	build_indirect(VIRTIO_BLK_T_IN, ENV_DATA + 0x10000, 4096);
	cr_assert(env_run1(&e, 0));
	cr_assert_eq(env_st(&e, 0), VIRTIO_BLK_S_OK);
}

Test(swap_checks_indirect, indirect_table_too_long)
{
	build_indirect(VIRTIO_BLK_T_IN, ENV_DATA + 0x10000, 4096);
	e.q.desc[0].len = 65 * 16;             /* longer than the queue */
	expect_broken(0, "longer than the queue");
}

Test(swap_checks_indirect, indirect_nested)
{
	struct vring_desc *t = G(&e.g, ENV_DATA);

	build_indirect(VIRTIO_BLK_T_IN, ENV_DATA + 0x10000, 4096);
	t[1].flags |= VIRTQ_DESC_F_INDIRECT;
	expect_broken(0, "nested indirect");
}

Test(swap_checks_indirect, indirect_loop)
{
	struct vring_desc *t = G(&e.g, ENV_DATA);

	build_indirect(VIRTIO_BLK_T_IN, ENV_DATA + 0x10000, 4096);
	t[2].flags |= VIRTQ_DESC_F_NEXT;
	t[2].next = 0;
	expect_broken(0, "loop");
}

Test(swap_checks_indirect, indirect_next_out_of_table)
{
	struct vring_desc *t = G(&e.g, ENV_DATA);

	build_indirect(VIRTIO_BLK_T_IN, ENV_DATA + 0x10000, 4096);
	t[1].next = 3;                          /* table has 3 entries */
	expect_broken(0, "next index out of range");
}

Test(swap_checks_indirect, indirect_table_outside_ram)
{
	drv_desc(&e.q, 0, FG_RAM_GPA + ENV_RAM + 64, 48, VIRTQ_DESC_F_INDIRECT, 0);
	expect_broken(0, "indirect table outside guest RAM");
}

Test(swap_checks_indirect, indirect_table_over_the_ring)
{
	drv_desc(&e.q, 0, e.q.desc_gpa, 48, VIRTQ_DESC_F_INDIRECT, 0);
	expect_broken(0, "indirect table overlaps");
}

Test(swap_checks_indirect, indirect_with_next)
{
	build_indirect(VIRTIO_BLK_T_IN, ENV_DATA + 0x10000, 4096);
	e.q.desc[0].flags |= VIRTQ_DESC_F_NEXT;
	e.q.desc[0].next = 1;
	expect_broken(0, "not alone");
}

/* ---- requests that fail but leave the device working ---- */

Test(swap_checks, read_into_read_only_buffer)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, 0, ENV_DATA, 4096);

	e.q.desc[1].flags &= (uint16_t)~VIRTQ_DESC_F_WRITE;  /* device must not write it */
	memset(G(&e.g, ENV_DATA), 0xab, 4096);
	expect_failed(h, 0, VIRTIO_BLK_S_IOERR);
}

Test(swap_checks, write_with_data_in_writable_buffer)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_OUT, 0, ENV_DATA, 4096);

	e.q.desc[1].flags |= VIRTQ_DESC_F_WRITE;
	expect_failed(h, 0, VIRTIO_BLK_S_IOERR);
}

Test(swap_checks, sector_past_the_end)
{
	uint16_t h = env_req(&e, 0, VIRTIO_BLK_T_IN, ENV_DISK / 512, ENV_DATA, 4096);

	expect_failed(h, 0, VIRTIO_BLK_S_IOERR);
	h = env_req(&e, 1, VIRTIO_BLK_T_OUT, ENV_DISK / 512 - 4, ENV_DATA, 4096);
	expect_failed(h, 1, VIRTIO_BLK_S_IOERR);
}

Test(swap_checks, unknown_type)
{
	uint16_t h = env_req(&e, 0, 0x7777, 0, ENV_DATA, 4096);

	expect_failed(h, 0, VIRTIO_BLK_S_UNSUPP);
}

/* ---- rings handed over at queue enable ---- */

Test(swap_checks, bad_rings_refused_at_start)
{
	const char *why;
	uint64_t hole = FG_RAM_GPA + ENV_RAM + 0x1000;

	swap_dev_queue_stop(e.d);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, hole, e.q.avail_gpa, e.q.used_gpa, 0, &why), -1);
	cr_assert(strstr(why, "descriptor table outside"), "%s", why);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa + 8, e.q.avail_gpa, e.q.used_gpa, 0, &why), -1);
	cr_assert(strstr(why, "misaligned"), "%s", why);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa + 1, e.q.used_gpa, 0, &why), -1);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa + 2, 0, &why), -1);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, e.q.desc_gpa, e.q.desc_gpa + 64, e.q.used_gpa, 0, &why), -1);
	cr_assert(strstr(why, "overlap"), "%s", why);
	cr_assert_eq(swap_dev_queue_start(e.d, 48, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa, 0, &why), -1);
	cr_assert_eq(swap_dev_queue_start(e.d, 512, e.q.desc_gpa, e.q.avail_gpa, e.q.used_gpa, 0, &why), -1);
	cr_assert_eq(swap_dev_queue_start(e.d, 64, FG_RAM_GPA + ENV_RAM - 64, e.q.avail_gpa, e.q.used_gpa, 0, &why), -1);
	cr_assert(strstr(why, "outside"), "%s", why);
}

/*
 * The swap backend against the physical limit: 4 KiB random reads and
 * writes on one file at queue depths 1 and 32, first through the backend
 * (a driver thread feeding real virtqueues in fake guest memory, kicking
 * the notify eventfd and sleeping on the interrupt eventfd, with
 * VIRTIO_F_EVENT_IDX as Linux negotiates it), then with a raw liburing
 * loop on the same file (same open mode, registered file, one thread).
 * Both with the page cache (CPU-bound: what the backend's own overhead
 * costs) and with O_DIRECT where the file system allows it.
 *
 *   build/bench/bench_swap [SECONDS_PER_RUN [ONLY]]  (default 1.5; `make bench`)
 * ONLY picks one row, e.g. "cached-read-32" (for profiling).
 * The file is build/bench/swap-bench.img (256 MiB), removed afterwards.
 */
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/platform.h"
#include "host/swap/swap_dev.h"
#include "test_swap_driver.h"
#include "vmm/config.h"

#define FILE_SIZE   (256ULL << 20)
#define BLOCK       4096
#define QD_MAX      32
#define QUEUE_NUM   128
#define RAM_SIZE    (8u << 20)
#define RING_GPA    FG_RAM_GPA
#define HDR_GPA     (FG_RAM_GPA + 0x10000)
#define STATUS_GPA  (FG_RAM_GPA + 0x11000)
#define DATA_GPA    (FG_RAM_GPA + 0x100000)
#define MAX_SAMPLES (4u << 20)
#define POLL_NS     50000

static const char *bench_file = "build/bench/swap-bench.img";
static double run_seconds = 1.5;

struct result {
	double iops, avg_us, p99_us;
	double kicks_per_req, irqs_per_req;
	bool ok;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t next_block(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % (FILE_SIZE / BLOCK);
}

static uint32_t *samples;
static size_t nr_samples;

static void record(uint64_t ns)
{
	if (nr_samples < MAX_SAMPLES)
		samples[nr_samples++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void summarize(struct result *r, uint64_t ops, uint64_t elapsed_ns)
{
	double sum = 0;

	r->iops = ops * 1e9 / (double)elapsed_ns;
	for (size_t i = 0; i < nr_samples; i++)
		sum += samples[i];
	r->avg_us = nr_samples ? sum / nr_samples / 1000.0 : 0;
	qsort(samples, nr_samples, sizeof(*samples), cmp_u32);
	r->p99_us = nr_samples ? samples[nr_samples * 99 / 100] / 1000.0 : 0;
	r->ok = true;
}

/* ---- the backend through virtqueues ---- */

struct irq_ctx {
	int fd;
};

static void on_irq(void *opaque)
{
	struct irq_ctx *c = opaque;
	uint64_t one = 1;

	if (write(c->fd, &one, sizeof(one)) < 0)
		abort();
}

static void on_broken(void *opaque, const char *why)
{
	fprintf(stderr, "bench: device broke: %s\n", why);
	abort();
}

static void fill_req(struct drv_queue *q, unsigned i, bool write, uint64_t *t_submit)
{
	struct virtio_blk_outhdr *h = G(q->g, HDR_GPA + 32ULL * i);
	uint16_t d0 = (uint16_t)(3 * i);

	h->type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	h->sector = next_block() * (BLOCK / 512);
	drv_desc(q, d0, HDR_GPA + 32ULL * i, 16, VIRTQ_DESC_F_NEXT, d0 + 1);
	drv_desc(q, d0 + 1, DATA_GPA + (uint64_t)BLOCK * i, BLOCK,
		 VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE), d0 + 2);
	drv_desc(q, d0 + 2, STATUS_GPA + i, 1, VIRTQ_DESC_F_WRITE, 0);
	t_submit[i] = now_ns();
	drv_add(q, d0);
}

/* The driver sleeps on the interrupt eventfd with used_event = the next
 * entry; with POLL it first spins on the used ring for up to POLL_NS with
 * interrupts suppressed (used_event kept far ahead), as NAPI or a hybrid
 * polling block layer does, and sleeps only when that finds nothing. */
static struct result run_backend(int direct, bool write, unsigned qd, bool poll)
{
	struct result r = { 0 };
	struct fake_guest g;
	struct drv_queue q;
	struct vm_swap_config cfg = { .present = true, .size_bytes = FILE_SIZE };
	struct irq_ctx irq = { eventfd(0, EFD_CLOEXEC) };
	struct swap_dev_ops ops = { on_irq, on_broken, &irq };
	struct swap_stats st;
	uint64_t t_submit[QD_MAX], ops_done = 0, t0, t_end;
	struct swap_dev *d;
	const char *why;
	char err[512];

	snprintf(cfg.path, sizeof(cfg.path), "%s", bench_file);
	if (fake_guest_init(&g, RAM_SIZE, 0))
		return r;
	d = swap_dev_create(&cfg, &g.mem, &ops, (enum swap_direct)direct, err, sizeof(err));
	if (!d || swap_dev_start(d, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return r;
	}
	drv_init(&q, &g, QUEUE_NUM, RING_GPA, true);
	if (swap_dev_queue_start(d, QUEUE_NUM, q.desc_gpa, q.avail_gpa, q.used_gpa,
				 VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX), &why)) {
		fprintf(stderr, "bench: %s\n", why);
		return r;
	}
	nr_samples = 0;
	t0 = now_ns();
	t_end = t0 + (uint64_t)(run_seconds * 1e9);
	for (unsigned i = 0; i < qd; i++)
		fill_req(&q, i, write, t_submit);
	drv_publish_kick(&q, swap_dev_notify_fd(d));
	for (;;) {
		uint64_t v, now;
		bool resubmitted = false;

		if (poll) {   /* spin a while with interrupts off, as NAPI does */
			uint64_t until = now_ns() + POLL_NS;

			while (!drv_used_pending(&q) && now_ns() < until)
				for (int k = 0; k < 32; k++)
					__builtin_ia32_pause();
			if (!drv_used_pending(&q))   /* interrupts back on, then sleep */
				__atomic_store_n(drv_used_event(&q), q.last_used, __ATOMIC_RELAXED);
		}
		/* used_event is last_used: re-check after publishing it, then sleep */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!drv_used_pending(&q) && read(irq.fd, &v, sizeof(v)) < 0)
			break;
		now = now_ns();
		while (drv_used_pending(&q)) {
			struct vring_used_elem e = drv_get_used(&q);
			unsigned i = e.id / 3;

			if (poll)   /* no interrupts, please */
				__atomic_store_n(drv_used_event(&q), (uint16_t)(q.last_used + 0x8000),
						 __ATOMIC_RELAXED);

			if (*(volatile uint8_t *)G(&g, STATUS_GPA + i) != VIRTIO_BLK_S_OK) {
				fprintf(stderr, "bench: request failed\n");
				abort();
			}
			record(now - t_submit[i]);
			ops_done++;
			if (now < t_end) {
				fill_req(&q, i, write, t_submit);
				resubmitted = true;
			}
		}
		if (resubmitted)
			drv_publish_kick(&q, swap_dev_notify_fd(d));
		else if (now >= t_end && (uint16_t)(q.avail_idx - q.last_used) == 0)
			break;
	}
	summarize(&r, ops_done, now_ns() - t0);
	swap_dev_stats(d, &st);
	r.kicks_per_req = (double)st.kicks / (double)ops_done;
	r.irqs_per_req = (double)st.interrupts / (double)ops_done;
	swap_dev_destroy(d);
	close(irq.fd);
	fake_guest_free(&g);
	return r;
}

/* ---- the raw liburing loop ---- */

static struct result run_raw(int direct, bool write, unsigned qd)
{
	struct result r = { 0 };
	struct io_uring ring;
	struct io_uring_params p = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
	uint64_t t_submit[QD_MAX], ops_done = 0, t0, t_end;
	unsigned inflight = 0;
	uint8_t *buf;
	int fd = open(bench_file, O_RDWR | (direct == SWAP_DIRECT_ON ? O_DIRECT : 0));

	if (fd < 0 || posix_memalign((void **)&buf, BLOCK, (size_t)BLOCK * QD_MAX))
		return r;
	memset(buf, 0x5a, (size_t)BLOCK * QD_MAX);
	if (io_uring_queue_init_params(64, &ring, &p) < 0) {
		memset(&p, 0, sizeof(p));
		if (io_uring_queue_init_params(64, &ring, &p) < 0)
			return r;
	}
	io_uring_register_files(&ring, &fd, 1);
	nr_samples = 0;
	t0 = now_ns();
	t_end = t0 + (uint64_t)(run_seconds * 1e9);
	for (unsigned i = 0; i < qd; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		uint64_t off = next_block() * BLOCK;

		if (write)
			io_uring_prep_write(sqe, 0, buf + (size_t)BLOCK * i, BLOCK, off);
		else
			io_uring_prep_read(sqe, 0, buf + (size_t)BLOCK * i, BLOCK, off);
		sqe->flags |= IOSQE_FIXED_FILE;
		io_uring_sqe_set_data64(sqe, i);
		t_submit[i] = now_ns();
		inflight++;
	}
	while (inflight) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		uint64_t now;

		io_uring_submit_and_wait(&ring, 1);
		now = now_ns();
		io_uring_for_each_cqe(&ring, head, cqe) {
			unsigned i = (unsigned)io_uring_cqe_get_data64(cqe);

			if (cqe->res != BLOCK) {
				fprintf(stderr, "bench: raw I/O failed: %d\n", cqe->res);
				abort();
			}
			record(now - t_submit[i]);
			ops_done++;
			n++;
			inflight--;
			if (now < t_end) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
				uint64_t off = next_block() * BLOCK;

				if (write)
					io_uring_prep_write(sqe, 0, buf + (size_t)BLOCK * i, BLOCK, off);
				else
					io_uring_prep_read(sqe, 0, buf + (size_t)BLOCK * i, BLOCK, off);
				sqe->flags |= IOSQE_FIXED_FILE;
				io_uring_sqe_set_data64(sqe, i);
				t_submit[i] = now;
				inflight++;
			}
		}
		io_uring_cq_advance(&ring, n);
	}
	summarize(&r, ops_done, now_ns() - t0);
	io_uring_queue_exit(&ring);
	close(fd);
	free(buf);
	return r;
}

/* ---- main ---- */

static int make_file(void)
{
	int fd = open(bench_file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *chunk = malloc(1 << 20);

	if (fd < 0 || !chunk)
		return -1;
	memset(chunk, 0xa5, 1 << 20);
	for (uint64_t off = 0; off < FILE_SIZE; off += 1 << 20)
		if (pwrite(fd, chunk, 1 << 20, (off_t)off) != 1 << 20)
			return -1;
	fsync(fd);
	close(fd);
	free(chunk);
	return 0;
}

static bool direct_possible(void)
{
	int fd = open(bench_file, O_RDONLY | O_DIRECT);
	void *b;
	bool ok;

	if (fd < 0)
		return false;
	if (posix_memalign(&b, BLOCK, BLOCK)) {
		close(fd);
		return false;
	}
	ok = pread(fd, b, BLOCK, 0) == BLOCK;
	free(b);
	close(fd);
	return ok;
}

/* Other work on the machine skews spinning threads most: say how busy it was. */
static void print_load(const char *when)
{
	double l[3];

	if (getloadavg(l, 3) == 3)
		printf("%s: %.2f %.2f %.2f (1/5/15 min)\n", when, l[0], l[1], l[2]);
}

static void row(const char *mode, const char *op, unsigned qd, const char *drv,
		struct result b, struct result r)
{
	printf("%-6s %-5s %3u %-4s | %9.0f %7.1f %7.1f %5.2f %5.2f | %9.0f %7.1f %7.1f | %4.0f%%\n",
	       mode, op, qd, drv, b.iops, b.avg_us, b.p99_us, b.kicks_per_req, b.irqs_per_req,
	       r.iops, r.avg_us, r.p99_us, r.iops > 0 ? 100.0 * b.iops / r.iops : 0.0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const unsigned qds[2] = { 1, 32 };
	const char *tmp = getenv("BENCH_SWAP_FILE"), *only = argc > 2 ? argv[2] : NULL;
	bool have_direct;

	if (argc > 1)
		run_seconds = atof(argv[1]);
	if (tmp && *tmp)
		bench_file = tmp;
	bench_print_platform("swap backend (host/swap) vs raw io_uring");
	samples = malloc(sizeof(*samples) * MAX_SAMPLES);
	mkdir("build", 0755);
	mkdir("build/bench", 0755);
	if (!samples || make_file()) {
		perror(bench_file);
		return 1;
	}
	have_direct = direct_possible();
	print_load("load before");
	printf("4 KiB random I/O on a %llu MiB file, %.1f s per run; backend = virtqueue -> io_uring"
	       " thread -> used ring + interrupt eventfd; raw = one liburing loop\n",
	       (unsigned long long)(FILE_SIZE >> 20), run_seconds);
	printf("%-6s %-5s %3s %-4s | %9s %7s %7s %5s %5s | %9s %7s %7s | %5s\n", "mode", "op", "QD",
	       "drv", "backend/s", "avg us", "p99 us", "kick", "irq", "raw/s", "avg us", "p99 us",
	       "ratio");
	for (int m = 0; m < 2; m++) {
		int direct = m ? SWAP_DIRECT_ON : SWAP_DIRECT_OFF;

		if (m && !have_direct) {
			printf("direct   (no O_DIRECT on this file system: skipped)\n");
			continue;
		}
		for (int w = 0; w < 2; w++)
			for (int k = 0; k < 2; k++) {
				char name[64];
				struct result b, r;

				snprintf(name, sizeof(name), "%s-%s-%u", m ? "direct" : "cached",
					 w ? "write" : "read", qds[k]);
				if (only && strcmp(only, name))
					continue;
				r = run_raw(direct, w, qds[k]);
				b = run_backend(direct, w, qds[k], false);
				row(m ? "direct" : "cached", w ? "write" : "read", qds[k], "irq", b, r);
				b = run_backend(direct, w, qds[k], true);
				row(m ? "direct" : "cached", w ? "write" : "read", qds[k], "poll", b, r);
			}
	}
	printf("drv: the fake guest driver sleeps on the interrupt eventfd (irq), or first spins up to"
	       " 50 us on the used ring with interrupts suppressed (poll);\nkick, irq: notifications and interrupts per"
	       " request (suppression at work); ratio: backend/raw ops per second\n");
	print_load("load after");
	unlink(bench_file);
	free(samples);
	return 0;
}

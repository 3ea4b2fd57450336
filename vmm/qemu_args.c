/*
 * Config -> QEMU arguments (qemu_args.h). The machine is the one our VMM
 * builds, told the way QEMU takes it:
 *
 *   -machine q35 -accel tcg -cpu max      TCG: the only place LA57 runs
 *                                         (../shared/PLATFORM.md)
 *   -m TOTAL -smp N,sockets=1,cores=N     vCPU index == APIC id, one
 *                                         package, as vmm/cpuid.c
 *   -object memory-backend-*,id=mI        one backend per cell, with its
 *   -numa node,nodeid=I,cpus=..,memdev=mI backing and host-node binding
 *   -numa dist,src=A,dst=B,val=D          every ordered pair (QEMU builds
 *                                         the SLIT; asymmetric is fine)
 *   -kernel ELF -append CMDLINE           the PVH entry (head_pvh.S)
 *   -device isa-debug-exit,iobase=0xf4    the exit port (include/gmm/ports.h)
 *   -drive ... -device virtio-blk-pci     the swap disk, if the config has one
 *   -nodefaults -no-reboot -display none -serial stdio
 *
 * A single <cell> config still gets a -numa node: without one QEMU writes
 * no SRAT, and the guest would take its memory map (reserved areas and
 * all) as node 0. QEMU's ACPI tables (MADT, SRAT, SLIT) replace ours; the
 * guest reads either.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <gmm/ports.h>
#include "vmm/qemu_args.h"

#define MiB (1024ULL * 1024)

struct printer {
	FILE *out;
	char *err;
	size_t errlen;
	int failed;
};

/* One argument, printf-style; refused if it cannot be one line. */
__attribute__((format(printf, 2, 3)))
static void arg(struct printer *p, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) || strchr(buf, '\n')) {
		snprintf(p->err, p->errlen, "--print-qemu-args: argument '%.60s...' is too long "
			 "or holds a newline", buf);
		p->failed = 1;
		return;
	}
	fprintf(p->out, "%s\n", buf);
}

/* QEMU's option syntax doubles a comma inside a value. */
static const char *escape_commas(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 2 < len; s++) {
		if (*s == ',')
			buf[o++] = ',';
		buf[o++] = *s;
	}
	buf[o] = 0;
	return buf;
}

static void memory_backend(struct printer *p, const struct vm_config *cfg, const struct vm_node *n)
{
	char bind[64] = "";

	if (n->host_node >= 0)
		snprintf(bind, sizeof(bind), ",host-nodes=%d,policy=bind", n->host_node);
	if (cfg->backing == BACKING_HUGETLBFS)   /* no mount needed, as our VMM's MAP_HUGETLB */
		arg(p, "memory-backend-memfd,id=m%d,size=%lluM,hugetlb=on,hugetlbsize=2M%s", n->id,
		    (unsigned long long)(n->mem_bytes / MiB), bind);
	else                                     /* QEMU madvises THP on guest RAM itself */
		arg(p, "memory-backend-ram,id=m%d,size=%lluM%s", n->id,
		    (unsigned long long)(n->mem_bytes / MiB), bind);
}

/* "-numa node,nodeid=I,cpus=0-1,cpus=4,memdev=mI": one cpus= per range. */
static void numa_node(struct printer *p, const struct vm_node *n)
{
	char buf[4096];
	size_t o = (size_t)snprintf(buf, sizeof(buf), "node,nodeid=%d", n->id);

	for (int i = 0; i < n->nr_cpus && o < sizeof(buf); ) {
		int j = i;
		while (j + 1 < n->nr_cpus && n->cpus[j + 1] == n->cpus[j] + 1)
			j++;
		if (j == i)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, ",cpus=%d", n->cpus[i]);
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, ",cpus=%d-%d", n->cpus[i], n->cpus[j]);
		i = j + 1;
	}
	if (o < sizeof(buf))
		snprintf(buf + o, sizeof(buf) - o, ",memdev=m%d", n->id);
	arg(p, "-numa");
	arg(p, "%s", buf);
}

/* Our VMM creates a missing swap file at its configured size; so do we,
 * since QEMU would refuse to start. */
static int create_swap_file(const struct vm_swap_config *sw, char *err, size_t errlen)
{
	int fd = open(sw->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST)
		return 0;
	if (fd < 0) {
		snprintf(err, errlen, "swap disk %s: %s", sw->path, strerror(errno));
		return -1;
	}
	if (ftruncate(fd, (off_t)sw->size_bytes) < 0) {
		snprintf(err, errlen, "swap disk %s: ftruncate: %s", sw->path, strerror(errno));
		close(fd);
		unlink(sw->path);
		return -1;
	}
	close(fd);
	return 0;
}

static int swap_disk(struct printer *p, const struct vm_swap_config *sw)
{
	char path[2 * sizeof(sw->path)];

	if (create_swap_file(sw, p->err, p->errlen) < 0)
		return -1;
	if (sw->fail_every || sw->fail_fraction > 0 || sw->delay_us || sw->truncate_every)
		fprintf(stderr, "vmm: --print-qemu-args: <gmm:swap-faults> has no QEMU "
			"equivalent, ignored\n");
	arg(p, "-drive");
	arg(p, "file=%s,format=raw,if=none,id=swap0%s", escape_commas(sw->path, path, sizeof(path)),
	    sw->readonly ? ",readonly=on" : "");
	arg(p, "-device");
	arg(p, "virtio-blk-pci,drive=swap0");
	return 0;
}

int qemu_args_print(const struct vm_config *cfg, const char *kernel, FILE *out,
		    char *err, size_t errlen)
{
	struct printer p = { out, err, errlen, 0 };

	arg(&p, "-machine");
	arg(&p, "q35");
	arg(&p, "-accel");
	arg(&p, "tcg");
	arg(&p, "-cpu");
	arg(&p, "max");
	arg(&p, "-m");
	arg(&p, "%lluM", (unsigned long long)(cfg->mem_bytes / MiB));
	arg(&p, "-smp");
	arg(&p, "%d,sockets=1,cores=%d,threads=1", cfg->nr_vcpus, cfg->nr_vcpus);

	for (int i = 0; i < cfg->nr_nodes; i++) {
		arg(&p, "-object");
		memory_backend(&p, cfg, &cfg->node[i]);
		numa_node(&p, &cfg->node[i]);
	}
	for (int i = 0; cfg->nr_nodes > 1 && i < cfg->nr_nodes; i++)
		for (int j = 0; j < cfg->nr_nodes; j++)
			if (i != j) {
				arg(&p, "-numa");
				arg(&p, "dist,src=%d,dst=%d,val=%u", i, j, cfg->node[i].distance[j]);
			}

	arg(&p, "-kernel");
	arg(&p, "%s", kernel);
	if (cfg->cmdline[0]) {
		arg(&p, "-append");
		arg(&p, "%s", cfg->cmdline);
	}
	if (cfg->initrd[0]) {         /* a PVH module: the kernel takes it as its initramfs */
		arg(&p, "-initrd");
		arg(&p, "%s", cfg->initrd);
	}
	arg(&p, "-device");
	arg(&p, "isa-debug-exit,iobase=0x%x,iosize=0x04", PORT_DEBUG_EXIT);
	if (cfg->swap.present && swap_disk(&p, &cfg->swap) < 0)
		return -1;
	arg(&p, "-nodefaults");
	arg(&p, "-no-reboot");
	arg(&p, "-display");
	arg(&p, "none");
	arg(&p, "-serial");
	arg(&p, "stdio");
	return p.failed ? -1 : 0;
}

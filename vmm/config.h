/*
 * Machine configuration: the libvirt domain XML subset we accept
 * (docs/config.md), parsed with libxml2 into struct
 * vm_config. Parsing never creates anything: every error is found and
 * reported (naming the element and the problem) before a VM exists.
 */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_MAX_NODES 64
#define CONFIG_MAX_CPUS  256
#define CONFIG_NS_URI    "urn:gmm:vmm:1"   /* our <metadata> namespace */

enum mem_backing {
	BACKING_NORMAL = 0,  /* plain anonymous memory */
	BACKING_THP,         /* anonymous + MADV_HUGEPAGE, refused if THP is off */
	BACKING_HUGETLBFS,   /* MAP_HUGETLB 2 MiB pages, refused if none reserved */
};

struct vm_node {
	int      id;                          /* cell id, 0..nr_nodes-1 */
	uint64_t mem_bytes;
	int      nr_cpus;
	int      cpus[CONFIG_MAX_CPUS];        /* vCPU indices, ascending */
	uint8_t  distance[CONFIG_MAX_NODES];  /* SLIT row; distance[id] == 10 */
	int      host_node;                   /* libnuma binding, -1 = none */
};

/* <devices><disk> with target bus='virtio': the swap disk (issue: swap
 * device), with its size and fault injection from <metadata>. */
struct vm_swap_config {
	bool     present;
	char     path[4096];       /* <source file=...>, created if absent */
	uint64_t size_bytes;       /* <gmm:swap size=... unit=...> */
	bool     readonly;         /* <readonly/> */
	/* fault injection, <gmm:swap-faults .../>; all 0 = off */
	uint32_t fail_every;       /* every Nth request fails with EIO */
	double   fail_fraction;    /* this fraction of requests fail (seeded) */
	uint32_t delay_us;         /* completions are delayed this long */
	uint32_t truncate_every;   /* every Nth request completes short */
	uint64_t seed;
};

struct vm_config {
	char     path[4096];                  /* the file it came from */
	char     name[128];                   /* <name>, may be empty */
	int      nr_vcpus;                    /* <vcpu> */
	uint64_t mem_bytes;                   /* <memory> */
	int      nr_nodes;                    /* cells; 1 implicit node if no <numa> */
	struct vm_node node[CONFIG_MAX_NODES];
	int      cpu_node[CONFIG_MAX_CPUS];   /* vCPU index -> node id */
	char     kernel[4096];                /* <os><kernel>, "" = the one we build */
	char     initrd[4096];                /* <os><initrd>, "" = none */
	char     cmdline[2048];               /* <os><cmdline> */
	enum mem_backing backing;             /* <metadata><gmm:memory backing=...> */
	struct vm_swap_config swap;
};

/*
 * Parse the file at PATH. On success returns 0. On failure returns -1 and
 * writes one line into ERR (no trailing newline) of the form
 *   "PATH: <element>: problem"  or  "PATH:LINE: XML parse error: ..."
 */
int config_load(const char *path, struct vm_config *cfg, char *err, size_t errlen);

/* Same, from a buffer (NAME is used in messages in place of a path). */
int config_parse_buffer(const char *buf, size_t len, const char *name,
			struct vm_config *cfg, char *err, size_t errlen);

/* "1-3,5" -> bitmap; returns count or -1 with ERR set. Exposed for tests. */
int config_parse_cpuset(const char *s, bool *set, int max, char *err, size_t errlen);

/* Print a one-line-per-node summary (used by `vmm --check-config`). */
void config_print(const struct vm_config *cfg, FILE *out);

#endif

/* The expected boot report (topology.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lib/topology.h"

void expected_report(const struct vm_config *cfg, char *buf, size_t len)
{
	size_t o = 0;
	if (cfg->nr_nodes == 1)
		o += snprintf(buf + o, len - o, "available: 1 nodes (0)\n");
	else
		o += snprintf(buf + o, len - o, "available: %d nodes (0-%d)\n", cfg->nr_nodes, cfg->nr_nodes - 1);
	for (int n = 0; n < cfg->nr_nodes; n++) {
		o += snprintf(buf + o, len - o, "node %d cpus:", n);
		for (int c = 0; c < cfg->node[n].nr_cpus; c++)
			o += snprintf(buf + o, len - o, " %d", cfg->node[n].cpus[c]);
		o += snprintf(buf + o, len - o, "\nnode %d size: %llu MB\n", n,
			      (unsigned long long)(cfg->node[n].mem_bytes >> 20));
	}
	o += snprintf(buf + o, len - o, "node distances:\nnode ");
	for (int n = 0; n < cfg->nr_nodes; n++)
		o += snprintf(buf + o, len - o, "%3d ", n);
	o += snprintf(buf + o, len - o, "\n");
	for (int i = 0; i < cfg->nr_nodes; i++) {
		o += snprintf(buf + o, len - o, "%3d: ", i);
		for (int j = 0; j < cfg->nr_nodes; j++)
			o += snprintf(buf + o, len - o, "%3d ", cfg->node[i].distance[j]);
		o += snprintf(buf + o, len - o, "\n");
	}
}

static void rstrip(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = 0;
}

void assert_report(const char *out, const struct vm_config *cfg)
{
	static char want[16384];
	expected_report(cfg, want, sizeof(want));
	const char *pos = out;
	char *save = NULL;
	for (char *line = strtok_r(want, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		rstrip(line);
		const char *hit = strstr(pos, line);
		cr_assert(hit, "topology report lacks \"%s\" (in order); guest said:\n%s", line, out);
		pos = hit + strlen(line);
	}
	for (int n = 0; n < cfg->nr_nodes; n++) {
		char key[64];
		unsigned long free_mb = ~0UL;
		snprintf(key, sizeof(key), "node %d free: ", n);
		const char *f = strstr(out, key);
		cr_assert(f, "no \"%s\" line", key);
		sscanf(f + strlen(key), "%lu", &free_mb);
		cr_assert(free_mb > 0 && free_mb <= cfg->node[n].mem_bytes >> 20,
			  "node %d free %lu MB not in (0, size]", n, free_mb);
	}
}

void assert_all_cpus_up(const char *out, const struct vm_config *cfg)
{
	for (int c = 1; c < cfg->nr_vcpus; c++) {
		char line[96];
		snprintf(line, sizeof(line), "smp: CPU %d (APIC %d) node %d online", c, c, cfg->cpu_node[c]);
		cr_assert(strstr(out, line), "missing \"%s\"; guest said:\n%s", line, out);
	}
	char line[96];
	snprintf(line, sizeof(line), "smp: Brought up %d nodes, %d CPUs", cfg->nr_nodes, cfg->nr_vcpus);
	cr_assert(strstr(out, line), "missing \"%s\"", line);
}

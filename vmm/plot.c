/*
 * `vmm plot FILE [--out DIR]`: charts of a --stats-out time series, with
 * gnuplot, as PNG and SVG: free memory per node, page faults/s, and each
 * family of counters that the series has (NUMA allocations, swap in/out,
 * reclaim scan/steal, TLB flushes). A family absent from the series gives
 * no chart. Cumulative counters are drawn as rates per second.
 *
 * FILE is what --stats-out wrote: CSV (by extension) or JSON lines.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmm/ports.h>

#define MAX_COLS 4096

struct series {
	int nr_cols, nr_rows, cap_rows;
	char *name[MAX_COLS];      /* "t", "pgfault", "node0.MemFree", ... */
	double *col[MAX_COLS];
};

static int col_index(struct series *s, const char *name, int create)
{
	for (int i = 0; i < s->nr_cols; i++)
		if (!strcmp(s->name[i], name))
			return i;
	if (!create || s->nr_cols == MAX_COLS)
		return -1;
	s->name[s->nr_cols] = strdup(name);
	s->col[s->nr_cols] = calloc((size_t)s->cap_rows, sizeof(double));
	return s->nr_cols++;
}

static void add_row(struct series *s)
{
	if (s->nr_rows == s->cap_rows) {
		s->cap_rows = s->cap_rows ? s->cap_rows * 2 : 256;
		for (int i = 0; i < s->nr_cols; i++)
			s->col[i] = realloc(s->col[i], (size_t)s->cap_rows * sizeof(double));
	}
	for (int i = 0; i < s->nr_cols; i++)
		s->col[i][s->nr_rows] = 0;
	s->nr_rows++;
}

static void set(struct series *s, const char *name, double v)
{
	int c = col_index(s, name, 1);
	if (c >= 0)
		s->col[c][s->nr_rows - 1] = v;
}

static int read_csv(FILE *f, struct series *s, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	int cols[MAX_COLS], n = 0, lineno = 0;
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		int k = 0;
		char *save, *tok = strtok_r(line, ",", &save);
		if (lineno == 1) {
			for (; tok && n < MAX_COLS; tok = strtok_r(NULL, ",", &save))
				cols[n++] = col_index(s, tok, 1);
			continue;
		}
		add_row(s);
		for (; tok && k < n; tok = strtok_r(NULL, ",", &save), k++)
			s->col[cols[k]][s->nr_rows - 1] = strtod(tok, NULL);
		if (k != n) {
			snprintf(err, errlen, "line %d has %d fields, the header %d", lineno, k, n);
			free(line);
			return -1;
		}
	}
	free(line);
	return 0;
}

static int read_jsonl(FILE *f, struct series *s, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		json_error_t je;
		json_t *rec = json_loads(line, 0, &je);
		if (!rec || !json_is_object(rec)) {
			snprintf(err, errlen, "line %d: not a JSON object: %s", lineno, rec ? "" : je.text);
			json_decref(rec);
			free(line);
			return -1;
		}
		add_row(s);
		set(s, "t", json_number_value(json_object_get(rec, "t")));
		set(s, "uptime", json_number_value(json_object_get(rec, "uptime")));
		const char *key;
		json_t *val;
		json_object_foreach(json_object_get(rec, "global"), key, val)
			set(s, key, json_number_value(val));
		size_t n;
		json_t *node;
		json_array_foreach(json_object_get(rec, "nodes"), n, node) {
			json_object_foreach(node, key, val) {
				char name[96];
				snprintf(name, sizeof(name), "node%zu.%s", n, key);
				set(s, name, json_number_value(val));
			}
		}
		json_decref(rec);
	}
	free(line);
	return 0;
}

/* One chart: the columns matching each pattern ("%d" = every node). */
struct chart {
	const char *file, *title, *ylabel;
	int rate;                 /* plot d/dt of cumulative counters */
	double scale;             /* multiply values (e.g. kB -> MiB) */
	const char *cols[8];
};

static const struct chart charts[] = {
	{ "free-memory", "Free memory per node", "MiB", 0, 1.0 / 1024, { "node%d.MemFree" } },
	{ "faults", "Page faults", "faults/s", 1, 1, { "pgfault", "pgmajfault", "cow_fault", "thp_fault_alloc" } },
	{ "numa", "NUMA allocations per node", "pages/s", 1, 1,
	  { "node%d.numa_hit", "node%d.numa_miss", "node%d.numa_foreign" } },
	{ "swap", "Swap traffic", "pages/s", 1, 1, { "pswpin", "pswpout" } },
	{ "reclaim", "Reclaim: pages scanned and stolen", "pages/s", 1, 1,
	  { "pgscan_kswapd", "pgsteal_kswapd", "pgscan_direct", "pgsteal_direct" } },
	{ "tlb", "TLB flushes", "flushes/s", 1, 1,
	  { "nr_tlb_remote_flush", "nr_tlb_remote_flush_received", "nr_tlb_local_flush_all",
	    "nr_tlb_local_flush_one" } },
};

/* Columns of S that a chart draws, expanded over nodes. */
static int chart_columns(struct series *s, const struct chart *c, int *out)
{
	int n = 0;
	for (int p = 0; p < 8 && c->cols[p]; p++) {
		if (!strstr(c->cols[p], "%d")) {
			int i = col_index(s, c->cols[p], 0);
			if (i >= 0)
				out[n++] = i;
			continue;
		}
		for (int node = 0; node < 256; node++) {
			char name[96];
			snprintf(name, sizeof(name), c->cols[p], node);
			int i = col_index(s, name, 0);
			if (i < 0)
				break;
			out[n++] = i;
		}
	}
	return n;
}

static int draw(struct series *s, const struct chart *c, const char *prefix, int t)
{
	int cols[256], n = chart_columns(s, c, cols);
	if (n == 0 || s->nr_rows < 2)
		return 0;
	char dat[8300], gp[8300];
	snprintf(dat, sizeof(dat), "%s-%s.dat", prefix, c->file);
	snprintf(gp, sizeof(gp), "%s-%s.gp", prefix, c->file);
	FILE *d = fopen(dat, "w"), *g = fopen(gp, "w");
	if (!d || !g) {
		fprintf(stderr, "vmm plot: %s: %s\n", d ? gp : dat, strerror(errno));
		if (d) fclose(d);
		if (g) fclose(g);
		return -1;
	}
	for (int r = c->rate ? 1 : 0; r < s->nr_rows; r++) {
		fprintf(d, "%.6f", s->col[t][r]);
		for (int k = 0; k < n; k++) {
			double v = s->col[cols[k]][r];
			if (c->rate) {
				double dt = s->col[t][r] - s->col[t][r - 1];
				v = dt > 0 ? (v - s->col[cols[k]][r - 1]) / dt : 0;
			}
			fprintf(d, " %.6g", v * c->scale);
		}
		fputc('\n', d);
	}
	fclose(d);
	for (int term = 0; term < 2; term++) {
		fprintf(g, "set terminal %s size 900,500\nset output '%s-%s.%s'\n",
			term ? "svg" : "png", prefix, c->file, term ? "svg" : "png");
		fprintf(g, "set title '%s'\nset xlabel 'time (s)'\nset ylabel '%s'\nset key outside right\n"
			"set grid\nset yrange [0:*]\nplot ", c->title, c->ylabel);
		for (int k = 0; k < n; k++)
			fprintf(g, "%s'%s' using 1:%d with lines lw 2 title '%s'", k ? ", " : "", dat, k + 2,
				s->name[cols[k]]);
		fprintf(g, "\n");
	}
	fclose(g);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", gp, (char *)NULL);
		fprintf(stderr, "vmm plot: cannot run gnuplot: %s (install gnuplot-nox)\n", strerror(errno));
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	unlink(dat);
	unlink(gp);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "vmm plot: gnuplot failed on chart '%s'\n", c->file);
		return -1;
	}
	printf("%s-%s.png\n%s-%s.svg\n", prefix, c->file, prefix, c->file);
	return 1;
}

int plot_main(int argc, char **argv)
{
	const char *in = NULL, *outdir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			outdir = argv[++i];
		else if (!in)
			in = argv[i];
		else {
			fprintf(stderr, "usage: vmm plot FILE [--out DIR]\n");
			return EXIT_CONFIG;
		}
	}
	if (!in) {
		fprintf(stderr, "usage: vmm plot FILE [--out DIR]\n");
		return EXIT_CONFIG;
	}
	FILE *f = fopen(in, "r");
	if (!f) {
		fprintf(stderr, "vmm plot: %s: %s\n", in, strerror(errno));
		return 1;
	}
	static struct series s;
	char err[256] = "";
	size_t len = strlen(in);
	int rc = len > 4 && !strcmp(in + len - 4, ".csv") ? read_csv(f, &s, err, sizeof(err))
							  : read_jsonl(f, &s, err, sizeof(err));
	fclose(f);
	int t = col_index(&s, "t", 0);
	if (rc < 0 || t < 0 || s.nr_rows < 2) {
		fprintf(stderr, "vmm plot: %s: %s\n", in,
			rc < 0 ? err : t < 0 ? "no time column 't': not a --stats-out file" : "fewer than 2 samples");
		return 1;
	}
	/* Charts go next to the input (or into --out DIR), named after it. */
	char prefix[8200], base[4096];
	snprintf(base, sizeof(base), "%s", in);
	char *dot = strrchr(base, '.');
	if (dot && !strchr(dot, '/'))
		*dot = 0;
	if (outdir) {
		mkdir(outdir, 0755);
		const char *slash = strrchr(base, '/');
		snprintf(prefix, sizeof(prefix), "%s/%s", outdir, slash ? slash + 1 : base);
	} else {
		snprintf(prefix, sizeof(prefix), "%s", base);
	}
	int drawn = 0;
	for (size_t i = 0; i < sizeof(charts) / sizeof(charts[0]); i++) {
		int r = draw(&s, &charts[i], prefix, t);
		if (r < 0)
			return 1;
		drawn += r;
	}
	if (!drawn) {
		fprintf(stderr, "vmm plot: %s has none of the counters the charts draw\n", in);
		return 1;
	}
	return 0;
}

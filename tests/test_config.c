/*
 * The machine-config parser (vmm/config.c, docs/config.md): the shipped
 * configs parse to the machines they describe, every rule of the subset
 * accepts what it should, and every bad input fails with one message
 * naming the element and the problem. Run from the repo root: paths are
 * relative to it.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/config.h"

#define MiB (1024ULL * 1024)
#define GiB (1024ULL * MiB)

/* Inline documents are named as if they lived in tests/configs/, so
 * relative paths in them resolve against the fixtures there. */
#define INLINE_NAME "tests/configs/inline.xml"

static struct vm_config cfg;
static char err[1024];

static int parse(const char *xml)
{
	return config_parse_buffer(xml, strlen(xml), INLINE_NAME, &cfg, err, sizeof err);
}

static void load_ok(const char *path)
{
	int r = config_load(path, &cfg, err, sizeof err);

	cr_assert_eq(r, 0, "%s: %s", path, err);
}

static void parse_ok(const char *xml)
{
	int r = parse(xml);

	cr_assert_eq(r, 0, "unexpected error: %s\nin: %s", err, xml);
}

static void assert_cpus(int node, const int *cpus, int n)
{
	cr_assert_eq(cfg.node[node].nr_cpus, n, "node %d has %d cpus, want %d",
		     node, cfg.node[node].nr_cpus, n);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(cfg.node[node].cpus[i], cpus[i], "node %d cpu #%d", node, i);
		cr_assert_eq(cfg.cpu_node[cpus[i]], node, "cpu_node[%d]", cpus[i]);
	}
}

static void assert_distances(int n, const int want[][4])
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			cr_assert_eq(cfg.node[i].distance[j], want[i][j],
				     "distance %d->%d is %d, want %d", i, j,
				     cfg.node[i].distance[j], want[i][j]);
}

/* Pieces of inline documents. */
#define OS        "<os><type arch='x86_64'>hvm</type></os>"
#define DOMAIN(vcpus, mib, body) \
	"<domain type='kvm'><vcpu>" vcpus "</vcpu><memory unit='MiB'>" mib \
	"</memory>" OS body "</domain>"
#define NUMA(cells)          "<cpu><numa>" cells "</numa></cpu>"
#define CELL(id, cpus, mib) \
	"<cell id='" id "' cpus='" cpus "' memory='" mib "' unit='MiB'/>"
#define CELLD(id, cpus, mib, sibs) \
	"<cell id='" id "' cpus='" cpus "' memory='" mib "' unit='MiB'>" \
	"<distances>" sibs "</distances></cell>"
#define SIB(id, v)           "<sibling id='" id "' value='" v "'/>"
#define META(x) \
	"<metadata><gmm:vmm xmlns:gmm='urn:gmm:vmm:1'>" x "</gmm:vmm></metadata>"
#define SWAP_DISK \
	"<devices><disk type='file' device='disk'><source file='swap.img'/>" \
	"<target dev='vda' bus='virtio'/></disk></devices>"
#define TWO_CELLS            NUMA(CELL("0", "0-1", "32") CELL("1", "2-3", "32"))

/* ---- shipped configs ------------------------------------------------------ */

Test(shipped, one_node)
{
	static const int cpus[] = { 0, 1 };

	load_ok("configs/1node.xml");
	cr_assert_eq(cfg.nr_vcpus, 2);
	cr_assert_eq(cfg.mem_bytes, 32 * MiB);
	cr_assert_eq(cfg.nr_nodes, 1);
	cr_assert_eq(cfg.node[0].mem_bytes, 32 * MiB);
	assert_cpus(0, cpus, 2);
	cr_assert_eq(cfg.node[0].distance[0], 10);
	cr_assert_eq(cfg.node[0].host_node, -1);
	cr_assert_str_eq(cfg.kernel, "");
	cr_assert_str_eq(cfg.path, "configs/1node.xml");
	cr_assert_eq(cfg.backing, BACKING_NORMAL);
	cr_assert(!cfg.swap.present);
}

Test(shipped, two_nodes)
{
	static const int cpus0[] = { 0, 1 }, cpus1[] = { 2, 3 };
	static const int dist[][4] = { { 10, 21 }, { 21, 10 } };

	load_ok("configs/2node.xml");
	cr_assert_eq(cfg.nr_vcpus, 4);
	cr_assert_eq(cfg.mem_bytes, 64 * MiB);
	cr_assert_eq(cfg.nr_nodes, 2);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(cfg.node[i].id, i);
		cr_assert_eq(cfg.node[i].mem_bytes, 32 * MiB);
		cr_assert_eq(cfg.node[i].host_node, -1);
	}
	assert_cpus(0, cpus0, 2);
	assert_cpus(1, cpus1, 2);
	assert_distances(2, dist);
	cr_assert_str_eq(cfg.kernel, "");
}

Test(shipped, four_nodes_asymmetric)
{
	static const int cpus0[] = { 0, 4 }, cpus1[] = { 1 }, cpus2[] = { 2 },
			 cpus3[] = { 3 };
	static const int dist[][4] = {
		{ 10, 12, 20, 22 },
		{ 14, 10, 24, 20 },
		{ 20, 22, 10, 12 },
		{ 24, 20, 14, 10 },
	};

	load_ok("configs/4node.xml");
	cr_assert_eq(cfg.nr_vcpus, 5);
	cr_assert_eq(cfg.mem_bytes, 64 * MiB);
	cr_assert_eq(cfg.nr_nodes, 4);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(cfg.node[i].mem_bytes, 16 * MiB);
	assert_cpus(0, cpus0, 2);
	assert_cpus(1, cpus1, 1);
	assert_cpus(2, cpus2, 1);
	assert_cpus(3, cpus3, 1);
	assert_distances(4, dist);
	cr_assert_eq(cfg.backing, BACKING_NORMAL);
	cr_assert(!cfg.swap.present);
}

Test(shipped, summary)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	load_ok("configs/2node.xml");
	config_print(&cfg, out);
	fclose(out);
	cr_assert(strstr(text, "4 vCPUs, 64 MiB in 2 nodes"), "%s", text);
	cr_assert(strstr(text, "node 1: cpus 2-3"), "%s", text);
	cr_assert(strstr(text, " 21  10"), "%s", text);
	free(text);
}

/* ---- accepted inputs --------------------------------------------------------- */

/*
 * Criterion runs each parameterized test in a fresh process of this binary
 * and copies the parameter in: strings are arrays, not pointers, since
 * addresses differ between processes.
 */
struct unit_case {
	char     xml[512];
	uint64_t bytes;
};

#define MEM(v, unit) \
	"<domain type='kvm'><memory unit='" unit "'>" v "</memory>" OS "</domain>"

ParameterizedTestParameters(units, memory)
{
	static struct unit_case cases[] = {
		{ MEM("32", "MiB"), 32 * MiB },
		{ MEM("32", "M"), 32 * MiB },
		{ MEM("32", "mib"), 32 * MiB },     /* case-insensitive, as libvirt */
		{ MEM("32768", "KiB"), 32 * MiB },
		{ MEM("32768", "k"), 32 * MiB },
		{ MEM("33554432", "b"), 32 * MiB },
		{ MEM("33554432", "bytes"), 32 * MiB },
		{ MEM("262144", "KB"), 250 * MiB }, /* 1000-based */
		{ MEM("1", "G"), GiB },
		{ MEM("1", "GiB"), GiB },
		{ "<domain type='kvm'><memory>32768</memory>" OS "</domain>", 32 * MiB },
		{ "<domain type='kvm'><memory unit='MiB'> 32 </memory>" OS "</domain>", 32 * MiB },
	};
	return cr_make_param_array(struct unit_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct unit_case *c, units, memory)
{
	parse_ok(c->xml);
	cr_assert_eq(cfg.mem_bytes, c->bytes, "%s: got %llu", c->xml,
		     (unsigned long long)cfg.mem_bytes);
	cr_assert_eq(cfg.nr_vcpus, 1, "no <vcpu> means 1, as libvirt");
}

#define SWAP_SIZE(v, unit) \
	DOMAIN("1", "16", META("<gmm:swap size='" v "' unit='" unit "'/>") SWAP_DISK)

ParameterizedTestParameters(units, decimal)
{
	static struct unit_case cases[] = {
		{ SWAP_SIZE("4096", "MB"), 4096ULL * 1000 * 1000 },
		{ SWAP_SIZE("4096", "GB"), 4096ULL * 1000 * 1000 * 1000 },
		{ SWAP_SIZE("4096", "TB"), 4096ULL * 1000 * 1000 * 1000 * 1000 },
		{ SWAP_SIZE("2", "T"), 2048 * GiB },
		{ SWAP_SIZE("2", "TiB"), 2048 * GiB },
	};
	return cr_make_param_array(struct unit_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct unit_case *c, units, decimal)
{
	parse_ok(c->xml);
	cr_assert_eq(cfg.swap.size_bytes, c->bytes, "%s: got %llu", c->xml,
		     (unsigned long long)cfg.swap.size_bytes);
}

Test(accept, default_distances_without_any_distances)
{
	static const int dist[][4] = { { 10, 20 }, { 20, 10 } };

	parse_ok(DOMAIN("4", "64", TWO_CELLS));
	assert_distances(2, dist);
}

Test(accept, cells_in_any_order_and_cpuset_syntax)
{
	static const int cpus0[] = { 0, 1, 3 }, cpus1[] = { 2 };

	parse_ok(DOMAIN("4", "48", NUMA(CELL("1", "2", "16") CELL("0", "0-3,^2", "32"))));
	cr_assert_eq(cfg.node[0].mem_bytes, 32 * MiB);
	cr_assert_eq(cfg.node[1].mem_bytes, 16 * MiB);
	assert_cpus(0, cpus0, 3);
	assert_cpus(1, cpus1, 1);
}

Test(accept, remote_distance_11_and_255)
{
	parse_ok(DOMAIN("2", "32", NUMA(
		CELLD("0", "0", "16", SIB("0", "10") SIB("1", "11"))
		CELLD("1", "1", "16", SIB("1", "10") SIB("0", "255")))));
	cr_assert_eq(cfg.node[0].distance[1], 11);
	cr_assert_eq(cfg.node[1].distance[0], 255);
}

Test(accept, libvirt_elements_we_ignore)
{
	parse_ok("<domain type='qemu' id='3'>"
		 "<name>x</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
		 "<title>t</title><description>d</description>"
		 "<memory unit='MiB'>32</memory><currentMemory unit='KiB'>32768</currentMemory>"
		 "<vcpu placement='static'>4</vcpu>"
		 "<cpu mode='host-passthrough' check='none' migratable='on'>"
		 "<topology sockets='1' dies='1' cores='2' threads='2'/></cpu>"
		 "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><kernel/></os>"
		 "<features><acpi/><apic/><pae/></features>"
		 "<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/></clock>"
		 "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>"
		 "<on_crash>destroy</on_crash>"
		 "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
		 "<serial type='pty'><target port='0'/></serial>"
		 "<console type='pty'><target type='serial' port='0'/></console>"
		 "<memballoon model='none'/></devices>"
		 "</domain>");
	cr_assert_str_eq(cfg.name, "x");
	cr_assert_eq(cfg.nr_vcpus, 4);
	cr_assert_eq(cfg.nr_nodes, 1);
	cr_assert_str_eq(cfg.kernel, "");
}

Test(accept, metadata_and_swap_disk)
{
	parse_ok(DOMAIN("4", "64", TWO_CELLS
		"<metadata>"
		"<other:app xmlns:other='http://example.org/app'><anything/></other:app>"
		"<gmm:vmm xmlns:gmm='urn:gmm:vmm:1'>"
		"<gmm:memory backing='hugetlbfs'/>"
		"<gmm:numa-binding cell='1' host-node='0'/>"
		"<gmm:swap size='64' unit='MiB'/>"
		"<gmm:swap-faults fail-every='7' fail-fraction='0.25' delay-us='100'"
		" truncate-every='9' seed='42'/>"
		"</gmm:vmm></metadata>"
		"<devices><disk type='file' device='disk'>"
		"<driver name='qemu' type='raw' cache='none'/>"
		"<source file='swap.img'/><target dev='vda' bus='virtio'/><readonly/>"
		"</disk></devices>"));
	cr_assert_eq(cfg.backing, BACKING_HUGETLBFS);
	cr_assert_eq(cfg.node[0].host_node, -1);
	cr_assert_eq(cfg.node[1].host_node, 0);
	cr_assert(cfg.swap.present);
	cr_assert_str_eq(cfg.swap.path, "tests/configs/swap.img");
	cr_assert_eq(cfg.swap.size_bytes, 64 * MiB);
	cr_assert(cfg.swap.readonly);
	cr_assert_eq(cfg.swap.fail_every, 7);
	cr_assert_float_eq(cfg.swap.fail_fraction, 0.25, 1e-9);
	cr_assert_eq(cfg.swap.delay_us, 100);
	cr_assert_eq(cfg.swap.truncate_every, 9);
	cr_assert_eq(cfg.swap.seed, 42);
}

Test(accept, thp_backing_and_metadata_prefix_of_choice)
{
	parse_ok(DOMAIN("1", "16", "<metadata><v:vmm xmlns:v='urn:gmm:vmm:1'>"
			"<v:memory backing='thp'/></v:vmm></metadata>"));
	cr_assert_eq(cfg.backing, BACKING_THP);
}

Test(accept, relative_paths_from_the_config_directory)
{
	load_ok("tests/configs/relative-paths.xml");
	cr_assert_str_eq(cfg.kernel, "tests/configs/kernel.bin");
	cr_assert_str_eq(cfg.initrd, "tests/configs/./kernel.bin");
	cr_assert_str_eq(cfg.cmdline, "init=/bin/test quiet");
	cr_assert_str_eq(cfg.swap.path, "tests/configs/swap-does-not-exist.img");
	cr_assert_eq(cfg.swap.size_bytes, MiB);
	cr_assert_eq(cfg.nr_vcpus, 1);
}

/* ---- rejected inputs ------------------------------------------------------- */

struct bad_case {
	char xml[1024];
	char element[32];      /* must appear in the message */
	char problem[96];      /* must appear in the message */
};

static void expect_error(const struct bad_case *c)
{
	int r = parse(c->xml);

	cr_assert_eq(r, -1, "accepted, expected \"%s\" \"%s\"\nin: %s", c->element,
		     c->problem, c->xml);
	cr_assert_eq(strncmp(err, INLINE_NAME ": ", strlen(INLINE_NAME ": ")), 0,
		     "message does not start with the file name: %s", err);
	cr_assert(strstr(err, c->element), "message \"%s\" lacks \"%s\"", err, c->element);
	cr_assert(strstr(err, c->problem), "message \"%s\" lacks \"%s\"", err, c->problem);
	cr_assert_null(strchr(err, '\n'), "message is not one line: %s", err);
}

#define BAD(xml, element, problem) { xml, element, problem }

ParameterizedTestParameters(reject, cpus)
{
	static struct bad_case cases[] = {
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "0-2", "32") CELL("1", "2-3", "32"))),
		    "<cell>", "cell 1: cpu 2 is already in cell 0"),
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "0-1", "32") CELL("1", "2", "32"))),
		    "<numa>", "vcpu 3 is in no <cell>"),
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "0-1", "32") CELL("1", "2-4", "32"))),
		    "<cell>", "cell 1: cpu 4 is out of range: <vcpu> is 4"),
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "0-x", "32") CELL("1", "2-3", "32"))),
		    "<cell>", "cell 0: cpus='0-x': expected a number at 'x'"),
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "1-0", "32") CELL("1", "2-3", "32"))),
		    "<cell>", "cell 0: cpus='1-0': range 1-0 ends before it starts"),
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "0,^0", "32") CELL("1", "0-3", "32"))),
		    "<cell>", "cell 0: cpus='0,^0' names no vCPU"),
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "0-1,", "32") CELL("1", "2-3", "32"))),
		    "<cell>", "expected a number at the end"),
		BAD(DOMAIN("2", "32", NUMA("<cell id='0' memory='32' unit='MiB'/>")),
		    "<cell>", "cell 0: missing attribute 'cpus'"),
		BAD(DOMAIN("0", "32", ""), "<vcpu>", "0 is out of range 1..256"),
		BAD(DOMAIN("257", "32", ""), "<vcpu>", "257 is out of range 1..256"),
		BAD(DOMAIN("two", "32", ""), "<vcpu>", "'two' is not a non-negative integer"),
		BAD("<domain type='kvm'><vcpu current='1'>2</vcpu><memory>32768</memory>"
		    OS "</domain>", "<vcpu>", "attribute 'current' not supported"),
		BAD(DOMAIN("4", "32", "<cpu><topology sockets='1' cores='2' threads='1'/></cpu>"),
		    "<topology>", "describes 2 CPUs but <vcpu> is 4"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, cpus) { expect_error(c); }

ParameterizedTestParameters(reject, memory)
{
	static struct bad_case cases[] = {
		BAD(DOMAIN("4", "64", NUMA(CELL("0", "0-1", "32") CELL("1", "2-3", "16"))),
		    "<memory>", "is 64 MiB but the cells add up to 48 MiB"),
		BAD(MEM("32", "XB"), "<memory>", "unknown unit 'XB'"),
		BAD(MEM("32", "MiBs"), "<memory>", "unknown unit 'MiBs'"),
		BAD(DOMAIN("1", "32", NUMA("<cell id='0' cpus='0' memory='32' unit='XB'/>")),
		    "<cell>", "unknown unit 'XB'"),
		BAD(MEM("-32", "MiB"), "<memory>", "size '-32' is not a non-negative integer"),
		BAD(MEM("32.5", "MiB"), "<memory>", "size '32.5' is not a non-negative integer"),
		BAD(MEM("99999999999999999", "EiB"), "<memory>", "is too large"),
		BAD("<domain type='kvm'>" OS "</domain>", "<domain>", "<memory> is missing"),
		BAD("<domain type='kvm'><memory unit='MiB'>32</memory>"
		    "<currentMemory unit='MiB'>16</currentMemory>" OS "</domain>",
		    "<currentMemory>", "16 MiB differs from <memory> 32 MiB"),
		BAD(DOMAIN("2", "32", NUMA(CELL("0", "0", "29") CELL("1", "1", "3"))),
		    "<cell>", "cell 0: memory 29 MiB is not a non-zero multiple of 2 MiB"),
		BAD(DOMAIN("2", "32", NUMA(CELL("0", "0", "32") CELL("1", "1", "0"))),
		    "<cell>", "cell 1: memory 0 MiB is not a non-zero multiple of 2 MiB"),
		BAD(DOMAIN("2", "32", NUMA(CELL("0", "0", "4") CELL("1", "1", "28"))),
		    "<cell>", "cell 0: memory 4 MiB is less than the 8 MiB node 0 needs"),
		BAD(MEM("4", "MiB"), "<memory>", "memory 4 MiB is less than the 8 MiB node 0 needs"),
		BAD(MEM("9", "MiB"), "<memory>", "memory 9 MiB is not a non-zero multiple of 2 MiB"),
		BAD(MEM("129", "GiB"), "<memory>", "129 GiB is more than the 128 GiB supported"),
		BAD(MEM("1", "TiB"), "<memory>", "1024 GiB is more than the 128 GiB supported"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, memory) { expect_error(c); }

ParameterizedTestParameters(reject, cells)
{
	static struct bad_case cases[] = {
		BAD(DOMAIN("2", "32", NUMA(CELL("0", "0", "16") CELL("0", "1", "16"))),
		    "<cell>", "cell id 0 appears twice"),
		BAD(DOMAIN("2", "32", NUMA(CELL("0", "0", "16") CELL("2", "1", "16"))),
		    "<cell>", "cell id 2: with 2 cells the ids must be 0..1"),
		BAD(DOMAIN("2", "32", NUMA("<cell cpus='0-1' memory='32' unit='MiB'/>")),
		    "<cell>", "missing attribute 'id'"),
		BAD(DOMAIN("2", "32", NUMA("<cell id='0' cpus='0-1'/>")),
		    "<cell>", "cell 0: missing attribute 'memory'"),
		BAD(DOMAIN("2", "32", NUMA("<cell id='x' cpus='0-1' memory='32'/>")),
		    "<cell>", "id='x' is not a non-negative integer"),
		BAD(DOMAIN("2", "32", NUMA("<cell id='0' cpus='0-1' memory='32' unit='MiB'"
					   " memAccess='shared'/>")),
		    "<cell>", "attribute 'memAccess' not supported"),
		BAD(DOMAIN("2", "32", NUMA("")), "<numa>", "has no <cell>"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, cells) { expect_error(c); }

ParameterizedTestParameters(reject, distances)
{
	static struct bad_case cases[] = {
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") SIB("1", "20"))
			CELLD("1", "1", "16", SIB("1", "10")))),
		    "<distances>", "cell 1 has no <sibling id='0'>"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") SIB("1", "20"))
			CELL("1", "1", "16"))),
		    "<distances>", "cell 1 has no <sibling id='0'>"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "12") SIB("1", "20"))
			CELLD("1", "1", "16", SIB("0", "20") SIB("1", "10")))),
		    "<sibling>", "cell 0: distance to itself must be 10, not 12"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") SIB("1", "5"))
			CELLD("1", "1", "16", SIB("0", "20") SIB("1", "10")))),
		    "<sibling>", "cell 0: distance 5 to cell 1 is below 10"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") SIB("1", "10"))
			CELLD("1", "1", "16", SIB("0", "20") SIB("1", "10")))),
		    "<sibling>", "cell 0: distance to cell 1 must be above 10"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") SIB("1", "256"))
			CELLD("1", "1", "16", SIB("0", "20") SIB("1", "10")))),
		    "<sibling>", "cell 0: distance 256 to cell 1 is above 255"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") SIB("1", "20") SIB("2", "20"))
			CELLD("1", "1", "16", SIB("0", "20") SIB("1", "10")))),
		    "<sibling>", "cell 0: sibling id 2 is not a cell"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") SIB("1", "20") SIB("1", "30"))
			CELLD("1", "1", "16", SIB("0", "20") SIB("1", "10")))),
		    "<sibling>", "cell 0: two <sibling id='1'>"),
		BAD(DOMAIN("2", "32", NUMA(
			CELLD("0", "0", "16", SIB("0", "10") "<sibling id='1'/>")
			CELLD("1", "1", "16", SIB("0", "20") SIB("1", "10")))),
		    "<sibling>", "missing attribute 'value'"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, distances) { expect_error(c); }

#define OS_WITH(x) \
	"<domain type='kvm'><memory unit='MiB'>16</memory><os>" \
	"<type arch='x86_64'>hvm</type>" x "</os></domain>"

ParameterizedTestParameters(reject, os)
{
	static struct bad_case cases[] = {
		BAD(OS_WITH("<kernel>no-such-kernel.elf</kernel>"), "<kernel>",
		    "'tests/configs/no-such-kernel.elf': No such file or directory"),
		BAD(OS_WITH("<initrd>no-such-initrd.cpio</initrd>"), "<initrd>",
		    "'tests/configs/no-such-initrd.cpio': No such file or directory"),
		BAD(OS_WITH("<kernel>.</kernel>"), "<kernel>",
		    "'tests/configs/.' is not a regular file"),
		BAD("<domain type='kvm'><memory>16384</memory><os><type>xen</type></os></domain>",
		    "<type>", "'xen' not supported (only 'hvm')"),
		BAD("<domain type='kvm'><memory>16384</memory><os><type arch='i686'>hvm</type>"
		    "</os></domain>", "<type>", "arch='i686' not supported"),
		BAD(OS_WITH("<boot dev='hd'/>"), "<boot>", "element not supported (in <os>)"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, os) { expect_error(c); }

ParameterizedTestParameters(reject, structure)
{
	static struct bad_case cases[] = {
		BAD("<vm type='kvm'/>", "<vm>", "root element must be <domain>"),
		BAD("<domain type='xen'/>", "<domain>", "type='xen' not supported"),
		BAD("<domain><memory>16384</memory></domain>", "<domain>",
		    "missing attribute 'type'"),
		BAD(DOMAIN("1", "16", "<foo/>"), "<foo>", "element not supported (in <domain>)"),
		BAD(DOMAIN("1", "16", "<vcpu>1</vcpu>"), "<vcpu>", "appears more than once"),
		BAD(DOMAIN("1", "16", "<cpu><numa><cell id='0' cpus='0' memory='16' unit='MiB'>"
			   "<distance/></cell></numa></cpu>"),
		    "<distance>", "element not supported (in <cell>)"),
		BAD(DOMAIN("1", "16", "<memoryBacking><hugepages/></memoryBacking>"),
		    "<memoryBacking>", "element not supported"),
		BAD(DOMAIN("1", "16", "<devices><interface type='network'/></devices>"),
		    "<interface>", "element not supported (in <devices>)"),
		BAD(DOMAIN("1", "16", "<devices><memballoon model='virtio'/></devices>"),
		    "<memballoon>", "only model='none' is supported"),
		BAD(DOMAIN("1", "16", "<cpu mode='weird'/>"), "<cpu>", "mode='weird' not supported"),
		BAD(DOMAIN("1", "16", "<cpu><model>Skylake</model></cpu>"), "<model>",
		    "element not supported (in <cpu>)"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, structure) { expect_error(c); }

ParameterizedTestParameters(reject, swap_disk)
{
	static struct bad_case cases[] = {
		BAD(DOMAIN("1", "16", SWAP_DISK), "<disk>", "the swap disk needs its size"),
		BAD(DOMAIN("1", "16", META("<gmm:swap size='64' unit='MiB'/>")),
		    "<gmm:swap>", "there is no swap <disk> in <devices>"),
		BAD(DOMAIN("1", "16", META("<gmm:swap-faults fail-every='3'/>")),
		    "<gmm:swap-faults>", "there is no swap <disk> in <devices>"),
		BAD(DOMAIN("1", "16", META("<gmm:swap size='1000' unit='b'/>") SWAP_DISK),
		    "<gmm:swap>", "size 1000 bytes is not a positive multiple of 4096"),
		BAD(DOMAIN("1", "16", META("<gmm:swap size='0'/>") SWAP_DISK),
		    "<gmm:swap>", "is not a positive multiple of 4096"),
		BAD(DOMAIN("1", "16", "<devices>"
			   "<disk type='file' device='disk'><source file='a.img'/><target dev='vda'/></disk>"
			   "<disk type='file' device='disk'><source file='b.img'/><target dev='vdb'/></disk>"
			   "</devices>"), "<disk>", "only one <disk>"),
		BAD(DOMAIN("1", "16", "<devices><disk type='file' device='cdrom'>"
			   "<source file='a.iso'/><target dev='vda'/></disk></devices>"),
		    "<disk>", "device='cdrom' not supported"),
		BAD(DOMAIN("1", "16", "<devices><disk type='block' device='disk'>"
			   "<source dev='/dev/sdz'/><target dev='vda'/></disk></devices>"),
		    "<disk>", "type='block' not supported"),
		BAD(DOMAIN("1", "16", "<devices><disk type='file' device='disk'>"
			   "<source file='a.img'/><target dev='sda' bus='sata'/></disk></devices>"),
		    "<target>", "bus='sata' not supported"),
		BAD(DOMAIN("1", "16", "<devices><disk type='file' device='disk'>"
			   "<source file='a.img'/><target dev='sda'/></disk></devices>"),
		    "<target>", "dev= must name a virtio disk"),
		BAD(DOMAIN("1", "16", "<devices><disk type='file' device='disk'>"
			   "<driver name='qemu' type='qcow2'/>"
			   "<source file='a.img'/><target dev='vda'/></disk></devices>"),
		    "<driver>", "type='qcow2' not supported"),
		BAD(DOMAIN("1", "16", "<devices><disk type='file' device='disk'>"
			   "<target dev='vda'/></disk></devices>"),
		    "<disk>", "has no <source file="),
		BAD(DOMAIN("1", "16", "<devices><disk type='file' device='disk'>"
			   "<source file='.'/><target dev='vda'/></disk></devices>"),
		    "<source>", "'tests/configs/.' exists and is not a regular file"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, swap_disk) { expect_error(c); }

ParameterizedTestParameters(reject, metadata)
{
	static struct bad_case cases[] = {
		BAD(DOMAIN("1", "16", META("<gmm:bogus/>")),
		    "<gmm:bogus>", "element not supported (in <gmm:vmm>)"),
		BAD(DOMAIN("1", "16", META("<gmm:memory backing='thp' size='2'/>")),
		    "<gmm:memory>", "attribute 'size' not supported"),
		BAD(DOMAIN("1", "16", META("<gmm:memory backing='huge'/>")),
		    "<gmm:memory>", "backing='huge' not supported"),
		BAD(DOMAIN("1", "16", META("<gmm:memory/>")),
		    "<gmm:memory>", "missing attribute 'backing'"),
		BAD(DOMAIN("1", "16", META("<gmm:memory backing='thp'/><gmm:memory backing='thp'/>")),
		    "<gmm:memory>", "appears more than once"),
		BAD(DOMAIN("1", "16", META("<gmm:numa-binding cell='1' host-node='0'/>")),
		    "<gmm:numa-binding>", "cell 1 does not exist"),
		BAD(DOMAIN("1", "16", META("<gmm:numa-binding cell='0' host-node='0'/>"
					   "<gmm:numa-binding cell='0' host-node='1'/>")),
		    "<gmm:numa-binding>", "cell 0 is bound twice"),
		BAD(DOMAIN("1", "16", META("<gmm:numa-binding cell='0'/>")),
		    "<gmm:numa-binding>", "missing attribute 'host-node'"),
		BAD(DOMAIN("1", "16", META("<gmm:swap size='4' unit='MiB'/>"
					   "<gmm:swap-faults fail-fraction='1.5'/>") SWAP_DISK),
		    "<gmm:swap-faults>", "fail-fraction='1.5' is not a number in 0.0..1.0"),
		BAD(DOMAIN("1", "16", META("<gmm:swap size='4' unit='MiB'/>"
					   "<gmm:swap-faults fail-every='-1'/>") SWAP_DISK),
		    "<gmm:swap-faults>", "fail-every='-1' is not a non-negative integer"),
		BAD(DOMAIN("1", "16", META("<gmm:swap size='4' unit='MiB'/>"
					   "<gmm:swap-faults delay='5'/>") SWAP_DISK),
		    "<gmm:swap-faults>", "attribute 'delay' not supported"),
		BAD(DOMAIN("1", "16", "<metadata><vmm><memory backing='thp'/></vmm></metadata>"),
		    "<vmm>", "without a namespace"),
		BAD(DOMAIN("1", "16", "<metadata><gmm:vmm xmlns:gmm='urn:gmm:vmm:2'/></metadata>"),
		    "<gmm:vmm>", "namespace 'urn:gmm:vmm:2' is not ours"),
		BAD(DOMAIN("1", "16", "<metadata><gmm:memory xmlns:gmm='urn:gmm:vmm:1'"
			   " backing='thp'/></metadata>"),
		    "<gmm:memory>", "element not supported (in <metadata>"),
		BAD(DOMAIN("1", "16", "<metadata><gmm:vmm xmlns:gmm='urn:gmm:vmm:1'>"
			   "<x:memory xmlns:x='http://example.org/x'/></gmm:vmm></metadata>"),
		    "<x:memory>", "element not supported (in <gmm:vmm>)"),
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, reject, metadata) { expect_error(c); }

Test(reject, too_many_cells)
{
	static char xml[16384];
	size_t n = 0;

	n += snprintf(xml + n, sizeof xml - n, "<domain type='kvm'><vcpu>65</vcpu>"
		      "<memory unit='MiB'>%d</memory>" OS "<cpu><numa>", 65 * 8);
	for (int i = 0; i < 65; i++)
		n += snprintf(xml + n, sizeof xml - n,
			      "<cell id='%d' cpus='%d' memory='8' unit='MiB'/>", i, i);
	snprintf(xml + n, sizeof xml - n, "</numa></cpu></domain>");
	cr_assert_eq(parse(xml), -1);
	cr_assert(strstr(err, "<cell>: more than 64 cells"), "%s", err);
}

/* ---- malformed XML and files ------------------------------------------------- */

Test(reject, malformed_xml_has_the_line_number)
{
	const char *xml = "<domain type='kvm'>\n"
			  "  <memory unit='MiB'>16</memory>\n"
			  "  <vcpu>1</cpu>\n"
			  "</domain>\n";

	cr_assert_eq(parse(xml), -1);
	cr_assert(strstr(err, INLINE_NAME ":3: XML parse error: "), "%s", err);
	cr_assert_null(strchr(err, '\n'), "%s", err);
}

Test(reject, malformed_file_has_its_path_and_line, .init = cr_redirect_stderr)
{
	cr_assert_eq(config_load("tests/configs/malformed.xml", &cfg, err, sizeof err), -1);
	cr_assert(strstr(err, "tests/configs/malformed.xml:5: XML parse error: "), "%s", err);
	fflush(stderr);
	cr_assert_stderr_eq_str("", "libxml2 printed on its own");
}

Test(reject, empty_document)
{
	cr_assert_eq(config_parse_buffer("", 0, INLINE_NAME, &cfg, err, sizeof err), -1);
	cr_assert(strstr(err, INLINE_NAME ":1: XML parse error: "), "%s", err);
	cr_assert_eq(parse("   \n"), -1);
	cr_assert(strstr(err, "XML parse error"), "%s", err);
}

Test(reject, missing_file)
{
	cr_assert_eq(config_load("configs/no-such-config.xml", &cfg, err, sizeof err), -1);
	cr_assert_str_eq(err, "configs/no-such-config.xml: No such file or directory");
}

/* ---- cpusets ------------------------------------------------------------------ */

struct cpuset_case {
	char s[32];
	int  count;           /* -1: an error */
	char msg[48];         /* for an error: must appear in it */
	int  first, last;     /* for a success: lowest and highest set */
};

ParameterizedTestParameters(cpuset, cases)
{
	static struct cpuset_case cases[] = {
		{ "0", 1, "", 0, 0 },
		{ "0-3", 4, "", 0, 3 },
		{ "0-1,4", 3, "", 0, 4 },
		{ " 1 , 3 ", 2, "", 1, 3 },
		{ "0-3,^2", 3, "", 0, 3 },
		{ "^2,0-3", 4, "", 0, 3 },         /* in order: the range re-adds 2 */
		{ "1,1,1-2", 2, "", 1, 2 },
		{ "007", 1, "", 7, 7 },
		{ "0-255", 256, "", 0, 255 },
		{ "^0", 0, "", -1, -1 },
		{ "256", -1, "cpu 256 is out of range 0-255", 0, 0 },
		{ "0-256", -1, "cpu 256 is out of range 0-255", 0, 0 },
		{ "99999999999999999999999", -1, "out of range 0-255", 0, 0 },
		{ "3-1", -1, "range 3-1 ends before it starts", 0, 0 },
		{ "", -1, "expected a number at the end", 0, 0 },
		{ "1,", -1, "expected a number at the end", 0, 0 },
		{ ",1", -1, "expected a number at ',1'", 0, 0 },
		{ "1,,2", -1, "expected a number at ',2'", 0, 0 },
		{ "a", -1, "expected a number at 'a'", 0, 0 },
		{ "1-", -1, "expected a number at the end", 0, 0 },
		{ "-1", -1, "expected a number at '-1'", 0, 0 },
		{ "1 2", -1, "unexpected '2'", 0, 0 },
		{ "^1-2", -1, "unexpected '-'", 0, 0 },
		{ "1;2", -1, "unexpected ';'", 0, 0 },
	};
	return cr_make_param_array(struct cpuset_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct cpuset_case *c, cpuset, cases)
{
	bool set[CONFIG_MAX_CPUS];
	char msg[256] = "";
	int first = -1, last = -1;
	int r;

	memset(set, 1, sizeof set);     /* the parser must clear what it is given */
	r = config_parse_cpuset(c->s, set, CONFIG_MAX_CPUS, msg, sizeof msg);
	cr_assert_eq(r, c->count, "'%s': got %d (%s), want %d", c->s, r, msg, c->count);
	if (r < 0) {
		cr_assert(strstr(msg, c->msg), "'%s': \"%s\" lacks \"%s\"", c->s, msg, c->msg);
		return;
	}
	for (int i = 0; i < CONFIG_MAX_CPUS; i++) {
		if (set[i]) {
			last = i;
			if (first < 0)
				first = i;
		}
	}
	cr_assert_eq(first, c->first, "'%s': lowest %d", c->s, first);
	cr_assert_eq(last, c->last, "'%s': highest %d", c->s, last);
}

Test(cpuset, exclusion_clears_one_cpu)
{
	bool set[8];
	char msg[128];

	cr_assert_eq(config_parse_cpuset("0-7,^3,^5", set, 8, msg, sizeof msg), 6);
	cr_assert(!set[3] && !set[5] && set[4] && set[7]);
}

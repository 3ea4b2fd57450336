/*
 * NUMA nodes (kernel/numa.h): memory ranges, CPU placement and distances,
 * filled by the ACPI parser and finished by numa_init(), all on the BSP
 * before any AP runs. Read-only afterwards: no locking.
 */
#include <kernel/boot.h>
#include <kernel/cpu.h>
#include <kernel/numa.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <asm/percpu.h>

struct numa_meminfo numa_meminfo;
unsigned int nr_node_ids = 1;

static int cpu_node[NR_CPUS];
static u64 node_online_bits;                     /* MAX_NUMNODES == 64 */
static u8 distance_table[MAX_NUMNODES][MAX_NUMNODES];   /* 0: not given */

static struct {
	u32 apic_id;
	int nid;
} apic_node[NR_CPUS];
static int nr_apic_node;

void numa_add_memblk(int nid, phys_addr_t start, phys_addr_t end)
{
	struct numa_meminfo *mi = &numa_meminfo;
	int i;

	if (nid < 0 || nid >= MAX_NUMNODES || start >= end)
		return;
	if (mi->nr_blks >= NR_NODE_MEMBLKS)
		panic("NUMA: more than %d memory ranges", NR_NODE_MEMBLKS);
	for (i = mi->nr_blks; i > 0 && mi->blk[i - 1].start > start; i--)
		mi->blk[i] = mi->blk[i - 1];     /* keep sorted by start */
	mi->blk[i] = (struct numa_memblk){ start, end, nid };
	mi->nr_blks++;
}

void numa_set_apicid_node(u32 apic_id, int nid)
{
	if (nid < 0 || nid >= MAX_NUMNODES || nr_apic_node >= NR_CPUS)
		return;
	apic_node[nr_apic_node].apic_id = apic_id;
	apic_node[nr_apic_node].nid = nid;
	nr_apic_node++;
}

void numa_set_distance(int from, int to, int distance)
{
	if (from >= 0 && from < MAX_NUMNODES && to >= 0 && to < MAX_NUMNODES)
		distance_table[from][to] = (u8)distance;
}

static int apicid_to_node(u32 apic_id)
{
	for (int i = 0; i < nr_apic_node; i++)
		if (apic_node[i].apic_id == apic_id)
			return apic_node[i].nid;
	return NUMA_NO_NODE;
}

/*
 * QEMU's SRAT leaves the PC's legacy hole [640 KiB, 1 MiB) out of node 0,
 * giving two ranges around it, though the RAM behind it is the node's (the
 * VGA window and BIOS ROMs overlay it). Join such ranges, as Linux's
 * numa_cleanup_meminfo() joins a node's ranges across holes, so that the
 * node's size is the size it was given. Only this hole: a node split
 * around the 3-4 GiB MMIO hole stays split, that gap is nobody's RAM.
 */
#define ISA_HOLE_START  0xa0000
#define ISA_HOLE_END    0x100000

static void numa_join_isa_hole(void)
{
	struct numa_meminfo *mi = &numa_meminfo;

	for (int i = 0; i + 1 < mi->nr_blks; i++) {
		struct numa_memblk *a = &mi->blk[i], *b = &mi->blk[i + 1];
		if (a->nid != b->nid || a->end < ISA_HOLE_START || a->end > b->start ||
		    b->start > ISA_HOLE_END)
			continue;
		a->end = b->end;
		for (int j = i + 1; j + 1 < mi->nr_blks; j++)
			mi->blk[j] = mi->blk[j + 1];
		mi->nr_blks--;
	}
}

/* No SRAT memory: one node 0 from 0 to the end of RAM (Linux's
 * dummy_numa_init()). Not the whole memory map: QEMU's reserves areas far
 * above RAM (the PCIe ECAM, the BIOS, AMD's HyperTransport hole). */
static void numa_fallback_one_node(void)
{
	phys_addr_t end = 0;

	for (u32 i = 0; i < boot_info->nr_memmap; i++) {
		const struct boot_mem_entry *e = &boot_info->memmap[i];
		if (e->type == BOOT_MEM_RAM)
			end = max(end, e->addr + e->size);
	}
	numa_add_memblk(0, 0, end);
}

void numa_init(void)
{
	int max_nid = 0;

	if (numa_meminfo.nr_blks == 0) {
		if (nr_apic_node)
			printk("NUMA: SRAT has no memory ranges, using one node\n");
		nr_apic_node = 0;
		numa_fallback_one_node();
	}
	numa_join_isa_hole();
	for (int i = 0; i < numa_meminfo.nr_blks; i++)
		node_online_bits |= 1ULL << numa_meminfo.blk[i].nid;
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		int nid = apicid_to_node(cpu_to_apicid(cpu));
		cpu_node[cpu] = nid == NUMA_NO_NODE ? 0 : nid;
		node_online_bits |= 1ULL << cpu_node[cpu];
	}
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (node_online_bits & (1ULL << nid))
			max_nid = nid;
	nr_node_ids = (unsigned int)max_nid + 1;
}

bool node_online(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES && (node_online_bits >> nid) & 1;
}

unsigned int num_online_nodes(void)
{
	unsigned int n = 0;

	for (u64 bits = node_online_bits; bits; bits &= bits - 1)
		n++;
	return n;
}

u64 node_spanned_bytes(int nid)
{
	const struct numa_memblk *mb;
	u64 sum = 0;

	for_each_node_memblk(mb, nid)
		sum += mb->end - mb->start;
	return sum;
}

int phys_to_nid(phys_addr_t pa)
{
	for (int i = 0; i < numa_meminfo.nr_blks; i++)
		if (pa >= numa_meminfo.blk[i].start && pa < numa_meminfo.blk[i].end)
			return numa_meminfo.blk[i].nid;
	return NUMA_NO_NODE;
}

int cpu_to_node(unsigned int cpu)
{
	return cpu < nr_cpu_ids ? cpu_node[cpu] : NUMA_NO_NODE;
}

int numa_node_id(void)
{
	return this_cpu_read(node);
}

int node_distance(int from, int to)
{
	if (from < 0 || from >= MAX_NUMNODES || to < 0 || to >= MAX_NUMNODES)
		return REMOTE_DISTANCE;
	if (distance_table[from][to])
		return distance_table[from][to];
	return from == to ? LOCAL_DISTANCE : REMOTE_DISTANCE;
}

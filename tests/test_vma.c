/*
 * VMAs (guest/mm/vma_tree.c, mmap.c, host build): find_vma on a balanced
 * tree, split and merge on mprotect/munmap, top-down get_unmapped_area
 * with the stack guard gap, MAP_FIXED and MAP_FIXED_NOREPLACE, brk.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/initramfs.h>
#include "mm_user_host.h"

#define PG 4096UL

static struct mm_struct *mm;

static void setup(void)
{
	mm_user_boot();
	mm = mm_alloc();
	cr_assert_not_null(mm);
}

static void teardown(void)
{
	if (mm)
		mmput(mm);
	mm = NULL;
}

TestSuite(vma, .init = setup, .fini = teardown);

static long map_fixed(unsigned long addr, unsigned long len, unsigned long prot)
{
	return do_mmap(mm, addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
}

Test(vma, find_vma_in_a_thousand_vmas_is_a_balanced_tree)
{
	const int n = 1000;
	unsigned long base = 0x10000000UL;

	/* Every other page, prots alternating so that nothing merges. */
	for (int i = 0; i < n; i++)
		cr_assert_eq(map_fixed(base + 2 * i * PG, PG, i & 1 ? PROT_READ : PROT_READ | PROT_WRITE),
			     (long)(base + 2 * i * PG));
	cr_assert_eq(mm->map_count, n);
	cr_assert_eq(vma_tree_check(mm), 0);
	cr_assert_leq(vma_tree_height(mm), 15, "AVL height %d for %d nodes", vma_tree_height(mm), n);
	for (int k = 0; k < 5000; k++) {
		unsigned long a = base - PG + (unsigned long)(rand() % (2 * n + 2)) * PG + rand() % PG;
		struct vm_area_struct *v = find_vma(mm, a), *lin = NULL, *it;

		for_each_vma(mm, it)
			if (it->vm_end > a) {
				lin = it;
				break;
			}
		cr_assert_eq(v, lin, "find_vma(%#lx)", a);
	}
	/* Unmap every other one (from the middle of the tree). */
	for (int i = 0; i < n; i += 2)
		cr_assert_eq(do_munmap(mm, base + 2 * i * PG, PG), 0);
	cr_assert_eq(mm->map_count, n / 2);
	cr_assert_eq(vma_tree_check(mm), 0);
	cr_assert_eq(mm_total_vm(mm), (unsigned long)n / 2);
}

Test(vma, mprotect_middle_splits_in_three_and_merges_back)
{
	unsigned long a = 0x20000000UL;

	cr_assert_eq(map_fixed(a, 8 * PG, PROT_READ | PROT_WRITE), (long)a);
	cr_assert_eq(mm->map_count, 1);
	cr_assert_eq(do_mprotect(mm, a + 2 * PG, 3 * PG, PROT_READ), 0);
	cr_assert_eq(mm->map_count, 3);
	struct vm_area_struct *v = find_vma(mm, a + 2 * PG);
	cr_assert_eq(v->vm_start, a + 2 * PG);
	cr_assert_eq(v->vm_end, a + 5 * PG);
	cr_assert_eq(v->vm_flags & VM_ACCESS_FLAGS, VM_READ);
	cr_assert_eq(find_vma(mm, a)->vm_end, a + 2 * PG);
	cr_assert_eq(vma_tree_check(mm), 0);
	/* Back as it was: one VMA again. */
	cr_assert_eq(do_mprotect(mm, a + 2 * PG, 3 * PG, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(mm->map_count, 1);
	cr_assert_eq(find_vma(mm, a)->vm_end, a + 8 * PG);
	/* A hole makes mprotect fail with ENOMEM and change nothing. */
	cr_assert_eq(do_munmap(mm, a + 3 * PG, PG), 0);
	cr_assert_eq(mm->map_count, 2);
	cr_assert_eq(do_mprotect(mm, a, 8 * PG, PROT_READ), -12);
	cr_assert_eq(do_mprotect(mm, a + 1, PG, PROT_READ), -22);
	cr_assert_eq(vma_tree_check(mm), 0);
}

Test(vma, munmap_middle_leaves_two)
{
	unsigned long a = 0x30000000UL;

	cr_assert_eq(map_fixed(a, 10 * PG, PROT_READ), (long)a);
	cr_assert_eq(do_munmap(mm, a + 4 * PG, 2 * PG), 0);
	cr_assert_eq(mm->map_count, 2);
	cr_assert_null(find_vma_intersection(mm, a + 4 * PG, a + 6 * PG));
	cr_assert_eq(find_vma(mm, a + 4 * PG)->vm_start, a + 6 * PG);
	cr_assert_eq(mm_total_vm(mm), 8UL);
	/* munmap of nothing is fine; unaligned is EINVAL. */
	cr_assert_eq(do_munmap(mm, a + 4 * PG, PG), 0);
	cr_assert_eq(do_munmap(mm, a + 5, PG), -22);
	/* Adjacent anonymous mappings with equal flags merge. */
	cr_assert_eq(map_fixed(a + 4 * PG, 2 * PG, PROT_READ), (long)(a + 4 * PG));
	cr_assert_eq(mm->map_count, 1);
}

Test(vma, top_down_get_unmapped_area_with_stack_guard_gap)
{
	unsigned long top = TASK_SIZE_MAX & ~0xfffffUL;
	long a1, a2, a3;

	cr_assert_eq(mm_setup_stack(mm, top, 32 * PG), 0);
	cr_assert_eq(mm->mmap_base, top - MMAP_MIN_GAP);
	a1 = do_mmap(mm, 0, 3 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	cr_assert_eq(a1, (long)(mm->mmap_base - 3 * PG));
	a2 = do_mmap(mm, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	cr_assert_eq(a2, a1 - (long)PG, "top-down: right below the previous one");
	/* A hole left by munmap is reused, highest first. */
	cr_assert_eq(do_munmap(mm, (unsigned long)a1, PG), 0);
	a3 = do_mmap(mm, 0, PG, PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	cr_assert_eq(a3, a1);
	/* With mmap_base above the stack, the gap below the stack is kept. */
	mm->mmap_base = top;
	a3 = do_mmap(mm, 0, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	cr_assert_eq(a3, (long)(top - 32 * PG - STACK_GUARD_GAP - 4 * PG));
	cr_assert_eq(vma_tree_check(mm), 0);
}

Test(vma, fixed_and_fixed_noreplace)
{
	unsigned long a = 0x40000000UL;

	cr_assert_eq(map_fixed(a, 4 * PG, PROT_READ), (long)a);
	cr_assert_eq(do_mmap(mm, a + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			     NULL, 0), -17);
	cr_assert_eq(do_mmap(mm, a + 4 * PG, PG, PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0), (long)(a + 4 * PG));
	/* MAP_FIXED replaces the middle: three VMAs, then the fifth page. */
	cr_assert_eq(map_fixed(a + PG, PG, PROT_WRITE), (long)(a + PG));
	cr_assert_eq(mm->map_count, 4);
	cr_assert_eq(find_vma(mm, a + PG)->vm_flags & VM_ACCESS_FLAGS, VM_WRITE);
	cr_assert_eq(map_fixed(a + 3, PG, PROT_READ), -22);
	cr_assert_eq(do_mmap(mm, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0), -22);
	cr_assert_eq(do_mmap(mm, 0, PG, PROT_READ, MAP_ANONYMOUS, NULL, 0), -22);
	cr_assert_eq(do_mmap(mm, 0, PG, PROT_READ, MAP_PRIVATE, NULL, 0), -9);
	/* A hint that is free is taken as is. */
	cr_assert_eq(do_mmap(mm, 0x50000000UL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0),
		     0x50000000L);
	cr_assert_eq(vma_tree_check(mm), 0);
}

Test(vma, brk_grows_and_shrinks)
{
	unsigned long b = 0x600123UL;

	mm_set_brk_base(mm, b);
	cr_assert_eq(do_brk(mm, 0), 0x601000L);
	cr_assert_eq(do_brk(mm, 0x601000UL + 3 * PG + 5), (long)(0x601000UL + 3 * PG + 5));
	cr_assert_eq(mm->map_count, 1);
	cr_assert_eq(find_vma(mm, 0x601000UL)->vm_end, 0x601000UL + 4 * PG);
	cr_assert_eq(do_brk(mm, 0x601000UL + 10 * PG), (long)(0x601000UL + 10 * PG));
	cr_assert_eq(mm->map_count, 1, "growing brk extends the same VMA");
	cr_assert_eq(do_brk(mm, 0x601000UL + PG), (long)(0x601000UL + PG));
	cr_assert_eq(find_vma(mm, 0x601000UL)->vm_end, 0x601000UL + PG);
	/* brk into another mapping fails and keeps the old break. */
	cr_assert_eq(map_fixed(0x601000UL + 4 * PG, PG, PROT_READ), (long)(0x601000UL + 4 * PG));
	cr_assert_eq(do_brk(mm, 0x601000UL + 8 * PG), (long)(0x601000UL + PG));
}

Test(vma, proc_self_maps_lines)
{
	char buf[512];
	static const u8 data[8192];
	static struct initramfs_file f = { "bin/prog", data, sizeof(data), 0100755 };
	unsigned long top = 0x7ffffffde000UL;

	cr_assert_eq(do_mmap(mm, 0x400000, 2 * PG, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, &f, 0),
		     0x400000L);
	mm_set_brk_base(mm, 0x403000);
	cr_assert_eq(do_brk(mm, 0x405000), 0x405000L);
	cr_assert_eq(mm_setup_stack(mm, top, 4 * PG), 0);
	cr_assert_gt(mm_show_maps(mm, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf,
		"00400000-00402000 r-xp 00000000 00:00 0    /bin/prog\n"
		"00403000-00405000 rw-p 00000000 00:00 0    [heap]\n"
		"7ffffffda000-7ffffffde000 rw-p 00000000 00:00 0    [stack]\n");
	/* A short buffer gets whole lines only. */
	cr_assert_eq(mm_show_maps(mm, buf, 60), (long)strlen("00400000-00402000 r-xp 00000000 00:00 0    /bin/prog\n"));
}

/* The reference: every gap from the top, one by one (what the augmented
 * tree must find in O(log n)). As Linux's unmapped_area_topdown, the gap
 * below each VMA is [end of the VMA before, its start less the stack
 * guard gap). */
static long linear_unmapped_area(unsigned long len)
{
	struct vm_area_struct *v;
	unsigned long high = mm->mmap_base, s, e;

	s = list_empty(&mm->mmap) ? 0 : list_entry(mm->mmap.prev, struct vm_area_struct, vm_list)->vm_end;
	s = s < MMAP_MIN_ADDR ? MMAP_MIN_ADDR : s;
	if (high > s && high - s >= len)
		return (long)(high - len);
	list_for_each_entry_reverse(v, &mm->mmap, vm_list) {
		s = vma_gap_start(v) < MMAP_MIN_ADDR ? MMAP_MIN_ADDR : vma_gap_start(v);
		e = vma_gap_end(v) < high ? vma_gap_end(v) : high;
		if (e > s && e - s >= len)
			return (long)(e - len);
	}
	return -12;
}

Test(vma, top_down_search_matches_a_linear_walk)
{
	unsigned int seed = 7;
	const unsigned long lo = 0x10000000UL, span = 4096;   /* pages */

	mm->mmap_base = lo + span * PG;
	for (int step = 0; step < 4000; step++) {
		unsigned long p = rand_r(&seed) % span, n = 1 + rand_r(&seed) % 16;
		unsigned long a = lo + p * PG;
		int op = rand_r(&seed) % 5;

		if (op == 0)
			do_munmap(mm, a, n * PG);
		else if (op == 1)
			do_mmap(mm, a, n * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				(rand_r(&seed) % 8 == 0 ? MAP_GROWSDOWN : 0), NULL, 0);
		else if (op == 2)
			do_mprotect(mm, a, n * PG, rand_r(&seed) % 2 ? PROT_READ : PROT_READ | PROT_WRITE);
		cr_assert_eq(vma_tree_check(mm), 0, "step %d", step);
		unsigned long len = (1 + rand_r(&seed) % 64) * PG;
		long want = linear_unmapped_area(len), got = get_unmapped_area(mm, len);

		cr_assert_eq(got, want, "step %d len %lu: got %lx want %lx", step, len, got, want);
		if (op == 3 && got > 0)
			cr_assert_eq(do_mmap(mm, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0),
				     got);
	}
}

/*
 * The VMAs of an mm (Linux: the rbtree of mm/mmap.c before maple trees):
 * an AVL tree keyed by vm_start for find_vma in O(log n), and an
 * address-ordered list for the neighbours. Like Linux's rb_subtree_gap,
 * each node also keeps the largest free gap below any VMA of its subtree,
 * so get_unmapped_area's top-down search is O(log n) too. VMAs never overlap, so the
 * first VMA with vm_end > addr is also the last with vm_start <= addr or
 * the one after it. Callers hold mm->mmap_lock.
 */
#include <kernel/compiler.h>
#include <mm/vma.h>

static int height(struct vm_area_struct *n)
{
	return n ? n->avl_height : 0;
}

unsigned long vma_gap_start(struct vm_area_struct *v)
{
	struct vm_area_struct *prev = vma_prev(v->vm_mm, v);

	return prev ? prev->vm_end : 0;
}

unsigned long vma_gap_end(struct vm_area_struct *v)
{
	if (v->vm_flags & VM_GROWSDOWN)
		return v->vm_start > STACK_GUARD_GAP ? v->vm_start - STACK_GUARD_GAP : 0;
	return v->vm_start;
}

unsigned long vma_gap(struct vm_area_struct *v)
{
	unsigned long s = vma_gap_start(v), e = vma_gap_end(v);

	return e > s ? e - s : 0;
}

static unsigned long subtree_gap(struct vm_area_struct *n)
{
	return n ? n->avl_subtree_gap : 0;
}

/* Height and largest gap of N from its children's (N must be on the
 * mm's list: its gap needs the VMA before it). */
static void fix_height(struct vm_area_struct *n)
{
	int l = height(n->avl_left), r = height(n->avl_right);
	unsigned long g = vma_gap(n);

	n->avl_height = (l > r ? l : r) + 1;
	if (subtree_gap(n->avl_left) > g)
		g = subtree_gap(n->avl_left);
	if (subtree_gap(n->avl_right) > g)
		g = subtree_gap(n->avl_right);
	n->avl_subtree_gap = g;
}

static struct vm_area_struct *rotate_right(struct vm_area_struct *n)
{
	struct vm_area_struct *l = n->avl_left;

	n->avl_left = l->avl_right;
	l->avl_right = n;
	fix_height(n);
	fix_height(l);
	return l;
}

static struct vm_area_struct *rotate_left(struct vm_area_struct *n)
{
	struct vm_area_struct *r = n->avl_right;

	n->avl_right = r->avl_left;
	r->avl_left = n;
	fix_height(n);
	fix_height(r);
	return r;
}

/* Restore |height(left) - height(right)| <= 1 at N. */
static struct vm_area_struct *balance(struct vm_area_struct *n)
{
	int bf;

	fix_height(n);
	bf = height(n->avl_left) - height(n->avl_right);
	if (bf > 1) {
		if (height(n->avl_left->avl_left) < height(n->avl_left->avl_right))
			n->avl_left = rotate_left(n->avl_left);
		return rotate_right(n);
	}
	if (bf < -1) {
		if (height(n->avl_right->avl_right) < height(n->avl_right->avl_left))
			n->avl_right = rotate_right(n->avl_right);
		return rotate_left(n);
	}
	return n;
}

static struct vm_area_struct *avl_insert(struct vm_area_struct *root, struct vm_area_struct *v)
{
	if (!root)
		return v;
	if (v->vm_start < root->vm_start)
		root->avl_left = avl_insert(root->avl_left, v);
	else
		root->avl_right = avl_insert(root->avl_right, v);
	return balance(root);
}

static struct vm_area_struct *avl_remove_min(struct vm_area_struct *n, struct vm_area_struct **min)
{
	if (!n->avl_left) {
		*min = n;
		return n->avl_right;
	}
	n->avl_left = avl_remove_min(n->avl_left, min);
	return balance(n);
}

static struct vm_area_struct *avl_erase(struct vm_area_struct *root, struct vm_area_struct *v)
{
	struct vm_area_struct *l, *r, *min;

	if (!root)
		return NULL;
	if (v->vm_start < root->vm_start) {
		root->avl_left = avl_erase(root->avl_left, v);
		return balance(root);
	}
	if (v->vm_start > root->vm_start) {
		root->avl_right = avl_erase(root->avl_right, v);
		return balance(root);
	}
	l = root->avl_left;
	r = root->avl_right;
	if (!r)
		return l;
	r = avl_remove_min(r, &min);
	min->avl_left = l;
	min->avl_right = r;
	return balance(min);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *n = mm->mm_rb, *best = NULL;

	while (n) {
		if (n->vm_end > addr) {
			best = n;
			if (n->vm_start <= addr)
				break;
			n = n->avl_left;
		} else {
			n = n->avl_right;
		}
	}
	return best;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);

	return v && v->vm_start < end ? v : NULL;
}

struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->vm_list.prev == &mm->mmap ? NULL
		: list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list);
}

struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->vm_list.next == &mm->mmap ? NULL
		: list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
}

/* Recompute the subtree gaps on the path from the root down to V. */
void vma_gap_update(struct mm_struct *mm, struct vm_area_struct *v)
{
	struct vm_area_struct *path[96], *x = mm->mm_rb;
	int n = 0;

	while (x && n < 96) {
		path[n++] = x;
		if (x == v)
			break;
		x = v->vm_start < x->vm_start ? x->avl_left : x->avl_right;
	}
	while (n--)
		fix_height(path[n]);
}

void vma_end_changed(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(mm, vma);

	if (next)
		vma_gap_update(mm, next);
}

void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = find_vma(mm, vma->vm_start);

	vma->vm_mm = mm;
	vma->avl_left = vma->avl_right = NULL;
	vma->avl_height = 1;
	/* On the list first: the tree's gaps are read from it. */
	list_add_tail(&vma->vm_list, next ? &next->vm_list : &mm->mmap);
	fix_height(vma);
	mm->mm_rb = avl_insert(mm->mm_rb, vma);
	if (next)
		vma_gap_update(mm, next);
	mm->map_count++;
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(mm, vma);

	mm->mm_rb = avl_erase(mm->mm_rb, vma);
	list_del(&vma->vm_list);
	if (next)
		vma_gap_update(mm, next);
	mm->map_count--;
}

static unsigned long topdown(struct vm_area_struct *n, unsigned long len, unsigned long low,
			     unsigned long high)
{
	unsigned long r, s, e;

	if (!n || n->avl_subtree_gap < len)
		return 0;
	/* Gaps to the right start at or above n->vm_end. */
	if (n->vm_end < high && (r = topdown(n->avl_right, len, low, high)))
		return r;
	s = vma_gap_start(n);
	e = vma_gap_end(n);
	if (s < low)
		s = low;
	if (e > high)
		e = high;
	if (e > s && e - s >= len)
		return e - len;
	return topdown(n->avl_left, len, low, high);
}

unsigned long vma_find_gap_topdown(struct mm_struct *mm, unsigned long len, unsigned long low,
				   unsigned long high)
{
	unsigned long s;

	/* Above the last VMA first. */
	s = list_empty(&mm->mmap) ? low
		: list_entry(mm->mmap.prev, struct vm_area_struct, vm_list)->vm_end;
	if (s < low)
		s = low;
	if (high > s && high - s >= len)
		return high - len;
	return topdown(mm->mm_rb, len, low, high);
}

int vma_tree_height(struct mm_struct *mm)
{
	return height(mm->mm_rb);
}

/* In-order walk checking order, heights and balance; *pos walks the list
 * alongside. */
static int check_node(struct mm_struct *mm, struct vm_area_struct *n, struct list_head **pos,
		      int *count)
{
	int l, r;

	if (!n)
		return 0;
	if ((l = check_node(mm, n->avl_left, pos, count)) < 0)
		return -1;
	*pos = (*pos)->next;
	if (*pos != &n->vm_list || n->vm_start >= n->vm_end)
		return -1;
	if (n->vm_list.prev != &mm->mmap &&
	    list_entry(n->vm_list.prev, struct vm_area_struct, vm_list)->vm_end > n->vm_start)
		return -1;
	(*count)++;
	if ((r = check_node(mm, n->avl_right, pos, count)) < 0)
		return -1;
	if (n->avl_height != (l > r ? l : r) + 1 || l - r > 1 || r - l > 1)
		return -1;
	{
		unsigned long g = vma_gap(n);

		if (subtree_gap(n->avl_left) > g)
			g = subtree_gap(n->avl_left);
		if (subtree_gap(n->avl_right) > g)
			g = subtree_gap(n->avl_right);
		if (n->avl_subtree_gap != g)
			return -1;
	}
	return n->avl_height;
}

int vma_tree_check(struct mm_struct *mm)
{
	struct list_head *pos = &mm->mmap;
	int count = 0;

	if (check_node(mm, mm->mm_rb, &pos, &count) < 0)
		return -1;
	return pos->next == &mm->mmap && count == mm->map_count ? 0 : -1;
}

/*
 * execve and the ELF loader (Linux: fs/exec.c, fs/binfmt_elf.c), for
 * static ELF64 x86-64 executables (ET_EXEC; no PT_INTERP) from the
 * initramfs. Anything else, or a header that does not hold together,
 * fails with -ENOEXEC before the old image is touched.
 *
 * A new mm is built beside the old one: each PT_LOAD becomes a private
 * anonymous mapping, the file bytes are copied in (the zero tail of the
 * last page and the rest of the bss stay the zero pages anonymous memory
 * gives), then its final protection is set. The stack is a growing VMA
 * below TASK_SIZE_MAX holding, from the top: AT_RANDOM's 16 bytes, the
 * strings, then (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv
 * (Linux's layout; built in one kernel page, copied out once). Only then
 * is the old mm dropped (the point of no return).
 */
#include <kernel/errno.h>
#include <kernel/initramfs.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/tlbflush.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/mm_struct.h>
#include <mm/mm_user.h>
#include "mm_weak.h"

#define EI_NIDENT   16
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1
#define PT_INTERP   3
#define PT_PHDR     6
#define PF_X        1
#define PF_W        2
#define PF_R        4

#define AT_NULL     0
#define AT_PHDR     3
#define AT_PHENT    4
#define AT_PHNUM    5
#define AT_PAGESZ   6
#define AT_BASE     7
#define AT_FLAGS    8
#define AT_ENTRY    9
#define AT_UID      11
#define AT_EUID     12
#define AT_GID      13
#define AT_EGID     14
#define AT_CLKTCK   17
#define AT_SECURE   23
#define AT_RANDOM   25
#define AT_EXECFN   31

#define STACK_TOP       TASK_SIZE_MAX
#define STACK_INIT_SIZE (128UL << 10)
#define MAX_ARG_BYTES   3072            /* strings + pointers: one page in all */
#define MAX_ARGS        64

struct elf64_ehdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

static const struct elf64_phdr *check_elf(const struct initramfs_file *f)
{
	const struct elf64_ehdr *eh = (const void *)f->data;

	if (f->size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4) || eh->e_ident[4] != 2 ||
	    eh->e_ident[5] != 1 || eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 || eh->e_phnum > 64 ||
	    eh->e_phoff > f->size || (u64)eh->e_phnum * sizeof(struct elf64_phdr) > f->size - eh->e_phoff ||
	    (eh->e_phoff & 7))
		return NULL;
	const struct elf64_phdr *ph = (const void *)(f->data + eh->e_phoff);
	bool any = false;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return NULL;
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > f->size ||
		    ph[i].p_filesz > f->size - ph[i].p_offset || ph[i].p_memsz > TASK_SIZE_MAX ||
		    ph[i].p_vaddr >= TASK_SIZE_MAX - ph[i].p_memsz || ph[i].p_vaddr < PAGE_SIZE ||
		    (ph[i].p_vaddr & (PAGE_SIZE - 1)) != (ph[i].p_offset & (PAGE_SIZE - 1)))
			return NULL;
		any = true;
	}
	return any && eh->e_entry < TASK_SIZE_MAX ? ph : NULL;
}

static unsigned long prot_of(u32 flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/* Map and fill the PT_LOAD segments; the phdrs' user address in *PHDR. */
static long load_segments(struct mm_struct *mm, const struct initramfs_file *f,
			  const struct elf64_phdr *ph, int phnum, unsigned long *phdr_addr)
{
	const struct elf64_ehdr *eh = (const void *)f->data;
	unsigned long mapped_end = 0, brk = 0;
	long r;

	*phdr_addr = 0;
	for (int i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_PHDR)
			*phdr_addr = ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD)
			continue;
		unsigned long start = ph[i].p_vaddr & PAGE_MASK;
		unsigned long end = ALIGN(ph[i].p_vaddr + ph[i].p_memsz, PAGE_SIZE);
		if (start < mapped_end)
			start = mapped_end;            /* a page shared with the previous segment */
		if (start < end) {
			r = do_mmap(mm, start, end - start, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
			if (r < 0)
				return r;
		}
		if (ph[i].p_filesz &&
		    copy_to_user_mm(mm, ph[i].p_vaddr, f->data + ph[i].p_offset, ph[i].p_filesz) < 0)
			return -EFAULT;
		if (start < end && (r = do_mprotect(mm, start, end - start, prot_of(ph[i].p_flags))) < 0)
			return r;
		if (end > mapped_end)
			mapped_end = end;
		if (ph[i].p_vaddr + ph[i].p_memsz > brk)
			brk = ph[i].p_vaddr + ph[i].p_memsz;
		if (!*phdr_addr && ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff < ph[i].p_offset + ph[i].p_filesz)
			*phdr_addr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
	}
	mm_set_brk_base(mm, ALIGN(brk, PAGE_SIZE));
	return 0;
}

/* Build the initial stack in BUF (a page), to be copied to [*SP, STACK_TOP). */
static long build_stack(char *buf, const char *path, const char *const *argv,
			const char *const *envp, const struct elf64_ehdr *eh,
			unsigned long phdr_addr, unsigned long *sp_out)
{
	unsigned long top = STACK_TOP, pos = PAGE_SIZE;   /* pos: offset in buf, downwards */
	unsigned long argp[MAX_ARGS + 1], envpp[MAX_ARGS + 1];
	int argc = 0, envc = 0;

	/* AT_RANDOM: 16 bytes from the TSC (no entropy source here). */
	pos -= 16;
	u64 r1 = rdtsc() * 0x9e3779b97f4a7c15ULL, r2 = (r1 ^ jiffies) * 0xbf58476d1ce4e5b9ULL;
	memcpy(buf + pos, &r1, 8);
	memcpy(buf + pos + 8, &r2, 8);
	unsigned long random_addr = top - (PAGE_SIZE - pos);

#define PUSH_STR(s, out) do { \
		size_t n_ = strlen(s) + 1; \
		if (n_ > pos || PAGE_SIZE - pos + n_ > MAX_ARG_BYTES) return -E2BIG; \
		pos -= n_; memcpy(buf + pos, (s), n_); \
		(out) = top - (PAGE_SIZE - pos); \
	} while (0)

	unsigned long execfn;
	PUSH_STR(path, execfn);
	for (; envp && envp[envc]; envc++) {
		if (envc == MAX_ARGS)
			return -E2BIG;
		PUSH_STR(envp[envc], envpp[envc]);
	}
	for (; argv && argv[argc]; argc++) {
		if (argc == MAX_ARGS)
			return -E2BIG;
		PUSH_STR(argv[argc], argp[argc]);
	}
#undef PUSH_STR
	unsigned long auxv[][2] = {
		{ AT_PHDR, phdr_addr }, { AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, eh->e_phnum }, { AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 },
		{ AT_FLAGS, 0 }, { AT_ENTRY, eh->e_entry }, { AT_UID, 0 }, { AT_EUID, 0 },
		{ AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 }, { AT_CLKTCK, HZ },
		{ AT_RANDOM, random_addr }, { AT_EXECFN, execfn }, { AT_NULL, 0 },
	};
	unsigned long words = 1 + (unsigned long)argc + 1 + (unsigned long)envc + 1 +
			      sizeof(auxv) / sizeof(unsigned long);
	pos &= ~15UL;
	if (words * 8 + 16 > pos)
		return -E2BIG;
	pos -= words * 8;
	pos &= ~15UL;                      /* argc at a 16-byte boundary */
	unsigned long *w = (unsigned long *)(buf + pos);
	*w++ = (unsigned long)argc;
	for (int i = 0; i < argc; i++)
		*w++ = argp[i];
	*w++ = 0;
	for (int i = 0; i < envc; i++)
		*w++ = envpp[i];
	*w++ = 0;
	memcpy(w, auxv, sizeof(auxv));
	*sp_out = top - (PAGE_SIZE - pos);
	return (long)pos;
}

static const char *basename(const char *path)
{
	const char *b = path;
	for (const char *s = path; *s; s++)
		if (*s == '/')
			b = s + 1;
	return b;
}

long exec_kernel(struct task_struct *task, struct pt_regs *regs, const char *path,
		 const char *const *argv, const char *const *envp)
{
	const struct initramfs_file *f = initramfs_lookup(path);
	const struct elf64_phdr *ph;
	unsigned long phdr_addr, sp;
	long r;

	if (!f)
		return -ENOENT;
	if (!(f->mode & 0111))
		return -EACCES;
	ph = check_elf(f);
	if (!ph)
		return -ENOEXEC;
	const struct elf64_ehdr *eh = (const void *)f->data;

	struct page *pg = alloc_pages(GFP_KERNEL, 0);
	if (!pg)
		return -ENOMEM;
	char *buf = page_address(pg);
	struct mm_struct *mm = mm_alloc();
	if (!mm) {
		r = -ENOMEM;
		goto out_page;
	}
	r = load_segments(mm, f, ph, eh->e_phnum, &phdr_addr);
	if (r < 0)
		goto out_mm;
	r = mm_setup_stack(mm, STACK_TOP, STACK_INIT_SIZE);
	if (r < 0)
		goto out_mm;
	r = build_stack(buf, path, argv, envp, eh, phdr_addr, &sp);
	if (r < 0)
		goto out_mm;
	if (copy_to_user_mm(mm, sp, buf + r, STACK_TOP - sp) < 0) {
		r = -EFAULT;
		goto out_mm;
	}
	free_pages((unsigned long)buf, 0);

	/* The point of no return: the new image replaces the old. */
	struct mm_struct *old = task->mm;
	unsigned long flags;
	local_irq_save(flags);
	task->mm = mm;
	task->active_mm = mm;
	if (task == current) {
		switch_mm_irqs_off(old, mm);
		arch_set_fs_base(0);
	}
	local_irq_restore(flags);
	if (old)
		mmput(old);
	task->fs_base = 0;
	task->clear_child_tid = 0;
	arch_fpu_init(task);
	for (int i = 0; i < NSIG; i++)
		if (task->sigaction[i].handler > 1)     /* handlers reset, SIG_IGN kept */
			task->sigaction[i] = (struct k_sigaction){ 0, 0, 0, 0 };
	const char *b = basename(path);
	size_t n = strlen(b);
	if (n >= TASK_COMM_LEN)
		n = TASK_COMM_LEN - 1;
	memcpy(task->comm, b, n);
	task->comm[n] = 0;
	arch_setup_user_regs(regs, eh->e_entry, sp);
	return 0;

out_mm:
	mmput(mm);
out_page:
	free_pages((unsigned long)buf, 0);
	return r;
}

/* Copy a NULL-terminated array of user strings into BUF (kernel). */
static long copy_strings(unsigned long uarr, const char **out, char *buf, unsigned long *used,
			 unsigned long size)
{
	int n = 0;

	if (uarr) {
		for (;; n++) {
			unsigned long up;
			if (n == MAX_ARGS)
				return -E2BIG;
			if (copy_from_user_mm(current->mm, &up, uarr + (unsigned long)n * 8, 8) < 0)
				return -EFAULT;
			if (!up)
				break;
			long len = strncpy_from_user_mm(current->mm, buf + *used, up, size - *used);
			if (len < 0)
				return -EFAULT;
			if ((unsigned long)len >= size - *used)
				return -E2BIG;
			out[n] = buf + *used;
			*used += (unsigned long)len + 1;
		}
	}
	out[n] = NULL;
	return 0;
}

long sys_execve(unsigned long upath, unsigned long uargv, unsigned long uenvp, struct pt_regs *regs)
{
	struct page *pg = alloc_pages(GFP_KERNEL, 0);
	const char *argv[MAX_ARGS + 1], *envp[MAX_ARGS + 1];
	unsigned long used = 0;
	long r;

	if (!pg)
		return -ENOMEM;
	char *buf = page_address(pg);
	r = strncpy_from_user_mm(current->mm, buf, upath, 256);
	if (r < 0 || r >= 256) {
		r = r < 0 ? -EFAULT : -ENAMETOOLONG;
		goto out;
	}
	const char *path = buf;
	used = (unsigned long)r + 1;
	r = copy_strings(uargv, argv, buf, &used, MAX_ARG_BYTES);
	if (!r)
		r = copy_strings(uenvp, envp, buf, &used, MAX_ARG_BYTES);
	if (!r)
		r = exec_kernel(current, regs, path, argv, envp);
out:
	free_pages((unsigned long)buf, 0);
	return r;
}

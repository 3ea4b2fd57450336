/*
 * The system-call table: Linux x86-64 numbers and arguments (RAX = number;
 * RDI, RSI, RDX, R10, R8, R9), the result or -errno in RAX. The subset
 * musl's static programs use for the memory tests; any other number
 * returns -ENOSYS and is logged once per number.
 * Entered from the #PF fallback or entry_SYSCALL_64 (arch process.c),
 * with interrupts off; returns through exit_to_user_mode.
 */
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/smp_call.h>
#include <kernel/string.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/time.h>
#include <mm/page_types.h>
#include <mm/mm_user.h>
#include "mm_weak.h"

#define ARCH_SET_GS   0x1001
#define ARCH_SET_FS   0x1002
#define ARCH_GET_FS   0x1003
#define ARCH_GET_GS   0x1004
#define SIGKILL       9
#define SIGSTOP       19
#define NSEC_PER_SEC  1000000000UL

long sys_pread64(int fd, unsigned long buf, unsigned long n, long pos);
long schedule_timeout_until(unsigned long when);
long sleep_once(unsigned long ticks);
long sched_migrate_self(const struct cpumask *allowed);

static u64 logged_enosys[8];   /* numbers < 512 */

static long copy_out(unsigned long dst, const void *src, unsigned long n)
{
	return copy_to_user_mm(current->mm, dst, src, n) < 0 ? -EFAULT : 0;
}

static long copy_in(void *dst, unsigned long src, unsigned long n)
{
	return copy_from_user_mm(current->mm, dst, src, n) < 0 ? -EFAULT : 0;
}

/* Nanoseconds since boot: the TSC when its rate is known, else jiffies. */
static u64 ktime_ns(void)
{
	static u64 tsc0;
	if (tsc_khz) {
		u64 t = rdtsc();
		if (!tsc0)
			tsc0 = t - (u64)READ_ONCE(jiffies) * (NSEC_PER_SEC / HZ) / 1000000 * tsc_khz;
		u64 d = t - tsc0;
		return d / tsc_khz * 1000000 + d % tsc_khz * 1000000 / tsc_khz;
	}
	return (u64)READ_ONCE(jiffies) * (NSEC_PER_SEC / HZ);
}

struct timespec_k {
	long tv_sec, tv_nsec;
};

static long sys_clock_gettime(int clk, unsigned long uts)
{
	u64 ns = ktime_ns();
	struct timespec_k ts = { (long)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) };
	if (clk < 0 || clk > 11)
		return -EINVAL;
	return copy_out(uts, &ts, sizeof(ts));
}

static long sys_nanosleep(unsigned long ureq, unsigned long urem)
{
	struct timespec_k ts;
	if (copy_in(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	u64 ticks = (u64)ts.tv_sec * HZ + ((u64)ts.tv_nsec * HZ + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	unsigned long until = READ_ONCE(jiffies) + (unsigned long)ticks + 1;
	long r = schedule_timeout_until(until);
	if (r && urem) {
		long left = (long)(until - READ_ONCE(jiffies));
		struct timespec_k rem = { left / HZ, left % HZ * (long)(NSEC_PER_SEC / HZ) };
		copy_out(urem, &rem, sizeof(rem));
	}
	return r;
}

static long sys_uname(unsigned long ubuf)
{
	static const char fields[6][65] = { "Linux", "gmm", "6.1.0-gmm", "#1 SMP gmm", "x86_64", "(none)" };
	return copy_out(ubuf, fields, sizeof(fields));
}

static long sys_arch_prctl(int code, unsigned long addr)
{
	struct task_struct *p = current;
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE_MAX)
			return -EPERM;
		p->fs_base = addr;
		arch_set_fs_base(addr);
		return 0;
	case ARCH_GET_FS:
		return copy_out(addr, &p->fs_base, sizeof(p->fs_base));
	default:
		return -EINVAL;
	}
}

static long sys_rt_sigaction(int sig, unsigned long act, unsigned long oact, unsigned long size)
{
	struct task_struct *p = current;
	struct k_sigaction k;

	if (sig < 1 || sig > NSIG || size != 8)
		return -EINVAL;
	if (oact && copy_out(oact, &p->sigaction[sig - 1], sizeof(k)))
		return -EFAULT;
	if (act) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_in(&k, act, sizeof(k)))
			return -EFAULT;
		p->sigaction[sig - 1] = k;
	}
	return 0;
}

static long sys_rt_sigprocmask(int how, unsigned long set, unsigned long oset, unsigned long size)
{
	struct task_struct *p = current;
	u64 m;

	if (size != 8)
		return -EINVAL;
	if (oset && copy_out(oset, &p->sigmask, 8))
		return -EFAULT;
	if (!set)
		return 0;
	if (copy_in(&m, set, 8))
		return -EFAULT;
	m &= ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
	switch (how) {
	case 0: p->sigmask |= m; break;
	case 1: p->sigmask &= ~m; break;
	case 2: p->sigmask = m; break;
	default: return -EINVAL;
	}
	return 0;
}

static long sys_sched_setaffinity(int pid, unsigned long len, unsigned long umask)
{
	struct cpumask m;
	unsigned int cpu, n = 0;

	cpumask_clear(&m);
	if (len > sizeof(m.bits))
		len = sizeof(m.bits);
	if (copy_in(m.bits, umask, len))
		return -EFAULT;
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpumask_test_cpu(cpu, &m) && (cpu >= nr_cpu_ids || !cpu_online(cpu)))
			cpumask_clear_cpu(cpu, &m);
	for_each_online_cpu(cpu)
		n += cpumask_test_cpu(cpu, &m);
	if (!n)
		return -EINVAL;
	if (pid && pid != current->pid) {
		/* Another task moves itself on its next return to user mode
		 * (exit_to_user_mode); its CPU is kicked to get there soon. */
		unsigned long flags;
		spin_lock_irqsave(&tasklist_lock, flags);
		struct task_struct *t = find_task_by_pid(pid);
		if (t && t->state != TASK_ZOMBIE) {
			t->cpus_allowed = m;
			if (t->cpu != (int)smp_processor_id())
				smp_send_reschedule((unsigned int)t->cpu);
		}
		spin_unlock_irqrestore(&tasklist_lock, flags);
		return t ? 0 : -ESRCH;
	}
	current->cpus_allowed = m;
	return sched_migrate_self(&m);
}

static long sys_sched_getaffinity(int pid, unsigned long len, unsigned long umask)
{
	unsigned long bytes = (nr_cpu_ids + 63) / 64 * 8;

	struct cpumask m = current->cpus_allowed;
	if (pid && pid != current->pid) {
		unsigned long flags;
		spin_lock_irqsave(&tasklist_lock, flags);
		struct task_struct *t = find_task_by_pid(pid);
		if (t)
			m = t->cpus_allowed;
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (!t)
			return -ESRCH;
	}
	if (len < bytes || (len & 7))
		return -EINVAL;
	return copy_out(umask, m.bits, bytes) ?: (long)bytes;
}

static long sys_getcpu(unsigned long ucpu, unsigned long unode)
{
	unsigned int cpu = smp_processor_id(), node = (unsigned int)cpu_to_node(cpu);
	if (ucpu && copy_out(ucpu, &cpu, 4))
		return -EFAULT;
	if (unode && copy_out(unode, &node, 4))
		return -EFAULT;
	return 0;
}

static long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
		     unsigned long flags, long fd, unsigned long off)
{
	const struct initramfs_file *f = NULL;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		bool writable = false;
		f = fd_to_initramfs((int)fd, &writable);
		if (!f)
			return -EBADF;
		if ((flags & 3) == MAP_SHARED && (prot & PROT_WRITE) && !writable)
			return -EACCES;
	}
	return do_mmap(current->mm, addr, len, prot, flags, f, off >> 12);
}

static __attribute__((noreturn)) void sys_exit(int code)
{
	do_exit((code & 0xff) << 8);
}

void do_syscall_64(struct pt_regs *regs)
{
	struct task_struct *p = current;
	struct mm_struct *mm = p->mm;
	unsigned long nr = regs->ax, a0 = regs->di, a1 = regs->si, a2 = regs->dx;
	unsigned long a3 = regs->r10, a4 = regs->r8, a5 = regs->r9;
	long r;

	switch (nr) {
	case 0:   r = sys_read((int)a0, a1, a2); break;
	case 1:   r = sys_write((int)a0, a1, a2); break;
	case 2:   r = sys_openat(-100, a0, (int)a1, (int)a2); break;
	case 3:   r = sys_close((int)a0); break;
	case 4:   r = sys_stat(a0, a1); break;
	case 5:   r = sys_fstat((int)a0, a1); break;
	case 6:   r = sys_stat(a0, a1); break;            /* lstat: no links here */
	case 8:   r = sys_lseek((int)a0, (long)a1, (int)a2); break;
	case 9:   r = sys_mmap(a0, a1, a2, a3, (long)a4, a5); break;
	case 10:  r = do_mprotect(mm, a0, a1, a2); break;
	case 11:  r = do_munmap(mm, a0, a1); break;
	case 12:  r = do_brk(mm, a0); break;
	case 13:  r = sys_rt_sigaction((int)a0, a1, a2, a3); break;
	case 14:  r = sys_rt_sigprocmask((int)a0, a1, a2, a3); break;
	case 16:  r = -ENOTTY; break;                      /* ioctl */
	case 17:  r = sys_pread64((int)a0, a1, a2, (long)a3); break;
	case 19:  r = sys_readv((int)a0, a1, (int)a2); break;
	case 20:  r = sys_writev((int)a0, a1, (int)a2); break;
	case 22:  r = sys_pipe2(a0, 0); break;             /* pipe */
	case 24:  schedule(); r = 0; break;                /* sched_yield */
	case 25:  r = do_mremap(mm, a0, a1, a2, a3, a4); break;
	case 28:  r = do_madvise(mm, a0, a1, (int)a2); break;
	case 34:                                            /* pause */
	case 130: while (!sleep_once(HZ)) ; r = -EINTR; break;  /* rt_sigsuspend */
	case 35:  r = sys_nanosleep(a0, a1); break;
	case 39:  r = p->pid; break;                        /* getpid */
	case 56:  r = do_fork(a0, a1, regs); break;         /* clone */
	case 57:                                            /* fork */
	case 58:  r = do_fork(17, 0, regs); break;          /* vfork: a plain fork here */
	case 59:  r = sys_execve(a0, a1, a2, regs); break;
	case 60:  sys_exit((int)a0);                        /* exit */
	case 61:  r = do_wait4((int)a0, a1, (int)a2); break;
	case 62:  r = do_kill((int)a0, (int)a1); break;
	case 63:  r = sys_uname(a0); break;
	case 102: case 104: case 107: case 108: r = 0; break;   /* getuid getgid geteuid getegid */
	case 110: r = p->parent ? p->parent->pid : 0; break; /* getppid */
	case 158: r = sys_arch_prctl((int)a0, a1); break;
	case 186: r = p->pid; break;                        /* gettid */
	case 200: r = do_kill((int)a0, (int)a1); break;     /* tkill */
	case 203: r = sys_sched_setaffinity((int)a0, a1, a2); break;
	case 204: r = sys_sched_getaffinity((int)a0, a1, a2); break;
	case 218: p->clear_child_tid = a0; r = p->pid; break;   /* set_tid_address */
	case 228: r = sys_clock_gettime((int)a0, a1); break;
	case 230: r = sys_nanosleep(a2, a3); break;         /* clock_nanosleep, relative */
	case 231: sys_exit((int)a0);                        /* exit_group */
	case 234: r = do_kill((int)a1, (int)a2); break;     /* tgkill */
	case 257: r = sys_openat((int)a0, a1, (int)a2, (int)a3); break;
	case 262: r = (a3 & 0x1000) && !a1 ? sys_fstat((int)a0, a2) : sys_stat(a1, a2); break; /* newfstatat */
	case 293: r = sys_pipe2(a0, (int)a1); break;
	case 309: r = sys_getcpu(a0, a1); break;
	default:
		unsigned long bit = nr < 511 ? nr : 511;     /* 511: every number above */
		if (!(__atomic_fetch_or(&logged_enosys[bit / 64], 1ULL << (bit % 64), __ATOMIC_RELAXED) &
		      (1ULL << (bit % 64))))
			printk("%s[%d]: system call %lu not implemented (ENOSYS)\n", p->comm, p->pid, nr);
		r = -ENOSYS;
	}
	regs->ax = (unsigned long)r;
}

/*
 * Processes and the scheduler (kernel/sched.c, fork.c, exit.c, exec.c,
 * fs.c, sys.c; arch side in arch/x86_64/process.c, switch_64.S).
 *
 * A task is one user process (one thread). Its task_struct sits at the
 * bottom of its kernel stack, one order-2 block from the page allocator
 * (no slab: a task gives back exactly the pages it took, which the leak
 * check after the last exit relies on). Kernel code runs with interrupts
 * off (the kernel is not preemptible); user code is preempted by the
 * timer tick on return to user mode.
 *
 * Scheduling: one run queue per CPU (a FIFO, round robin per tick). A
 * task runs only on its rq's CPU; it moves only when it migrates itself
 * (sched_setaffinity) or at fork (placed on the least loaded allowed CPU).
 * Each CPU's boot context is its idle task (kernel/idle.c).
 *
 * Locks, in order: tasklist_lock (the task list, parent/child links,
 * exit states) -> rq->lock. schedule() holds its rq lock across the
 * switch; the next task drops it (finish_task_switch), as in Linux.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/cpumask.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

struct mm_struct;
struct pt_regs;
struct initramfs_file;

#define THREAD_ORDER     2                       /* 16 KiB kernel stack */
#define THREAD_SIZE      (4096UL << THREAD_ORDER)
#define NR_OPEN          16
#define TASK_COMM_LEN    16
#define NSIG             64

enum task_state {
	TASK_RUNNING,        /* on a run queue or on its CPU */
	TASK_INTERRUPTIBLE,  /* asleep; a signal wakes it */
	TASK_ZOMBIE,         /* exited, waiting for its parent */
	TASK_DEAD,
};

/* What an fd refers to. */
enum file_type { FD_NONE, FD_CONSOLE, FD_NULL_IN, FD_INITRAMFS, FD_PROC_STATM, FD_PROC_STATUS,
		 FD_PIPE_R, FD_PIPE_W };
struct pipe_inode;

struct file {
	u8 type;             /* enum file_type */
	u8 writable;
	const struct initramfs_file *f;
	struct pipe_inode *pipe;     /* FD_PIPE_*: shared, counted per fd */
	u64 pos;
};

struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

struct task_struct {
	unsigned long sp;                /* saved kernel RSP (switch_64.S) */
	struct mm_struct *mm;            /* NULL for an idle task */
	struct mm_struct *active_mm;     /* what CR3 holds (lazy TLB) */
	int pid;
	volatile int state;              /* enum task_state */
	int cpu;                         /* its run queue */
	volatile int on_cpu;             /* 1 until switched out (reaping waits) */
	bool on_rq;
	bool is_idle;
	int exit_code;                   /* wait status: (code << 8) or signal */
	volatile int pending_kill;       /* a fatal signal to act on */
	unsigned long wake_at;           /* jiffies, for nanosleep; 0: none */
	struct task_struct *parent;
	struct list_head children, sibling;
	struct list_head tasks;          /* all tasks */
	struct list_head run_list;       /* on a run queue */
	struct list_head sleep_list;     /* timed sleepers of a CPU */
	struct cpumask cpus_allowed;
	unsigned long fs_base;
	unsigned long clear_child_tid;
	u64 sigmask;
	struct k_sigaction sigaction[NSIG];
	struct file files[NR_OPEN];
	char comm[TASK_COMM_LEN];
	char linebuf[160];               /* console line buffer (fds 1, 2) */
	unsigned int linelen;
	/* The user's x87/SSE registers while it is switched out (fxsave). */
	u8 fpu[512] __attribute__((aligned(16)));
};

/* The task running on this CPU. */
struct task_struct *get_current(void);
#define current get_current()

extern spinlock_t tasklist_lock;

/* sched.c */
void sched_init(void);                   /* BSP, before smp_init */
void sched_init_cpu(void);               /* every CPU: its idle task */
void schedule(void);                     /* interrupts off */
void wake_up_process(struct task_struct *p);
void wake_up_new_task(struct task_struct *p);
void scheduler_tick(void);               /* every CPU's timer interrupt */
bool sched_idle(void);                   /* idle loop: true if it ran something */
int select_task_cpu(const struct cpumask *allowed);
long sched_migrate_self(const struct cpumask *allowed);
struct task_struct *alloc_task(void);    /* zeroed task + stack, or NULL */
void free_task(struct task_struct *p);
struct task_struct *find_task_by_pid(int pid);   /* tasklist_lock held */
int alloc_pid(void);
void start_init(void);                   /* kmain: run /init or init= if there is one */
extern unsigned long nr_tasks;

/* exit.c */
__attribute__((noreturn)) void do_exit(int wait_status);
long do_wait4(int pid, unsigned long status_uaddr, int options);
long do_kill(int pid, int sig);
void send_fatal_signal(struct task_struct *p, int sig);

/* fork.c */
long do_fork(unsigned long clone_flags, unsigned long newsp, struct pt_regs *regs);

/* exec.c: load PATH into TASK (a fresh mm); on success TASK's old mm is
 * dropped and REGS set for user entry. ARGV/ENVP are kernel strings. */
long exec_kernel(struct task_struct *task, struct pt_regs *regs, const char *path,
		 const char *const *argv, const char *const *envp);
long sys_execve(unsigned long path, unsigned long argv, unsigned long envp, struct pt_regs *regs);

/* fs.c */
void files_init_console(struct task_struct *p);
void files_close_all(struct task_struct *p);
void files_fork(struct task_struct *child);   /* after copying the table: take refs */
long sys_pipe2(unsigned long ufds, int flags);
void console_flush_task(struct task_struct *p);
long sys_read(int fd, unsigned long buf, unsigned long n);
long sys_write(int fd, unsigned long buf, unsigned long n);
long sys_readv(int fd, unsigned long iov, int cnt);
long sys_writev(int fd, unsigned long iov, int cnt);
long sys_openat(int dirfd, unsigned long path, int flags, int mode);
long sys_close(int fd);
long sys_lseek(int fd, long off, int whence);
long sys_fstat(int fd, unsigned long st);
long sys_stat(unsigned long path, unsigned long st);
const struct initramfs_file *fd_to_initramfs(int fd, bool *writable);

/* sys.c: the system-call dispatcher; REGS' ax gets the result. */
void do_syscall_64(struct pt_regs *regs);

/* arch (process.c, switch_64.S) */
void arch_setup_user_regs(struct pt_regs *regs, unsigned long ip, unsigned long sp);
/* Kernel stack of a new task: returns to user with *REGS (ret_from_fork). */
void arch_copy_thread(struct task_struct *p, const struct pt_regs *regs);
/* Returns, when PREV runs again, the task this CPU switched away from. */
struct task_struct *arch_switch_to(struct task_struct *prev, struct task_struct *next);
void arch_set_fs_base(unsigned long base);
/* FPU/SSE state: P's to the initial one (exec), or a copy of the
 * caller's live registers (fork). */
void arch_fpu_init(struct task_struct *p);
void arch_fpu_fork(struct task_struct *child);
/* Before returning to user mode: pending kill, reschedule. */
void exit_to_user_mode(struct pt_regs *regs);
struct pt_regs *task_pt_regs(struct task_struct *p);

/* Exit status of the machine when PID 1 ends (its wait status, Linux's
 * shell encoding: code, or 128 + signal). */
extern int init_exit_status;

#endif

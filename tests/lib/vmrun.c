/* Running the VMM from host tests (see vmrun.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/vmrun.h"

#define VMM_PATH    "build/vmm"
#define KERNEL_PATH "build/guest.elf"

bool vm_can_run(const char **why)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*why = errno == ENOENT ? "no /dev/kvm on this machine" : "/dev/kvm cannot be opened";
		return false;
	}
	close(fd);
	if (access(VMM_PATH, X_OK) != 0 || access(KERNEL_PATH, R_OK) != 0) {
		*why = "build/vmm or build/guest.elf missing (run make)";
		return false;
	}
	return true;
}

/* Is PROG an executable somewhere in $PATH? */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (n && access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

bool qemu_can_run(const char **why)
{
	if (!in_path("qemu-system-x86_64")) {
		*why = "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)";
		return false;
	}
	if (access(VMM_PATH, X_OK) != 0 || access(KERNEL_PATH, R_OK) != 0) {
		*why = "build/vmm or build/guest.elf missing (run make)";
		return false;
	}
	return true;
}

int vm_run(const char *config, const char *cmdline, int timeout_s,
	   const char *const *extra, struct vm_result *r)
{
	const char *argv[64];
	char timeout[32];
	int argc = 0;
	snprintf(timeout, sizeof(timeout), "%d", timeout_s);
	argv[argc++] = VMM_PATH;
	argv[argc++] = "--timeout";
	argv[argc++] = timeout;
	if (cmdline) {
		argv[argc++] = "--cmdline";
		argv[argc++] = cmdline;
	}
	/* EXTRA's options go before CONFIG; from a "--" on (the program to run
	 * as init and its arguments), after it. */
	int i = 0;
	for (; extra && extra[i] && strcmp(extra[i], "--") && argc < 60; i++)
		argv[argc++] = extra[i];
	argv[argc++] = config;
	for (; extra && extra[i] && argc < 62; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	return vm_run_argv(argv, r);
}

int vm_run_argv(const char *const *argv, struct vm_result *r)
{
	memset(r, 0, sizeof(*r));
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* Die with the test: a killed test never leaves a VMM behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	size_t cap = 65536;
	r->out = malloc(cap);
	for (;;) {
		if (r->len + 4096 + 1 > cap)
			r->out = realloc(r->out, cap *= 2);
		ssize_t n = read(pipefd[0], r->out + r->len, cap - r->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
	r->out[r->len] = 0;
	close(pipefd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

void vm_result_free(struct vm_result *r)
{
	free(r->out);
	r->out = NULL;
}

long long vm_summary_value(const char *out, int node, const char *name)
{
	char section[32], key[96];
	if (node < 0)
		snprintf(section, sizeof(section), "--- vmstat");
	else
		snprintf(section, sizeof(section), "--- node %d\n", node);
	const char *s = strstr(out, section);
	snprintf(key, sizeof(key), "\n%s ", name);
	const char *k = s ? strstr(s, key) : NULL;
	return k ? strtoll(k + strlen(key), NULL, 10) : -1;
}

int count_substr(const char *h, const char *n)
{
	int c = 0;
	size_t l = strlen(n);
	for (const char *p = strstr(h, n); p; p = strstr(p + l, n))
		c++;
	return c;
}

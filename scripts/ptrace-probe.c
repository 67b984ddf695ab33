// SPDX-License-Identifier: GPL-2.0
/*
 * Do what UML does first on its host, and print what the host answered:
 * trace a stopped child and read its XSTATE regset (PTRACE_GETREGSET
 * NT_X86_XSTATE). Prints the regset's size in bytes (0: a host without
 * XSAVE, ENODEV), or "refused: REASON" and exits 1 when the host does not
 * let a process trace its child (Yama ptrace_scope 3, a seccomp profile).
 */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* More than any host's regset: the kernel shrinks iov_len to its own size. */
static unsigned char regset[64 * 1024];

int main(void)
{
	struct iovec iov = { regset, sizeof(regset) };
	int status, err = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("refused: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(errno);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		printf("refused: waitpid: %s\n", strerror(errno));
		return 1;
	}
	if (!WIFSTOPPED(status)) {
		printf("refused: PTRACE_TRACEME: %s\n",
		       WIFEXITED(status) ? strerror(WEXITSTATUS(status)) : "the child did not stop");
		return 1;
	}
	if (ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov) < 0) {
		err = errno;
		if (err == ENODEV)
			iov.iov_len = 0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (err && err != ENODEV) {
		printf("refused: PTRACE_GETREGSET: %s\n", strerror(err));
		return 1;
	}
	printf("%zu\n", iov.iov_len);
	return 0;
}

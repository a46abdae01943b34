/* The system call filter (platform/posix/sandbox.c) really refuses what is not on its
 * list: a child process installs the same filter the daemon does (sandbox_apply) and
 * then tries something forbidden. The daemon's own use of every allowed call is
 * proven by the interop suite, which runs the real bmcd under the default filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

enum probe { PROBE_PACKET_SOCKET, PROBE_INET_SOCKET, PROBE_EXECVE, PROBE_ALLOWED };

/* In the child: 0 when the probe did what the filter should let it do. */
static int probe(enum probe p, enum config_seccomp mode)
{
	char err[256];
	if (sandbox_apply(mode, err, sizeof err) != 0)
		return 10;
	switch (p) {
	case PROBE_PACKET_SOCKET: {
		/* AF_PACKET (17): raw frames, what a compromised BMC would sniff with */
		int fd = socket(17, SOCK_RAW, 0);
		return fd < 0 && errno == EPERM ? 0 : 11;
	}
	case PROBE_INET_SOCKET: {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		return fd < 0 && errno == EPERM ? 0 : 12;
	}
	case PROBE_EXECVE: {
		char *argv[] = {(char *)"/bin/true", NULL}, *envp[] = {NULL};
		execve("/bin/true", argv, envp);
		return errno == EPERM ? 0 : 13;
	}
	case PROBE_ALLOWED: {
		uint8_t b[8];
		int fd = socket(AF_UNIX, SOCK_STREAM, 0); /* the control socket's kind */
		if (fd < 0 || close(fd) != 0 || getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
			return 14;
		return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 15;
	}
	}
	return 16;
}

/* Runs probe p in a child under mode; returns its wait status. */
static int run_child(enum probe p, enum config_seccomp mode)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(probe(p, mode));
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void skip_without_seccomp(void)
{
	if (!sandbox_available())
		skip();
}

static void kill_mode_kills(void **state)
{
	(void)state;
	skip_without_seccomp();
	int st = run_child(PROBE_PACKET_SOCKET, CONFIG_SECCOMP_KILL);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
	st = run_child(PROBE_EXECVE, CONFIG_SECCOMP_KILL);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void errno_mode_refuses(void **state)
{
	(void)state;
	skip_without_seccomp();
	for (enum probe p = PROBE_PACKET_SOCKET; p <= PROBE_EXECVE; p++) {
		int st = run_child(p, CONFIG_SECCOMP_ERRNO);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
}

static void allowed_calls_work(void **state)
{
	(void)state;
	skip_without_seccomp();
	int st = run_child(PROBE_ALLOWED, CONFIG_SECCOMP_KILL);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void off_installs_nothing(void **state)
{
	(void)state;
	int st = run_child(PROBE_EXECVE, CONFIG_SECCOMP_OFF);
	/* execve of /bin/true succeeds: the child exits 0 from /bin/true itself */
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kill_mode_kills),
		cmocka_unit_test(errno_mode_refuses),
		cmocka_unit_test(allowed_calls_work),
		cmocka_unit_test(off_installs_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* See sandbox.h.
 *
 * The list is what bmcd does after start-up (platform/posix/main.c binds, opens the
 * serial device and the key, and drops root before this runs): the epoll loop with its
 * timerfd and signalfd, UDP in and out, the store (open, write, fsync, rename and
 * unlink for compaction, mkdir for satellite stores), the control socket (a Unix
 * socket: created, bound and accepted here, since a BMC reset or a vanished socket
 * file re-creates it), the SOL console's pseudo-terminal and its terminal ioctls,
 * stderr logging, malloc, getrandom and clocks. Everything else - execve, ptrace,
 * new network sockets (socket() is allowed for AF_UNIX only), mount, module loading,
 * changing identity - is refused.
 *
 * Sanitizer builds add what the ASan/LSan runtime needs (LeakSanitizer stops the
 * process with a ptrace-ing helper thread at exit), so the CI build runs under the
 * same default action as a release build; the extra entries are listed separately
 * below and are absent from a release build. */
#include "sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "log.h"

#ifdef BMC_HAVE_SECCOMP
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_RUNTIME 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_RUNTIME 1
#endif
#endif

static const char *const allowed[] = {
	/* descriptors and files: the store, the console, stderr */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close", "lseek", "fcntl", "dup", "dup3",
	"fstat", "newfstatat", "stat", "lstat", "statx", "open", "openat", "unlink", "unlinkat", "rename",
	"renameat", "renameat2", "mkdir", "mkdirat", "fsync", "fdatasync", "ftruncate", "fchmod", "chmod",
	"fchmodat", "getdents64", "getdents", "readlink", "readlinkat", "access", "faccessat", "faccessat2", "umask",
	/* the event loop */
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "timerfd_create",
	"timerfd_settime", "timerfd_gettime", "signalfd4", "poll", "ppoll",
	/* sockets already bound (UDP) and the control socket */
	"recvfrom", "recvmsg", "recvmmsg", "sendto", "sendmsg", "sendmmsg", "bind", "listen", "accept4",
	"getsockopt", "setsockopt", "getsockname", "getpeername", "shutdown",
	/* time, randomness */
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep", "getrandom",
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	/* signals and threads (glibc internals, abort) */
	"rt_sigreturn", "rt_sigprocmask", "rt_sigaction", "sigaltstack", "futex", "set_robust_list", "rseq",
	"sched_yield", "restart_syscall", "getpid", "gettid", "tgkill",
	/* glibc's qsort (store replay and compaction) asks sysconf(_SC_PHYS_PAGES) */
	"sysinfo",
	/* identity queries (log lines, SO_PEERCRED checks) */
	"getuid", "geteuid", "getgid", "getegid",
	"exit", "exit_group",
};

#ifdef SANITIZER_RUNTIME
static const char *const sanitizer_allowed[] = {
	"clone", "clone3", "ptrace", "wait4", "waitid", "prctl", "getppid", "sched_getaffinity", "getrlimit",
	"prlimit64", "setrlimit", "pipe", "pipe2", "kill", "process_vm_readv", "arch_prctl", "set_tid_address",
	"mincore", "msync", "uname", "getcwd", "unshare",
};
#endif

/* Terminal requests the console and serial code make: tc[gs]etattr, posix_openpt's
 * grantpt / unlockpt / ptsname, breaks, and isatty. */
static const unsigned long tty_ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGPTN, TIOCSPTLCK, TIOCSBRK, TIOCCBRK, TCFLSH, TCSBRK, TCXONC,
	TIOCGWINSZ, TIOCSWINSZ, FIONREAD, FIONBIO, TIOCOUTQ,
};

static int add(scmp_filter_ctx ctx, const char *name, char *err, size_t errlen)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0; /* not a system call on this architecture (e.g. "open" on arm64) */
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	if (rc < 0) {
		snprintf(err, errlen, "seccomp: cannot allow %s: %s", name, strerror(-rc));
		return -1;
	}
	return 0;
}

static int build(scmp_filter_ctx ctx, unsigned flags, char *err, size_t errlen)
{
	int rc;

	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (add(ctx, allowed[i], err, errlen))
			return -1;
#ifdef SANITIZER_RUNTIME
	for (size_t i = 0; i < sizeof sanitizer_allowed / sizeof sanitizer_allowed[0]; i++)
		if (add(ctx, sanitizer_allowed[i], err, errlen))
			return -1;
#endif
	/* New sockets: Unix only (the control socket). No raw, packet or IP socket. */
	/* Spelled out rather than SCMP_A0(): the macro leaves datum_b to the compiler,
	 * which -Wmissing-field-initializers rejects. */
	const struct scmp_arg_cmp unix_only = {.arg = 0, .op = SCMP_CMP_EQ, .datum_a = AF_UNIX, .datum_b = 0};
	rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, unix_only);
	/* Fleet mode: UDP sockets for members added while running, and nothing else (the
	 * type's low bits, without SOCK_NONBLOCK / SOCK_CLOEXEC, must be SOCK_DGRAM). */
	static const int udp_families[] = {AF_INET, AF_INET6};
	for (size_t i = 0; rc == 0 && (flags & SANDBOX_UDP_SOCKETS) && i < 2; i++) {
		const struct scmp_arg_cmp fam = {.arg = 0, .op = SCMP_CMP_EQ, .datum_a = (scmp_datum_t)udp_families[i], .datum_b = 0};
		const struct scmp_arg_cmp type = {.arg = 1, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xF, .datum_b = SOCK_DGRAM};
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2, fam, type);
	}
	/* The request number is an int in glibc's prototype: compare its low 32 bits. */
	for (size_t i = 0; rc == 0 && i < sizeof tty_ioctls / sizeof tty_ioctls[0]; i++) {
		const struct scmp_arg_cmp req = {
			.arg = 1, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xFFFFFFFFu, .datum_b = tty_ioctls[i]};
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, req);
	}
	if (rc < 0) {
		snprintf(err, errlen, "seccomp: cannot add a rule: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

bool sandbox_available(void)
{
	return true;
}

int sandbox_apply(enum config_seccomp mode, char *err, size_t errlen)
{
	return sandbox_apply_flags(mode, 0, err, errlen);
}

int sandbox_apply_flags(enum config_seccomp mode, unsigned flags, char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	if (mode == CONFIG_SECCOMP_OFF)
		return 0;
	uint32_t deflt = mode == CONFIG_SECCOMP_KILL ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
	scmp_filter_ctx ctx = seccomp_init(deflt);
	if (!ctx) {
		snprintf(err, errlen, "seccomp: cannot create a filter");
		return -1;
	}
	int rc = build(ctx, flags, err, errlen);
	if (rc == 0) {
		int lrc = seccomp_load(ctx);
		if (lrc < 0) {
			snprintf(err, errlen, "seccomp: cannot load the filter: %s", strerror(-lrc));
			rc = -1;
		}
	}
	seccomp_release(ctx);
	if (rc == 0)
		log_info("system call filter on (seccomp = %s)", mode == CONFIG_SECCOMP_KILL ? "kill" : "errno");
	return rc;
}

#else /* !BMC_HAVE_SECCOMP */

bool sandbox_available(void)
{
	return false;
}

int sandbox_apply(enum config_seccomp mode, char *err, size_t errlen)
{
	return sandbox_apply_flags(mode, 0, err, errlen);
}

int sandbox_apply_flags(enum config_seccomp mode, unsigned flags, char *err, size_t errlen)
{
	(void)flags;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	if (mode != CONFIG_SECCOMP_OFF)
		log_warn("seccomp is not available: this bmcd was built without libseccomp (install libseccomp-dev "
			 "and rebuild); running without a system call filter");
	return 0;
}

#endif

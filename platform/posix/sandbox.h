/* The system call allow-list (seccomp), installed after the sockets are bound and
 * root is dropped. docs/security.md, "Sandbox". */
#ifndef BMCD_SANDBOX_H
#define BMCD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* True when this bmcd was built with libseccomp. */
bool sandbox_available(void);
/* Sets PR_SET_NO_NEW_PRIVS and installs the filter: a system call outside the list
 * kills the process (CONFIG_SECCOMP_KILL) or fails with EPERM (CONFIG_SECCOMP_ERRNO).
 * CONFIG_SECCOMP_OFF installs nothing; so does a build without libseccomp, which logs
 * that. Returns 0, or -1 with a message in err. Irreversible, also for threads
 * started later. */
int sandbox_apply(enum config_seccomp mode, char *err, size_t errlen);
/* The same, with extra permissions: SANDBOX_UDP_SOCKETS lets fleet mode create and bind
 * IPv4 / IPv6 datagram sockets while running (bmcctl fleet add). */
#define SANDBOX_UDP_SOCKETS 1u
int sandbox_apply_flags(enum config_seccomp mode, unsigned flags, char *err, size_t errlen);

#endif

/* setgroups + setgid + setuid, in that order: after setuid the others are no longer
 * permitted, and a leftover supplementary group (often root's) would survive. */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"

int privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (!user || !*user) {
		if (geteuid() == 0)
			log_warn("running as root: give --user NAME (or [daemon] user) to drop privileges after binding");
		return 0;
	}
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "--user / [daemon] user: no such user '%.64s'", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "--user / [daemon] user: '%.64s' is root; name an unprivileged user", user);
		return -1;
	}
	if (geteuid() != 0) {
		if (pw->pw_uid == geteuid())
			return 0; /* already that user */
		snprintf(err, errlen, "--user %.64s needs bmcd to be started as root", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int privdrop_apply(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (uid != (uid_t)-1) {
		if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
			snprintf(err, errlen, "cannot drop privileges to uid %u: %s", (unsigned)uid, strerror(errno));
			return -1;
		}
		/* If the kernel let us back to root, the drop did not happen. */
		if (setuid(0) == 0 || geteuid() == 0) {
			snprintf(err, errlen, "privilege drop to uid %u did not stick", (unsigned)uid);
			return -1;
		}
		log_info("running as uid %u gid %u", (unsigned)uid, (unsigned)gid);
	}
	/* Nothing bmcd executes (it executes nothing) may gain privileges via set-id bits. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* State directory set-up. Secrets live here (DESIGN.md §5), so its mode is not left to
 * the umask or to whoever created it first. */
#include "statedir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* Hands the files a root-run bmcd created to the unprivileged user it now runs as. */
static int chown_entries(int dfd, uid_t owner, gid_t group)
{
	int fd = dup(dfd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int rc = 0;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		struct stat st;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (fchownat(dfd, e->d_name, owner, group, AT_SYMLINK_NOFOLLOW))
			rc = -1;
	}
	closedir(dir);
	return rc;
}

int statedir_prepare(const char *path, uid_t owner, gid_t group, char *err, size_t errlen)
{
	struct stat st;
	int dfd, rc = -1;

	if (mkdir(path, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create state directory %s: %s", path, strerror(errno));
		return -1;
	}
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st)) {
		snprintf(err, errlen, "cannot open state directory %s: %s", path, strerror(errno));
		goto out;
	}
	if (owner == (uid_t)-1 && st.st_uid != geteuid()) {
		snprintf(err, errlen, "state directory %s belongs to uid %u, not to the user bmcd runs as", path,
			 (unsigned)st.st_uid);
		goto out;
	}
	if ((st.st_mode & 07777) != 0700) {
		if (fchmod(dfd, 0700)) {
			snprintf(err, errlen, "cannot chmod 0700 %s: %s", path, strerror(errno));
			goto out;
		}
		if (st.st_mode & 077)
			log_warn("state directory %s was accessible to others; mode set to 0700", path);
	}
	if (owner != (uid_t)-1 && (fchown(dfd, owner, group) || chown_entries(dfd, owner, group))) {
		snprintf(err, errlen, "cannot give state directory %s to uid %u: %s", path, (unsigned)owner,
			 strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (dfd >= 0)
		close(dfd);
	return rc;
}

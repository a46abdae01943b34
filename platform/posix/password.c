/* Generating and handing over the initial administrator password. */
#include "password.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bmc/crypto.h"
#include "random.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
#define ALPHABET_LEN (sizeof alphabet - 1) /* 62 */
/* Bytes at or above 248 = 4 * 62 are rejected, so every character is equally likely. */
#define ACCEPT_BELOW (256 / ALPHABET_LEN * ALPHABET_LEN)

int password_generate(char pw[PASSWORD_LEN + 1])
{
	uint8_t pool[64];
	size_t have = 0, used = 0;
	int rc = -1;

	for (size_t i = 0; i < PASSWORD_LEN;) {
		if (used == have) {
			if (random_fill(pool, sizeof pool))
				goto out;
			have = sizeof pool;
			used = 0;
		}
		uint8_t b = pool[used++];
		if (b < ACCEPT_BELOW)
			pw[i++] = alphabet[b % ALPHABET_LEN];
	}
	pw[PASSWORD_LEN] = '\0';
	rc = 0;
out:
	bmc_wipe(pool, sizeof pool);
	return rc;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int password_write(const char *dir, const char *pw, char *err, size_t errlen)
{
	char tmp[1200], path[1200], line[PASSWORD_LEN + 2];
	int fd = -1, dfd = -1, rc = -1;
	size_t len = strlen(pw);

	if (len > PASSWORD_LEN || (size_t)snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, PASSWORD_FILE) >= sizeof tmp ||
	    (size_t)snprintf(path, sizeof path, "%s/%s", dir, PASSWORD_FILE) >= sizeof path) {
		snprintf(err, errlen, "state directory path too long");
		return -1;
	}
	memcpy(line, pw, len);
	line[len] = '\n';
	/* A leftover temp file is from a crash; the directory is ours (0700), so remove it
	 * and create afresh: O_EXCL|O_NOFOLLOW refuse anything planted in its place. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, line, len + 1) || fsync(fd)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	bmc_wipe(line, sizeof line);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (rc)
		unlink(tmp);
	return rc;
}

void password_remove(const char *dir)
{
	char path[1200];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, PASSWORD_FILE) < sizeof path)
		unlink(path);
}

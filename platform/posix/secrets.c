/* See secrets.h. */
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "random.h"

#define KEY_HEX (2 * SECRETS_FILE_KEY)
#define SEAL_LABEL "bmcd store seal v1"
#define AAD_LABEL "bmcd-store"

int secrets_default_path(const char *dir, char *out, size_t cap)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || (n == 1 && dir[0] == '/') || n > (size_t)0x7fffffff)
		return -1;
	int w = snprintf(out, cap, "%.*s.key", (int)n, dir);
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}

void secrets_from_key(struct secrets *s, const uint8_t key[SECRETS_FILE_KEY], const char *path)
{
	uint8_t mac[BMC_HASH_MAX];

	memset(s, 0, sizeof *s);
	snprintf(s->path, sizeof s->path, "%s", path ? path : "");
	/* HMAC-SHA256 cannot fail for these sizes; if the library did, a zero key would be
	 * caught by nothing, so fail closed by keeping the zeroed mac (bmc_hmac zeroes it)
	 * and letting every unseal of real data fail. */
	(void)bmc_hmac(BMC_HASH_SHA256, key, SECRETS_FILE_KEY, SEAL_LABEL, sizeof SEAL_LABEL - 1, mac);
	bmc_crypto_forget(key, SECRETS_FILE_KEY); /* used once: no keyed context kept */
	memcpy(s->store_key, mac, sizeof s->store_key);
	bmc_wipe(mac, sizeof mac);
}

void secrets_wipe(struct secrets *s)
{
	bmc_wipe(s->store_key, sizeof s->store_key);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Exactly KEY_HEX hex digits, optionally followed by one newline. */
static int parse_key(const char *text, size_t len, uint8_t key[SECRETS_FILE_KEY])
{
	if (len == KEY_HEX + 1 && text[KEY_HEX] == '\n')
		len--;
	if (len != KEY_HEX)
		return -1;
	for (size_t i = 0; i < SECRETS_FILE_KEY; i++) {
		int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int read_key(const char *path, uint8_t key[SECRETS_FILE_KEY], char *err, size_t errlen)
{
	char text[KEY_HEX + 2];
	struct stat st;
	size_t got = 0;
	int rc = -1;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		snprintf(err, errlen, "secrets key %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "secrets key %s: not a regular file", path);
		goto out;
	}
	/* As sshd does with host keys: a key others could read protects nothing, so say so
	 * rather than use it. */
	if (st.st_mode & 077) {
		snprintf(err, errlen, "secrets key %s: group or others have access (mode %04o): chmod 600 it", path,
			 (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen, "secrets key %s: belongs to uid %u, neither root nor the user bmcd runs as", path,
			 (unsigned)st.st_uid);
		goto out;
	}
	while (got < sizeof text) {
		ssize_t n = read(fd, text + got, sizeof text - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "secrets key %s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (parse_key(text, got, key)) {
		snprintf(err, errlen, "secrets key %s: expected 64 hex digits and a newline", path);
		goto out;
	}
	rc = 0;
out:
	bmc_wipe(text, sizeof text);
	close(fd);
	return rc;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Written to PATH.tmp, fsynced, then hard-linked to PATH: link() never replaces an
 * existing file, so a key some other process put there meanwhile is not clobbered. */
static int create_key(const char *path, uint8_t key[SECRETS_FILE_KEY], char *err, size_t errlen)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[SECRETS_PATH_MAX + 8], text[KEY_HEX + 1], dir[SECRETS_PATH_MAX];
	int fd = -1, dfd = -1, rc = -1;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		snprintf(err, errlen, "secrets key %s: path too long", path);
		return -1;
	}
	if (random_fill(key, SECRETS_FILE_KEY)) {
		snprintf(err, errlen, "secrets key %s: no randomness", path);
		return -1;
	}
	for (size_t i = 0; i < SECRETS_FILE_KEY; i++) {
		text[2 * i] = digits[key[i] >> 4];
		text[2 * i + 1] = digits[key[i] & 15];
	}
	text[KEY_HEX] = '\n';
	unlink(tmp); /* a leftover from a crash: never holds a key in use */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, sizeof text) || fsync(fd)) {
		snprintf(err, errlen, "secrets key %s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	if (link(tmp, path)) {
		snprintf(err, errlen, "secrets key %s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		snprintf(err, errlen, "secrets key %s: cannot sync %s: %s", path, dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	bmc_wipe(text, sizeof text);
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	if (dfd >= 0)
		close(dfd);
	return rc;
}

int secrets_load(struct secrets *s, const char *path, bool store_has_secrets, char *err, size_t errlen)
{
	uint8_t key[SECRETS_FILE_KEY];
	bool created = false;
	struct stat st;
	int rc = -1;

	memset(s, 0, sizeof *s);
	if (strlen(path) >= sizeof s->path) {
		snprintf(err, errlen, "secrets key: path too long");
		return -1;
	}
	if (lstat(path, &st) && errno == ENOENT) {
		if (store_has_secrets) {
			snprintf(err, errlen,
				 "secrets key %s is missing, but the store holds passwords sealed with it: restore the key "
				 "file (bmcd will not start without it rather than lose the users)",
				 path);
			goto out;
		}
		if (create_key(path, key, err, errlen))
			goto out;
		created = true;
	} else if (read_key(path, key, err, errlen)) {
		goto out;
	}
	secrets_from_key(s, key, path);
	s->created = created;
	rc = 0;
out:
	bmc_wipe(key, sizeof key);
	return rc;
}

/* Associated data: a label, the record type and key. */
static void make_aad(uint8_t aad[sizeof AAD_LABEL - 1 + 4], uint16_t type, uint16_t key)
{
	size_t n = sizeof AAD_LABEL - 1;
	memcpy(aad, AAD_LABEL, n);
	aad[n] = (uint8_t)type;
	aad[n + 1] = (uint8_t)(type >> 8);
	aad[n + 2] = (uint8_t)key;
	aad[n + 3] = (uint8_t)(key >> 8);
}

int secrets_seal(const struct secrets *s, uint16_t type, uint16_t key, const uint8_t *in, size_t len,
		 uint8_t *out)
{
	uint8_t aad[sizeof AAD_LABEL - 1 + 4];

	/* Random 96-bit nonces: a store sees far fewer than the 2^32 seals NIST SP 800-38D
	 * §8.3 allows under one key with random nonces. */
	if (random_fill(out, BMC_GCM_NONCE))
		return -1;
	make_aad(aad, type, key);
	return bmc_aes256_gcm_seal(s->store_key, out, aad, sizeof aad, in, len, out + BMC_GCM_NONCE,
				   out + BMC_GCM_NONCE + len);
}

int secrets_unseal(const struct secrets *s, uint16_t type, uint16_t key, const uint8_t *in, size_t len,
		   uint8_t *out)
{
	uint8_t aad[sizeof AAD_LABEL - 1 + 4];

	if (len < SECRETS_OVERHEAD)
		return -1;
	make_aad(aad, type, key);
	size_t n = len - SECRETS_OVERHEAD;
	return bmc_aes256_gcm_open(s->store_key, in, aad, sizeof aad, in + BMC_GCM_NONCE, n, in + BMC_GCM_NONCE + n,
				   out);
}

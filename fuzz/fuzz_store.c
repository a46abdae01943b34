/* Fuzzes the store loader (DESIGN.md §6): arbitrary bytes as a store.log.
 *  1. bmc_store_decode in a loop, as the loader walks a log: it never reads out of
 *     bounds, sizes add up, and every accepted record re-encodes to the same bytes.
 *  2. The same bytes as DIR/store.log through store_file_open: it must succeed (cutting
 *     whatever tail is bad), after which the file is a clean log: a put and a reopen
 *     report no cut and replay the put last. The directory is on tmpfs when there is
 *     one, so fsync costs nothing and the target stays fast. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmc/store.h"
#include "store_file.h"

#define FILE_MAX (256u * 1024u)

static void decode_loop(const uint8_t *data, size_t size)
{
	static uint8_t again[BMC_STORE_HDR + BMC_STORE_MAX_VALUE + BMC_STORE_TRAILER];
	size_t off = 0;
	while (off < size) {
		struct bmc_store_rec rec;
		long n = bmc_store_decode(data + off, size - off, &rec);
		if (n <= 0)
			break;
		if ((size_t)n > size - off || rec.len > BMC_STORE_MAX_VALUE ||
		    (size_t)n != BMC_STORE_HDR + rec.len + BMC_STORE_TRAILER)
			abort();
		size_t k = bmc_store_encode(again, sizeof again, rec.type, rec.key, rec.seq, rec.value, rec.len);
		if (k != (size_t)n || memcmp(again, data + off, k) != 0)
			abort();
		off += (size_t)n;
	}
}

static char dir[64];
static char log_path[96];

static void cleanup(void)
{
	char tmp[128];
	snprintf(tmp, sizeof tmp, "%s.tmp", log_path);
	unlink(tmp);
	unlink(log_path);
	rmdir(dir);
}

static int make_dir(void)
{
	if (dir[0])
		return 0;
	snprintf(dir, sizeof dir, "%s/bmcd-fuzz-store-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir)) {
		dir[0] = 0;
		return -1;
	}
	snprintf(log_path, sizeof log_path, "%s/store.log", dir);
	atexit(cleanup);
	return 0;
}

struct last {
	unsigned count;
	uint16_t type, key;
	size_t len;
	uint8_t value[8];
};

static void on_replay(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	struct last *l = arg;
	if (len == 0 || len > BMC_STORE_MAX_VALUE) /* deletions are never replayed */
		abort();
	l->count++;
	l->type = type;
	l->key = key;
	l->len = len;
	memcpy(l->value, value, len < sizeof l->value ? len : sizeof l->value);
}

static void through_file(const uint8_t *data, size_t size)
{
	struct store_file *s = NULL;
	struct last l = {0};
	char err[256];
	if (size > FILE_MAX || make_dir() != 0)
		return;
	int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ssize_t w = write(fd, data, size);
	close(fd);
	if (w != (ssize_t)size)
		return;
	if (store_file_open(&s, dir, on_replay, &l, err, sizeof err) != 0)
		abort();
	if (store_file_put(s, STORE_IDENTITY, 0xBEEF, "fuzz", 4) != 0)
		abort();
	store_file_close(s);
	memset(&l, 0, sizeof l);
	if (store_file_open(&s, dir, on_replay, &l, err, sizeof err) != 0 || err[0] != 0)
		abort();
	if (l.type != STORE_IDENTITY || l.key != 0xBEEF || l.len != 4 || memcmp(l.value, "fuzz", 4) != 0)
		abort();
	store_file_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_loop(data, size);
	through_file(data, size);
	return 0;
}

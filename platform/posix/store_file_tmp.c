/* TEMPORARY stand-in for store_file.c (being written on another branch): append-only,
 * no compaction, no torn-tail repair. Deleted before the daemon branch is merged. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmc/store.h"
#include "store_file.h"

struct store_file {
	int fd;
};

int store_file_open(struct store_file **out, const char *dir, store_replay_fn *replay, void *arg, char *err,
		    size_t errlen)
{
	char path[1200];
	struct stat st;
	uint8_t *buf = NULL;
	struct store_file *s = calloc(1, sizeof *s);

	if (!s)
		return -1;
	snprintf(path, sizeof path, "%s/store.log", dir);
	s->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->fd < 0 || fstat(s->fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	size_t len = (size_t)st.st_size;
	buf = malloc(len + 1);
	if (!buf || pread(s->fd, buf, len, 0) != (ssize_t)len)
		goto fail;
	/* Own trivial format (u16 type, u16 key, u32 len, value, host order): the codec in
	 * core/store_codec.c is still a stub in this tree. */
	struct bmc_store_rec recs[512];
	size_t n = 0, off = 0;
	while (off + 8 <= len && n < 512) {
		uint32_t vlen;
		memcpy(&recs[n].type, buf + off, 2);
		memcpy(&recs[n].key, buf + off + 2, 2);
		memcpy(&vlen, buf + off + 4, 4);
		if (vlen > len - off - 8)
			break;
		recs[n].len = vlen;
		recs[n].value = buf + off + 8;
		off += 8 + vlen;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		int later = 0;
		for (size_t j = i + 1; j < n; j++)
			later |= recs[j].type == recs[i].type && recs[j].key == recs[i].key;
		if (!later && recs[i].len)
			replay(arg, recs[i].type, recs[i].key, recs[i].value, recs[i].len);
	}
	free(buf);
	*out = s;
	return 0;
fail:
	free(buf);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return -1;
}

int store_file_put(struct store_file *s, uint16_t type, uint16_t key, const void *value, size_t len)
{
	uint8_t rec[8 + BMC_STORE_MAX_VALUE];
	uint32_t vlen = (uint32_t)len;
	if (len > BMC_STORE_MAX_VALUE)
		return -1;
	memcpy(rec, &type, 2);
	memcpy(rec + 2, &key, 2);
	memcpy(rec + 4, &vlen, 4);
	if (len)
		memcpy(rec + 8, value, len);
	size_t n = 8 + len;
	if (write(s->fd, rec, n) != (ssize_t)n || fdatasync(s->fd))
		return -1;
	return 0;
}

void store_file_close(struct store_file *s)
{
	close(s->fd);
	free(s);
}

/* getrandom(2) in a loop: it may return fewer bytes than asked or be interrupted. */
#include "random.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "bmc/crypto.h"

int random_fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
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

/* The core asks for a few random bytes per packet (an AES IV, a session id): one
 * getrandom per request was a quarter of bmcd's system calls (bench/README.md). The
 * same kernel CSPRNG output is drawn 1 KiB at a time instead; bytes handed out are
 * wiped from the pool. bmcd never forks after start, so no two processes share it. */
#define POOL 1024
static uint8_t pool[POOL];
static size_t pool_left;

int random_fill_pooled(void *buf, size_t len)
{
	uint8_t *p = buf;
	if (len > POOL / 4)
		return random_fill(buf, len);
	while (len > 0) {
		if (!pool_left) {
			if (random_fill(pool, POOL))
				return -1;
			pool_left = POOL;
		}
		size_t n = len < pool_left ? len : pool_left;
		uint8_t *src = pool + (POOL - pool_left);
		memcpy(p, src, n);
		bmc_wipe(src, n);
		pool_left -= n;
		p += n;
		len -= n;
	}
	return 0;
}

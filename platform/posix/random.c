/* getrandom(2) in a loop: it may return fewer bytes than asked or be interrupted. */
#include "random.h"

#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

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

/* STUB: to be written. */
#include "bmc/store.h"

uint32_t bmc_crc32(const void *p, size_t len)
{
	(void)p; (void)len;
	return 0;
}
size_t bmc_store_encode(uint8_t *out, size_t cap, uint16_t type, uint16_t key, uint32_t seq, const void *value,
			size_t len)
{
	(void)out; (void)cap; (void)type; (void)key; (void)seq; (void)value; (void)len;
	return 0;
}
long bmc_store_decode(const uint8_t *buf, size_t len, struct bmc_store_rec *rec)
{
	(void)buf; (void)len; (void)rec;
	return -1;
}

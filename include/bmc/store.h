/* The store: an append-only log of (type, key) -> value records, newest wins.
 * Each record on disk is
 *   u32le length of value | u16le type | u16le key | u32le sequence | value | u32le CRC32
 * with the CRC (IEEE 802.3) over everything before it. A torn or corrupt tail is cut
 * off at load. DESIGN.md §6. The codec is portable (core/store_codec.c); the file
 * handling is the port's (platform/posix/store_file.c). */
#ifndef BMC_STORE_H
#define BMC_STORE_H

#include <stddef.h>
#include <stdint.h>

/* Record types. A value of length 0 is a deletion. */
enum bmc_store_type {
	STORE_IDENTITY = 1,       /* key 0: system GUID (16) */
	STORE_USER = 2,           /* key: user id; value: core/users.c encoding */
	STORE_CHANNEL_ACCESS = 3, /* key: channel; value: core/channels.c encoding */
	STORE_LANPARM = 4,        /* key: channel << 8 | parameter; value: parameter data */
	STORE_KG = 5,             /* key: channel; value: BMC key Kg (20) */
	STORE_SEL = 16,           /* key: slot; value: 16-byte SEL record + u32le add time (core/sel.c) */
	STORE_SEL_META = 17,      /* SEL bookkeeping (core/sel.c) */
	STORE_SENSOR = 18,        /* key: sensor index; thresholds, hysteresis, enables */
	STORE_FRU = 19,           /* key: FRU device id; value: the FRU image */
	STORE_CHASSIS = 20,       /* key: item (core/chassis.c): boot options, restore policy, POH */
	STORE_SERIALPARM = 21,    /* key: Serial/Modem parameter; value: its data (core/serialparm.c) */
	STORE_SOLPARM = 22,       /* key: channel << 8 | parameter; value: SOL parameter data (core/solparm.c) */
};

#define BMC_STORE_HDR 12u
#define BMC_STORE_TRAILER 4u
#define BMC_STORE_MAX_VALUE 4096u

struct bmc_store_rec {
	uint16_t type;
	uint16_t key;
	uint32_t seq;
	const uint8_t *value;
	uint32_t len;
};

uint32_t bmc_crc32(const void *p, size_t len);
/* Encodes one record into out; returns its size, or 0 when it does not fit. */
size_t bmc_store_encode(uint8_t *out, size_t cap, uint16_t type, uint16_t key, uint32_t seq, const void *value,
			size_t len);
/* Decodes the record at the start of buf. Returns its total size, 0 when buf holds only
 * a partial record (a torn tail), or -1 when the bytes are corrupt. */
long bmc_store_decode(const uint8_t *buf, size_t len, struct bmc_store_rec *rec);

#endif

/* System Event Log: every command's bytes, partial reads, reservations, delete/clear,
 * time, UTC offset, a full SEL, persistence and replay, store failures, privilege and
 * length checks, the control API and bmc_sel_log_event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bmc/store.h"
#include "dispatch.h"
#include "fake_platform.h"
#include "sel.h"

/* The fake platform's wall clock at now_ms = 1000: 1700000001 = 6553F101h. */
#define T0 1700000001u
#define T0_LE 0x01, 0xF1, 0x53, 0x65

struct t {
	struct fake_platform fp;
	struct bmc *bmc;
};

static struct t *new_t(uint16_t capacity)
{
	struct t *t = calloc(1, sizeof *t);
	assert_non_null(t);
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	if (capacity)
		cfg.sel_capacity = capacity;
	t->bmc = fake_bmc_new(&t->fp, &cfg, false);
	return t;
}

static void free_t(struct t *t)
{
	free(t->bmc);
	free(t);
}

/* A new bmc replaying what the old one stored, as a restart would. */
static void restart(struct t *t)
{
	t->bmc = fake_restart(&t->fp, t->bmc);
}

static struct rsp xfer_priv(struct t *t, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = NETFN_STORAGE, .cmd = cmd, .channel = CHANNEL_LAN, .priv = priv, .data = data, .len = len,
	};
	return fake_dispatch(t->bmc, &req, 0);
}

static struct rsp xfer(struct t *t, uint8_t cmd, const uint8_t *data, size_t len)
{
	return xfer_priv(t, cmd, PRIV_ADMIN, data, len);
}

#define CALL(t, cmd, ...) xfer((t), (cmd), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))
#define CALL0(t, cmd) xfer((t), (cmd), NULL, 0)

#define EXPECT(r, ...)                                                                                         \
	do {                                                                                                   \
		const uint8_t want_[] = {__VA_ARGS__};                                                         \
		struct rsp r_ = (r);                                                                           \
		assert_int_equal(r_.cc, CC_OK);                                                                \
		assert_int_equal(r_.len, sizeof want_);                                                        \
		assert_memory_equal(r_.data, want_, sizeof want_);                                             \
	} while (0)

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* A system event record as ipmitool's "sel add" builds it (id and time left 0). */
static void event_rec(uint8_t rec[16], uint8_t sensor_num)
{
	const uint8_t r[16] = {0, 0, 0x02, 0, 0, 0, 0, 0x41, 0x00, 0x04, 0x01, sensor_num, 0x01, 0x07, 0xFF, 0xFF};
	memcpy(rec, r, 16);
}

static uint16_t add(struct t *t, uint8_t sensor_num)
{
	uint8_t rec[16];
	event_rec(rec, sensor_num);
	struct rsp r = xfer(t, 0x44, rec, 16);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 2);
	return u16(r.data);
}

static uint16_t reserve(struct t *t)
{
	struct rsp r = CALL0(t, 0x42);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 2);
	return u16(r.data);
}

static struct rsp get_entry(struct t *t, uint16_t res, uint16_t id, uint8_t off, uint8_t n)
{
	return CALL(t, 0x43, (uint8_t)res, (uint8_t)(res >> 8), (uint8_t)id, (uint8_t)(id >> 8), off, n);
}

static struct rsp del(struct t *t, uint16_t res, uint16_t id)
{
	return CALL(t, 0x46, (uint8_t)res, (uint8_t)(res >> 8), (uint8_t)id, (uint8_t)(id >> 8));
}

static struct rsp clear(struct t *t, uint16_t res, uint8_t op)
{
	return CALL(t, 0x47, (uint8_t)res, (uint8_t)(res >> 8), 'C', 'L', 'R', op);
}

/* Every record, by walking Get SEL Entry from 0000h the way clients do. */
static unsigned walk(struct t *t, uint16_t *ids, uint8_t (*recs)[16], unsigned max)
{
	unsigned n = 0;
	uint16_t id = 0;
	while (id != 0xFFFF && n < max) {
		struct rsp r = get_entry(t, 0, id, 0, 0xFF);
		if (r.cc == CC_NOT_PRESENT && n == 0)
			return 0;
		assert_int_equal(r.cc, CC_OK);
		assert_int_equal(r.len, 18);
		ids[n] = u16(r.data + 2);
		if (recs)
			memcpy(recs[n], r.data + 2, 16);
		n++;
		id = u16(r.data);
	}
	return n;
}

static unsigned count_sel_recs(const struct fake_platform *fp)
{
	unsigned n = 0;
	for (unsigned i = 0; i < FAKE_MAX_RECS; i++)
		if (fp->recs[i].used && fp->recs[i].type == STORE_SEL)
			n++;
	return n;
}

/* ---- Get SEL Info / Allocation Info / Reserve ---- */

static void info_empty_exact(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	/* Version 51h, 0 entries, FFFFh bytes free (65536 saturates), no addition, no erase,
	 * delete + reserve + allocation info supported, no partial add. */
	EXPECT(CALL0(t, 0x40), 0x51, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0B);
	/* 4096 units of 16 bytes, all free, largest free block 4096, max record 1 unit. */
	EXPECT(CALL0(t, 0x41), 0x00, 0x10, 0x10, 0x00, 0x00, 0x10, 0x00, 0x10, 0x01);
	free_t(t);
}

static void info_after_add_exact(void **state)
{
	(void)state;
	struct t *t = new_t(100);
	assert_int_equal(add(t, 1), 1);
	assert_int_equal(add(t, 2), 2);
	/* 2 entries, 98 * 16 = 1568 = 0620h bytes free, added at T0. */
	EXPECT(CALL0(t, 0x40), 0x51, 0x02, 0x00, 0x20, 0x06, T0_LE, 0xFF, 0xFF, 0xFF, 0xFF, 0x0B);
	EXPECT(CALL0(t, 0x41), 100, 0x00, 0x10, 0x00, 98, 0x00, 98, 0x00, 0x01);
	free_t(t);
}

static void reserve_ids(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	EXPECT(CALL0(t, 0x42), 0x01, 0x00);
	EXPECT(CALL0(t, 0x42), 0x02, 0x00);
	/* The counter skips 0000h when it wraps. */
	t->bmc->sel.last_reservation = 0xFFFF;
	EXPECT(CALL0(t, 0x42), 0x01, 0x00);
	free_t(t);
}

/* ---- Add / Get SEL Entry ---- */

static void add_and_get_exact(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	/* The request's record id and time stamp are replaced by the BMC's. */
	EXPECT(CALL(t, 0x44, 0x34, 0x12, 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0x41, 0x00, 0x04, 0x01, 0x30, 0x01, 0x07, 0xFF,
		    0xFF),
	       0x01, 0x00);
	t->fp.now_ms += 5000;
	EXPECT(CALL(t, 0x44, 0, 0, 0xC1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 0x02, 0x00);
	/* E0h-FFh: no time stamp, the bytes are the OEM's. */
	EXPECT(CALL(t, 0x44, 0, 0, 0xE0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3), 0x03, 0x00);

	EXPECT(get_entry(t, 0, 0x0000, 0, 0xFF), 0x02, 0x00, 0x01, 0x00, 0x02, T0_LE, 0x41, 0x00, 0x04, 0x01, 0x30,
	       0x01, 0x07, 0xFF, 0xFF);
	/* T0 + 5 = 6553F106h */
	EXPECT(get_entry(t, 0, 0x0002, 0, 0xFF), 0x03, 0x00, 0x02, 0x00, 0xC1, 0x06, 0xF1, 0x53, 0x65, 1, 2, 3, 4, 5,
	       6, 7, 8, 9);
	EXPECT(get_entry(t, 0, 0xFFFF, 0, 0xFF), 0xFF, 0xFF, 0x03, 0x00, 0xE0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3);
	EXPECT(get_entry(t, 0, 0x0003, 0, 0xFF), 0xFF, 0xFF, 0x03, 0x00, 0xE0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3);
	assert_int_equal(get_entry(t, 0, 0x0004, 0, 0xFF).cc, CC_NOT_PRESENT);
	free_t(t);
}

static void add_reserved_type_rejected(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (unsigned type = 0; type < 0xC0; type++) {
		if (type == 0x02)
			continue;
		struct rsp r = CALL(t, 0x44, 0, 0, (uint8_t)type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
		assert_int_equal(r.cc, CC_INVALID_FIELD);
	}
	assert_int_equal(t->bmc->sel.count, 0);
	free_t(t);
}

static void get_empty_sel(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	assert_int_equal(get_entry(t, 0, 0x0000, 0, 0xFF).cc, CC_NOT_PRESENT);
	assert_int_equal(get_entry(t, 0, 0xFFFF, 0, 0xFF).cc, CC_NOT_PRESENT);
	assert_int_equal(get_entry(t, 0, 0x0001, 0, 0xFF).cc, CC_NOT_PRESENT);
	free_t(t);
}

static void partial_reads(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	add(t, 0x30);
	add(t, 0x31);
	/* Offset 0 needs no reservation, whatever the field says. */
	EXPECT(get_entry(t, 0x1234, 1, 0, 5), 0x02, 0x00, 0x01, 0x00, 0x02, 0x01, 0xF1);
	EXPECT(get_entry(t, 0, 1, 0, 0), 0x02, 0x00);
	/* A partial read needs the current reservation. */
	assert_int_equal(get_entry(t, 0, 1, 5, 5).cc, CC_RESERVATION);
	uint16_t res = reserve(t);
	assert_int_equal(get_entry(t, (uint16_t)(res + 1), 1, 5, 5).cc, CC_RESERVATION);
	EXPECT(get_entry(t, res, 1, 5, 5), 0x02, 0x00, 0x53, 0x65, 0x41, 0x00, 0x04);
	EXPECT(get_entry(t, res, 1, 11, 0xFF), 0x02, 0x00, 0x30, 0x01, 0x07, 0xFF, 0xFF);
	EXPECT(get_entry(t, res, 2, 15, 1), 0xFF, 0xFF, 0xFF);
	assert_int_equal(get_entry(t, res, 1, 16, 1).cc, CC_PARAM_OUT_OF_RANGE);
	assert_int_equal(get_entry(t, res, 1, 10, 7).cc, CC_CANT_RETURN_BYTES);
	assert_int_equal(get_entry(t, res, 9, 1, 1).cc, CC_NOT_PRESENT);
	/* Adding does not cancel the reservation: it cannot change a record being read. */
	add(t, 0x32);
	EXPECT(get_entry(t, res, 2, 15, 1), 0x03, 0x00, 0xFF);
	free_t(t);
}

/* ---- reservations, delete, clear ---- */

static void reservation_cancelled(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (uint8_t i = 0; i < 4; i++)
		add(t, i);
	uint16_t r1 = reserve(t);
	uint16_t r2 = reserve(t); /* cancels r1 */
	assert_int_equal(get_entry(t, r1, 1, 1, 1).cc, CC_RESERVATION);
	assert_int_equal(del(t, r1, 1).cc, CC_RESERVATION);
	assert_int_equal(clear(t, r1, 0xAA).cc, CC_RESERVATION);
	assert_int_equal(t->bmc->sel.count, 4);
	assert_int_equal(get_entry(t, r2, 1, 1, 1).cc, CC_OK);
	/* A delete cancels it. */
	EXPECT(del(t, r2, 2), 0x02, 0x00);
	assert_int_equal(get_entry(t, r2, 1, 1, 1).cc, CC_RESERVATION);
	assert_int_equal(del(t, r2, 3).cc, CC_RESERVATION);
	/* A clear cancels it. */
	uint16_t r3 = reserve(t);
	EXPECT(clear(t, r3, 0xAA), 0x01);
	assert_int_equal(clear(t, r3, 0x00).cc, CC_RESERVATION);
	/* Reservation 0000h is never valid. */
	assert_int_equal(del(t, 0, 1).cc, CC_RESERVATION);
	free_t(t);
}

static void delete_entries(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (uint8_t i = 0; i < 5; i++)
		add(t, i);
	t->fp.now_ms += 2000;
	EXPECT(del(t, reserve(t), 3), 0x03, 0x00);
	assert_int_equal(get_entry(t, 0, 3, 0, 0xFF).cc, CC_NOT_PRESENT);
	/* The chain skips the deleted record. */
	EXPECT(get_entry(t, 0, 2, 0, 0), 0x04, 0x00);
	/* 0000h and FFFFh delete the first and the last. */
	EXPECT(del(t, reserve(t), 0x0000), 0x01, 0x00);
	EXPECT(del(t, reserve(t), 0xFFFF), 0x05, 0x00);
	assert_int_equal(del(t, reserve(t), 5).cc, CC_NOT_PRESENT);
	uint16_t ids[8];
	assert_int_equal(walk(t, ids, NULL, 8), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	/* 2 entries, 4094 * 16 = FFE0h bytes free, erase time T0 + 2 = 6553F103h. */
	EXPECT(CALL0(t, 0x40), 0x51, 0x02, 0x00, 0xE0, 0xFF, T0_LE, 0x03, 0xF1, 0x53, 0x65, 0x0B);
	/* A deleted id is not reused. */
	assert_int_equal(add(t, 9), 6);
	free_t(t);
}

static void clear_sel_cmd(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (uint8_t i = 0; i < 3; i++)
		add(t, i);
	uint16_t res = reserve(t);
	assert_int_equal(CALL(t, 0x47, (uint8_t)res, 0, 'C', 'L', 'X', 0xAA).cc, CC_INVALID_FIELD);
	assert_int_equal(clear(t, res, 0x55).cc, CC_INVALID_FIELD);
	EXPECT(clear(t, res, 0x00), 0x01); /* status: nothing in progress */
	assert_int_equal(t->bmc->sel.count, 3);
	t->fp.now_ms += 1000;
	EXPECT(clear(t, res, 0xAA), 0x01);
	EXPECT(CALL0(t, 0x40), 0x51, 0x00, 0x00, 0xFF, 0xFF, T0_LE, 0x02, 0xF1, 0x53, 0x65, 0x0B);
	assert_int_equal(get_entry(t, 0, 0, 0, 0xFF).cc, CC_NOT_PRESENT);
	/* Ids continue after a clear. */
	assert_int_equal(add(t, 7), 4);
	free_t(t);
}

static void clear_is_one_write(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (unsigned i = 0; i < BMC_SEL_MAX; i++)
		add(t, (uint8_t)i);
	assert_int_equal(count_sel_recs(&t->fp), BMC_SEL_MAX);
	uint32_t seq = t->fp.seq;
	EXPECT(clear(t, reserve(t), 0xAA), 0x01);
	assert_int_equal(t->fp.seq, seq + 1);
	/* New records reuse the lowest slots: the store never holds more than BMC_SEL_MAX
	 * SEL records. */
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(add(t, 1), BMC_SEL_MAX + 1 + i);
	assert_int_equal(count_sel_recs(&t->fp), BMC_SEL_MAX);
	restart(t);
	uint16_t ids[16];
	assert_int_equal(walk(t, ids, NULL, 16), 10);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(ids[i], BMC_SEL_MAX + 1 + i);
	assert_int_equal(add(t, 1), BMC_SEL_MAX + 11);
	free_t(t);
}

/* ---- time ---- */

static void sel_time(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	EXPECT(CALL0(t, 0x48), T0_LE);
	/* Set to 00000100h; 3 s later the SEL clock reads 103h and stamps with it. */
	assert_int_equal(CALL(t, 0x49, 0x00, 0x01, 0x00, 0x00).cc, CC_OK);
	t->fp.now_ms += 3000;
	EXPECT(CALL0(t, 0x48), 0x03, 0x01, 0x00, 0x00);
	add(t, 1);
	EXPECT(get_entry(t, reserve(t), 1, 3, 4), 0xFF, 0xFF, 0x03, 0x01, 0x00, 0x00);
	assert_int_equal(CALL(t, 0x49, 1, 2, 3).cc, CC_REQ_LEN_INVALID);
	free_t(t);
}

static void utc_offset(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	EXPECT(CALL0(t, 0x5C), 0xFF, 0x07);
	assert_int_equal(CALL(t, 0x5D, 0xD0, 0x02).cc, CC_OK); /* +720 */
	EXPECT(CALL0(t, 0x5C), 0xD0, 0x02);
	assert_int_equal(CALL(t, 0x5D, 0x30, 0xFD).cc, CC_OK); /* -720 */
	EXPECT(CALL0(t, 0x5C), 0x30, 0xFD);
	assert_int_equal(CALL(t, 0x5D, 0xD1, 0x02).cc, CC_PARAM_OUT_OF_RANGE); /* +721 */
	assert_int_equal(CALL(t, 0x5D, 0x2F, 0xFD).cc, CC_PARAM_OUT_OF_RANGE); /* -721 */
	assert_int_equal(CALL(t, 0x5D, 0xFF, 0x7F).cc, CC_PARAM_OUT_OF_RANGE);
	EXPECT(CALL0(t, 0x5C), 0x30, 0xFD);
	assert_int_equal(CALL(t, 0x5D, 0x3C, 0x00).cc, CC_OK); /* +60 */
	restart(t);
	EXPECT(CALL0(t, 0x5C), 0x3C, 0x00);
	assert_int_equal(CALL(t, 0x5D, 0xFF, 0x07).cc, CC_OK);
	EXPECT(CALL0(t, 0x5C), 0xFF, 0x07);
	free_t(t);
}

/* ---- a full SEL ---- */

static void full_sel_overflow(void **state)
{
	(void)state;
	struct t *t = new_t(3);
	for (uint8_t i = 0; i < 3; i++)
		add(t, i);
	uint8_t rec[16];
	event_rec(rec, 9);
	assert_int_equal(xfer(t, 0x44, rec, 16).cc, CC_OUT_OF_SPACE);
	assert_int_equal(bmc_sel_log_event(t->bmc, 0x20, 1, 2, 3, 4, 5, 6), -1);
	assert_int_equal(bmc_sel_add_record(t->bmc, rec), -CC_OUT_OF_SPACE);
	EXPECT(CALL0(t, 0x40), 0x51, 0x03, 0x00, 0x00, 0x00, T0_LE, 0xFF, 0xFF, 0xFF, 0xFF, 0x8B);
	EXPECT(CALL0(t, 0x41), 3, 0, 16, 0, 0, 0, 0, 0, 1);
	/* The overflow flag survives a restart. */
	restart(t);
	EXPECT(CALL0(t, 0x40), 0x51, 0x03, 0x00, 0x00, 0x00, T0_LE, 0xFF, 0xFF, 0xFF, 0xFF, 0x8B);
	/* Deleting makes room but the flag stays: events were dropped. */
	EXPECT(del(t, reserve(t), 2), 0x02, 0x00);
	assert_int_equal(add(t, 5), 4);
	assert_true(t->bmc->sel.overflow);
	/* Clear resets it, durably. */
	EXPECT(clear(t, reserve(t), 0xAA), 0x01);
	assert_false(t->bmc->sel.overflow);
	restart(t);
	assert_false(t->bmc->sel.overflow);
	assert_int_equal(add(t, 5), 5);
	free_t(t);
}

static void full_sel_read_all(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (unsigned i = 0; i < BMC_SEL_MAX; i++)
		add(t, (uint8_t)i);
	uint8_t rec[16];
	event_rec(rec, 1);
	assert_int_equal(xfer(t, 0x44, rec, 16).cc, CC_OUT_OF_SPACE);
	static uint16_t ids[BMC_SEL_MAX + 1];
	assert_int_equal(walk(t, ids, NULL, BMC_SEL_MAX + 1), BMC_SEL_MAX);
	for (unsigned i = 0; i < BMC_SEL_MAX; i++)
		assert_int_equal(ids[i], i + 1);
	restart(t);
	assert_int_equal(bmc_sel_entries(t->bmc), BMC_SEL_MAX);
	assert_true(t->bmc->sel.overflow);
	free_t(t);
}

/* ---- persistence ---- */

static void replay_identical(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (uint8_t i = 0; i < 20; i++) {
		add(t, i);
		t->fp.now_ms += 1000;
	}
	EXPECT(del(t, reserve(t), 7), 0x07, 0x00);
	EXPECT(del(t, reserve(t), 20), 0x14, 0x00); /* the newest: its id must not come back */
	assert_int_equal(add(t, 0x77), 21); /* takes the slot id 7 had */
	EXPECT(del(t, reserve(t), 21), 0x15, 0x00);
	static uint8_t before[32][16], after[32][16];
	uint16_t ids_b[32], ids_a[32];
	unsigned nb = walk(t, ids_b, before, 32);
	struct rsp info_b = CALL0(t, 0x40);
	restart(t);
	unsigned na = walk(t, ids_a, after, 32);
	struct rsp info_a = CALL0(t, 0x40);
	assert_int_equal(nb, 18);
	assert_int_equal(na, nb);
	assert_memory_equal(ids_a, ids_b, nb * sizeof ids_b[0]);
	assert_memory_equal(after, before, nb * 16);
	assert_int_equal(info_a.len, info_b.len);
	assert_memory_equal(info_a.data, info_b.data, info_a.len);
	assert_int_equal(add(t, 1), 22);
	free_t(t);
}

static void replay_clear_then_adds(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	for (uint8_t i = 0; i < 6; i++)
		add(t, i);
	EXPECT(clear(t, reserve(t), 0xAA), 0x01);
	assert_int_equal(add(t, 0x40), 7);
	assert_int_equal(add(t, 0x41), 8);
	EXPECT(del(t, reserve(t), 7), 0x07, 0x00);
	assert_int_equal(add(t, 0x42), 9);
	restart(t);
	uint16_t ids[8];
	uint8_t recs[8][16];
	assert_int_equal(walk(t, ids, recs, 8), 2);
	assert_int_equal(ids[0], 8);
	assert_int_equal(ids[1], 9);
	assert_int_equal(recs[0][11], 0x41);
	assert_int_equal(recs[1][11], 0x42);
	/* A second clear, replayed, leaves nothing; ids still continue. */
	EXPECT(clear(t, reserve(t), 0xAA), 0x01);
	restart(t);
	assert_int_equal(bmc_sel_entries(t->bmc), 0);
	assert_int_equal(add(t, 1), 10);
	free_t(t);
}

static void id_wrap(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	assert_int_equal(add(t, 0), 1);
	t->bmc->sel.next_id = 0xFFFD;
	assert_int_equal(add(t, 0), 0xFFFD);
	assert_int_equal(add(t, 0), 0xFFFE);
	/* FFFFh and 0000h are never ids, and id 1 is still in use. */
	assert_int_equal(add(t, 0), 2);
	restart(t);
	assert_int_equal(add(t, 0), 3);
	uint16_t ids[8];
	assert_int_equal(walk(t, ids, NULL, 8), 5);
	const uint16_t want[5] = {1, 0xFFFD, 0xFFFE, 2, 3};
	assert_memory_equal(ids, want, sizeof want);
	free_t(t);
}

static void store_failure_changes_nothing(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	add(t, 1);
	add(t, 2);
	struct rsp info = CALL0(t, 0x40);
	uint16_t res = reserve(t);
	t->fp.store_fail = 1;
	uint8_t rec[16];
	event_rec(rec, 3);
	assert_int_equal(xfer(t, 0x44, rec, 16).cc, CC_UNSPECIFIED);
	assert_int_equal(del(t, res, 1).cc, CC_UNSPECIFIED);
	assert_int_equal(clear(t, res, 0xAA).cc, CC_UNSPECIFIED);
	assert_int_equal(CALL(t, 0x5D, 0x3C, 0x00).cc, CC_UNSPECIFIED);
	assert_int_equal(bmc_sel_log_event(t->bmc, 0x20, 1, 2, 3, 4, 5, 6), -1);
	assert_int_equal(bmc_sel_clear_all(t->bmc), -1);
	t->fp.store_fail = 0;
	struct rsp info2 = CALL0(t, 0x40);
	assert_memory_equal(info.data, info2.data, info.len);
	EXPECT(CALL0(t, 0x5C), 0xFF, 0x07);
	/* The reservation survived the failed operations. */
	EXPECT(del(t, res, 1), 0x01, 0x00);
	assert_int_equal(add(t, 4), 3);
	free_t(t);
}

static void full_overflow_store_failure(void **state)
{
	(void)state;
	struct t *t = new_t(1);
	add(t, 1);
	t->fp.store_fail = 1;
	uint8_t rec[16];
	event_rec(rec, 2);
	assert_int_equal(xfer(t, 0x44, rec, 16).cc, CC_OUT_OF_SPACE);
	assert_false(t->bmc->sel.overflow); /* not stored, so not claimed */
	t->fp.store_fail = 0;
	assert_int_equal(xfer(t, 0x44, rec, 16).cc, CC_OUT_OF_SPACE);
	assert_true(t->bmc->sel.overflow);
	free_t(t);
}

static void malformed_records_ignored(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	uint8_t v[20] = {0x05, 0x00, 0x02};
	bmc_store_apply(t->bmc, STORE_SEL, 0, v, 19);
	bmc_store_apply(t->bmc, STORE_SEL, BMC_SEL_MAX, v, 20);
	v[0] = 0xFF;
	v[1] = 0xFF;
	bmc_store_apply(t->bmc, STORE_SEL, 1, v, 20);
	v[0] = 0;
	v[1] = 0;
	bmc_store_apply(t->bmc, STORE_SEL, 2, v, 20);
	bmc_store_apply(t->bmc, STORE_SEL_META, 0, v, 10);
	bmc_store_apply(t->bmc, STORE_SEL_META, 9, v, 11);
	const uint8_t utc_bad[2] = {0xD1, 0x02};
	bmc_store_apply(t->bmc, STORE_SEL_META, 2, utc_bad, 2);
	assert_int_equal(bmc_sel_entries(t->bmc), 0);
	assert_int_equal(t->bmc->sel.utc_offset, SEL_UTC_UNSPECIFIED);
	/* A duplicate id in another slot is refused. */
	v[0] = 5;
	bmc_store_apply(t->bmc, STORE_SEL, 3, v, 20);
	bmc_store_apply(t->bmc, STORE_SEL, 4, v, 20);
	assert_int_equal(bmc_sel_entries(t->bmc), 1);
	assert_int_equal(add(t, 1), 6);
	free_t(t);
}

/* ---- privilege and length ---- */

static void privilege_and_length(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	uint8_t rec[16];
	event_rec(rec, 1);
	const uint8_t d4[4] = {1, 0, 1, 0}, c6[6] = {1, 0, 'C', 'L', 'R', 0xAA}, e6[6] = {0, 0, 0, 0, 0, 0xFF};
	const uint8_t t4[4] = {0}, u2[2] = {0};
	struct {
		uint8_t cmd;
		const uint8_t *data;
		uint8_t len;
		uint8_t min_priv;
	} cases[] = {
		{0x40, NULL, 0, PRIV_USER},     {0x41, NULL, 0, PRIV_USER},   {0x42, NULL, 0, PRIV_USER},
		{0x43, e6, 6, PRIV_USER},       {0x44, rec, 16, PRIV_OPERATOR}, {0x46, d4, 4, PRIV_OPERATOR},
		{0x47, c6, 6, PRIV_OPERATOR},   {0x48, NULL, 0, PRIV_USER},   {0x49, t4, 4, PRIV_OPERATOR},
		{0x5C, NULL, 0, PRIV_USER},     {0x5D, u2, 2, PRIV_OPERATOR},
	};
	static const uint8_t pad[20];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const uint8_t *d = cases[i].data ? cases[i].data : pad;
		assert_int_equal(xfer_priv(t, cases[i].cmd, (uint8_t)(cases[i].min_priv - 1), d, cases[i].len).cc,
				 CC_INSUFFICIENT_PRIV);
		assert_int_equal(xfer_priv(t, cases[i].cmd, cases[i].min_priv, pad, cases[i].len + 1u).cc,
				 CC_REQ_LEN_INVALID);
		if (cases[i].len)
			assert_int_equal(xfer_priv(t, cases[i].cmd, cases[i].min_priv, d, cases[i].len - 1u).cc,
					 CC_REQ_LEN_INVALID);
	}
	assert_int_equal(t->bmc->sel.count, 0);
	/* Partial Add SEL Entry is not implemented. */
	assert_int_equal(xfer(t, 0x45, pad, 7).cc, CC_INVALID_CMD);
	free_t(t);
}

/* ---- bmc_sel_log_event and the control API ---- */

static void log_event_record(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	assert_int_equal(bmc_sel_log_event(t->bmc, 0x0020, 0x01, 0x30, 0x01, 0x57, 0x5A, 0x50), 1);
	EXPECT(get_entry(t, 0, 1, 0, 0xFF), 0xFF, 0xFF, 0x01, 0x00, 0x02, T0_LE, 0x20, 0x00, 0x04, 0x01, 0x30, 0x01,
	       0x57, 0x5A, 0x50);
	/* SEL logging disabled (global enables bit 3): not logged. */
	t->bmc->global_enables &= (uint8_t)~0x08;
	assert_int_equal(bmc_sel_log_event(t->bmc, 0x0020, 0x01, 0x30, 0x01, 0, 0, 0), -1);
	assert_int_equal(bmc_sel_entries(t->bmc), 1);
	/* ... but software may still add entries. */
	assert_int_equal(add(t, 1), 2);
	free_t(t);
}

static void control_api(void **state)
{
	(void)state;
	struct t *t = new_t(0);
	uint8_t rec[16], out[16];
	event_rec(rec, 0x55);
	assert_int_equal(bmc_sel_add_record(t->bmc, rec), 1);
	assert_int_equal(bmc_sel_add_record(t->bmc, rec), 2);
	rec[2] = 0x01;
	assert_int_equal(bmc_sel_add_record(t->bmc, rec), -CC_INVALID_FIELD);
	assert_int_equal(bmc_sel_entries(t->bmc), 2);
	assert_int_equal(bmc_sel_entry(t->bmc, 1, out), 0);
	assert_int_equal(u16(out), 2);
	assert_int_equal(out[11], 0x55);
	assert_int_equal(bmc_sel_entry(t->bmc, 2, out), -1);
	assert_int_equal(bmc_sel_clear_all(t->bmc), 0);
	assert_int_equal(bmc_sel_entries(t->bmc), 0);
	assert_int_equal(bmc_sel_entry(t->bmc, 0, out), -1);
	free_t(t);
}

static void capacity_config(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	assert_int_equal(cfg.sel_capacity, 4096);
	struct t *t = new_t(0);
	assert_int_equal(t->bmc->sel.capacity, BMC_SEL_MAX);
	free_t(t);
	t = new_t(BMC_SEL_MAX + 1); /* clamped, with a warning */
	assert_int_equal(t->bmc->sel.capacity, BMC_SEL_MAX);
	free_t(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(info_empty_exact),
		cmocka_unit_test(info_after_add_exact),
		cmocka_unit_test(reserve_ids),
		cmocka_unit_test(add_and_get_exact),
		cmocka_unit_test(add_reserved_type_rejected),
		cmocka_unit_test(get_empty_sel),
		cmocka_unit_test(partial_reads),
		cmocka_unit_test(reservation_cancelled),
		cmocka_unit_test(delete_entries),
		cmocka_unit_test(clear_sel_cmd),
		cmocka_unit_test(clear_is_one_write),
		cmocka_unit_test(sel_time),
		cmocka_unit_test(utc_offset),
		cmocka_unit_test(full_sel_overflow),
		cmocka_unit_test(full_sel_read_all),
		cmocka_unit_test(replay_identical),
		cmocka_unit_test(replay_clear_then_adds),
		cmocka_unit_test(id_wrap),
		cmocka_unit_test(store_failure_changes_nothing),
		cmocka_unit_test(full_overflow_store_failure),
		cmocka_unit_test(malformed_records_ignored),
		cmocka_unit_test(privilege_and_length),
		cmocka_unit_test(log_event_record),
		cmocka_unit_test(control_api),
		cmocka_unit_test(capacity_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

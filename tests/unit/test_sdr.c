/* The SDR repository: exact bytes of every record type (IPMI 2.0 §43), repository
 * info, walking by next record id, partial reads and reservations (§33), the Device
 * SDR commands (§35.2-35.4), and a table of 765 sensors on LUNs 0, 1 and 3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dispatch.h"
#include "fake_backend.h"
#include "fake_platform.h"
#include "sdr.h"

static struct fake_platform fp;
static struct fake_backend fb;
static struct bmc_backend be;

static struct rsp xfer_cap(struct bmc *bmc, uint8_t netfn, uint8_t cmd, uint8_t lun, uint8_t priv,
			   const uint8_t *data, size_t len, size_t cap)
{
	struct bmc_req req = {
		.netfn = netfn, .cmd = cmd, .lun = lun, .channel = CHANNEL_LAN, .priv = priv, .data = data, .len = len,
	};
	return fake_dispatch(bmc, &req, cap);
}

static struct rsp xfer(struct bmc *bmc, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len)
{
	return xfer_cap(bmc, netfn, cmd, 0, PRIV_USER, data, len, sizeof ((struct rsp *)0)->data);
}

static struct rsp get_sdr(struct bmc *bmc, uint16_t res, uint16_t id, uint8_t off, uint8_t n)
{
	const uint8_t q[6] = {(uint8_t)res, (uint8_t)(res >> 8), (uint8_t)id, (uint8_t)(id >> 8), off, n};
	return xfer(bmc, NETFN_STORAGE, 0x23, q, 6);
}

static uint16_t reserve(struct bmc *bmc)
{
	struct rsp r = xfer(bmc, NETFN_STORAGE, 0x22, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 2);
	return (uint16_t)(r.data[0] | r.data[1] << 8);
}

/* The repository of the byte tests: a full, a compact and an event-only record, then
 * the FRU and MC locators (record ids 1..5). */
static struct bmc *five_records(void)
{
	fake_backend_init(&fb, &be);
	unsigned t = fake_add_temp(&fb, "CPU1 Temp", 0x30, 40);
	struct bmc_sensor_desc *d = &fb.desc[t];
	d->m = -3;          /* 10-bit 3FDh: LS FDh, MS bits 11b */
	d->b = 300;         /* 12Ch: LS 2Ch, MS bits 01b */
	d->b_exp = -1;      /* 4-bit Fh */
	d->r_exp = -2;      /* 4-bit Eh */
	d->analog_format = 2;
	d->thr_settable = 0x09; /* LNC and UNC */
	fake_add_discrete(&fb, "PSU1 Status", 0x40, 0x08, 0x0003);
	unsigned e = fake_add_discrete(&fb, "Evt", 0x50, 0x12, 0x0001);
	fb.desc[e].record_type = 0x03;
	fb.desc[e].lun = 1;
	return fake_bmc_new_with(&fp, NULL, &be, true);
}

static void expect_record(struct bmc *bmc, uint16_t id, const uint8_t *want, size_t len, uint16_t next)
{
	struct rsp r = get_sdr(bmc, 0, id, 0, 0xFF);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 2 + len);
	assert_int_equal(r.data[0] | r.data[1] << 8, next);
	assert_memory_equal(r.data + 2, want, len);
}

static void full_record_bytes(void **state)
{
	(void)state;
	struct bmc *bmc = five_records();
	const uint8_t want[] = {
		0x01, 0x00, 0x51, 0x01, 0x34, /* id 1, SDR 51h, type 01h, 52 bytes follow */
		0x20, 0x00, 0x30,             /* owner 20h, channel 0 / LUN 0, number 30h */
		0x03, 0x01,                   /* entity processor, instance 1 (physical) */
		0x7F,                         /* init: scanning, events, thresholds, hysteresis, type; on at power-up */
		0x68,                         /* caps: auto re-arm, hysteresis r/w, thresholds r/w per mask, per-offset enables */
		0x01, 0x01,                   /* temperature, threshold */
		0x95, 0x7A,                   /* assertion mask 0A95h | lower readable LNR/LC/LNC (bits 14:12) */
		0x95, 0x7A,                   /* deassertion mask 0A95h | upper readable UNR/UC/UNC */
		0x3F, 0x09,                   /* readable thresholds, settable (LNC, UNC) */
		0x80, 0x01, 0x00,             /* two's complement, degrees C, no modifier */
		0x00,                         /* linear */
		0xFD, 0xC0,                   /* M = -3: LS, [7:6] MS; tolerance 0 */
		0x2C, 0x40,                   /* B = 300: LS, [7:6] MS; accuracy 0 */
		0x00,                         /* accuracy MS / exp, direction */
		0xEF,                         /* R exp -2, B exp -1 */
		0x07,                         /* nominal, normal max, normal min given */
		0x28, 0x50, 0x00,             /* nominal 40, normal max 80, normal min 0 */
		0xFF, 0x00,                   /* sensor max, min */
		0x64, 0x5A, 0x50, 0x00, 0x00, 0x05, /* UNR UC UNC LNR LC LNC */
		0x02, 0x02,                   /* hysteresis + / - */
		0x00, 0x00, 0x00,             /* reserved, OEM */
		0xC9, 'C', 'P', 'U', '1', ' ', 'T', 'e', 'm', 'p',
	};
	expect_record(bmc, 1, want, sizeof want, 2);
	expect_record(bmc, SDR_ID_FIRST, want, sizeof want, 2);
	free(bmc);
}

static void compact_record_bytes(void **state)
{
	(void)state;
	struct bmc *bmc = five_records();
	const uint8_t want[] = {
		0x02, 0x00, 0x51, 0x02, 0x26, /* id 2, type 02h, 38 bytes follow */
		0x20, 0x00, 0x40,             /* owner, LUN 0, number 40h */
		0x17, 0x01,                   /* entity power supply... (17h as the fake says), instance 1 */
		0x67,                         /* init: scanning, events, type; events and scanning on */
		0x40,                         /* caps: auto re-arm, no hysteresis, no thresholds */
		0x08, 0x6F,                   /* power supply, sensor-specific */
		0x03, 0x00, 0x03, 0x00, 0x03, 0x00, /* assertion, deassertion, reading masks */
		0xC0, 0x00, 0x00,             /* no numeric reading, no units */
		0x01, 0x00,                   /* share count 1, no modifier */
		0x00, 0x00,                   /* hysteresis */
		0x00, 0x00, 0x00, 0x00,       /* reserved, OEM */
		0xCB, 'P', 'S', 'U', '1', ' ', 'S', 't', 'a', 't', 'u', 's',
	};
	expect_record(bmc, 2, want, sizeof want, 3);
	free(bmc);
}

static void event_only_record_bytes(void **state)
{
	(void)state;
	struct bmc *bmc = five_records();
	const uint8_t want[] = {
		0x03, 0x00, 0x51, 0x03, 0x0F, /* id 3, type 03h, 15 bytes follow */
		0x20, 0x01, 0x50,             /* owner, LUN 1, number 50h */
		0x17, 0x01,                   /* entity, instance */
		0x12, 0x6F,                   /* system event, sensor-specific */
		0x01, 0x00,                   /* share count 1 */
		0x00, 0x00,                   /* reserved, OEM */
		0xC3, 'E', 'v', 't',
	};
	expect_record(bmc, 3, want, sizeof want, 4);
	free(bmc);
}

static void locator_record_bytes(void **state)
{
	(void)state;
	struct bmc *bmc = five_records();
	const uint8_t fru[] = {
		0x04, 0x00, 0x51, 0x11, 0x15, /* id 4, FRU device locator, 21 bytes follow */
		0x20, 0x00,                   /* access address 20h, FRU device id 0 */
		0x80, 0x00, 0x00,             /* logical FRU, LUN 0, bus 0; channel 0; reserved */
		0x10, 0x00,                   /* device type FRU inventory, modifier 0 */
		0x07, 0x01, 0x00,             /* entity system board, instance 1, OEM */
		0xCA, 'T', 'e', 's', 't', ' ', 'B', 'o', 'a', 'r', 'd',
	};
	const uint8_t mc[] = {
		0x05, 0x00, 0x51, 0x12, 0x0F, /* id 5, MC device locator, 15 bytes follow */
		0x20, 0x00,                   /* slave address 20h, channel 0 */
		0x00,                         /* no ACPI notification, event generation on */
		0x9F,                         /* chassis, event receiver, FRU, SEL, SDR, sensor */
		0x00, 0x00, 0x00,             /* reserved */
		0x06, 0x01, 0x00,             /* system management module, instance 1, OEM */
		0xC4, 'b', 'm', 'c', 'd',
	};
	expect_record(bmc, 4, fru, sizeof fru, 5);
	expect_record(bmc, 5, mc, sizeof mc, SDR_ID_LAST);
	expect_record(bmc, SDR_ID_LAST, mc, sizeof mc, SDR_ID_LAST);
	free(bmc);

	/* Without a product name the FRU locator is called "FRU". */
	fake_backend_init(&fb, &be);
	fb.fru.board_product[0] = '\0';
	bmc = fake_bmc_new_with(&fp, NULL, &be, true);
	struct rsp r = get_sdr(bmc, 0, 1, 0, 0xFF);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.data[2 + 3], 0x11);
	assert_int_equal(r.data[2 + 15], 0xC3);
	assert_memory_equal(r.data + 2 + 16, "FRU", 3);
	free(bmc);
}

static void repository_info(void **state)
{
	(void)state;
	struct bmc *bmc = five_records();
	struct rsp r = xfer(bmc, NETFN_STORAGE, 0x20, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 14);
	assert_int_equal(r.data[0], 0x51);
	assert_int_equal(r.data[1] | r.data[2] << 8, 5);
	assert_int_equal(r.data[3] | r.data[4] << 8, 0);         /* no free space */
	uint32_t t = (uint32_t)r.data[5] | (uint32_t)r.data[6] << 8 | (uint32_t)r.data[7] << 16 | (uint32_t)r.data[8] << 24;
	assert_in_range(t, 1700000000, 1700000004);               /* built at start (fake clock) */
	assert_int_equal(r.data[13], 0x03);                       /* reserve + allocation info */

	r = xfer(bmc, NETFN_STORAGE, 0x21, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 9);
	assert_int_equal(r.data[0] | r.data[1] << 8, 5);
	assert_int_equal(r.data[2] | r.data[3] << 8, 64);

	fp.now_ms = 5000;
	r = xfer(bmc, NETFN_STORAGE, 0x28, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 4);
	assert_int_equal(r.data[0] | r.data[1] << 8, (1700000005u & 0xFFFF));

	/* Writes: the repository is generated, so they are not commands here. */
	const uint8_t q[6] = {0};
	assert_int_equal(xfer_cap(bmc, NETFN_STORAGE, 0x27, 0, PRIV_ADMIN, q, 6, 64).cc, CC_INVALID_CMD);
	assert_int_equal(xfer_cap(bmc, NETFN_STORAGE, 0x2A, 0, PRIV_ADMIN, NULL, 0, 64).cc, CC_INVALID_CMD);
	/* privilege and length */
	assert_int_equal(xfer_cap(bmc, NETFN_STORAGE, 0x20, 0, PRIV_CALLBACK, NULL, 0, 64).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, NETFN_STORAGE, 0x20, q, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, NETFN_STORAGE, 0x23, q, 5).cc, CC_REQ_LEN_INVALID);
	free(bmc);
}

static uint32_t addition_time(struct bmc *bmc)
{
	struct rsp r = xfer(bmc, NETFN_STORAGE, 0x20, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	return (uint32_t)r.data[5] | (uint32_t)r.data[6] << 8 | (uint32_t)r.data[7] << 16 | (uint32_t)r.data[8] << 24;
}

/* A BMC restarted at wall time 1700000000 + s with the records of store (replayed
 * before start); what it stores goes to clock's store. */
static struct bmc *restarted(const struct fake_platform *store, struct fake_platform *clock, unsigned s)
{
	struct bmc_platform plat;
	struct bmc_config cfg;
	fake_platform_init(clock, &plat);
	clock->quiet = true;
	clock->now_ms = (uint64_t)s * 1000;
	bmc_config_defaults(&cfg);
	struct bmc *bmc = calloc(1, bmc_size());
	assert_non_null(bmc);
	assert_int_equal(bmc_init(bmc, &plat, &be, &cfg), 0);
	fake_replay(store, bmc);
	assert_int_equal(bmc_start(bmc), 0);
	return bmc;
}

/* Bug: "most recent addition" was the start time, so every restart of bmcd made
 * FreeIPMI's SDR cache "out of date" (ipmi-sensors failed until --flush-cache). It is
 * now the time the records last changed, kept in the store. */
static void addition_time_survives_restart(void **state)
{
	(void)state;
	static struct fake_platform later, latest;
	struct bmc *bmc = five_records();
	uint32_t t = addition_time(bmc);
	assert_in_range(t, 1700000000, 1700000004);
	/* a client's threshold change is read live, not from the SDR: no new time */
	const uint8_t thr[8] = {0x30, 0x08, 0, 0, 0, 45, 0, 0};
	assert_int_equal(xfer_cap(bmc, NETFN_SENSOR, 0x26, 0, PRIV_OPERATOR, thr, 8, 64).cc, CC_OK);
	free(bmc);

	bmc = restarted(&fp, &later, 100);
	assert_int_equal(addition_time(bmc), t);
	free(bmc);
	bmc = restarted(&fp, &later, 200);
	assert_int_equal(addition_time(bmc), t);
	free(bmc);

	/* the platform's records changed: a new time, kept from then on */
	fb.desc[0].entity_instance = 2;
	bmc = restarted(&fp, &later, 300);
	assert_int_equal(addition_time(bmc), 1700000300);
	free(bmc);
	bmc = restarted(&later, &latest, 400);
	assert_int_equal(addition_time(bmc), 1700000300);
	free(bmc);
}

static void walk_and_partial_reads(void **state)
{
	(void)state;
	struct bmc *bmc = five_records();
	uint16_t id = SDR_ID_FIRST, seen = 0;
	while (id != SDR_ID_LAST) {
		struct rsp r = get_sdr(bmc, 0, id, 0, 0xFF);
		assert_int_equal(r.cc, CC_OK);
		uint16_t rid = (uint16_t)(r.data[2] | r.data[3] << 8);
		assert_int_equal(rid, seen + 1);
		assert_int_equal(r.data[4], 0x51);
		assert_int_equal(r.len, 2 + 5 + r.data[6]); /* header length byte is exact */
		seen++;
		id = (uint16_t)(r.data[0] | r.data[1] << 8);
	}
	assert_int_equal(seen, 5);
	assert_int_equal(get_sdr(bmc, 0, 6, 0, 0xFF).cc, CC_NOT_PRESENT);

	/* ipmitool style: the header, then the body in pieces, under a reservation. */
	struct rsp whole = get_sdr(bmc, 0, 1, 0, 0xFF);
	uint16_t res = reserve(bmc);
	assert_true(res != 0);
	struct rsp h = get_sdr(bmc, res, 1, 0, 5);
	assert_int_equal(h.cc, CC_OK);
	assert_int_equal(h.len, 7);
	assert_memory_equal(h.data + 2, whole.data + 2, 5);
	uint8_t body[64];
	size_t got = 0, want = h.data[2 + 4];
	while (got < want) {
		struct rsp p = get_sdr(bmc, res, 1, (uint8_t)(5 + got), 16);
		assert_int_equal(p.cc, CC_OK);
		assert_int_equal(p.data[0] | p.data[1] << 8, 2);
		size_t n = p.len - 2;
		assert_true(n == 16 || n == want - got); /* the last piece is cut to the record */
		memcpy(body + got, p.data + 2, n);
		got += n;
	}
	assert_memory_equal(body, whole.data + 2 + 5, want);
	/* at the end: nothing more; past it: out of range */
	struct rsp end = get_sdr(bmc, res, 1, (uint8_t)(5 + want), 16);
	assert_int_equal(end.cc, CC_OK);
	assert_int_equal(end.len, 2);
	assert_int_equal(get_sdr(bmc, res, 1, (uint8_t)(6 + want), 1).cc, CC_PARAM_OUT_OF_RANGE);

	/* a partial read needs the current reservation: a newer one cancels it */
	assert_int_equal(get_sdr(bmc, 0, 1, 5, 4).cc, CC_RESERVATION);
	assert_int_equal(get_sdr(bmc, (uint16_t)(res + 7), 1, 5, 4).cc, CC_RESERVATION);
	uint16_t res2 = reserve(bmc);
	assert_true(res2 != res);
	assert_int_equal(get_sdr(bmc, res, 1, 5, 4).cc, CC_RESERVATION);
	assert_int_equal(get_sdr(bmc, res2, 1, 5, 4).cc, CC_OK);
	/* offset 0 ignores the reservation field (§33.12) */
	assert_int_equal(get_sdr(bmc, res, 1, 0, 5).cc, CC_OK);

	/* the whole record does not fit the response: CAh */
	const uint8_t q[6] = {0, 0, 1, 0, 0, 0xFF};
	assert_int_equal(xfer_cap(bmc, NETFN_STORAGE, 0x23, 0, PRIV_USER, q, 6, 20).cc, CC_CANT_RETURN_BYTES);
	free(bmc);
}

static void device_sdr(void **state)
{
	(void)state;
	struct bmc *bmc = five_records();
	/* sensors on LUN 0: two; LUNs with sensors: 0 and 1; static population */
	struct rsp r = xfer(bmc, NETFN_SENSOR, 0x20, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 2);
	assert_int_equal(r.data[0], 2);
	assert_int_equal(r.data[1], 0x03);
	r = xfer_cap(bmc, NETFN_SENSOR, 0x20, 1, PRIV_USER, (const uint8_t[]){0}, 1, 64);
	assert_int_equal(r.data[0], 1);
	r = xfer(bmc, NETFN_SENSOR, 0x20, (const uint8_t[]){1}, 1);
	assert_int_equal(r.data[0], 5); /* SDR count */

	r = xfer(bmc, NETFN_SENSOR, 0x22, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	uint16_t res = (uint16_t)(r.data[0] | r.data[1] << 8);
	const uint8_t q[6] = {(uint8_t)res, (uint8_t)(res >> 8), 0, 0, 5, 3};
	r = xfer(bmc, NETFN_SENSOR, 0x21, q, 6);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 5);
	assert_int_equal(r.data[0] | r.data[1] << 8, 2);
	static const uint8_t key[3] = {0x20, 0x00, 0x30};
	assert_memory_equal(r.data + 2, key, 3);
	/* its own reservation: the repository's does not cancel it, a new one does */
	reserve(bmc);
	assert_int_equal(xfer(bmc, NETFN_SENSOR, 0x21, q, 6).cc, CC_OK);
	xfer(bmc, NETFN_SENSOR, 0x22, NULL, 0);
	assert_int_equal(xfer(bmc, NETFN_SENSOR, 0x21, q, 6).cc, CC_RESERVATION);
	free(bmc);
}

/* 765 sensors (255 on each of LUNs 0, 1, 3, the most owner 20h can address) plus
 * descriptions that must be refused: duplicates, LUN 2, an odd owner, number FFh. */
static void many_sensors(void **state)
{
	(void)state;
	fake_backend_init(&fb, &be);
	static const uint8_t luns[3] = {0, 1, 3};
	for (unsigned l = 0; l < 3; l++) {
		for (unsigned n = 0; n < 255; n++) {
			char name[17];
			snprintf(name, sizeof name, "T%u-%u", luns[l], n);
			unsigned i = fake_add_temp(&fb, name, (uint8_t)n, (uint8_t)(n % 70));
			fb.desc[i].lun = luns[l];
		}
	}
	for (unsigned k = 0; fb.nsensors < FAKE_MAX_SENSORS; k++) {
		unsigned i = fake_add_temp(&fb, "bad", (uint8_t)(k % 255), 1);
		switch (k % 4) {
		case 0: break;                                  /* duplicate of LUN 0 */
		case 1: fb.desc[i].lun = 2; break;
		case 2: fb.desc[i].owner = 0x23; break;         /* not a slave address */
		default: fb.desc[i].number = 0xFF; break;
		}
	}
	assert_int_equal(fb.nsensors, 1100);
	struct bmc *bmc = fake_bmc_new_with(&fp, NULL, &be, true);
	assert_int_equal(bmc_sdr_count(bmc), 765 + 2);

	/* every sensor reachable by (LUN, number) */
	for (unsigned l = 0; l < 3; l++) {
		for (unsigned n = 0; n < 255; n++) {
			struct rsp r = xfer_cap(bmc, NETFN_SENSOR, 0x2D, luns[l], PRIV_USER, (const uint8_t[]){(uint8_t)n}, 1,
						64);
			assert_int_equal(r.cc, CC_OK);
			assert_int_equal(r.data[0], n % 70);
		}
	}
	assert_int_equal(xfer_cap(bmc, NETFN_SENSOR, 0x2D, 2, PRIV_USER, (const uint8_t[]){1}, 1, 64).cc,
			 CC_NOT_PRESENT);
	assert_int_equal(xfer(bmc, NETFN_SENSOR, 0x2D, (const uint8_t[]){0xFF}, 1).cc, CC_NOT_PRESENT);

	/* every record by walking */
	uint16_t id = SDR_ID_FIRST;
	unsigned seen = 0;
	while (id != SDR_ID_LAST) {
		struct rsp r = get_sdr(bmc, 0, id, 0, 0xFF);
		assert_int_equal(r.cc, CC_OK);
		if (r.data[2 + 3] == 0x01) {
			/* record order is backend order: LUN 0, 1, 3 */
			assert_int_equal(r.data[2 + 6], luns[seen / 255]);
			assert_int_equal(r.data[2 + 7], seen % 255);
		}
		seen++;
		id = (uint16_t)(r.data[0] | r.data[1] << 8);
	}
	assert_int_equal(seen, 767);
	/* the refused descriptions are not sensors */
	assert_int_equal(bmc_sensor_lookup(bmc, "T3-254"), 764);
	assert_int_equal(bmc_sensor_lookup(bmc, "bad"), -1);
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_record_bytes),
		cmocka_unit_test(compact_record_bytes),
		cmocka_unit_test(event_only_record_bytes),
		cmocka_unit_test(locator_record_bytes),
		cmocka_unit_test(repository_info),
		cmocka_unit_test(addition_time_survives_restart),
		cmocka_unit_test(walk_and_partial_reads),
		cmocka_unit_test(device_sdr),
		cmocka_unit_test(many_sensors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

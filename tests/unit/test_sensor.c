/* Sensor commands (IPMI 2.0 §35), event receiver and Platform Event Message (§29-30),
 * and event generation (§29, §36, §42), observed through the event observer that
 * sits in front of the SEL. */
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
#include "fake_backend.h"
#include "fake_platform.h"

static struct fake_platform fp, fp2;
static struct fake_backend fb;
static struct bmc_backend be;

#define TEMP 0x30
#define PSU 0x40

static struct rsp xfer_full(struct bmc *bmc, uint8_t cmd, uint8_t lun, uint8_t priv, uint8_t channel,
			    const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = NETFN_SENSOR, .cmd = cmd, .lun = lun, .channel = channel, .priv = priv, .data = data,
		.len = len,
	};
	return fake_dispatch(bmc, &req, 0);
}

static struct rsp xfer(struct bmc *bmc, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	return xfer_full(bmc, cmd, 0, priv, CHANNEL_LAN, data, len);
}

#define REQ(bmc, cmd, priv, ...)                                                                               \
	({                                                                                                     \
		const uint8_t q_[] = {__VA_ARGS__};                                                            \
		xfer(bmc, cmd, priv, q_, sizeof q_);                                                           \
	})

#define EXPECT_RSP(r, ...)                                                                                     \
	do {                                                                                                   \
		const uint8_t w_[] = {__VA_ARGS__};                                                            \
		assert_int_equal((r).cc, CC_OK);                                                               \
		assert_int_equal((r).len, sizeof w_);                                                          \
		assert_memory_equal((r).data, w_, sizeof w_);                                                  \
	} while (0)

/* Events seen by the observer. */
static struct bmc_event evs[64];
static unsigned nev;

static void observe(void *ctx, const struct bmc_event *ev)
{
	(void)ctx;
	if (nev < 64)
		evs[nev] = *ev;
	nev++;
}

static void expect_event(unsigned k, uint16_t gen, uint8_t type, uint8_t num, uint8_t dir_type, uint8_t d1,
			 uint8_t d2, uint8_t d3)
{
	assert_true(k < nev);
	assert_int_equal(evs[k].generator, gen);
	assert_int_equal(evs[k].sensor_type, type);
	assert_int_equal(evs[k].sensor_num, num);
	assert_int_equal(evs[k].dir_type, dir_type);
	assert_int_equal(evs[k].d1, d1);
	assert_int_equal(evs[k].d2, d2);
	assert_int_equal(evs[k].d3, d3);
}

static void observe_bmc(struct bmc *bmc)
{
	nev = 0;
	bmc->sensors.observer = observe;
	bmc->sensors.observer_ctx = NULL;
}

/* A temperature (threshold, number 30h: LNC 5, LC 0, LNR 0, UNC 80, UC 90, UNR 100,
 * hysteresis 2/2) at 40 and a power supply (discrete, number 40h, offsets 0-1). */
static struct bmc *two_sensors(void)
{
	fake_backend_init(&fb, &be);
	fake_add_temp(&fb, "CPU1 Temp", TEMP, 40);
	fake_add_discrete(&fb, "PSU1 Status", PSU, 0x08, 0x0003);
	struct bmc *bmc = fake_bmc_new_with(&fp, NULL, &be, true);
	observe_bmc(bmc);
	return bmc;
}

static void set_raw(struct bmc *bmc, unsigned i, uint8_t raw)
{
	fb.raw[i] = raw;
	bmc_sensor_refresh(bmc, (int)i);
}

static void reading_flags(void **state)
{
	(void)state;
	struct bmc *bmc = two_sensors();
	/* reading 40, events + scanning on, no threshold crossed */
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 40, 0xC0, 0xC0, 0x80);
	set_raw(bmc, 0, 95);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 95, 0xC0, 0xC0 | 0x18, 0x80); /* >= UNC, >= UC */
	set_raw(bmc, 0, 3);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 3, 0xC0, 0xC0 | 0x01, 0x80);  /* <= LNC */

	/* unavailable: flag bit 5, no reading, no status */
	fb.unavailable[0] = true;
	bmc_sensor_refresh(bmc, 0);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 0, 0xE0, 0xC0, 0x80);
	fb.unavailable[0] = false;
	bmc_sensor_refresh(bmc, -1);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 3, 0xC0, 0xC1, 0x80);

	/* discrete: state bits in bytes 3-4 (byte 4 bit 7 returned as 1b) */
	fb.states[1] = 0x0002;
	bmc_sensor_refresh(bmc, 1);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, PSU), 0, 0xC0, 0x02, 0x80);

	/* scanning and events off: the reading is no longer available */
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0x00).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 0, 0x20, 0xC0, 0x80);
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0xC0).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 3, 0xC0, 0xC1, 0x80);

	/* unknown sensor, wrong LUN, length, privilege */
	assert_int_equal(REQ(bmc, 0x2D, PRIV_USER, 0x31).cc, CC_NOT_PRESENT);
	assert_int_equal(xfer_full(bmc, 0x2D, 1, PRIV_USER, CHANNEL_LAN, (const uint8_t[]){TEMP}, 1).cc,
			 CC_NOT_PRESENT);
	assert_int_equal(REQ(bmc, 0x2D, PRIV_USER, TEMP, 0).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, 0x2D, PRIV_USER, NULL, 0).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(REQ(bmc, 0x2D, PRIV_CALLBACK, TEMP).cc, CC_INSUFFICIENT_PRIV);

	/* factors: M 1, B 0, exponents 0; type */
	EXPECT_RSP(REQ(bmc, 0x23, PRIV_USER, TEMP, 0x10), 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(REQ(bmc, 0x23, PRIV_USER, PSU, 0).cc, CC_ILLEGAL_FOR_SENSOR);
	EXPECT_RSP(REQ(bmc, 0x2F, PRIV_USER, TEMP), 0x01, 0x01);
	EXPECT_RSP(REQ(bmc, 0x2F, PRIV_USER, PSU), 0x08, 0x6F);
	free(bmc);
}

static void thresholds(void **state)
{
	(void)state;
	struct bmc *bmc = two_sensors();
	EXPECT_RSP(REQ(bmc, 0x27, PRIV_USER, TEMP), 0x3F, 5, 0, 0, 80, 90, 100);
	/* UNC to 85 */
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x08, 0, 0, 0, 85, 0, 0).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x27, PRIV_USER, TEMP), 0x3F, 5, 0, 0, 85, 90, 100);
	/* ordering LNR <= LC <= LNC <= UNC <= UC <= UNR */
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x08, 0, 0, 0, 95, 0, 0).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x01, 90, 0, 0, 0, 0, 0).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x06, 0, 3, 4, 0, 0, 0).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x06, 0, 4, 3, 0, 0, 0).cc, CC_OK);
	/* several at once, checked together */
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x38, 0, 0, 0, 95, 96, 97).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x27, PRIV_USER, TEMP), 0x3F, 5, 4, 3, 95, 96, 97);
	/* reserved mask bits, no such sensor, discrete sensor, privilege, length */
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x40, 0, 0, 0, 0, 0, 0).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, 0x77, 0x08, 0, 0, 0, 85, 0, 0).cc, CC_NOT_PRESENT);
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, PSU, 0x08, 0, 0, 0, 85, 0, 0).cc, CC_ILLEGAL_FOR_SENSOR);
	assert_int_equal(REQ(bmc, 0x27, PRIV_USER, PSU).cc, CC_ILLEGAL_FOR_SENSOR);
	assert_int_equal(REQ(bmc, 0x26, PRIV_USER, TEMP, 0x08, 0, 0, 0, 85, 0, 0).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x08, 0, 0, 0, 85, 0).cc, CC_REQ_LEN_INVALID);
	/* a failed store write leaves the old values */
	fp.store_fail = 1;
	assert_int_equal(REQ(bmc, 0x26, PRIV_OPERATOR, TEMP, 0x08, 0, 0, 0, 90, 0, 0).cc, CC_UNSPECIFIED);
	fp.store_fail = 0;
	EXPECT_RSP(REQ(bmc, 0x27, PRIV_USER, TEMP), 0x3F, 5, 4, 3, 95, 96, 97);

	/* hysteresis */
	EXPECT_RSP(REQ(bmc, 0x25, PRIV_USER, TEMP, 0xFF), 2, 2);
	assert_int_equal(REQ(bmc, 0x24, PRIV_OPERATOR, TEMP, 0xFF, 5, 3).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x25, PRIV_USER, TEMP, 0xFF), 5, 3);
	assert_int_equal(REQ(bmc, 0x24, PRIV_OPERATOR, PSU, 0xFF, 5, 3).cc, CC_ILLEGAL_FOR_SENSOR);
	assert_int_equal(REQ(bmc, 0x24, PRIV_USER, TEMP, 0xFF, 5, 3).cc, CC_INSUFFICIENT_PRIV);

	/* the SDR shows the thresholds in force */
	const uint8_t q[6] = {0, 0, 1, 0, 0, 0xFF};
	struct bmc_req req = {.netfn = NETFN_STORAGE, .cmd = 0x23, .channel = CHANNEL_LAN, .priv = PRIV_USER,
			      .data = q, .len = 6};
	uint8_t buf[64];
	struct bmc_writer w;
	wr_init(&w, buf, sizeof buf);
	assert_int_equal(bmc_dispatch(bmc, &req, &w), CC_OK);
	const uint8_t sdr[8] = {97, 96, 95, 3, 4, 5, 5, 3}; /* bytes 37-44: UNR..LNC, hysteresis */
	assert_memory_equal(buf + 2 + 36, sdr, 8);

	/* persisted: a restarted BMC (replay before start) and a live replay agree */
	struct bmc_platform plat;
	fake_platform_init(&fp2, &plat);
	struct bmc *again = calloc(1, bmc_size());
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	assert_int_equal(bmc_init(again, &plat, &be, &cfg), 0);
	fake_replay(&fp, again);
	assert_int_equal(bmc_start(again), 0);
	EXPECT_RSP(REQ(again, 0x27, PRIV_USER, TEMP), 0x3F, 5, 4, 3, 95, 96, 97);
	EXPECT_RSP(REQ(again, 0x25, PRIV_USER, TEMP, 0xFF), 5, 3);
	free(again);
	/* only settable thresholds are taken back: the platform may have changed */
	fb.desc[0].thr_settable = 0x08;
	again = fake_bmc_new_with(&fp2, NULL, &be, false);
	fake_replay(&fp, again);
	EXPECT_RSP(REQ(again, 0x27, PRIV_USER, TEMP), 0x3F, 5, 0, 0, 95, 90, 100);
	/* non-settable thresholds refuse a set */
	assert_int_equal(REQ(again, 0x26, PRIV_OPERATOR, TEMP, 0x10, 0, 0, 0, 0, 99, 0).cc, CC_INVALID_FIELD);
	free(again);
	/* a stored record for another sensor number is ignored */
	fb.desc[0].number = 0x33;
	again = fake_bmc_new_with(&fp2, NULL, &be, false);
	fake_replay(&fp, again);
	EXPECT_RSP(REQ(again, 0x27, PRIV_USER, 0x33), 0x3F, 5, 0, 0, 80, 90, 100);
	free(again);
	/* malformed records are refused */
	assert_int_equal(bmc_sensors_apply(bmc, STORE_SENSOR, 0, (const uint8_t[]){2, 0x20, 0, TEMP}, 4), -1);
	free(bmc);
}

static void event_enables(void **state)
{
	(void)state;
	struct bmc *bmc = two_sensors();
	EXPECT_RSP(REQ(bmc, 0x29, PRIV_USER, TEMP), 0xC0, 0x95, 0x0A, 0x95, 0x0A);
	/* disable UNC going-high assertion (bit 7) and UNR deassertion (bit 11) */
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0xE0, 0x80, 0x00, 0x00, 0x08).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x29, PRIV_USER, TEMP), 0xC0, 0x15, 0x0A, 0x95, 0x02);
	/* enable selected: bits the SDR does not list stay off */
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0xD0, 0xFF, 0xFF).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x29, PRIV_USER, TEMP), 0xC0, 0x95, 0x0A, 0x95, 0x02);
	/* 11b is reserved */
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0xF0).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x28, PRIV_USER, TEMP, 0xC0).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0xC0, 0, 0, 0, 0, 0).cc, CC_REQ_LEN_INVALID);
	/* all event messages off, scanning on */
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0x40).cc, CC_OK);
	EXPECT_RSP(REQ(bmc, 0x29, PRIV_USER, TEMP), 0x40, 0x95, 0x0A, 0x95, 0x02);

	/* persisted */
	struct bmc *again = fake_bmc_new_with(&fp2, NULL, &be, false);
	fake_replay(&fp, again);
	EXPECT_RSP(REQ(again, 0x29, PRIV_USER, TEMP), 0x40, 0x95, 0x0A, 0x95, 0x02);
	free(again);
	free(bmc);
}

/* UNC (80) then UC (90) upward, then back down through the hysteresis (2). */
static void threshold_events(void **state)
{
	(void)state;
	struct bmc *bmc = two_sensors();
	assert_int_equal(nev, 0); /* normal at start: nothing */
	set_raw(bmc, 0, 79);
	assert_int_equal(nev, 0);
	set_raw(bmc, 0, 80); /* reaches UNC: assert UNC going high (offset 7) */
	assert_int_equal(nev, 1);
	expect_event(0, 0x0020, 0x01, TEMP, 0x01, 0x57, 80, 80);
	set_raw(bmc, 0, 85);
	assert_int_equal(nev, 1);
	set_raw(bmc, 0, 92); /* UC going high (offset 9) */
	assert_int_equal(nev, 2);
	expect_event(1, 0x0020, 0x01, TEMP, 0x01, 0x59, 92, 90);
	set_raw(bmc, 0, 89); /* below UC but within hysteresis: still asserted */
	set_raw(bmc, 0, 88);
	assert_int_equal(nev, 2);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 88, 0xC0, 0xD8, 0x80);
	set_raw(bmc, 0, 87); /* < 90 - 2: deassert UC */
	assert_int_equal(nev, 3);
	expect_event(2, 0x0020, 0x01, TEMP, 0x81, 0x59, 87, 90);
	set_raw(bmc, 0, 78);
	assert_int_equal(nev, 3);
	set_raw(bmc, 0, 77); /* < 80 - 2: deassert UNC */
	assert_int_equal(nev, 4);
	expect_event(3, 0x0020, 0x01, TEMP, 0x81, 0x57, 77, 80);

	/* one jump over all three: UNC, UC, UNR in offset order */
	set_raw(bmc, 0, 120);
	assert_int_equal(nev, 7);
	expect_event(4, 0x0020, 0x01, TEMP, 0x01, 0x57, 120, 80);
	expect_event(5, 0x0020, 0x01, TEMP, 0x01, 0x59, 120, 90);
	expect_event(6, 0x0020, 0x01, TEMP, 0x01, 0x5B, 120, 100);
	/* event status: UNC, UC, UNR going high asserted */
	EXPECT_RSP(REQ(bmc, 0x2B, PRIV_USER, TEMP), 0xC0, 0x80, 0x0A, 0x00, 0x00);
	set_raw(bmc, 0, 40);
	assert_int_equal(nev, 10);
	EXPECT_RSP(REQ(bmc, 0x2B, PRIV_USER, TEMP), 0xC0, 0x00, 0x00, 0x80, 0x0A);

	/* going low: LNC (5) asserts at 5, deasserts above 5 + 2 */
	nev = 0;
	set_raw(bmc, 0, 5);
	assert_int_equal(nev, 1);
	expect_event(0, 0x0020, 0x01, TEMP, 0x01, 0x50, 5, 5);
	set_raw(bmc, 0, 7);
	assert_int_equal(nev, 1);
	set_raw(bmc, 0, 8);
	assert_int_equal(nev, 2);
	expect_event(1, 0x0020, 0x01, TEMP, 0x81, 0x50, 8, 5);

	/* re-arm: a condition still present is reported again */
	set_raw(bmc, 0, 85);
	assert_int_equal(nev, 3);
	assert_int_equal(REQ(bmc, 0x2A, PRIV_OPERATOR, TEMP, 0x00).cc, CC_OK);
	assert_int_equal(nev, 4);
	expect_event(3, 0x0020, 0x01, TEMP, 0x01, 0x57, 85, 80);
	assert_int_equal(REQ(bmc, 0x2A, PRIV_OPERATOR, TEMP, 0x80, 0x80, 0x00).cc, CC_OK);
	assert_int_equal(nev, 5);
	assert_int_equal(REQ(bmc, 0x2A, PRIV_OPERATOR, TEMP, 0x80, 0x00, 0x02).cc, CC_OK); /* UC: not present */
	assert_int_equal(nev, 5);
	assert_int_equal(REQ(bmc, 0x2A, PRIV_USER, TEMP, 0x00).cc, CC_INSUFFICIENT_PRIV);
	set_raw(bmc, 0, 40);
	assert_int_equal(nev, 6);

	/* per-offset disable: UNC assertion off, its deassertion still on */
	nev = 0;
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0xE0, 0x80).cc, CC_OK);
	set_raw(bmc, 0, 85);
	assert_int_equal(nev, 0);
	set_raw(bmc, 0, 40);
	assert_int_equal(nev, 1);
	expect_event(0, 0x0020, 0x01, TEMP, 0x81, 0x57, 40, 80);
	/* all event messages off: the state still follows, silently */
	nev = 0;
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0x40).cc, CC_OK);
	set_raw(bmc, 0, 95);
	assert_int_equal(nev, 0);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, TEMP), 95, 0x40, 0xD8, 0x80);
	/* ...and when enabled again, only changes from then on are events */
	assert_int_equal(REQ(bmc, 0x28, PRIV_OPERATOR, TEMP, 0xC0).cc, CC_OK);
	set_raw(bmc, 0, 40);
	assert_int_equal(nev, 2); /* both deassertions are enabled */
	expect_event(0, 0x0020, 0x01, TEMP, 0x81, 0x57, 40, 80);
	expect_event(1, 0x0020, 0x01, TEMP, 0x81, 0x59, 40, 90);
	free(bmc);
}

static void discrete_and_unavailable(void **state)
{
	(void)state;
	struct bmc *bmc = two_sensors();
	fb.states[1] = 0x0001;
	bmc_sensor_refresh(bmc, 1);
	assert_int_equal(nev, 1);
	expect_event(0, 0x0020, 0x08, PSU, 0x6F, 0x00, 0xFF, 0xFF);
	fb.states[1] = 0x0002; /* offset 0 goes, offset 1 comes */
	bmc_sensor_refresh(bmc, 1);
	assert_int_equal(nev, 3);
	expect_event(1, 0x0020, 0x08, PSU, 0xEF, 0x00, 0xFF, 0xFF);
	expect_event(2, 0x0020, 0x08, PSU, 0x6F, 0x01, 0xFF, 0xFF);
	fb.states[1] = 0x0006; /* offset 2 is not in the SDR masks: readable, no event */
	bmc_sensor_refresh(bmc, 1);
	assert_int_equal(nev, 3);
	EXPECT_RSP(REQ(bmc, 0x2D, PRIV_USER, PSU), 0, 0xC0, 0x06, 0x80);
	EXPECT_RSP(REQ(bmc, 0x2B, PRIV_USER, PSU), 0xC0, 0x02, 0x00, 0x01, 0x00);

	/* an outage raises nothing; the reading coming back with the same state neither */
	fb.unavailable[1] = true;
	bmc_sensor_refresh(bmc, 1);
	assert_int_equal(nev, 3);
	EXPECT_RSP(REQ(bmc, 0x2B, PRIV_USER, PSU), 0xE0, 0x00, 0x00, 0x01, 0x00);
	fb.unavailable[1] = false;
	bmc_sensor_refresh(bmc, 1);
	assert_int_equal(nev, 3);

	/* LUN 1 sensors: the LUN is in generator byte 2 */
	fake_backend_init(&fb, &be);
	unsigned i = fake_add_discrete(&fb, "L1", 0x05, 0x07, 0x0001);
	fb.desc[i].lun = 1;
	fb.states[i] = 1;
	nev = 0;
	struct bmc *l1 = fake_bmc_new_with(&fp2, NULL, &be, false);
	/* the initial reading at start asserted offset 0 (no observer yet); re-arm */
	observe_bmc(l1);
	assert_int_equal(xfer_full(l1, 0x2A, 1, PRIV_OPERATOR, CHANNEL_LAN, (const uint8_t[]){0x05, 0x00}, 2).cc,
			 CC_OK);
	assert_int_equal(nev, 1);
	expect_event(0, 0x0120, 0x07, 0x05, 0x6F, 0x00, 0xFF, 0xFF);
	EXPECT_RSP(xfer_full(l1, 0x2D, 1, PRIV_USER, CHANNEL_LAN, (const uint8_t[]){0x05}, 1), 0, 0xC0, 0x01, 0x80);
	assert_int_equal(REQ(l1, 0x2D, PRIV_USER, 0x05).cc, CC_NOT_PRESENT);
	free(l1);
	free(bmc);
}

/* Polls spread over ticks: a quarter of the sensors every 250 ms. */
static void tick_spreads_polls(void **state)
{
	(void)state;
	fake_backend_init(&fb, &be);
	for (unsigned k = 0; k < 8; k++)
		fake_add_temp(&fb, "T", (uint8_t)k, 40);
	struct bmc *bmc = fake_bmc_new_with(&fp, NULL, &be, false);
	observe_bmc(bmc);
	for (unsigned k = 0; k < 8; k++)
		fb.raw[k] = 85;
	fp.now_ms += 250;
	bmc_tick(bmc);
	assert_int_equal(nev, 2);
	fp.now_ms += 500;
	bmc_tick(bmc);
	assert_int_equal(nev, 6);
	fp.now_ms += 250;
	bmc_tick(bmc);
	assert_int_equal(nev, 8);
	for (unsigned k = 0; k < 8; k++)
		expect_event(k, 0x0020, 0x01, (uint8_t)k, 0x01, 0x57, 85, 80);
	/* a long pause: one round, not a burst */
	for (unsigned k = 0; k < 8; k++)
		fb.raw[k] = 40;
	fp.now_ms += 60000;
	bmc_tick(bmc);
	assert_int_equal(nev, 16);
	free(bmc);
}

static void event_receiver_and_platform_event(void **state)
{
	(void)state;
	struct bmc *bmc = two_sensors();
	EXPECT_RSP(xfer(bmc, 0x01, PRIV_USER, NULL, 0), 0x20, 0x00);

	/* Platform Event Message from LAN: generator = software id 81h, channel 1 */
	assert_int_equal(REQ(bmc, 0x02, PRIV_OPERATOR, 0x04, 0x01, 0x30, 0x01, 0x57, 85, 80).cc, CC_OK);
	assert_int_equal(nev, 1);
	expect_event(0, 0x1081, 0x01, 0x30, 0x01, 0x57, 85, 80);
	assert_int_equal(REQ(bmc, 0x02, PRIV_OPERATOR, 0x04, 0x12, 0x01, 0x6F, 0x02).cc, CC_OK);
	expect_event(1, 0x1081, 0x12, 0x01, 0x6F, 0x02, 0xFF, 0xFF);
	/* from the system interface the generator id comes first; channel 0 */
	const uint8_t sys[] = {0x41, 0x04, 0x12, 0x01, 0x6F, 0x01, 0x02};
	assert_int_equal(xfer_full(bmc, 0x02, 0, PRIV_OPERATOR, CHANNEL_SYSTEM, sys, sizeof sys).cc, CC_OK);
	expect_event(2, 0x0041, 0x12, 0x01, 0x6F, 0x01, 0x02, 0xFF);
	assert_int_equal(nev, 3);
	assert_int_equal(REQ(bmc, 0x02, PRIV_OPERATOR, 0x05, 0x12, 0x01, 0x6F, 0x02).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x02, PRIV_OPERATOR, 0x04, 0x12, 0x01, 0x6F).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(REQ(bmc, 0x02, PRIV_OPERATOR, 0x04, 0x12, 0x01, 0x6F, 1, 2, 3, 4).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(REQ(bmc, 0x02, PRIV_USER, 0x04, 0x12, 0x01, 0x6F, 0x02).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(nev, 3);

	/* event receiver FFh: the BMC generates no events */
	assert_int_equal(REQ(bmc, 0x00, PRIV_OPERATOR, 0xFF, 0x00).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(REQ(bmc, 0x00, PRIV_ADMIN, 0x21, 0x00).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x00, PRIV_ADMIN, 0x20, 0x04).cc, CC_INVALID_FIELD);
	assert_int_equal(REQ(bmc, 0x00, PRIV_ADMIN, 0xFF, 0x00).cc, CC_OK);
	EXPECT_RSP(xfer(bmc, 0x01, PRIV_USER, NULL, 0), 0xFF, 0x00);
	nev = 0;
	set_raw(bmc, 0, 95);
	assert_int_equal(nev, 0);
	struct bmc *again = fake_bmc_new_with(&fp2, NULL, &be, false);
	fake_replay(&fp, again);
	EXPECT_RSP(xfer(again, 0x01, PRIV_USER, NULL, 0), 0xFF, 0x00);
	free(again);
	assert_int_equal(REQ(bmc, 0x00, PRIV_ADMIN, 0x20, 0x00).cc, CC_OK);
	set_raw(bmc, 0, 40);
	assert_int_equal(nev, 2); /* UNC and UC deassert */
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reading_flags),
		cmocka_unit_test(thresholds),
		cmocka_unit_test(event_enables),
		cmocka_unit_test(threshold_events),
		cmocka_unit_test(discrete_and_unavailable),
		cmocka_unit_test(tick_spreads_polls),
		cmocka_unit_test(event_receiver_and_platform_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SOL configuration parameters (IPMI 2.0 §26.2-26.3) and the channel payload
 * information commands (§24.8-24.10): every parameter's bytes, every refusal, the
 * set-in-progress rules, persistence and replay, and the accessors of the SOL data path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bmc/store.h"
#include "dispatch.h"
#include "fake_platform.h"
#include "solparm.h"

#define PARAM_GET_CMD 0x22 /* Get SOL Configuration Parameters */
#define PARAM_SET_CMD 0x21 /* Set SOL Configuration Parameters */
#define PARAM_GET_PRIV PRIV_USER
#define PARAM_SET_PRIV PRIV_ADMIN
#include "param_client.h"

static struct fake_platform fp;

static struct bmc *new_bmc(uint16_t port)
{
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.lan_port = port;
	return fake_bmc_new(&fp, &cfg, true);
}

static unsigned count_sol_recs(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < FAKE_MAX_RECS; i++)
		if (fp.recs[i].used && fp.recs[i].type == STORE_SOLPARM)
			n++;
	return n;
}

/* ---- SOL configuration parameters ---- */

static void defaults_exact_bytes(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);

	EXPECT(bmc, 0, 0x00);
	EXPECT(bmc, 1, 0x01);
	EXPECT(bmc, 2, 0xC2);     /* forced encryption + authentication, USER */
	EXPECT(bmc, 3, 12, 96);   /* 60 ms, 96 characters */
	EXPECT(bmc, 4, 7, 10);    /* 7 retries, 100 ms */
	EXPECT(bmc, 5, 0x0A);     /* 115200 */
	EXPECT(bmc, 6, 0x0A);
	EXPECT(bmc, 7, 0x01);
	EXPECT(bmc, 8, 0x6F, 0x02); /* 623, LS byte first */
	assert_true(bmc_solparm_enabled(bmc));
	assert_true(bmc_solparm_force_encryption(bmc));
	assert_true(bmc_solparm_force_authentication(bmc));
	assert_int_equal(bmc_solparm_privilege(bmc), PRIV_USER);
	assert_int_equal(bmc_solparm_accumulate_ms(bmc), 60);
	assert_int_equal(bmc_solparm_send_threshold(bmc), 96);
	assert_int_equal(bmc_solparm_retry_count(bmc), 7);
	assert_int_equal(bmc_solparm_retry_interval_ms(bmc), 100);
	assert_int_equal(bmc_solparm_bit_rate(bmc), 115200);
	assert_int_equal(count_sol_recs(), 0);
	free(bmc);
}

static void payload_port_follows_config(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(40623);
	EXPECT(bmc, 8, 40623 & 0xFF, 40623 >> 8);
	free(bmc);
	bmc = new_bmc(0); /* 0 = the standard port */
	EXPECT(bmc, 8, 0x6F, 0x02);
	free(bmc);
}

static void revision_only_and_selectors(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	for (uint8_t p = 0; p <= 8; p++) {
		struct rsp r = get_sel(bmc, 0x81, p, 0, 0);
		assert_int_equal(r.cc, CC_OK);
		assert_int_equal(r.len, 1);
		assert_int_equal(r.data[0], 0x11);
		/* no parameter has sets or blocks */
		assert_int_equal(get_sel(bmc, 1, p, 1, 0).cc, CC_INVALID_FIELD);
		assert_int_equal(get_sel(bmc, 1, p, 0, 1).cc, CC_INVALID_FIELD);
	}
	free(bmc);
}

static void unsupported_parameters_are_80h(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	const uint8_t params[] = {9, 10, 0x7F, 0xC0, 0xFF};
	for (size_t i = 0; i < sizeof params; i++) {
		assert_int_equal(get(bmc, params[i]).cc, CC_SOLP_NOT_SUPPORTED);
		assert_int_equal(get_sel(bmc, 0x81, params[i], 0, 0).cc, CC_SOLP_NOT_SUPPORTED);
		SET_CC(bmc, CC_SOLP_NOT_SUPPORTED, params[i], 0x00);
	}
	free(bmc);
}

static void channel_checks(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	const uint8_t one = 0x01;

	/* 0Eh = the channel the request came in on: LAN here */
	assert_int_equal(get_sel(bmc, 0x0E, 1, 0, 0).cc, CC_OK);
	assert_int_equal(set_ch(bmc, 0x0E, 1, &one, 1), CC_OK);
	/* other channels have no SOL: IPMB 0, serial 2, an absent one, the system interface */
	const uint8_t others[] = {0x00, 0x02, 0x07, 0x0F};
	for (size_t i = 0; i < sizeof others; i++) {
		assert_int_equal(get_sel(bmc, others[i], 1, 0, 0).cc, CC_INVALID_FIELD);
		assert_int_equal(set_ch(bmc, others[i], 1, &one, 1), CC_INVALID_FIELD);
	}
	/* reserved bits: Get [6:4], Set [7:4] */
	assert_int_equal(get_sel(bmc, 0x11, 1, 0, 0).cc, CC_INVALID_FIELD);
	assert_int_equal(get_sel(bmc, 0x41, 1, 0, 0).cc, CC_INVALID_FIELD);
	assert_int_equal(set_ch(bmc, 0x81, 1, &one, 1), CC_INVALID_FIELD);
	assert_int_equal(set_ch(bmc, 0x11, 1, &one, 1), CC_INVALID_FIELD);
	/* "this channel" from the system interface is not a SOL channel */
	const uint8_t q[4] = {0x0E, 1, 0, 0};
	assert_int_equal(xfer_on(bmc, NETFN_TRANSPORT, 0x22, PRIV_USER, CHANNEL_SYSTEM, q, 4).cc, CC_INVALID_FIELD);
	free(bmc);
}

static void privilege_and_length(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	const uint8_t g[4] = {1, 1, 0, 0}, s[3] = {1, 1, 0};

	assert_int_equal(xfer_on(bmc, NETFN_TRANSPORT, 0x22, PRIV_CALLBACK, CHANNEL_LAN, g, 4).cc,
			 CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer_on(bmc, NETFN_TRANSPORT, 0x21, PRIV_OPERATOR, CHANNEL_LAN, s, 3).cc,
			 CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer_on(bmc, NETFN_TRANSPORT, 0x22, PRIV_USER, CHANNEL_LAN, g, 3).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer_on(bmc, NETFN_TRANSPORT, 0x21, PRIV_ADMIN, CHANNEL_LAN, s, 2).cc, CC_REQ_LEN_INVALID);
	/* each parameter's exact length */
	SET_CC(bmc, CC_REQ_LEN_INVALID, 1, 0x01, 0x00);
	SET_CC(bmc, CC_REQ_LEN_INVALID, 2, 0xC2, 0x00);
	SET_CC(bmc, CC_REQ_LEN_INVALID, 3, 0x0A);
	SET_CC(bmc, CC_REQ_LEN_INVALID, 4, 0x03);
	SET_CC(bmc, CC_REQ_LEN_INVALID, 5, 0x0A, 0x00);
	SET_CC(bmc, CC_REQ_LEN_INVALID, 6, 0x0A, 0x00);
	SET_CC(bmc, CC_REQ_LEN_INVALID, 0, 0x00, 0x00);
	EXPECT(bmc, 1, 0x01);
	EXPECT(bmc, 3, 12, 96);
	free(bmc);
}

static void writes_round_trip(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);

	SET(bmc, 1, 0x00);
	assert_false(bmc_solparm_enabled(bmc));
	SET(bmc, 1, 0x01);
	assert_true(bmc_solparm_enabled(bmc));
	SET(bmc, 2, 0x44); /* authentication only, ADMINISTRATOR */
	assert_false(bmc_solparm_force_encryption(bmc));
	assert_true(bmc_solparm_force_authentication(bmc));
	assert_int_equal(bmc_solparm_privilege(bmc), PRIV_ADMIN);
	SET(bmc, 2, 0x01); /* nothing forced, CALLBACK */
	SET(bmc, 2, 0xC5); /* OEM */
	SET(bmc, 2, 0x03);
	assert_int_equal(bmc_solparm_privilege(bmc), PRIV_OPERATOR);
	SET(bmc, 3, 10, 1);
	assert_int_equal(bmc_solparm_accumulate_ms(bmc), 50);
	assert_int_equal(bmc_solparm_send_threshold(bmc), 1);
	SET(bmc, 3, 255, 255);
	assert_int_equal(bmc_solparm_accumulate_ms(bmc), 1275);
	SET(bmc, 4, 0, 0);
	assert_int_equal(bmc_solparm_retry_count(bmc), 0);
	assert_int_equal(bmc_solparm_retry_interval_ms(bmc), 0);
	SET(bmc, 4, 7, 255);
	assert_int_equal(bmc_solparm_retry_count(bmc), 7);
	assert_int_equal(bmc_solparm_retry_interval_ms(bmc), 2550);
	const uint8_t rates[] = {0x00, 0x06, 0x07, 0x08, 0x09, 0x0A};
	const uint32_t bps[] = {0, 9600, 19200, 38400, 57600, 115200};
	for (size_t i = 0; i < sizeof rates; i++) {
		SET(bmc, 5, rates[i]);
		SET(bmc, 6, rates[i]);
		assert_int_equal(bmc_solparm_bit_rate(bmc), bps[i]);
	}
	free(bmc);
}

static void bad_values_are_cch(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);

	SET_CC(bmc, CC_INVALID_FIELD, 1, 0x02); /* [7:1] reserved */
	SET_CC(bmc, CC_INVALID_FIELD, 1, 0x81);
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0xD2); /* [5:4] reserved */
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0xE2);
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0xC0); /* privilege 0 reserved */
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0xC6); /* privilege 6..F reserved */
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0xCF);
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0x82); /* encryption without authentication */
	SET_CC(bmc, CC_INVALID_FIELD, 3, 0, 96); /* 1-based */
	SET_CC(bmc, CC_INVALID_FIELD, 3, 12, 0);
	SET_CC(bmc, CC_INVALID_FIELD, 4, 0x08, 10); /* [7:3] reserved */
	SET_CC(bmc, CC_INVALID_FIELD, 4, 0xFF, 10);
	const uint8_t bad_rates[] = {0x01, 0x05, 0x0B, 0x0F, 0x1A, 0xFA};
	for (size_t i = 0; i < sizeof bad_rates; i++) {
		SET_CC(bmc, CC_INVALID_FIELD, 5, bad_rates[i]);
		SET_CC(bmc, CC_INVALID_FIELD, 6, bad_rates[i]);
	}
	/* nothing changed */
	EXPECT(bmc, 1, 0x01);
	EXPECT(bmc, 2, 0xC2);
	EXPECT(bmc, 3, 12, 96);
	EXPECT(bmc, 4, 7, 10);
	EXPECT(bmc, 5, 0x0A);
	EXPECT(bmc, 6, 0x0A);
	assert_int_equal(count_sol_recs(), 0);
	free(bmc);
}

static void read_only_parameters_are_82h(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	SET_CC(bmc, CC_SOLP_READ_ONLY, 7, 0x01);
	SET_CC(bmc, CC_SOLP_READ_ONLY, 7, 0x02);
	SET_CC(bmc, CC_SOLP_READ_ONLY, 8, 0x6F, 0x02);
	EXPECT(bmc, 7, 0x01);
	EXPECT(bmc, 8, 0x6F, 0x02);
	free(bmc);
}

static void set_in_progress_rules(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);

	SET(bmc, 0, 0x01);                                /* claim */
	SET_CC(bmc, CC_SOLP_SET_IN_PROGRESS, 0, 0x01);    /* claimed by someone: 81h */
	SET(bmc, 3, 20, 50);                              /* writes go on meanwhile */
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x02}, 1), CC_OK); /* commit write */
	EXPECT(bmc, 0, 0x01);                             /* ... leaves the state alone */
	SET(bmc, 0, 0x00);                                /* set complete */
	SET(bmc, 0, 0x00);                                /* twice is fine */
	SET(bmc, 0, 0x01);
	SET_CC(bmc, CC_INVALID_FIELD, 0, 0x03);           /* reserved value */
	SET_CC(bmc, CC_INVALID_FIELD, 0, 0x04);           /* reserved bits */
	EXPECT(bmc, 0, 0x01);
	/* volatile: a restart forgets it, and nothing of it is stored */
	bmc = fake_restart(&fp, bmc);
	EXPECT(bmc, 0, 0x00);
	assert_null(fake_find_rec(&fp, STORE_SOLPARM, 0x0100));
	free(bmc);
}

static void writes_survive_restart(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);

	SET(bmc, 1, 0x00);
	SET(bmc, 2, 0x44);
	SET(bmc, 3, 10, 200);
	SET(bmc, 4, 3, 25);
	SET(bmc, 5, 0x07);
	SET(bmc, 6, 0x09);
	const struct fake_rec *rec = fake_find_rec(&fp, STORE_SOLPARM, 0x0103);
	assert_non_null(rec);
	assert_int_equal(rec->len, 2);
	assert_int_equal(rec->value[0], 10);
	assert_int_equal(rec->value[1], 200);
	assert_null(fake_find_rec(&fp, STORE_SOLPARM, 0x0106)); /* volatile rate: not stored */
	assert_int_equal(count_sol_recs(), 5);

	bmc = fake_restart(&fp, bmc);
	EXPECT(bmc, 1, 0x00);
	EXPECT(bmc, 2, 0x44);
	EXPECT(bmc, 3, 10, 200);
	EXPECT(bmc, 4, 3, 25);
	EXPECT(bmc, 5, 0x07);
	EXPECT(bmc, 6, 0x07); /* the volatile rate starts as the non-volatile one */
	assert_false(bmc_solparm_enabled(bmc));
	assert_int_equal(bmc_solparm_privilege(bmc), PRIV_ADMIN);
	assert_int_equal(bmc_solparm_bit_rate(bmc), 19200);
	free(bmc);
}

static void failed_store_changes_nothing(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	fp.store_fail = 1;
	SET_CC(bmc, CC_UNSPECIFIED, 1, 0x00);
	SET_CC(bmc, CC_UNSPECIFIED, 3, 1, 1);
	/* volatile parameters need no store */
	SET(bmc, 6, 0x06);
	SET(bmc, 0, 0x01);
	fp.store_fail = 0;
	EXPECT(bmc, 1, 0x01);
	EXPECT(bmc, 3, 12, 96);
	free(bmc);
}

static void malformed_records_are_ignored(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	const uint8_t zero = 0x00, two[2] = {5, 5}, bad_auth = 0x82, rate = 0x08;

	bmc_store_apply(bmc, STORE_SOLPARM, 0x0201, &zero, 1);       /* channel 2 */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0001, &zero, 1);       /* channel 0 */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0100, &zero, 1);       /* volatile param 0 */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0106, &rate, 1);       /* volatile param 6 */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0107, &zero, 1);       /* read-only */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0108, two, 2);         /* read-only */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0109, &zero, 1);       /* unknown */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0101, two, 2);         /* wrong length */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0102, &bad_auth, 1);   /* invalid value */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0101, NULL, 0);        /* deletion */
	EXPECT(bmc, 0, 0x00);
	EXPECT(bmc, 1, 0x01);
	EXPECT(bmc, 2, 0xC2);
	EXPECT(bmc, 6, 0x0A);
	EXPECT(bmc, 7, 0x01);
	/* a good one is applied */
	bmc_store_apply(bmc, STORE_SOLPARM, 0x0101, &zero, 1);
	EXPECT(bmc, 1, 0x00);
	free(bmc);
}

/* ---- channel payload information, §24.8-24.10 ---- */

static struct rsp app(struct bmc *bmc, uint8_t cmd, const uint8_t *q, size_t len)
{
	return xfer_on(bmc, NETFN_APP, cmd, PRIV_USER, CHANNEL_LAN, q, len);
}

static void payload_support(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	const uint8_t want[8] = {0x03, 0x00, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00};

	for (int k = 0; k < 2; k++) {
		const uint8_t q = k ? 0x0E : 0x01;
		struct rsp r = app(bmc, 0x4E, &q, 1);
		assert_int_equal(r.cc, CC_OK);
		assert_int_equal(r.len, 8);
		assert_memory_equal(r.data, want, 8);
	}
	const uint8_t bad[] = {0x00, 0x02, 0x0F, 0x11, 0x81, 0xF1};
	for (size_t i = 0; i < sizeof bad; i++)
		assert_int_equal(app(bmc, 0x4E, &bad[i], 1).cc, CC_INVALID_FIELD);
	const uint8_t cur = 0x0E;
	assert_int_equal(xfer_on(bmc, NETFN_APP, 0x4E, PRIV_USER, CHANNEL_SYSTEM, &cur, 1).cc, CC_INVALID_FIELD);
	assert_int_equal(xfer_on(bmc, NETFN_APP, 0x4E, PRIV_CALLBACK, CHANNEL_LAN, &cur, 1).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(app(bmc, 0x4E, want, 0).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(app(bmc, 0x4E, want, 2).cc, CC_REQ_LEN_INVALID);
	free(bmc);
}

static void payload_version(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	const uint8_t good[] = {0x00, 0x01, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15};
	for (size_t i = 0; i < sizeof good; i++) {
		const uint8_t q[2] = {0x01, good[i]};
		struct rsp r = app(bmc, 0x4F, q, 2);
		assert_int_equal(r.cc, CC_OK);
		assert_int_equal(r.len, 1);
		assert_int_equal(r.data[0], 0x10);
	}
	const uint8_t absent[] = {0x02, 0x03, 0x0F, 0x16, 0x1F, 0x20, 0x27, 0x80, 0xFF};
	for (size_t i = 0; i < sizeof absent; i++) {
		const uint8_t q[2] = {0x01, absent[i]};
		assert_int_equal(app(bmc, 0x4F, q, 2).cc, 0x80);
	}
	const uint8_t wrong_chan[2] = {0x02, 0x01}, reserved[2] = {0x21, 0x01};
	assert_int_equal(app(bmc, 0x4F, wrong_chan, 2).cc, CC_INVALID_FIELD);
	assert_int_equal(app(bmc, 0x4F, reserved, 2).cc, CC_INVALID_FIELD);
	assert_int_equal(app(bmc, 0x4F, reserved, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer_on(bmc, NETFN_APP, 0x4F, PRIV_CALLBACK, CHANNEL_LAN, good, 2).cc, CC_INSUFFICIENT_PRIV);
	free(bmc);
}

static void oem_payload_info(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc(623);
	/* no OEM payloads: every OEM question is 80h */
	const uint8_t oem[] = {0x02, 0x20, 0x23, 0x27};
	for (size_t i = 0; i < sizeof oem; i++) {
		const uint8_t q[7] = {0x01, oem[i], 0x57, 0x01, 0x00, 0x01, 0x00};
		assert_int_equal(app(bmc, 0x50, q, 7).cc, 0x80);
	}
	/* not an OEM payload number */
	const uint8_t not_oem[] = {0x00, 0x01, 0x10, 0x1F, 0x28, 0xFF};
	for (size_t i = 0; i < sizeof not_oem; i++) {
		const uint8_t q[7] = {0x01, not_oem[i], 0, 0, 0, 0, 0};
		assert_int_equal(app(bmc, 0x50, q, 7).cc, CC_INVALID_FIELD);
	}
	const uint8_t wrong_chan[7] = {0x0F, 0x02, 0, 0, 0, 0, 0};
	assert_int_equal(app(bmc, 0x50, wrong_chan, 7).cc, CC_INVALID_FIELD);
	assert_int_equal(app(bmc, 0x50, wrong_chan, 6).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(app(bmc, 0x50, wrong_chan, 2).cc, CC_REQ_LEN_INVALID);
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_exact_bytes),
		cmocka_unit_test(payload_port_follows_config),
		cmocka_unit_test(revision_only_and_selectors),
		cmocka_unit_test(unsupported_parameters_are_80h),
		cmocka_unit_test(channel_checks),
		cmocka_unit_test(privilege_and_length),
		cmocka_unit_test(writes_round_trip),
		cmocka_unit_test(bad_values_are_cch),
		cmocka_unit_test(read_only_parameters_are_82h),
		cmocka_unit_test(set_in_progress_rules),
		cmocka_unit_test(writes_survive_restart),
		cmocka_unit_test(failed_store_changes_nothing),
		cmocka_unit_test(malformed_records_are_ignored),
		cmocka_unit_test(payload_support),
		cmocka_unit_test(payload_version),
		cmocka_unit_test(oem_payload_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

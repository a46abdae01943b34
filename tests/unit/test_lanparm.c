/* LAN configuration parameters: every parameter's bytes, validation, set-in-progress,
 * privilege, persistence and replay. */
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
#include "lanparm.h"

#define PARAM_GET_CMD CMD_GET_LAN_CONFIG
#define PARAM_SET_CMD CMD_SET_LAN_CONFIG
#define PARAM_GET_PRIV PRIV_OPERATOR
#define PARAM_SET_PRIV PRIV_ADMIN
#include "param_client.h"

#define SUITES_3_17 ((1u << 3) | (1u << 17))

static struct rsp xfer(struct bmc *bmc, uint8_t cmd, uint8_t priv, uint8_t channel, const uint8_t *data, size_t len)
{
	return xfer_on(bmc, NETFN_TRANSPORT, cmd, priv, channel, data, len);
}

static struct bmc *new_bmc(struct fake_platform *fp, uint32_t suites, bool ipmi15)
{
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.cipher_suites = suites;
	cfg.ipmi15_enabled = ipmi15;
	return fake_bmc_new(fp, &cfg, true);
}

static const struct fake_rec *find_rec(const struct fake_platform *fp, uint16_t key)
{
	return fake_find_rec(fp, STORE_LANPARM, key);
}

static unsigned count_lan_recs(const struct fake_platform *fp)
{
	unsigned n = 0;
	for (unsigned i = 0; i < FAKE_MAX_RECS; i++)
		if (fp->recs[i].used && fp->recs[i].type == STORE_LANPARM)
			n++;
	return n;
}

/* Captured log lines, to check the audit trail. */
static char logbuf[4096];
static void capture_log(void *ctx, enum bmc_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	size_t used = strlen(logbuf);
	snprintf(logbuf + used, sizeof logbuf - used, "%s\n", msg);
}

/* ---- defaults ---- */

static void defaults_exact_bytes(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);

	EXPECT(bmc, 0, 0x00);
	EXPECT(bmc, 1, 0x00);
	EXPECT(bmc, 2, 0, 0, 0, 0, 0);
	EXPECT(bmc, 3, 127, 0, 0, 1);
	EXPECT(bmc, 4, 0x01);
	EXPECT(bmc, 5, 0x02, 0, 0, 0, 0, 0x01);
	EXPECT(bmc, 6, 255, 0, 0, 0);
	EXPECT(bmc, 7, 0x40, 0x40, 0x10);
	EXPECT(bmc, 10, 0x00);
	EXPECT(bmc, 11, 0x00);
	EXPECT(bmc, 12, 0, 0, 0, 0);
	EXPECT(bmc, 13, 0, 0, 0, 0, 0, 0);
	EXPECT(bmc, 14, 0, 0, 0, 0);
	EXPECT(bmc, 15, 0, 0, 0, 0, 0, 0);
	EXPECT(bmc, 16, 'p', 'u', 'b', 'l', 'i', 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	EXPECT(bmc, 20, 0, 0);
	EXPECT(bmc, 21, 0);
	EXPECT(bmc, 22, 1);
	EXPECT(bmc, 23, 0x00, 17);
	EXPECT(bmc, 24, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0);
	EXPECT(bmc, 26, 0, 0, 0, 0, 0, 0);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 17), PRIV_ADMIN);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 3), PRIV_NO_ACCESS);
	free(bmc);
}

static void defaults_follow_config(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.cipher_suites = SUITES_3_17;
	cfg.ipmi15_enabled = true;
	const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56}, ip[4] = {10, 1, 2, 3}, mask[4] = {255, 255, 255, 0},
		      gw[4] = {10, 1, 2, 254};
	memcpy(cfg.mac, mac, 6);
	memcpy(cfg.ip, ip, 4);
	memcpy(cfg.netmask, mask, 4);
	memcpy(cfg.gateway, gw, 4);
	struct bmc *bmc = fake_bmc_new(&fp, &cfg, true);

	EXPECT(bmc, 1, 0x04);                /* MD5 only */
	EXPECT(bmc, 2, 0x04, 0x04, 0x04, 0x04, 0x00);
	EXPECT(bmc, 3, 10, 1, 2, 3);
	EXPECT(bmc, 5, 0x52, 0x54, 0, 0x12, 0x34, 0x56);
	EXPECT(bmc, 6, 255, 255, 255, 0);
	EXPECT(bmc, 12, 10, 1, 2, 254);
	EXPECT(bmc, 22, 2);
	EXPECT(bmc, 23, 0x00, 3, 17);
	EXPECT(bmc, 24, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 3), PRIV_ADMIN);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 17), PRIV_ADMIN);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 1), PRIV_NO_ACCESS);
	free(bmc);
}

static void revision_only(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);
	const uint8_t params[] = {0, 1, 3, 16, 23, 24, 26};
	for (size_t i = 0; i < sizeof params; i++) {
		struct rsp r = get_sel(bmc, 0x81, params[i], 0, 0);
		assert_int_equal(r.cc, CC_OK);
		assert_int_equal(r.len, 1);
		assert_int_equal(r.data[0], 0x11);
	}
	assert_int_equal(get_sel(bmc, 0x81, 8, 0, 0).cc, 0x80);
	free(bmc);
}

/* ---- request checks ---- */

static void unsupported_parameters(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);
	const uint8_t params[] = {8, 9, 17, 18, 19, 25, 27, 50, 0xC0, 0xFF};
	const uint8_t one[1] = {0};
	for (size_t i = 0; i < sizeof params; i++) {
		struct rsp r = get(bmc, params[i]);
		assert_int_equal(r.cc, 0x80);
		assert_int_equal(r.len, 0);
		assert_int_equal(set(bmc, params[i], one, 1), 0x80);
	}
	assert_int_equal(count_lan_recs(&fp), 0);
	free(bmc);
}

static void selectors_must_be_zero(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);
	assert_int_equal(get_sel(bmc, 1, 3, 1, 0).cc, CC_INVALID_FIELD);
	assert_int_equal(get_sel(bmc, 1, 3, 0, 1).cc, CC_INVALID_FIELD);
	assert_int_equal(get_sel(bmc, 1, 23, 0, 2).cc, CC_INVALID_FIELD);
	/* an unsupported parameter says so before its selectors are looked at */
	assert_int_equal(get_sel(bmc, 1, 18, 1, 0).cc, 0x80);
	free(bmc);
}

static void channel_checks(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);
	const uint8_t ip[4] = {10, 0, 0, 9};

	/* 0Eh means the channel the request came in on */
	assert_int_equal(get_sel(bmc, 0x0E, 3, 0, 0).cc, CC_OK);
	assert_int_equal(get_sel(bmc, 0x8E, 3, 0, 0).cc, CC_OK);
	assert_int_equal(set_ch(bmc, 0x0E, 3, ip, 4), CC_OK);
	EXPECT(bmc, 3, 10, 0, 0, 9);
	assert_non_null(find_rec(&fp, 0x0103));

	/* other channels, non-LAN channels, reserved bits */
	const uint8_t chans[] = {0x00, 0x02, 0x03, 0x0F, 0x11, 0x21, 0x41};
	for (size_t i = 0; i < sizeof chans; i++) {
		assert_int_equal(get_sel(bmc, chans[i], 3, 0, 0).cc, CC_INVALID_FIELD);
		assert_int_equal(set_ch(bmc, chans[i], 3, ip, 4), CC_INVALID_FIELD);
	}
	assert_int_equal(set_ch(bmc, 0x81, 3, ip, 4), CC_INVALID_FIELD); /* no rev-only bit in Set */

	/* "current channel" from the system interface is not a LAN channel */
	const uint8_t q[4] = {0x0E, 3, 0, 0};
	assert_int_equal(xfer(bmc, CMD_GET_LAN_CONFIG, PRIV_ADMIN, CHANNEL_SYSTEM, q, 4).cc, CC_INVALID_FIELD);
	free(bmc);
}

static void request_lengths(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);
	const uint8_t q[24] = {1, 3, 0, 0, 0};

	assert_int_equal(xfer(bmc, CMD_GET_LAN_CONFIG, PRIV_ADMIN, CHANNEL_LAN, q, 3).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, CMD_GET_LAN_CONFIG, PRIV_ADMIN, CHANNEL_LAN, q, 5).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, CMD_SET_LAN_CONFIG, PRIV_ADMIN, CHANNEL_LAN, q, 2).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, CMD_SET_LAN_CONFIG, PRIV_ADMIN, CHANNEL_LAN, q, 21).cc, CC_REQ_LEN_INVALID);

	/* each parameter takes exactly its length */
	struct {
		uint8_t param, len;
	} lens[] = {{0, 1}, {2, 5}, {3, 4}, {4, 1}, {5, 6}, {6, 4}, {7, 3}, {10, 1}, {11, 1}, {12, 4}, {13, 6},
		    {14, 4}, {15, 6}, {16, 18}, {20, 2}, {21, 1}, {24, 9}, {26, 6}};
	const uint8_t zero[20] = {0};
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		assert_int_equal(set(bmc, lens[i].param, zero, lens[i].len - 1u), CC_REQ_LEN_INVALID);
		assert_int_equal(set(bmc, lens[i].param, zero, lens[i].len + 1u), CC_REQ_LEN_INVALID);
	}
	assert_int_equal(count_lan_recs(&fp), 0);
	free(bmc);
}

static void privileges(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);
	const uint8_t g[4] = {1, 3, 0, 0};
	const uint8_t s[6] = {1, 3, 10, 0, 0, 5};

	assert_int_equal(xfer(bmc, CMD_GET_LAN_CONFIG, PRIV_USER, CHANNEL_LAN, g, 4).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, CMD_GET_LAN_CONFIG, PRIV_OPERATOR, CHANNEL_LAN, g, 4).cc, CC_OK);
	assert_int_equal(xfer(bmc, CMD_SET_LAN_CONFIG, PRIV_OPERATOR, CHANNEL_LAN, s, 6).cc, CC_INSUFFICIENT_PRIV);
	EXPECT(bmc, 3, 127, 0, 0, 1);
	assert_int_equal(xfer(bmc, CMD_SET_LAN_CONFIG, PRIV_ADMIN, CHANNEL_LAN, s, 6).cc, CC_OK);
	EXPECT(bmc, 3, 10, 0, 0, 5);
	free(bmc);
}

static void read_only_parameters(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, true);
	SET_CC(bmc, 0x82, 1, 0x04);
	SET_CC(bmc, 0x82, 22, 0x01);
	SET_CC(bmc, 0x82, 23, 0x00, 17);
	SET_CC(bmc, 0x82, 23, 0x00, 3, 17);
	EXPECT(bmc, 1, 0x04);
	EXPECT(bmc, 22, 1);
	EXPECT(bmc, 23, 0x00, 17);
	assert_int_equal(count_lan_recs(&fp), 0);
	free(bmc);
}

/* ---- writes: round trip, record, audit ---- */

static void writes_round_trip_and_persist(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, SUITES_3_17, true);
	logbuf[0] = 0;
	bmc->plat.log = capture_log;

	SET(bmc, 2, 0x04, 0x04, 0x00, 0x04, 0x00);
	SET(bmc, 3, 10, 0, 0, 5);
	SET(bmc, 4, 0x02);
	SET(bmc, 5, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55);
	SET(bmc, 6, 255, 255, 255, 0);
	SET(bmc, 7, 0x20, 0x40, 0x10);
	SET(bmc, 10, 0x03);
	SET(bmc, 11, 0x04);
	SET(bmc, 12, 10, 0, 0, 1);
	SET(bmc, 13, 0x00, 0x0C, 0x29, 0xAA, 0xBB, 0xCC);
	SET(bmc, 14, 10, 0, 0, 2);
	SET(bmc, 15, 0x00, 0x0C, 0x29, 0xAA, 0xBB, 0xCD);
	SET(bmc, 16, 'm', 'y', 'c', 'o', 'm', 'm', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	SET(bmc, 20, 100, 0x80);
	SET(bmc, 21, 0x05);
	SET(bmc, 24, 0x00, 0x43, 0, 0, 0, 0, 0, 0, 0);
	SET(bmc, 26, 0x01, 3, 0x2C, 0x01, 0x58, 0x02);

	const struct fake_rec *rec = find_rec(&fp, 0x0103);
	assert_non_null(rec);
	assert_int_equal(rec->len, 4);
	const uint8_t ip[4] = {10, 0, 0, 5};
	assert_memory_equal(rec->value, ip, 4);
	rec = find_rec(&fp, 0x0114);
	assert_non_null(rec);
	assert_int_equal(rec->len, 2);
	/* param 24 remembers which suites its entries meant */
	rec = find_rec(&fp, 0x0118);
	assert_non_null(rec);
	const uint8_t r24[] = {0x43, 0, 0, 0, 0, 0, 0, 0, 3, 17};
	assert_int_equal(rec->len, sizeof r24);
	assert_memory_equal(rec->value, r24, sizeof r24);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 3), PRIV_OPERATOR);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 17), PRIV_ADMIN);

	assert_non_null(strstr(logbuf, "audit: lan param 3 set\n"));
	assert_non_null(strstr(logbuf, "audit: lan param 24 set\n"));
	assert_non_null(strstr(logbuf, "audit: lan param 26 set\n"));
	free(bmc);
}

static void ipmitool_cipher_privs(void **state)
{
	(void)state;
	struct fake_platform fp;
	/* "XaaaXXaaaXaaaXX" as ipmitool encodes it: entry 0 X, entry 1 a, ... */
	const uint8_t privs[9] = {0x00, 0x40, 0x44, 0x00, 0x44, 0x04, 0x44, 0x04, 0x00};

	/* suites 3 and 17: suite 3 loses access, 17 keeps ADMINISTRATOR; read back verbatim */
	struct bmc *bmc = new_bmc(&fp, SUITES_3_17, false);
	assert_int_equal(set(bmc, 24, privs, 9), CC_OK);
	expect(bmc, 24, privs, 9);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 3), PRIV_NO_ACCESS);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 17), PRIV_ADMIN);
	free(bmc);

	/* only suite 17: the same string would shut every administrator out */
	bmc = new_bmc(&fp, 1u << 17, false);
	assert_int_equal(set(bmc, 24, privs, 9), CC_INVALID_FIELD);
	EXPECT(bmc, 24, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 17), PRIV_ADMIN);
	free(bmc);
}

static void invalid_fields(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, SUITES_3_17, false);

	SET_CC(bmc, CC_INVALID_FIELD, 2, 0x04, 0, 0, 0, 0);   /* MD5 while IPMI 1.5 is off */
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0, 0, 0, 0x01, 0);   /* "none" */
	SET(bmc, 2, 0, 0, 0, 0, 0);
	SET_CC(bmc, CC_INVALID_FIELD, 4, 0x05);
	SET_CC(bmc, CC_INVALID_FIELD, 4, 0x11);
	SET(bmc, 4, 0x04);
	SET_CC(bmc, CC_INVALID_FIELD, 5, 0x01, 0, 0, 0, 0, 1); /* multicast */
	SET_CC(bmc, CC_INVALID_FIELD, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
	SET_CC(bmc, CC_INVALID_FIELD, 13, 0x33, 0x33, 0, 0, 0, 1);
	SET_CC(bmc, CC_INVALID_FIELD, 15, 0x01, 0x00, 0x5E, 0, 0, 1);
	SET_CC(bmc, CC_INVALID_FIELD, 6, 255, 0, 255, 0);
	SET_CC(bmc, CC_INVALID_FIELD, 6, 255, 255, 255, 1);
	SET_CC(bmc, CC_INVALID_FIELD, 6, 0, 0, 0, 255);
	SET(bmc, 6, 255, 255, 255, 255);
	SET(bmc, 6, 255, 255, 240, 0);
	SET(bmc, 6, 0, 0, 0, 0);
	SET_CC(bmc, CC_INVALID_FIELD, 7, 0x40, 0x41, 0x10);
	SET_CC(bmc, CC_INVALID_FIELD, 7, 0x40, 0x40, 0x11);
	SET_CC(bmc, CC_INVALID_FIELD, 10, 0x04);
	SET_CC(bmc, CC_INVALID_FIELD, 16, 'a', 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	SET_CC(bmc, CC_INVALID_FIELD, 16, 'a', 0, 'b', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	SET_CC(bmc, CC_INVALID_FIELD, 16, 0xC3, 0xA9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	SET(bmc, 16, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r');
	SET_CC(bmc, CC_INVALID_FIELD, 20, 100, 0x90);  /* reserved bit */
	SET_CC(bmc, CC_INVALID_FIELD, 20, 0, 0x80);    /* id 0 enabled */
	SET_CC(bmc, CC_INVALID_FIELD, 20, 0xFF, 0x8F); /* id 4095 enabled */
	SET(bmc, 20, 0xFE, 0x8F);                      /* 4094 */
	SET(bmc, 20, 0x01, 0x80);                      /* 1 */
	SET(bmc, 20, 100, 0x00);                       /* disabled, id kept */
	SET_CC(bmc, CC_INVALID_FIELD, 21, 0x08);
	SET_CC(bmc, CC_INVALID_FIELD, 24, 0x01, 0x44, 0, 0, 0, 0, 0, 0, 0); /* reserved byte */
	SET_CC(bmc, CC_INVALID_FIELD, 24, 0x00, 0x46, 0, 0, 0, 0, 0, 0, 0); /* privilege 6 */
	SET_CC(bmc, CC_INVALID_FIELD, 24, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xF0); /* beyond the entries too */
	SET_CC(bmc, CC_INVALID_FIELD, 24, 0x00, 0x33, 0, 0, 0, 0, 0, 0, 0); /* nobody keeps ADMIN */
	SET(bmc, 24, 0x00, 0x50, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44); /* OEM counts as ADMIN+ */
	SET_CC(bmc, CC_INVALID_FIELD, 26, 0x02, 0, 0, 0, 0, 0);

	/* the rejected writes changed nothing */
	EXPECT(bmc, 4, 0x04);
	EXPECT(bmc, 5, 0x02, 0, 0, 0, 0, 0x01);
	EXPECT(bmc, 6, 0, 0, 0, 0);
	EXPECT(bmc, 7, 0x40, 0x40, 0x10);
	EXPECT(bmc, 10, 0x00);
	EXPECT(bmc, 13, 0, 0, 0, 0, 0, 0);
	EXPECT(bmc, 20, 100, 0x00);
	EXPECT(bmc, 21, 0x00);
	EXPECT(bmc, 26, 0, 0, 0, 0, 0, 0);
	free(bmc);
}

static void auth_enables_with_ipmi15(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, true);
	SET(bmc, 2, 0x00, 0x04, 0x04, 0x04, 0x04);
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0x00, 0x10, 0x04, 0x04, 0x04); /* straight password */
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0x00, 0x02, 0x04, 0x04, 0x04); /* MD2 */
	SET_CC(bmc, CC_INVALID_FIELD, 2, 0x40, 0x04, 0x04, 0x04, 0x04); /* reserved */
	EXPECT(bmc, 2, 0x00, 0x04, 0x04, 0x04, 0x04);
	free(bmc);
}

/* ---- set in progress ---- */

static void set_in_progress_rules(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);

	SET(bmc, 0, 0x01);
	SET_CC(bmc, 0x81, 0, 0x01); /* already in progress */
	EXPECT(bmc, 0, 0x01);
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x02}, 1), CC_OK); /* commit: nothing pending */
	EXPECT(bmc, 0, 0x01);
	SET(bmc, 0, 0x00);
	SET(bmc, 0, 0x00); /* complete while complete is fine */
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x02}, 1), CC_OK);
	EXPECT(bmc, 0, 0x00);
	SET_CC(bmc, CC_INVALID_FIELD, 0, 0x03);
	SET_CC(bmc, CC_INVALID_FIELD, 0, 0x05);
	SET_CC(bmc, CC_INVALID_FIELD, 0, 0x81);
	SET_CC(bmc, CC_REQ_LEN_INVALID, 0, 0x01, 0x00);
	EXPECT(bmc, 0, 0x00);

	/* volatile: never stored, and a restart starts "complete" */
	SET(bmc, 0, 0x01);
	assert_int_equal(count_lan_recs(&fp), 0);
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0100, (const uint8_t[]){0x01}, 1), -1);
	struct fake_platform fp2;
	struct bmc *again = new_bmc(&fp2, 1u << 17, false);
	fake_replay(&fp, again);
	EXPECT(again, 0, 0x00);
	free(again);
	free(bmc);
}

/* ipmitool 1.8.19 "lan set 1 ipaddr": read the lock, lock, write, read back, commit,
 * unlock. */
static void ipmitool_lock_write_commit_sequence(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, 1u << 17, false);

	EXPECT(bmc, 0, 0x00);
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x01}, 1), CC_OK);
	EXPECT(bmc, 0, 0x01);
	assert_int_equal(set(bmc, 3, (const uint8_t[]){10, 0, 0, 5}, 4), CC_OK);
	EXPECT(bmc, 3, 10, 0, 0, 5);
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x02}, 1), CC_OK);
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x00}, 1), CC_OK);
	EXPECT(bmc, 0, 0x00);
	/* and the next command's lock works again */
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x01}, 1), CC_OK);
	assert_int_equal(set(bmc, 6, (const uint8_t[]){255, 255, 255, 0}, 4), CC_OK);
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x02}, 1), CC_OK);
	assert_int_equal(set(bmc, 0, (const uint8_t[]){0x00}, 1), CC_OK);
	free(bmc);
}

/* ---- persistence ---- */

static void replay_restores_writes(void **state)
{
	(void)state;
	struct fake_platform fp, fp2;
	struct bmc *bmc = new_bmc(&fp, SUITES_3_17, false);
	assert_int_equal(set(bmc, 3, (const uint8_t[]){10, 0, 0, 5}, 4), CC_OK);
	assert_int_equal(set(bmc, 6, (const uint8_t[]){255, 255, 0, 0}, 4), CC_OK);
	assert_int_equal(set(bmc, 12, (const uint8_t[]){10, 0, 0, 1}, 4), CC_OK);
	assert_int_equal(set(bmc, 20, (const uint8_t[]){100, 0x80}, 2), CC_OK);
	assert_int_equal(set(bmc, 11, (const uint8_t[]){7}, 1), CC_OK);
	const uint8_t privs[9] = {0x00, 0x42, 0x05, 0, 0, 0, 0, 0, 0x10};
	assert_int_equal(set(bmc, 24, privs, 9), CC_OK);
	assert_int_equal(set(bmc, 26, (const uint8_t[]){1, 5, 6, 0, 0x3C, 0}, 6), CC_OK);

	struct bmc *again = new_bmc(&fp2, SUITES_3_17, false);
	fake_replay(&fp, again);
	EXPECT(again, 3, 10, 0, 0, 5); /* stored values override the configured ones */
	EXPECT(again, 6, 255, 255, 0, 0);
	EXPECT(again, 12, 10, 0, 0, 1);
	EXPECT(again, 20, 100, 0x80);
	EXPECT(again, 11, 7);
	expect(again, 24, privs, 9); /* same suites: verbatim, extra nibbles included */
	EXPECT(again, 26, 1, 5, 6, 0, 0x3C, 0);
	EXPECT(again, 5, 0x02, 0, 0, 0, 0, 0x01); /* untouched: still the configured MAC */
	assert_int_equal(bmc_lanparm_suite_priv(again, 3), PRIV_USER);
	assert_int_equal(bmc_lanparm_suite_priv(again, 17), PRIV_ADMIN);
	free(again);
	free(bmc);
}

static void replay_remaps_suite_privileges(void **state)
{
	(void)state;
	struct fake_platform fp, fp2, fp3;

	/* written with suites 3 and 17: 3 = USER, 17 = ADMINISTRATOR... */
	struct bmc *bmc = new_bmc(&fp, (1u << 17) | (1u << 3), false);
	assert_int_equal(set(bmc, 24, (const uint8_t[]){0, 0x42, 0, 0, 0, 0, 0, 0, 0}, 9), CC_OK);
	free(bmc);

	/* ...suite 3 disabled later: 17 keeps its own level (entry B moves to A) */
	struct bmc *only17 = new_bmc(&fp2, 1u << 17, false);
	fake_replay(&fp, only17);
	EXPECT(only17, 24, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(bmc_lanparm_suite_priv(only17, 17), PRIV_ADMIN);
	free(only17);

	/* suite 16 enabled later, between them: it gets the default, the others keep theirs */
	struct bmc *three = new_bmc(&fp3, (1u << 3) | (1u << 16) | (1u << 17), false);
	fake_replay(&fp, three);
	EXPECT(three, 23, 0x00, 3, 16, 17);
	EXPECT(three, 24, 0x00, 0x42, 0x04, 0, 0, 0, 0, 0, 0);
	assert_int_equal(bmc_lanparm_suite_priv(three, 3), PRIV_USER);
	assert_int_equal(bmc_lanparm_suite_priv(three, 16), PRIV_ADMIN); /* new: default */
	assert_int_equal(bmc_lanparm_suite_priv(three, 17), PRIV_ADMIN);
	free(three);
}

static void replay_rejects_remap_that_locks_out(void **state)
{
	(void)state;
	struct fake_platform fp, fp2;
	/* 3: admin, 17: no access */
	struct bmc *bmc = new_bmc(&fp, SUITES_3_17, false);
	assert_int_equal(set(bmc, 24, (const uint8_t[]){0, 0x04, 0, 0, 0, 0, 0, 0, 0}, 9), CC_OK);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 17), PRIV_NO_ACCESS);
	free(bmc);
	/* suite 3 gone: the record would leave nobody with ADMIN, so the default stays */
	struct bmc *only17 = new_bmc(&fp2, 1u << 17, false);
	const struct fake_rec *rec = find_rec(&fp, 0x0118);
	assert_non_null(rec);
	assert_int_equal(bmc_lanparm_apply(only17, rec->key, rec->value, rec->len), -1);
	assert_int_equal(bmc_lanparm_suite_priv(only17, 17), PRIV_ADMIN);
	free(only17);
}

static void store_failure_changes_nothing(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, SUITES_3_17, false);
	logbuf[0] = 0;
	bmc->plat.log = capture_log;
	fp.store_fail = 1;

	SET_CC(bmc, CC_UNSPECIFIED, 3, 10, 0, 0, 5);
	SET_CC(bmc, CC_UNSPECIFIED, 20, 100, 0x80);
	SET_CC(bmc, CC_UNSPECIFIED, 24, 0x00, 0x42, 0, 0, 0, 0, 0, 0, 0);
	SET_CC(bmc, CC_UNSPECIFIED, 16, 'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	EXPECT(bmc, 3, 127, 0, 0, 1);
	EXPECT(bmc, 20, 0, 0);
	EXPECT(bmc, 24, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0);
	EXPECT(bmc, 16, 'p', 'u', 'b', 'l', 'i', 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_null(strstr(logbuf, "audit:"));
	assert_int_equal(count_lan_recs(&fp), 0);

	/* set in progress is volatile, so it needs no store */
	SET(bmc, 0, 0x01);
	fp.store_fail = 0;
	SET(bmc, 3, 10, 0, 0, 5);
	free(bmc);
}

static void malformed_records_rejected(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, SUITES_3_17, false);
	const uint8_t ip[4] = {10, 9, 9, 9};
	const uint8_t p24ok[10] = {0x44, 0, 0, 0, 0, 0, 0, 0, 3, 17};
	const uint8_t p24long[25] = {0x44};
	const uint8_t p24none[10] = {0x00, 0, 0, 0, 0, 0, 0, 0, 3, 17};
	const uint8_t p24bad[10] = {0x4E, 0, 0, 0, 0, 0, 0, 0, 3, 17};

	assert_int_equal(bmc_lanparm_apply(bmc, 0x0203, ip, 4), -1);           /* channel 2 */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0003, ip, 4), -1);           /* channel 0 */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0103, ip, 3), -1);           /* short */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0103, ip, 0), -1);           /* empty */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0103, NULL, 4), -1);
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0101, ip, 1), -1);           /* read-only */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0117, ip, 2), -1);           /* read-only */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0108, ip, 2), -1);           /* unsupported */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0104, (const uint8_t[]){9}, 1), -1);
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0106, (const uint8_t[]){255, 0, 255, 0}, 4), -1);
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0118, p24ok, 7), -1);
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0118, p24long, sizeof p24long), -1);
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0118, p24none, sizeof p24none), -1);
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0118, p24bad, sizeof p24bad), -1);
	/* nothing changed */
	EXPECT(bmc, 3, 127, 0, 0, 1);
	EXPECT(bmc, 4, 0x01);
	EXPECT(bmc, 24, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0);

	/* well-formed records apply, through bmc_store_apply too */
	assert_int_equal(bmc_lanparm_apply(bmc, 0x0103, ip, 4), 0);
	EXPECT(bmc, 3, 10, 9, 9, 9);
	bmc_store_apply(bmc, STORE_LANPARM, 0x0118, (const uint8_t[]){0x34, 0, 0, 0, 0, 0, 0, 0, 3, 17}, 10);
	EXPECT(bmc, 24, 0x00, 0x34, 0, 0, 0, 0, 0, 0, 0);
	bmc_store_apply(bmc, STORE_LANPARM, 0x0104, (const uint8_t[]){7}, 1); /* ignored */
	EXPECT(bmc, 4, 0x01);
	free(bmc);
}

static void suite_priv_lookup(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, (1u << 0) | SUITES_3_17, false);
	EXPECT(bmc, 23, 0x00, 0, 3, 17);
	/* 0: callback, 3: reserved nibble (unused), 17: OEM */
	assert_int_equal(set(bmc, 24, (const uint8_t[]){0, 0x01, 0x05, 0, 0, 0, 0, 0, 0}, 9), CC_OK);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 0), PRIV_CALLBACK);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 3), PRIV_NO_ACCESS);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 17), PRIV_OEM);
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 2), PRIV_NO_ACCESS);  /* not enabled */
	assert_int_equal(bmc_lanparm_suite_priv(bmc, 99), PRIV_NO_ACCESS); /* not a suite */
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_exact_bytes),
		cmocka_unit_test(defaults_follow_config),
		cmocka_unit_test(revision_only),
		cmocka_unit_test(unsupported_parameters),
		cmocka_unit_test(selectors_must_be_zero),
		cmocka_unit_test(channel_checks),
		cmocka_unit_test(request_lengths),
		cmocka_unit_test(privileges),
		cmocka_unit_test(read_only_parameters),
		cmocka_unit_test(writes_round_trip_and_persist),
		cmocka_unit_test(ipmitool_cipher_privs),
		cmocka_unit_test(invalid_fields),
		cmocka_unit_test(auth_enables_with_ipmi15),
		cmocka_unit_test(set_in_progress_rules),
		cmocka_unit_test(ipmitool_lock_write_commit_sequence),
		cmocka_unit_test(replay_restores_writes),
		cmocka_unit_test(replay_remaps_suite_privileges),
		cmocka_unit_test(replay_rejects_remap_that_locks_out),
		cmocka_unit_test(store_failure_changes_nothing),
		cmocka_unit_test(malformed_records_rejected),
		cmocka_unit_test(suite_priv_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

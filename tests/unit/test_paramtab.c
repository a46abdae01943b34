/* The configuration-parameter engine (core/paramtab.c) on a table of its own: the
 * fail-closed paths that no real table reaches (a validator that reads the wrong number
 * of bytes, a stored form that outgrows the record buffer, a table without parameter
 * 0), and the key scheme of a table that does not key by channel. The LAN, SOL and
 * Serial/Modem tests cover everything the real tables do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_platform.h"
#include "paramtab.h"

#define TEST_STORE 0x7F00 /* a record type no module replays */

/* Reads one byte of a two-byte parameter: a bug the engine must not let through. */
static uint8_t check_short(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	rd_u8(r);
	return CC_OK;
}

/* A stored form longer than BMC_PARAM_REC_MAX. */
static void record_too_long(const struct bmc *bmc, struct bmc_reader *r, struct bmc_writer *rec)
{
	(void)bmc;
	uint8_t v = rd_u8(r);
	for (int i = 0; i <= BMC_PARAM_REC_MAX; i++)
		wr_u8(rec, v);
}

#define FIELD(m) ((uint8_t)offsetof(struct bmc_solparm, m))

/* Borrows struct bmc_solparm's bytes as its state. */
static const struct bmc_paramdef defs[] = {
	{.id = 0, .len = 1, .off = FIELD(set_in_progress)},
	{.id = 1, .len = 2, .off = FIELD(accumulate), .check = check_short},
	{.id = 2, .len = 1, .off = FIELD(enable), .record = record_too_long},
	{.id = 3, .len = 1, .off = FIELD(auth)},
};

static const struct bmc_paramtab tab = {
	.defs = defs,
	.count = sizeof defs / sizeof defs[0],
	.state_off = offsetof(struct bmc, solparm),
	.name = "test",
	.revision = 0x11,
	.cc_not_supported = 0x80,
	.cc_set_in_progress = 0x81,
	.cc_read_only = 0x82,
	.store_type = TEST_STORE,
	.key_has_channel = false,
};

static unsigned count_recs(const struct fake_platform *fp)
{
	unsigned n = 0;
	for (unsigned i = 0; i < FAKE_MAX_RECS; i++)
		if (fp->recs[i].used && fp->recs[i].type == TEST_STORE)
			n++;
	return n;
}

static void fails_closed(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, false);
	struct bmc_solparm before = bmc->solparm;
	const uint8_t two[2] = {1, 2}, one[1] = {0};

	/* FFh, nothing stored, nothing changed, and the same bytes never replay. */
	assert_int_equal(bmc_paramtab_set(bmc, &tab, 2, 1, two, 2), CC_UNSPECIFIED);
	assert_int_equal(bmc_paramtab_apply(bmc, &tab, 1, two, 2), -1);
	assert_int_equal(bmc_paramtab_set(bmc, &tab, 2, 2, one, 1), CC_UNSPECIFIED);
	assert_int_equal(count_recs(&fp), 0);
	assert_memory_equal(&bmc->solparm, &before, sizeof before);

	/* A table without parameter 0 has no "set in progress" to set. */
	struct bmc_paramtab no_sip = tab;
	no_sip.defs = defs + 1;
	no_sip.count--;
	const uint8_t lock = 0x01;
	assert_int_equal(bmc_paramtab_set(bmc, &no_sip, 2, 0, &lock, 1), 0x80);
	assert_memory_equal(&bmc->solparm, &before, sizeof before);
	free(bmc);
}

static void key_without_channel(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, false);
	const uint8_t v = 0x44;

	/* The channel a Set names is not part of the key... */
	assert_int_equal(bmc_paramtab_set(bmc, &tab, 2, 3, &v, 1), CC_OK);
	const struct fake_rec *rec = fake_find_rec(&fp, TEST_STORE, 3);
	assert_non_null(rec);
	assert_int_equal(rec->len, 1);
	assert_int_equal(rec->value[0], 0x44);
	assert_int_equal(count_recs(&fp), 1);
	/* ...so a record whose key names one cannot be this table's. */
	const uint8_t w = 0x45;
	assert_int_equal(bmc_paramtab_apply(bmc, &tab, 0x0203, &w, 1), -1);
	assert_int_equal(bmc->solparm.auth, 0x44);
	assert_int_equal(bmc_paramtab_apply(bmc, &tab, 0x0003, &w, 1), 0);
	assert_int_equal(bmc->solparm.auth, 0x45);
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fails_closed),
		cmocka_unit_test(key_without_channel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

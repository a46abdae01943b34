/* SOL configuration parameters of the LAN channel, IPMI 2.0 §26.2-26.3 (table 26-5).
 *
 * Every parameter bmcd offers is a short byte string in struct bmc_solparm, so one
 * table gives each its exact length, its place, whether it is read-only or volatile,
 * and a validator; the two read-only ones are computed. Get, Set, "set in progress" and
 * replay are the shared engine's (paramtab.c), as for the LAN parameters. */
#include <stddef.h>
#include <string.h>

#include "bmc/store.h"
#include "paramtab.h"
#include "solparm.h"

#define NO_FIELD BMC_PARAM_NO_FIELD
#define RO BMC_PARAM_RO
#define VOLATILE BMC_PARAM_VOLATILE

_Static_assert(sizeof(struct bmc_solparm) < NO_FIELD, "field offsets must fit in a byte");

/* Defaults. The spec leaves them to the implementation; these follow DESIGN.md §5 for
 * authentication (a console is as powerful as a root shell: encrypted and integrity
 * protected, as cipher suite 17 provides) and common BMC practice for the timing. */
#define DEF_AUTH (SOLP_AUTH_FORCE_ENCRYPTION | SOLP_AUTH_FORCE_AUTHENTICATION | PRIV_USER)
#define DEF_ACCUMULATE_5MS 12 /* 60 ms */
#define DEF_THRESHOLD 96      /* characters */
#define DEF_RETRY_COUNT 7
#define DEF_RETRY_10MS 10     /* 100 ms */
#define DEF_BIT_RATE 0x0A     /* 115200 bit/s: the simulated host's console speed */

/* ---- validators: each reads exactly def->len bytes ---- */

/* Param 1: [7:1] reserved, [0] SOL enable. */
static uint8_t check_enable(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	return rd_u8(r) & 0xFE ? CC_INVALID_FIELD : CC_OK;
}

/* Param 2: [7] force encryption, [6] force authentication, [5:4] reserved, [3:0] the
 * privilege needed to activate SOL (1h callback .. 5h OEM; 0h and 6h-Fh reserved).
 * Encryption without authentication is refused: AES-CBC without an integrity check
 * lets anyone on the path flip bits of what is typed into a root console. */
static uint8_t check_auth(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t v = rd_u8(r);
	uint8_t priv = v & SOLP_AUTH_PRIV_MASK;
	if (v & 0x30)
		return CC_INVALID_FIELD;
	if (priv < PRIV_CALLBACK || priv > PRIV_OEM)
		return CC_INVALID_FIELD;
	if ((v & SOLP_AUTH_FORCE_ENCRYPTION) && !(v & SOLP_AUTH_FORCE_AUTHENTICATION))
		return CC_INVALID_FIELD;
	return CC_OK;
}

/* Param 3: character accumulate interval (5 ms units) and send threshold (characters),
 * both 1-based: 00h is reserved. */
static uint8_t check_accumulate(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t interval = rd_u8(r), threshold = rd_u8(r);
	return interval == 0 || threshold == 0 ? CC_INVALID_FIELD : CC_OK;
}

/* Param 4: [7:3] reserved, [2:0] retry count; retry interval (10 ms units, 0 = back to
 * back). */
static uint8_t check_retry(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t count = rd_u8(r);
	rd_skip(r, 1);
	return count & 0xF8 ? CC_INVALID_FIELD : CC_OK;
}

/* Params 5, 6: [7:4] reserved, [3:0] 0h "the serial channel's rate", 6h 9600, 7h 19200,
 * 8h 38400, 9h 57600, Ah 115200; everything else reserved. */
static uint8_t check_bit_rate(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t v = rd_u8(r);
	return v == 0 || (v >= 0x06 && v <= 0x0A) ? CC_OK : CC_INVALID_FIELD;
}

/* ---- computed reads ---- */

/* Param 7: SOL is carried on the LAN channel only. */
static void get_channel(const struct bmc *bmc, struct bmc_writer *w)
{
	(void)bmc;
	wr_u8(w, CHANNEL_LAN);
}

/* Param 8: the UDP port of the RMCP+ sessions that carry SOL, LS byte first. */
static void get_port(const struct bmc *bmc, struct bmc_writer *w)
{
	wr_u16le(w, bmc->cfg.lan_port ? bmc->cfg.lan_port : 623);
}

#define FIELD(m) ((uint8_t)offsetof(struct bmc_solparm, m))

/* A new non-volatile bit rate (param 5) does not change the rate in force (param 6)
 * until the next start. */
static const struct bmc_paramdef params[] = {
	{.id = SOLP_SET_IN_PROGRESS, .len = 1, .off = FIELD(set_in_progress), .flags = VOLATILE},
	{.id = SOLP_ENABLE, .len = 1, .off = FIELD(enable), .check = check_enable},
	{.id = SOLP_AUTH, .len = 1, .off = FIELD(auth), .check = check_auth},
	{.id = SOLP_ACCUMULATE, .len = 2, .off = FIELD(accumulate), .check = check_accumulate},
	{.id = SOLP_RETRY, .len = 2, .off = FIELD(retry), .check = check_retry},
	{.id = SOLP_NV_BIT_RATE, .len = 1, .off = FIELD(nv_bit_rate), .check = check_bit_rate},
	{.id = SOLP_V_BIT_RATE, .len = 1, .off = FIELD(v_bit_rate), .flags = VOLATILE, .check = check_bit_rate},
	{.id = SOLP_PAYLOAD_CHANNEL, .len = 1, .off = NO_FIELD, .flags = RO, .get = get_channel},
	{.id = SOLP_PAYLOAD_PORT, .len = 2, .off = NO_FIELD, .flags = RO, .get = get_port},
};

/* Only the LAN channel carries SOL. */
static const struct bmc_paramtab sol_tab = {
	.defs = params,
	.count = sizeof params / sizeof params[0],
	.state_off = offsetof(struct bmc, solparm),
	.name = "sol",
	.revision = BMC_SOLPARM_REVISION,
	.cc_not_supported = CC_SOLP_NOT_SUPPORTED,
	.cc_set_in_progress = CC_SOLP_SET_IN_PROGRESS,
	.cc_read_only = CC_SOLP_READ_ONLY,
	.store_type = STORE_SOLPARM,
	.key_has_channel = true,
	.channel = CHANNEL_LAN,
};

/* ---- public API ---- */

void bmc_solparm_defaults(struct bmc *bmc)
{
	struct bmc_solparm *s = &bmc->solparm;

	memset(s, 0, sizeof *s);
	s->enable = 0x01;
	s->auth = DEF_AUTH;
	s->accumulate[0] = DEF_ACCUMULATE_5MS;
	s->accumulate[1] = DEF_THRESHOLD;
	s->retry[0] = DEF_RETRY_COUNT;
	s->retry[1] = DEF_RETRY_10MS;
	s->nv_bit_rate = DEF_BIT_RATE;
	s->v_bit_rate = DEF_BIT_RATE;
}

uint8_t bmc_solparm_get(struct bmc *bmc, uint8_t param, uint8_t set_sel, uint8_t block_sel, bool rev_only,
			struct bmc_writer *w)
{
	return bmc_paramtab_get(bmc, &sol_tab, param, set_sel, block_sel, rev_only, w);
}

uint8_t bmc_solparm_set(struct bmc *bmc, uint8_t param, const uint8_t *data, size_t len)
{
	return bmc_paramtab_set(bmc, &sol_tab, CHANNEL_LAN, param, data, len);
}

int bmc_solparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	int rc = bmc_paramtab_apply(bmc, &sol_tab, key, value, len);
	/* The volatile rate starts as the non-volatile one at every start (§26.3). */
	if (rc == 0 && (uint8_t)key == SOLP_NV_BIT_RATE)
		bmc->solparm.v_bit_rate = bmc->solparm.nv_bit_rate;
	return rc;
}

bool bmc_solparm_enabled(const struct bmc *bmc)
{
	return (bmc->solparm.enable & 0x01) != 0;
}

bool bmc_solparm_force_encryption(const struct bmc *bmc)
{
	return (bmc->solparm.auth & SOLP_AUTH_FORCE_ENCRYPTION) != 0;
}

bool bmc_solparm_force_authentication(const struct bmc *bmc)
{
	return (bmc->solparm.auth & SOLP_AUTH_FORCE_AUTHENTICATION) != 0;
}

uint8_t bmc_solparm_privilege(const struct bmc *bmc)
{
	return bmc->solparm.auth & SOLP_AUTH_PRIV_MASK;
}

uint32_t bmc_solparm_accumulate_ms(const struct bmc *bmc)
{
	return 5u * bmc->solparm.accumulate[0];
}

uint8_t bmc_solparm_send_threshold(const struct bmc *bmc)
{
	return bmc->solparm.accumulate[1];
}

uint8_t bmc_solparm_retry_count(const struct bmc *bmc)
{
	return bmc->solparm.retry[0] & 0x07;
}

uint32_t bmc_solparm_retry_interval_ms(const struct bmc *bmc)
{
	return 10u * bmc->solparm.retry[1];
}

uint32_t bmc_solparm_bit_rate(const struct bmc *bmc)
{
	static const uint32_t rates[] = {9600, 19200, 38400, 57600, 115200};
	uint8_t v = bmc->solparm.v_bit_rate & 0x0F;
	return v >= 0x06 && v <= 0x0A ? rates[v - 0x06] : 0;
}

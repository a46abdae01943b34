/* SOL configuration parameters of the LAN channel, IPMI 2.0 §26.2-26.3 (table 26-5).
 *
 * Every parameter bmcd offers is a short byte string in struct bmc_solparm, so one
 * table gives each its exact length, its place, whether it is read-only or volatile,
 * and a validator; the two read-only ones are computed. As for the LAN parameters
 * (core/lanparm.c), a write takes effect when it is answered: "set in progress" is the
 * advisory lock the spec describes and "commit write" has nothing left to do. A write
 * is durable (bmc_persist) before it changes memory, so a failed store leaves the old
 * value in force. */
#include <stddef.h>
#include <string.h>

#include "bmc/store.h"
#include "solparm.h"

#define NO_FIELD 0xFF
#define SOLP_RO 0x01       /* Set answers 82h */
#define SOLP_VOLATILE 0x02 /* never stored; back to its start value after a restart */
#define SOLP_MAX_LEN 2

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

typedef uint8_t check_fn(struct bmc_reader *r);
typedef void get_fn(const struct bmc *bmc, struct bmc_writer *w);

struct solp_def {
	uint8_t id;
	uint8_t len;   /* exact data length of a write and of a read */
	uint8_t off;   /* offset of the bytes in struct bmc_solparm, or NO_FIELD */
	uint8_t flags; /* SOLP_RO, SOLP_VOLATILE */
	check_fn *check;
	get_fn *get;
};

/* ---- validators: each reads exactly def->len bytes ---- */

/* Param 1: [7:1] reserved, [0] SOL enable. */
static uint8_t check_enable(struct bmc_reader *r)
{
	return rd_u8(r) & 0xFE ? CC_INVALID_FIELD : CC_OK;
}

/* Param 2: [7] force encryption, [6] force authentication, [5:4] reserved, [3:0] the
 * privilege needed to activate SOL (1h callback .. 5h OEM; 0h and 6h-Fh reserved).
 * Encryption without authentication is refused: AES-CBC without an integrity check
 * lets anyone on the path flip bits of what is typed into a root console. */
static uint8_t check_auth(struct bmc_reader *r)
{
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
static uint8_t check_accumulate(struct bmc_reader *r)
{
	uint8_t interval = rd_u8(r), threshold = rd_u8(r);
	return interval == 0 || threshold == 0 ? CC_INVALID_FIELD : CC_OK;
}

/* Param 4: [7:3] reserved, [2:0] retry count; retry interval (10 ms units, 0 = back to
 * back). */
static uint8_t check_retry(struct bmc_reader *r)
{
	uint8_t count = rd_u8(r);
	rd_skip(r, 1);
	return count & 0xF8 ? CC_INVALID_FIELD : CC_OK;
}

/* Params 5, 6: [7:4] reserved, [3:0] 0h "the serial channel's rate", 6h 9600, 7h 19200,
 * 8h 38400, 9h 57600, Ah 115200; everything else reserved. */
static uint8_t check_bit_rate(struct bmc_reader *r)
{
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

static const struct solp_def params[] = {
	{SOLP_SET_IN_PROGRESS, 1, FIELD(set_in_progress), SOLP_VOLATILE, NULL, NULL},
	{SOLP_ENABLE, 1, FIELD(enable), 0, check_enable, NULL},
	{SOLP_AUTH, 1, FIELD(auth), 0, check_auth, NULL},
	{SOLP_ACCUMULATE, 2, FIELD(accumulate), 0, check_accumulate, NULL},
	{SOLP_RETRY, 2, FIELD(retry), 0, check_retry, NULL},
	{SOLP_NV_BIT_RATE, 1, FIELD(nv_bit_rate), 0, check_bit_rate, NULL},
	{SOLP_V_BIT_RATE, 1, FIELD(v_bit_rate), SOLP_VOLATILE, check_bit_rate, NULL},
	{SOLP_PAYLOAD_CHANNEL, 1, NO_FIELD, SOLP_RO, NULL, get_channel},
	{SOLP_PAYLOAD_PORT, 2, NO_FIELD, SOLP_RO, NULL, get_port},
};

static const struct solp_def *lookup(uint8_t id)
{
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
		if (params[i].id == id)
			return &params[i];
	return NULL;
}

static uint8_t *field(struct bmc *bmc, const struct solp_def *d)
{
	return (uint8_t *)&bmc->solparm + d->off;
}

static uint8_t check(const struct solp_def *d, const uint8_t *data, size_t len)
{
	struct bmc_reader r;
	if (len != d->len)
		return CC_REQ_LEN_INVALID;
	if (!d->check)
		return CC_OK;
	rd_init(&r, data, len);
	uint8_t cc = d->check(&r);
	/* A validator that does not consume exactly the parameter is a bug: fail closed. */
	return cc == CC_OK && !rd_done(&r) ? CC_UNSPECIFIED : cc;
}

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
	const struct solp_def *d = lookup(param);
	if (!d)
		return CC_SOLP_NOT_SUPPORTED;
	/* None of these parameters has sets or blocks: the selectors must be 00h. */
	if (set_sel != 0 || block_sel != 0)
		return CC_INVALID_FIELD;
	wr_u8(w, BMC_SOLPARM_REVISION);
	if (rev_only)
		return CC_OK;
	if (d->get)
		d->get(bmc, w);
	else
		wr_bytes(w, field(bmc, d), d->len);
	return CC_OK;
}

/* Param 0, §26.2 / table 26-5: [1:0] 00b set complete, 01b set in progress, 10b commit
 * write, 11b reserved; [7:2] reserved. A second "set in progress" is 81h: the spec's way
 * of telling a client that another one has claimed the parameters. */
static uint8_t set_in_progress(struct bmc *bmc, const uint8_t *data, size_t len)
{
	struct bmc_reader r;
	if (len != 1)
		return CC_REQ_LEN_INVALID;
	rd_init(&r, data, len);
	switch (rd_u8(&r)) {
	case 0x00:
		bmc->solparm.set_in_progress = 0;
		return CC_OK;
	case 0x01:
		if (bmc->solparm.set_in_progress == 0x01)
			return CC_SOLP_SET_IN_PROGRESS;
		bmc->solparm.set_in_progress = 0x01;
		return CC_OK;
	case 0x02:
		/* Every write is already in force and durable: nothing to commit, and the
		 * state stays as it was (ipmitool sends commit write before set complete). */
		return CC_OK;
	default:
		return CC_INVALID_FIELD;
	}
}

uint8_t bmc_solparm_set(struct bmc *bmc, uint8_t param, const uint8_t *data, size_t len)
{
	if (param == SOLP_SET_IN_PROGRESS)
		return set_in_progress(bmc, data, len);
	const struct solp_def *d = lookup(param);
	if (!d)
		return CC_SOLP_NOT_SUPPORTED;
	if (d->flags & SOLP_RO)
		return CC_SOLP_READ_ONLY;
	uint8_t cc = check(d, data, len);
	if (cc != CC_OK)
		return cc;
	if (!(d->flags & SOLP_VOLATILE) &&
	    bmc_persist(bmc, STORE_SOLPARM, (uint16_t)(CHANNEL_LAN << 8 | param), data, len) != 0)
		return CC_UNSPECIFIED;
	/* A new non-volatile bit rate does not change the rate in force (param 6) until
	 * the next start. */
	memcpy(field(bmc, d), data, len);
	bmc_logf(bmc, BMC_LOG_INFO, "audit: sol param %u set", param);
	return CC_OK;
}

int bmc_solparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	uint8_t channel = (uint8_t)(key >> 8), param = (uint8_t)key;
	const struct solp_def *d = lookup(param);

	/* Only channel 1 has SOL parameters, and volatile or read-only ones are never
	 * written: such records can only be corrupt. */
	if (channel != CHANNEL_LAN || !d || (d->flags & (SOLP_RO | SOLP_VOLATILE)) || !value)
		return -1;
	if (check(d, value, len) != CC_OK)
		return -1;
	memcpy(field(bmc, d), value, len);
	/* The volatile rate starts as the non-volatile one at every start (§26.3). */
	if (param == SOLP_NV_BIT_RATE)
		bmc->solparm.v_bit_rate = bmc->solparm.nv_bit_rate;
	return 0;
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

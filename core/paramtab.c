/* The configuration-parameter engine shared by lanparm.c, serialparm.c and solparm.c:
 * IPMI 2.0 §23.1-23.2, §25.1-25.2, §26.2-26.3. See paramtab.h. */
#include "paramtab.h"

static const struct bmc_paramdef *lookup(const struct bmc_paramtab *t, uint8_t id)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->defs[i].id == id)
			return &t->defs[i];
	return NULL;
}

static uint8_t *field(struct bmc *bmc, const struct bmc_paramtab *t, const struct bmc_paramdef *d)
{
	return (uint8_t *)bmc + t->state_off + d->off;
}

static uint8_t check(const struct bmc *bmc, const struct bmc_paramdef *d, const uint8_t *data, size_t len)
{
	struct bmc_reader r;
	if (len != d->len)
		return CC_REQ_LEN_INVALID;
	if (!d->check)
		return CC_OK;
	rd_init(&r, data, len);
	uint8_t cc = d->check(bmc, &r);
	/* A validator that does not consume exactly the parameter is a bug: fail closed. */
	return cc == CC_OK && !rd_done(&r) ? CC_UNSPECIFIED : cc;
}

static void put(struct bmc *bmc, const struct bmc_paramtab *t, const struct bmc_paramdef *d, const uint8_t *data,
		size_t len)
{
	struct bmc_reader r;
	rd_init(&r, data, len);
	if (d->put)
		d->put(bmc, &r);
	else
		rd_bytes(&r, field(bmc, t, d), d->len);
}

uint8_t bmc_paramtab_get(struct bmc *bmc, const struct bmc_paramtab *t, uint8_t param, uint8_t set_sel,
			 uint8_t block_sel, bool rev_only, struct bmc_writer *w)
{
	const struct bmc_paramdef *d = lookup(t, param);
	if (!d)
		return t->cc_not_supported;
	/* None of these parameters has sets or blocks: the selectors must be 00h. */
	if (set_sel != 0 || block_sel != 0)
		return CC_INVALID_FIELD;
	wr_u8(w, t->revision);
	if (rev_only)
		return CC_OK;
	if (d->get)
		d->get(bmc, w);
	else
		wr_bytes(w, field(bmc, t, d), d->len);
	return CC_OK;
}

/* Param 0 (§23.2 table 23-4, §25.2 table 25-4, §26.3 table 26-5): [1:0] 00b set
 * complete, 01b set in progress, 10b commit write, 11b reserved; [7:2] reserved.
 * Volatile, so never stored. A second "set in progress" is 81h: the spec's way of
 * telling a client that another one has claimed the parameters. */
static uint8_t set_in_progress(struct bmc *bmc, const struct bmc_paramtab *t, const uint8_t *data, size_t len)
{
	const struct bmc_paramdef *d = lookup(t, BMC_PARAM_SET_IN_PROGRESS);
	struct bmc_reader r;
	if (!d || d->off == BMC_PARAM_NO_FIELD)
		return t->cc_not_supported;
	if (len != 1)
		return CC_REQ_LEN_INVALID;
	uint8_t *state = field(bmc, t, d);
	rd_init(&r, data, len);
	switch (rd_u8(&r)) {
	case 0x00:
		*state = 0;
		return CC_OK;
	case 0x01:
		if (*state == 0x01)
			return t->cc_set_in_progress;
		*state = 0x01;
		return CC_OK;
	case 0x02:
		/* Every write is already in force and durable: nothing to commit, and the
		 * state stays as it was. ipmitool's lock / write / commit / complete
		 * sequence relies on this succeeding. */
		return CC_OK;
	default:
		return CC_INVALID_FIELD;
	}
}

uint8_t bmc_paramtab_set(struct bmc *bmc, const struct bmc_paramtab *t, uint8_t channel, uint8_t param,
			 const uint8_t *data, size_t len)
{
	uint8_t rec[BMC_PARAM_REC_MAX];
	const uint8_t *value = data;
	size_t n = len;

	if (param == BMC_PARAM_SET_IN_PROGRESS)
		return set_in_progress(bmc, t, data, len);
	const struct bmc_paramdef *d = lookup(t, param);
	if (!d)
		return t->cc_not_supported;
	if (d->flags & BMC_PARAM_RO)
		return t->cc_read_only;
	uint8_t cc = check(bmc, d, data, len);
	if (cc != CC_OK)
		return cc;
	if (!(d->flags & BMC_PARAM_VOLATILE)) {
		if (d->record) {
			struct bmc_reader r;
			struct bmc_writer w;
			rd_init(&r, data, len);
			wr_init(&w, rec, sizeof rec);
			d->record(bmc, &r, &w);
			if (!rd_ok(&r) || !wr_ok(&w))
				return CC_UNSPECIFIED;
			value = rec;
			n = wr_len(&w);
		}
		uint16_t key = (uint16_t)(t->key_has_channel ? channel << 8 | param : param);
		if (bmc_persist(bmc, t->store_type, key, value, n) != 0)
			return CC_UNSPECIFIED;
	}
	put(bmc, t, d, data, len);
	bmc_logf(bmc, BMC_LOG_INFO, "audit: %s param %u set", t->name, param);
	return CC_OK;
}

int bmc_paramtab_apply(struct bmc *bmc, const struct bmc_paramtab *t, uint16_t key, const uint8_t *value,
		       size_t len)
{
	uint8_t channel = (uint8_t)(key >> 8), param = (uint8_t)key;
	const struct bmc_paramdef *d = lookup(t, param);

	/* Param 0, volatile and read-only parameters are never written, and no other
	 * channel has these parameters: such records can only be corrupt. */
	if (channel != (t->key_has_channel ? t->channel : 0) || !d || param == BMC_PARAM_SET_IN_PROGRESS ||
	    (d->flags & (BMC_PARAM_RO | BMC_PARAM_VOLATILE)) || !value)
		return -1;
	if (d->replay)
		return d->replay(bmc, value, len);
	if (check(bmc, d, value, len) != CC_OK)
		return -1;
	put(bmc, t, d, value, len);
	return 0;
}

uint8_t bmc_paramtab_check_auth_enables(struct bmc_reader *r, uint8_t allowed)
{
	for (int i = 0; i < 5; i++)
		if (rd_u8(r) & (uint8_t)~allowed)
			return CC_INVALID_FIELD;
	return CC_OK;
}

/* Sensor/Event commands (netfn 04h): event receiver and Platform Event Message (§29-30)
 * and the sensor commands (§35). A sensor is addressed by the request's LUN and the
 * sensor number byte; the owner is this BMC. The Device SDR commands of this netfn
 * are in cmd_sdr.c. */
#include <string.h>

#include "channels.h"
#include "dispatch.h"

#define READING_THRESHOLD 0x01

static struct bmc_sensor *sensor_of(struct bmc *bmc, const struct bmc_req *req, unsigned *slot)
{
	int i = bmc_sensor_find(bmc, bmc->cfg.slave_addr, req->lun, req->data[0]);
	if (i < 0)
		return NULL;
	*slot = (unsigned)i;
	return &bmc->sensors.s[i];
}

static bool is_threshold(const struct bmc_sensor *s)
{
	return s->reading_type == READING_THRESHOLD;
}

/* Sensor flags byte of Get Sensor Reading / Get Sensor Event Status: [7] all event
 * messages enabled, [6] scanning enabled, [5] reading/state unavailable. */
static uint8_t flag_byte(const struct bmc_sensor *s)
{
	return (uint8_t)(((s->flags & SENS_EVENTS) ? 0x80 : 0) | ((s->flags & SENS_SCAN) ? 0x40 : 0) |
			 ((s->flags & SENS_VALID) ? 0 : 0x20));
}

/* Commits a settings change: stored first, so a failed write leaves the old settings
 * in force and the client sees the failure. */
static uint8_t commit(struct bmc *bmc, unsigned slot, const struct bmc_sensor *old)
{
	if (bmc_sensor_persist(bmc, slot) != 0) {
		bmc->sensors.s[slot] = *old;
		return CC_UNSPECIFIED;
	}
	return CC_OK;
}

/* IPMI 2.0 §30.1 Set Event Receiver: [7:1] slave address (FFh: no event messages),
 * byte 2 [1:0] LUN. */
static uint8_t set_event_receiver(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	uint8_t addr = req->data[0], lun = req->data[1];
	if ((addr & 1) && addr != 0xFF)
		return CC_INVALID_FIELD;
	if (lun & 0xFC)
		return CC_INVALID_FIELD;
	uint8_t old_addr = bmc->sensors.evr_addr, old_lun = bmc->sensors.evr_lun;
	bmc->sensors.evr_addr = addr;
	bmc->sensors.evr_lun = lun;
	if (bmc_event_receiver_persist(bmc) != 0) {
		bmc->sensors.evr_addr = old_addr;
		bmc->sensors.evr_lun = old_lun;
		return CC_UNSPECIFIED;
	}
	return CC_OK;
}

/* IPMI 2.0 §30.2 Get Event Receiver. */
static uint8_t get_event_receiver(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u8(rsp, bmc->sensors.evr_addr);
	wr_u8(rsp, bmc->sensors.evr_lun);
	return CC_OK;
}

/* IPMI 2.0 §29.3 Platform Event Message: EvMRev, sensor type, sensor number, event
 * dir|type, event data 1 [, 2 [, 3]]. From the system interface a generator id byte
 * comes first. Otherwise the generator is the requester: on LAN that is the remote
 * console software id 81h (§13.8, the rqSA every RMCP+ request carries), with the
 * channel number in generator byte 2 (§32.1). Logged to the SEL as a type 02h record. */
static uint8_t platform_event(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	struct bmc_reader r;
	struct bmc_event ev;
	bool sys = req->channel == CHANNEL_SYSTEM;
	bool ipmb = bmc_channel_exists(bmc, req->channel) && bmc->chans[req->channel].medium == CHAN_MEDIUM_IPMB;
	size_t base = sys ? 6 : 5;
	if (req->len < base || req->len > base + 2)
		return CC_REQ_LEN_INVALID;
	rd_init(&r, req->data, req->len);
	memset(&ev, 0, sizeof ev);
	uint8_t gen = sys ? rd_u8(&r) : REMOTE_SWID;
	uint8_t evmrev = rd_u8(&r);
	ev.sensor_type = rd_u8(&r);
	ev.sensor_num = rd_u8(&r);
	ev.dir_type = rd_u8(&r);
	ev.d1 = rd_u8(&r);
	ev.d2 = rd_left(&r) ? rd_u8(&r) : 0xFF;
	ev.d3 = rd_left(&r) ? rd_u8(&r) : 0xFF;
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	/* 04h: IPMI 1.5/2.0 format; 03h: IPMI 1.0, the same fields. */
	if (evmrev != 0x04 && evmrev != 0x03)
		return CC_INVALID_FIELD;
	/* §32.1: channel 0 for the system interface and the BMC itself. */
	uint8_t chan = sys ? 0 : (uint8_t)(req->channel & 0x0F);
	ev.generator = (uint16_t)(gen | (chan << 12));
	/* §29.3: from IPMB the generator is the requester, its slave address and LUN. */
	if (ipmb)
		ev.generator = (uint16_t)(req->rq_addr | (chan << 12) | (req->rq_lun << 8));
	bmc_sensor_event(bmc, &ev);
	return CC_OK;
}

/* IPMI 2.0 §35.5 Get Sensor Reading Factors: next reading (for a linear sensor, the
 * same reading), then M, tolerance, B, accuracy, R and B exponents packed as in the
 * full SDR (§43.1 bytes 25-30). */
static uint8_t get_reading_factors(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	struct bmc_sensor_desc d;
	if (!s)
		return CC_NOT_PRESENT;
	if (!is_threshold(s))
		return CC_ILLEGAL_FOR_SENSOR;
	memset(&d, 0, sizeof d);
	if (!bmc->backend.sensor_describe || bmc->backend.sensor_describe(bmc->backend.ctx, slot, &d) != 0)
		return CC_UNSPECIFIED;
	uint16_t m = (uint16_t)d.m, b = (uint16_t)d.b;
	wr_u8(rsp, req->data[1]);
	wr_u8(rsp, (uint8_t)(m & 0xFF));
	wr_u8(rsp, (uint8_t)(((m >> 8) & 3u) << 6));
	wr_u8(rsp, (uint8_t)(b & 0xFF));
	wr_u8(rsp, (uint8_t)(((b >> 8) & 3u) << 6));
	wr_u8(rsp, 0x00);
	wr_u8(rsp, (uint8_t)((((unsigned)d.r_exp & 0xFu) << 4) | ((unsigned)d.b_exp & 0xFu)));
	return CC_OK;
}

/* IPMI 2.0 §35.6 Set Sensor Hysteresis: number, hysteresis mask (reserved, FFh),
 * positive-going, negative-going. Threshold sensors only (the SDR says "readable and
 * settable" for them and "none" for discrete ones). */
static uint8_t set_hysteresis(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	if (!is_threshold(s))
		return CC_ILLEGAL_FOR_SENSOR;
	struct bmc_sensor old = *s;
	s->hyst_pos = req->data[2];
	s->hyst_neg = req->data[3];
	return commit(bmc, slot, &old);
}

/* IPMI 2.0 §35.7 Get Sensor Hysteresis. */
static uint8_t get_hysteresis(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	if (!is_threshold(s))
		return CC_ILLEGAL_FOR_SENSOR;
	wr_u8(rsp, s->hyst_pos);
	wr_u8(rsp, s->hyst_neg);
	return CC_OK;
}

/* Thresholds must keep LNR <= LC <= LNC <= UNC <= UC <= UNR among the readable ones
 * (§36.3: a higher severity cannot be crossed before a lower one). */
static bool thresholds_ordered(const struct bmc_sensor *s, const uint8_t thr[THR_COUNT])
{
	static const uint8_t order[THR_COUNT] = {THR_LNR, THR_LC, THR_LNC, THR_UNC, THR_UC, THR_UNR};
	bool have = false;
	int prev = 0;
	for (unsigned k = 0; k < THR_COUNT; k++) {
		unsigned t = order[k];
		if (!(s->thr_readable & (1u << t)))
			continue;
		int v = bmc_sensor_raw_value(s, thr[t]);
		if (have && v < prev)
			return false;
		prev = v;
		have = true;
	}
	return true;
}

/* IPMI 2.0 §35.8 Set Sensor Thresholds: number, set mask ([5] UNR .. [0] LNC), then
 * LNC, LC, LNR, UNC, UC, UNR. Only thresholds the SDR marks settable may be set. */
static uint8_t set_thresholds(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	if (!is_threshold(s))
		return CC_ILLEGAL_FOR_SENSOR;
	uint8_t mask = req->data[1];
	if ((mask & 0xC0) || (mask & ~s->thr_settable))
		return CC_INVALID_FIELD;
	uint8_t thr[THR_COUNT];
	memcpy(thr, s->thr, THR_COUNT);
	for (unsigned t = 0; t < THR_COUNT; t++)
		if (mask & (1u << t))
			thr[t] = req->data[2 + t];
	if (!thresholds_ordered(s, thr))
		return CC_INVALID_FIELD;
	struct bmc_sensor old = *s;
	memcpy(s->thr, thr, THR_COUNT);
	uint8_t cc = commit(bmc, slot, &old);
	if (cc == CC_OK)
		bmc_sensor_poll(bmc, slot); /* the new thresholds take effect now */
	return cc;
}

/* IPMI 2.0 §35.9 Get Sensor Thresholds: readable mask, then LNC, LC, LNR, UNC, UC,
 * UNR (unreadable ones 0). */
static uint8_t get_thresholds(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	if (!is_threshold(s))
		return CC_ILLEGAL_FOR_SENSOR;
	wr_u8(rsp, s->thr_readable);
	for (unsigned t = 0; t < THR_COUNT; t++)
		wr_u8(rsp, (s->thr_readable & (1u << t)) ? s->thr[t] : 0);
	return CC_OK;
}

/* The layout Set Sensor Event Enable and Re-arm Sensor Events share: number, control
 * byte, then up to four mask bytes (assertion 7:0, 14:8, deassertion 7:0, 14:8; absent
 * ones are zero). Returns the control byte. */
static uint8_t read_masks(const struct bmc_req *req, uint16_t *assert_bits, uint16_t *deassert_bits)
{
	struct bmc_reader r;
	uint8_t m[4] = {0, 0, 0, 0};
	rd_init(&r, req->data, req->len);
	rd_skip(&r, 1);
	uint8_t ctl = rd_u8(&r);
	for (unsigned k = 0; k < 4 && rd_left(&r); k++)
		m[k] = rd_u8(&r);
	*assert_bits = (uint16_t)(m[0] | m[1] << 8);
	*deassert_bits = (uint16_t)(m[2] | m[3] << 8);
	return ctl;
}

/* IPMI 2.0 §35.10 Set Sensor Event Enable: number; [7] all event messages, [6]
 * scanning, [5:4] 00b keep / 01b enable selected / 10b disable selected; then up to
 * four mask bytes (assertion 7:0, 14:8, deassertion 7:0, 14:8). Offsets the SDR does
 * not list cannot be enabled and are ignored. */
static uint8_t set_event_enable(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	uint16_t am, dm;
	uint8_t ctl = read_masks(req, &am, &dm);
	uint8_t action = (ctl >> 4) & 3;
	if (action == 3)
		return CC_INVALID_FIELD;
	am &= s->assert_mask;
	dm &= s->deassert_mask;
	struct bmc_sensor old = *s;
	bool was_scanning = s->flags & SENS_SCAN;
	s->flags &= (uint8_t)~(SENS_EVENTS | SENS_SCAN);
	s->flags |= (uint8_t)(((ctl & 0x80) ? SENS_EVENTS : 0) | ((ctl & 0x40) ? SENS_SCAN : 0));
	if (action == 1) {
		s->assert_en |= am;
		s->deassert_en |= dm;
	} else if (action == 2) {
		s->assert_en &= (uint16_t)~am;
		s->deassert_en &= (uint16_t)~dm;
	}
	uint8_t cc = commit(bmc, slot, &old);
	if (cc != CC_OK)
		return cc;
	if (!(s->flags & SENS_SCAN))
		s->flags &= (uint8_t)~SENS_VALID; /* no longer read: the last reading goes stale */
	else if (!was_scanning)
		bmc_sensor_poll(bmc, slot);
	return CC_OK;
}

/* IPMI 2.0 §35.11 Get Sensor Event Enable. */
static uint8_t get_event_enable(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	wr_u8(rsp, (uint8_t)(flag_byte(s) & 0xC0));
	wr_u16le(rsp, s->assert_en);
	wr_u16le(rsp, s->deassert_en);
	return CC_OK;
}

/* IPMI 2.0 §35.12 Re-arm Sensor Events: number; [7] 0b all, 1b the selected bits in
 * up to four mask bytes. */
static uint8_t rearm_events(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	uint16_t am, dm;
	uint8_t ctl = read_masks(req, &am, &dm);
	bmc_sensor_rearm(bmc, slot, !(ctl & 0x80), am, dm);
	return CC_OK;
}

/* IPMI 2.0 §35.13 Get Sensor Event Status: flags, then the asserted events (of
 * those the sensor supports) and the deassertions seen since the last re-arm. */
static uint8_t get_event_status(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	uint16_t supported = (uint16_t)(s->assert_mask | s->deassert_mask);
	wr_u8(rsp, flag_byte(s));
	wr_u16le(rsp, (s->flags & SENS_VALID) ? (uint16_t)(s->state & supported) : 0);
	wr_u16le(rsp, (uint16_t)(s->deasserted & s->deassert_mask));
	return CC_OK;
}

/* IPMI 2.0 §35.14 Get Sensor Reading: reading, flags; threshold sensors: comparison
 * status ([7:6] returned as 1b) and the optional byte 4 as 80h; discrete sensors:
 * states 7:0 and [7] 1b, states 14:8. */
static uint8_t get_reading(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	bool valid = s->flags & SENS_VALID;
	wr_u8(rsp, valid && is_threshold(s) ? s->raw : 0);
	wr_u8(rsp, flag_byte(s));
	if (is_threshold(s)) {
		wr_u8(rsp, (uint8_t)(0xC0 | (valid ? bmc_sensor_thr_status(s) : 0)));
		wr_u8(rsp, 0x80);
	} else {
		uint16_t st = valid ? s->state : 0;
		wr_u8(rsp, (uint8_t)(st & 0xFF));
		wr_u8(rsp, (uint8_t)(0x80 | ((st >> 8) & 0x7F)));
	}
	return CC_OK;
}

/* IPMI 2.0 §35.16 Get Sensor Type: sensor type, event/reading type code. */
static uint8_t get_sensor_type(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	unsigned slot;
	struct bmc_sensor *s = sensor_of(bmc, req, &slot);
	if (!s)
		return CC_NOT_PRESENT;
	wr_u8(rsp, s->type);
	wr_u8(rsp, (uint8_t)(s->reading_type & 0x7F));
	return CC_OK;
}

/* Privileges: IPMI 2.0 appendix G. */
const struct bmc_cmd bmc_cmds_sensor[] = {
	{NETFN_SENSOR, 0x00, 2, 2, PRIV_ADMIN, set_event_receiver},
	{NETFN_SENSOR, 0x01, 0, 0, PRIV_USER, get_event_receiver},
	{NETFN_SENSOR, 0x02, 5, 8, PRIV_OPERATOR, platform_event},
	{NETFN_SENSOR, 0x23, 2, 2, PRIV_USER, get_reading_factors},
	{NETFN_SENSOR, 0x24, 4, 4, PRIV_OPERATOR, set_hysteresis},
	{NETFN_SENSOR, 0x25, 2, 2, PRIV_USER, get_hysteresis},
	{NETFN_SENSOR, 0x26, 8, 8, PRIV_OPERATOR, set_thresholds},
	{NETFN_SENSOR, 0x27, 1, 1, PRIV_USER, get_thresholds},
	{NETFN_SENSOR, 0x28, 2, 6, PRIV_OPERATOR, set_event_enable},
	{NETFN_SENSOR, 0x29, 1, 1, PRIV_USER, get_event_enable},
	{NETFN_SENSOR, 0x2A, 2, 6, PRIV_OPERATOR, rearm_events},
	{NETFN_SENSOR, 0x2B, 1, 1, PRIV_USER, get_event_status},
	{NETFN_SENSOR, 0x2D, 1, 1, PRIV_USER, get_reading},
	{NETFN_SENSOR, 0x2F, 1, 1, PRIV_USER, get_sensor_type},
	{0},
};

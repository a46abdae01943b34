/* The sensor table: built from the backend at start, settings persisted and replayed,
 * polled a slice at a time. Event logic lives in sensor_event.c. */
#include "sensor.h"

#include <string.h>

#include "bmc/store.h"
#include "sdr.h"
#include "state.h"

/* STORE_SENSOR records. Key = sensor slot (backend index):
 *   v1: 01, owner, lun, number, thr[6] (LNC LC LNR UNC UC UNR), hyst+, hyst-,
 *       flags (bit 0 event messages, bit 1 scanning), assert_en le16, deassert_en le16
 * The owner/LUN/number are checked at start: a record for a sensor the platform no
 * longer describes the same way is dropped instead of mis-applied.
 * Key EVR_KEY: 01, event receiver slave address, LUN.
 * Key SDR_KEY: 01, fingerprint le32, time le32: when the SDR records last changed. */
#define SENSOR_REC_V1 1
#define SENSOR_REC_LEN 17
#define EVR_KEY 0xFFFFu
#define EVR_REC_LEN 3
#define SDR_KEY 0xFFFEu
#define SDR_REC_LEN 9

/* Sensors are polled about once a second each, spread over the ticks. */
#define POLL_PERIOD_MS 1000u

void bmc_sensors_init(struct bmc *bmc)
{
	struct bmc_sensors *ss = &bmc->sensors;
	if (!bmc->init_zeroed)
		memset(ss, 0, sizeof *ss);
	memset(ss->by_num, 0xFF, sizeof ss->by_num);
	ss->evr_addr = bmc->cfg.event_receiver; /* by default the BMC itself, §30.1 */
	ss->evr_lun = 0;
}

/* Takes the settings a client changed (thresholds that are settable, hysteresis of a
 * threshold sensor, enables the SDR allows) from a stored copy of the same sensor. */
static void merge_settings(struct bmc_sensor *s, const struct bmc_sensor *keep)
{
	for (unsigned t = 0; t < THR_COUNT; t++)
		if (s->thr_settable & (1u << t))
			s->thr[t] = keep->thr[t];
	if (s->reading_type == 0x01) {
		s->hyst_pos = keep->hyst_pos;
		s->hyst_neg = keep->hyst_neg;
	}
	s->assert_en = keep->assert_en & s->assert_mask;
	s->deassert_en = keep->deassert_en & s->deassert_mask;
	s->flags = (uint8_t)((s->flags & ~(SENS_EVENTS | SENS_SCAN)) | (keep->flags & (SENS_EVENTS | SENS_SCAN)));
}

static bool same_sensor(const struct bmc_sensor *a, const struct bmc_sensor *b)
{
	return a->owner == b->owner && a->lun == b->lun && a->number == b->number;
}

static int apply_sensor(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	struct bmc_reader r;
	struct bmc_sensor keep;
	if (key >= BMC_MAX_SENSORS || len != SENSOR_REC_LEN)
		return -1;
	memset(&keep, 0, sizeof keep);
	rd_init(&r, value, len);
	if (rd_u8(&r) != SENSOR_REC_V1)
		return -1;
	keep.owner = rd_u8(&r);
	keep.lun = rd_u8(&r);
	keep.number = rd_u8(&r);
	rd_bytes(&r, keep.thr, THR_COUNT);
	keep.hyst_pos = rd_u8(&r);
	keep.hyst_neg = rd_u8(&r);
	uint8_t f = rd_u8(&r);
	keep.assert_en = rd_u16le(&r);
	keep.deassert_en = rd_u16le(&r);
	if (!rd_done(&r) || (f & ~3u))
		return -1;
	keep.flags = (uint8_t)(SENS_RESTORED | ((f & 1) ? SENS_EVENTS : 0) | ((f & 2) ? SENS_SCAN : 0));
	struct bmc_sensor *s = &bmc->sensors.s[key];
	if (!bmc->sensors.ticking) {
		*s = keep; /* before start: adopt() merges it with the description */
		return 0;
	}
	/* After start (a port replaying late, or tests): merge into the live sensor. */
	if (!(s->flags & SENS_PRESENT) || !same_sensor(s, &keep))
		return -1;
	merge_settings(s, &keep);
	return 0;
}

int bmc_sensors_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	if (type != STORE_SENSOR)
		return -1;
	if (key == EVR_KEY) {
		if (len != EVR_REC_LEN || value[0] != SENSOR_REC_V1 || ((value[1] & 1) && value[1] != 0xFF) ||
		    value[2] > 3)
			return -1;
		bmc->sensors.evr_addr = value[1];
		bmc->sensors.evr_lun = value[2];
		return 0;
	}
	if (key == SDR_KEY) {
		struct bmc_reader r;
		rd_init(&r, value, len);
		uint8_t v = rd_u8(&r);
		uint32_t fp = rd_u32le(&r);
		uint32_t t = rd_u32le(&r);
		if (!rd_done(&r) || v != SENSOR_REC_V1)
			return -1;
		bmc->sensors.sdr_fp = fp;
		bmc->sensors.sdr_time = t;
		bmc->sensors.sdr_stored = true;
		return 0;
	}
	return apply_sensor(bmc, key, value, len);
}

int bmc_sensor_persist(struct bmc *bmc, unsigned slot)
{
	const struct bmc_sensor *s = &bmc->sensors.s[slot];
	uint8_t buf[SENSOR_REC_LEN];
	struct bmc_writer w;
	wr_init(&w, buf, sizeof buf);
	wr_u8(&w, SENSOR_REC_V1);
	wr_u8(&w, s->owner);
	wr_u8(&w, s->lun);
	wr_u8(&w, s->number);
	wr_bytes(&w, s->thr, THR_COUNT);
	wr_u8(&w, s->hyst_pos);
	wr_u8(&w, s->hyst_neg);
	wr_u8(&w, (uint8_t)(((s->flags & SENS_EVENTS) ? 1 : 0) | ((s->flags & SENS_SCAN) ? 2 : 0)));
	wr_u16le(&w, s->assert_en);
	wr_u16le(&w, s->deassert_en);
	return bmc_persist(bmc, STORE_SENSOR, (uint16_t)slot, buf, wr_len(&w));
}

int bmc_event_receiver_persist(struct bmc *bmc)
{
	const uint8_t v[EVR_REC_LEN] = {SENSOR_REC_V1, bmc->sensors.evr_addr, bmc->sensors.evr_lun};
	return bmc_persist(bmc, STORE_SENSOR, EVR_KEY, v, sizeof v);
}

int bmc_sensor_find(const struct bmc *bmc, uint8_t owner, uint8_t lun, uint8_t number)
{
	/* Only this controller's own sensors answer here; another owner's are reached
	 * by bridging to that controller (Send Message). */
	if (owner != bmc->cfg.slave_addr || lun > 3)
		return -1;
	uint16_t slot = bmc->sensors.by_num[lun][number];
	return slot == BMC_SENSOR_NONE ? -1 : (int)slot;
}

/* Checks a description and returns why it cannot be used, or NULL. */
static const char *desc_problem(const struct bmc *bmc, const struct bmc_sensor_desc *d)
{
	if ((d->owner & 1) || d->owner == 0)
		return "owner is not an IPMB slave address";
	if (d->lun == 2 || d->lun > 3)
		return "LUN must be 0, 1 or 3";
	if (d->number == 0xFF)
		return "sensor number FFh is reserved";
	if (bmc_sensor_find(bmc, d->owner, d->lun, d->number) >= 0)
		return "duplicate owner/LUN/number";
	if (d->record_type < 1 || d->record_type > 3)
		return "record type must be 01h, 02h or 03h";
	if (d->reading_type == 0x01 && d->analog_format > 2)
		return "threshold sensor without an analog data format";
	return NULL;
}

/* Takes the description's values, except for settings a client changed earlier
 * (replayed from the store) when they still describe the same sensor. */
static void adopt(struct bmc *bmc, unsigned slot, const struct bmc_sensor_desc *d)
{
	struct bmc_sensor *s = &bmc->sensors.s[slot];
	struct bmc_sensor keep = *s;
	bool restored = false;
	if (keep.flags & SENS_RESTORED) {
		struct bmc_sensor probe = {.owner = d->owner, .lun = d->lun, .number = d->number};
		restored = same_sensor(&keep, &probe);
		if (!restored)
			bmc_logf(bmc, BMC_LOG_WARN, "sensor %u (%s): stored settings are for another sensor, ignored",
				 slot, d->id);
	}

	memset(s, 0, sizeof *s);
	s->owner = d->owner;
	s->lun = d->lun;
	s->number = d->number;
	s->type = d->type;
	s->reading_type = d->reading_type;
	s->record_type = d->record_type;
	s->analog_format = d->analog_format;
	s->thr_readable = d->thr_readable & 0x3F;
	s->thr_settable = d->thr_settable & s->thr_readable;
	/* Threshold sensors have 12 event offsets (table 42-2), discrete ones 15. */
	uint16_t all = d->reading_type == 0x01 ? 0x0FFF : 0x7FFF;
	s->assert_mask = d->assert_mask & all;
	s->deassert_mask = d->deassert_mask & all;
	memcpy(s->thr, d->thr, THR_COUNT);
	s->hyst_pos = d->hyst_pos;
	s->hyst_neg = d->hyst_neg;
	s->assert_en = s->assert_mask;
	s->deassert_en = s->deassert_mask;
	s->flags = (uint8_t)(SENS_PRESENT | SENS_SCAN | (d->events_enabled ? SENS_EVENTS : 0));
	if (restored)
		merge_settings(s, &keep);
}

static uint32_t wall_time(struct bmc *bmc)
{
	if (!bmc->plat.wall_time)
		return 0;
	int64_t t = bmc->plat.wall_time(bmc->plat.ctx);
	return t < 0 || t > 0xFFFFFFFFll ? 0 : (uint32_t)t;
}

/* FNV-1a over every SDR record, with the thresholds and hysteresis of full records
 * left out: clients change those (and read them with Get Sensor Thresholds), the rest
 * follows the platform. */
static uint32_t sdr_fingerprint(struct bmc *bmc)
{
	uint32_t h = 2166136261u;
	uint8_t rec[SDR_MAX_RECORD];
	uint16_t n = bmc_sdr_count(bmc);
	for (uint16_t id = 1; id <= n; id++) {
		int len = bmc_sdr_encode(bmc, id, rec, sizeof rec);
		if (len < 0)
			continue;
		if (rec[3] == SDR_FULL && len >= 44)
			memset(rec + 36, 0, 8); /* bytes 37-44 */
		for (int k = 0; k < len; k++)
			h = (h ^ rec[k]) * 16777619u;
	}
	return h;
}

/* "Most recent addition" (§33.9) is the time the records last changed, kept across
 * restarts: FreeIPMI and others cache the SDR and throw the cache away (FreeIPMI:
 * "SDR Cache out of date") when it moves, so a restart alone must not move it. */
static void sdr_stamp(struct bmc *bmc)
{
	struct bmc_sensors *ss = &bmc->sensors;
	uint32_t fp = sdr_fingerprint(bmc);
	if (ss->sdr_stored && ss->sdr_fp == fp)
		return;
	ss->sdr_fp = fp;
	ss->sdr_time = wall_time(bmc);
	ss->sdr_stored = true;
	uint8_t v[SDR_REC_LEN];
	struct bmc_writer w;
	wr_init(&w, v, sizeof v);
	wr_u8(&w, SENSOR_REC_V1);
	wr_u32le(&w, fp);
	wr_u32le(&w, ss->sdr_time);
	if (bmc_persist(bmc, STORE_SENSOR, SDR_KEY, v, wr_len(&w)) != 0)
		bmc_logf(bmc, BMC_LOG_WARN, "sensors: cannot store the SDR time stamp");
}

/* Registers another controller that owns sensors. False when the table is full. */
static bool remote_mc(struct bmc *bmc, uint8_t addr)
{
	struct bmc_sensors *ss = &bmc->sensors;
	for (unsigned k = 0; k < ss->nremote_mc; k++)
		if (ss->remote_mc[k] == addr)
			return true;
	if (ss->nremote_mc == BMC_MAX_REMOTE_MCS)
		return false;
	ss->remote_mc[ss->nremote_mc++] = addr;
	return true;
}

int bmc_sensors_start(struct bmc *bmc)
{
	struct bmc_sensors *ss = &bmc->sensors;
	unsigned n = bmc->backend.sensor_count && bmc->backend.sensor_describe
			     ? bmc->backend.sensor_count(bmc->backend.ctx)
			     : 0;
	if (n > BMC_MAX_SENSORS) {
		bmc_logf(bmc, BMC_LOG_ERROR, "sensors: the platform has %u, bmcd keeps the first %u", n,
			 BMC_MAX_SENSORS);
		n = BMC_MAX_SENSORS;
	}
	ss->count = n;
	ss->nrec = 0;
	ss->nremote_mc = 0;
	for (unsigned i = 0; i < n; i++) {
		struct bmc_sensor_desc d;
		const char *why;
		memset(&d, 0, sizeof d);
		if (bmc->backend.sensor_describe(bmc->backend.ctx, i, &d) != 0)
			why = "the platform cannot describe it";
		else
			why = desc_problem(bmc, &d);
		if (why) {
			d.id[sizeof d.id - 1] = '\0';
			bmc_logf(bmc, BMC_LOG_ERROR, "sensor %u (%s, LUN %u number %u): skipped: %s", i, d.id,
				 d.lun, d.number, why);
			memset(&ss->s[i], 0, sizeof ss->s[i]);
			continue;
		}
		if (d.owner != bmc->cfg.slave_addr && !remote_mc(bmc, d.owner)) {
			bmc_logf(bmc, BMC_LOG_ERROR, "sensor %u (%s): skipped: more than %d other controllers", i,
				 d.id, BMC_MAX_REMOTE_MCS);
			memset(&ss->s[i], 0, sizeof ss->s[i]);
			continue;
		}
		adopt(bmc, i, &d);
		if (d.owner == bmc->cfg.slave_addr)
			ss->by_num[d.lun][d.number] = (uint16_t)i;
		else
			ss->s[i].flags = SENS_REMOTE; /* published, never polled here */
		ss->rec[ss->nrec++] = (uint16_t)i;
	}
	/* Settings replayed for slots the platform no longer has are forgotten. */
	for (unsigned i = n; i < BMC_MAX_SENSORS; i++)
		ss->s[i].flags = 0;
	sdr_stamp(bmc);
	ss->last_ms = bmc_now(bmc);
	ss->ticking = true;
	/* The first reading of every sensor: conditions present at start are reported,
	 * as after a re-arm (§29.2 "initial update"). */
	for (unsigned i = 0; i < n; i++)
		if (ss->s[i].flags & SENS_PRESENT)
			bmc_sensor_poll(bmc, i);
	return 0;
}

void bmc_sensors_tick(struct bmc *bmc)
{
	struct bmc_sensors *ss = &bmc->sensors;
	if (!ss->ticking || ss->count == 0)
		return;
	uint64_t now = bmc_now(bmc);
	uint64_t elapsed = now > ss->last_ms ? now - ss->last_ms : 0;
	ss->last_ms = now;
	if (elapsed > POLL_PERIOD_MS)
		elapsed = POLL_PERIOD_MS; /* after a long pause, one round is enough */
	/* count * elapsed / 1000 sensors are due; the remainder carries over so that a
	 * 250 ms tick polls a quarter of the table and every sensor once a second. */
	uint32_t owed = ss->budget + (uint32_t)(ss->count * elapsed);
	unsigned due = owed / POLL_PERIOD_MS;
	ss->budget = owed % POLL_PERIOD_MS;
	if (due > ss->count)
		due = ss->count;
	for (unsigned k = 0; k < due; k++) {
		unsigned i = ss->cursor;
		ss->cursor = (ss->cursor + 1) % ss->count;
		if (ss->s[i].flags & SENS_PRESENT)
			bmc_sensor_poll(bmc, i);
	}
}

int bmc_sensor_lookup(const struct bmc *bmc, const char *id)
{
	const struct bmc_sensors *ss = &bmc->sensors;
	if (!bmc->backend.sensor_describe || !id)
		return -1;
	/* Linear and through the backend: only the control socket asks, and the names
	 * are not kept in RAM (see BMC_MAX_SENSORS). */
	for (uint16_t k = 0; k < ss->nrec; k++) {
		struct bmc_sensor_desc d;
		if (bmc->backend.sensor_describe(bmc->backend.ctx, ss->rec[k], &d) != 0)
			continue;
		d.id[sizeof d.id - 1] = '\0';
		if (!strcmp(d.id, id))
			return ss->rec[k];
	}
	return -1;
}

void bmc_sensor_refresh(struct bmc *bmc, int index)
{
	struct bmc_sensors *ss = &bmc->sensors;
	if (index < 0) {
		for (unsigned i = 0; i < ss->count; i++)
			if (ss->s[i].flags & SENS_PRESENT)
				bmc_sensor_poll(bmc, i);
	} else if ((unsigned)index < ss->count && (ss->s[index].flags & SENS_PRESENT)) {
		bmc_sensor_poll(bmc, (unsigned)index);
	}
}

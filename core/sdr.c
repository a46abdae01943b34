/* SDR record encoding, IPMI 2.0 §43.1-43.9. Byte numbers in comments are the spec's
 * (1-based, header included). Sensor records are generated on demand from the
 * backend's description and the sensor's current settings, so thresholds and
 * hysteresis read from the SDR are the ones in force (and the ones a restart loads). */
#include "sdr.h"

#include <string.h>

#include "state.h"

/* Locator names; the FRU one prefers the board's product name. */
#define MC_NAME "bmcd"
#define FRU_NAME "FRU"
#define ENTITY_SYSTEM_BOARD 0x07
#define ENTITY_MGMT_MODULE 0x06

uint16_t bmc_sdr_count(const struct bmc *bmc)
{
	return (uint16_t)(bmc->sensors.nrec + 2 + bmc->sensors.nremote_mc);
}

uint16_t bmc_sdr_resolve(const struct bmc *bmc, uint16_t id)
{
	uint16_t n = bmc_sdr_count(bmc);
	if (id == SDR_ID_FIRST)
		return 1;
	if (id == SDR_ID_LAST)
		return n;
	return id <= n ? id : 0;
}

uint16_t bmc_sdr_next(const struct bmc *bmc, uint16_t id)
{
	return id >= bmc_sdr_count(bmc) ? SDR_ID_LAST : (uint16_t)(id + 1);
}

/* §43.15: type/length byte, [7:6] 11b = 8-bit ASCII + Latin 1, [4:0] length. */
static void put_id_string(struct bmc_writer *w, const char *s)
{
	size_t n = strnlen(s, 16);
	wr_u8(w, (uint8_t)(0xC0 | n));
	wr_bytes(w, s, n);
}

/* Record header (§43, bytes 1-5) with a length patched in by finish(). */
static uint8_t *header(struct bmc_writer *w, uint16_t id, uint8_t type)
{
	wr_u16le(w, id);
	wr_u8(w, SDR_VERSION);
	wr_u8(w, type);
	return wr_reserve(w, 1);
}

static int finish(const struct bmc_writer *w, uint8_t *len_byte)
{
	if (!wr_ok(w) || !len_byte)
		return -1;
	*len_byte = (uint8_t)(wr_len(w) - SDR_HEADER_LEN);
	return (int)wr_len(w);
}

/* Record key, bytes 6-8 of records 01h-03h: owner id ([7:1] slave address, [0] 0b =
 * IPMB), owner LUN ([7:4] channel 0, [1:0] LUN), sensor number. */
static void sensor_key(struct bmc_writer *w, const struct bmc_sensor *s)
{
	wr_u8(w, s->owner);
	wr_u8(w, (uint8_t)(s->lun & 3));
	wr_u8(w, s->number);
}

static bool is_threshold(const struct bmc_sensor *s)
{
	return s->reading_type == 0x01;
}

/* Byte 11, sensor initialization: [6] init scanning, [5] init events, [4] init
 * thresholds, [3] init hysteresis, [2] init sensor type, [1] event generation on at
 * power up, [0] scanning on at power up. */
static uint8_t init_byte(const struct bmc_sensor *s, const struct bmc_sensor_desc *d)
{
	uint8_t v = 0x40 | 0x20 | 0x04 | 0x01;
	if (is_threshold(s))
		v |= 0x10 | 0x08;
	if (d->events_enabled)
		v |= 0x02;
	return v;
}

/* Byte 12, sensor capabilities: [6] auto re-arm, [5:4] hysteresis 10b readable and
 * settable, [3:2] thresholds 01b readable / 10b readable and settable, [1:0] 00b
 * per-offset event enables. */
static uint8_t caps_byte(const struct bmc_sensor *s)
{
	uint8_t v = 0x40;
	if (is_threshold(s)) {
		v |= 0x20;
		if (s->thr_settable)
			v |= 0x08;
		else if (s->thr_readable)
			v |= 0x04;
	}
	return v;
}

/* Bytes 13-20 (full, compact): type, event/reading type, then the three masks. For
 * threshold sensors the top bits of the assertion/deassertion masks say which lower
 * and upper comparisons Get Sensor Reading returns ([14] NR, [13] C, [12] NC), and
 * bytes 19-20 are the readable (LS) and settable (MS) threshold masks. */
static void type_and_masks(struct bmc_writer *w, const struct bmc_sensor *s, const struct bmc_sensor_desc *d)
{
	wr_u8(w, s->type);
	wr_u8(w, s->reading_type);
	if (is_threshold(s)) {
		uint16_t lower = (uint16_t)((s->thr_readable & 0x07u) << 12);
		uint16_t upper = (uint16_t)(((s->thr_readable >> 3) & 0x07u) << 12);
		wr_u16le(w, (uint16_t)(lower | s->assert_mask));
		wr_u16le(w, (uint16_t)(upper | s->deassert_mask));
		wr_u8(w, s->thr_readable);
		wr_u8(w, s->thr_settable);
	} else {
		wr_u16le(w, s->assert_mask);
		wr_u16le(w, s->deassert_mask);
		wr_u16le(w, (uint16_t)(d->reading_mask & 0x7FFF));
	}
}

/* Byte 21, sensor units 1: [7:6] analog data format (11b: no numeric reading), [5:3]
 * rate unit none, [2:1] modifier unit none, [0] not a percentage. Bytes 22-23: base
 * unit, modifier unit (none). */
static void units(struct bmc_writer *w, const struct bmc_sensor *s, const struct bmc_sensor_desc *d)
{
	wr_u8(w, is_threshold(s) ? (uint8_t)((s->analog_format & 3) << 6) : 0xC0);
	wr_u8(w, is_threshold(s) ? d->unit : 0x00);
	wr_u8(w, 0x00);
}

/* Full sensor record, §43.1. */
static int full_record(struct bmc_writer *w, uint16_t id, const struct bmc_sensor *s,
		       const struct bmc_sensor_desc *d)
{
	uint8_t *len = header(w, id, SDR_FULL);
	sensor_key(w, s);
	wr_u8(w, d->entity_id);                     /* 9 */
	wr_u8(w, d->entity_instance & 0x7F);        /* 10: [7] 0b physical entity */
	wr_u8(w, init_byte(s, d));                  /* 11 */
	wr_u8(w, caps_byte(s));                     /* 12 */
	type_and_masks(w, s, d);                    /* 13-20 */
	units(w, s, d);                             /* 21-23 */
	wr_u8(w, 0x00);                             /* 24: linearization 00h linear */
	/* 25-30: M and B are 10-bit two's complement, LS byte then [7:6] MS bits with
	 * tolerance / accuracy (0) below; 29: accuracy MS, exponent, direction all 0;
	 * 30: [7:4] R exponent, [3:0] B exponent, 4-bit two's complement. */
	uint16_t m = (uint16_t)d->m, b = (uint16_t)d->b;
	wr_u8(w, (uint8_t)(m & 0xFF));
	wr_u8(w, (uint8_t)(((m >> 8) & 3u) << 6));
	wr_u8(w, (uint8_t)(b & 0xFF));
	wr_u8(w, (uint8_t)(((b >> 8) & 3u) << 6));
	wr_u8(w, 0x00);
	wr_u8(w, (uint8_t)((((unsigned)d->r_exp & 0xFu) << 4) | ((unsigned)d->b_exp & 0xFu)));
	wr_u8(w, 0x07);                             /* 31: nominal, normal max, normal min given */
	wr_u8(w, d->nominal);                       /* 32 */
	wr_u8(w, d->normal_max);                    /* 33 */
	wr_u8(w, d->normal_min);                    /* 34 */
	wr_u8(w, d->sensor_max);                    /* 35 */
	wr_u8(w, d->sensor_min);                    /* 36 */
	/* 37-42: UNR, UC, UNC, LNR, LC, LNC; unreadable ones 0. */
	static const uint8_t order[THR_COUNT] = {THR_UNR, THR_UC, THR_UNC, THR_LNR, THR_LC, THR_LNC};
	for (unsigned k = 0; k < THR_COUNT; k++)
		wr_u8(w, (s->thr_readable & (1u << order[k])) ? s->thr[order[k]] : 0);
	wr_u8(w, s->hyst_pos);                      /* 43 */
	wr_u8(w, s->hyst_neg);                      /* 44 */
	wr_u16le(w, 0);                             /* 45-46 reserved */
	wr_u8(w, 0);                                /* 47 OEM */
	put_id_string(w, d->id);                    /* 48- */
	return finish(w, len);
}

/* Compact sensor record, §43.2. */
static int compact_record(struct bmc_writer *w, uint16_t id, const struct bmc_sensor *s,
			  const struct bmc_sensor_desc *d)
{
	uint8_t *len = header(w, id, SDR_COMPACT);
	sensor_key(w, s);
	wr_u8(w, d->entity_id);                     /* 9 */
	wr_u8(w, d->entity_instance & 0x7F);        /* 10 */
	wr_u8(w, init_byte(s, d));                  /* 11 */
	wr_u8(w, caps_byte(s));                     /* 12 */
	type_and_masks(w, s, d);                    /* 13-20 */
	units(w, s, d);                             /* 21-23 */
	wr_u8(w, 0x01);                             /* 24: no instance modifier, share count 1 */
	wr_u8(w, 0x00);                             /* 25: no instance modifier offset */
	wr_u8(w, s->hyst_pos);                      /* 26 */
	wr_u8(w, s->hyst_neg);                      /* 27 */
	wr_zero(w, 3);                              /* 28-30 reserved */
	wr_u8(w, 0);                                /* 31 OEM */
	put_id_string(w, d->id);                    /* 32- */
	return finish(w, len);
}

/* Event-only record, §43.3. */
static int event_only_record(struct bmc_writer *w, uint16_t id, const struct bmc_sensor *s,
			     const struct bmc_sensor_desc *d)
{
	uint8_t *len = header(w, id, SDR_EVENT_ONLY);
	sensor_key(w, s);
	wr_u8(w, d->entity_id);                     /* 9 */
	wr_u8(w, d->entity_instance & 0x7F);        /* 10 */
	wr_u8(w, s->type);                          /* 11 */
	wr_u8(w, s->reading_type);                  /* 12 */
	wr_u8(w, 0x01);                             /* 13: direction unspecified, share count 1 */
	wr_u8(w, 0x00);                             /* 14 */
	wr_u8(w, 0x00);                             /* 15 reserved */
	wr_u8(w, 0x00);                             /* 16 OEM */
	put_id_string(w, d->id);                    /* 17- */
	return finish(w, len);
}

/* FRU device locator for logical FRU device 0 behind the BMC, §43.8. */
static int fru_locator(struct bmc *bmc, struct bmc_writer *w, uint16_t id)
{
	struct bmc_fru_info fi;
	const char *name = FRU_NAME;
	memset(&fi, 0, sizeof fi);
	if (bmc->backend.fru_info && bmc->backend.fru_info(bmc->backend.ctx, &fi) == 0) {
		fi.board_product[sizeof fi.board_product - 1] = '\0';
		if (fi.board_product[0])
			name = fi.board_product;
	}
	uint8_t *len = header(w, id, SDR_FRU_LOCATOR);
	wr_u8(w, bmc->cfg.slave_addr);  /* 6: device access address [7:1] */
	wr_u8(w, 0x00);                 /* 7: FRU device id 0 */
	wr_u8(w, 0x80);                 /* 8: [7] logical FRU device, LUN 0, private bus 0 */
	wr_u8(w, 0x00);                 /* 9: channel 0 */
	wr_u8(w, 0x00);                 /* 10 reserved */
	wr_u8(w, 0x10);                 /* 11: device type 10h, IPMI FRU inventory (table 43-12) */
	wr_u8(w, 0x00);                 /* 12: type modifier */
	wr_u8(w, ENTITY_SYSTEM_BOARD);  /* 13: FRU entity id */
	wr_u8(w, 0x01);                 /* 14: FRU entity instance */
	wr_u8(w, 0x00);                 /* 15 OEM */
	put_id_string(w, name);         /* 16- */
	return finish(w, len);
}

/* Management controller device locator, §43.9: this controller, or another one on
 * IPMB that owns sensors of the repository (a satellite: a sensor device only). */
static int mc_locator(struct bmc_writer *w, uint16_t id, uint8_t addr, bool self, uint8_t instance)
{
	char name[17] = MC_NAME;
	if (!self) {
		static const char hex[] = "0123456789ABCDEF";
		const char sat[] = "MC at ..h";
		memcpy(name, sat, sizeof sat);
		name[6] = hex[addr >> 4];
		name[7] = hex[addr & 15];
	}
	uint8_t *len = header(w, id, SDR_MC_LOCATOR);
	wr_u8(w, addr);                 /* 6: device slave address [7:1] */
	wr_u8(w, 0x00);                 /* 7: channel 0 */
	wr_u8(w, 0x00);                 /* 8: no ACPI notification; global init 00b: enable events */
	/* 9: capabilities: [7] chassis, [4] event receiver, [3] FRU inventory, [2] SEL,
	 * [1] SDR repository, [0] sensor device. */
	wr_u8(w, self ? 0x80 | 0x10 | 0x08 | 0x04 | 0x02 | 0x01 : 0x01);
	wr_zero(w, 3);                  /* 10-12 reserved */
	wr_u8(w, ENTITY_MGMT_MODULE);   /* 13: entity id, system management module */
	wr_u8(w, instance);             /* 14: entity instance */
	wr_u8(w, 0x00);                 /* 15 OEM */
	put_id_string(w, name);         /* 16- */
	return finish(w, len);
}

int bmc_sdr_encode(struct bmc *bmc, uint16_t id, uint8_t *buf, size_t cap)
{
	const struct bmc_sensors *ss = &bmc->sensors;
	struct bmc_writer w;
	wr_init(&w, buf, cap);
	if (id == 0 || id > bmc_sdr_count(bmc))
		return -1;
	if (id == ss->nrec + 1)
		return fru_locator(bmc, &w, id);
	if (id == ss->nrec + 2)
		return mc_locator(&w, id, bmc->cfg.slave_addr, true, 1);
	if (id > ss->nrec + 2) {
		unsigned k = (unsigned)(id - ss->nrec - 3);
		return mc_locator(&w, id, ss->remote_mc[k], false, (uint8_t)(k + 2));
	}

	uint16_t slot = ss->rec[id - 1];
	const struct bmc_sensor *s = &ss->s[slot];
	struct bmc_sensor_desc d;
	memset(&d, 0, sizeof d);
	if (!bmc->backend.sensor_describe || bmc->backend.sensor_describe(bmc->backend.ctx, slot, &d) != 0)
		return -1;
	d.id[sizeof d.id - 1] = '\0';
	switch (s->record_type) {
	case SDR_FULL:
		return full_record(&w, id, s, &d);
	case SDR_COMPACT:
		return compact_record(&w, id, s, &d);
	default:
		return event_only_record(&w, id, s, &d);
	}
}

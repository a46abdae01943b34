/* Event generation, IPMI 2.0 §29 (event messages), §36 (sensor and event logic) and
 * §42 (event/reading types): a sensor's new reading becomes a new state, and each
 * state bit that changed becomes an assertion or deassertion event when both the SDR
 * masks and the current event enables allow it. */
#include "sensor.h"

#include "sel.h"
#include "state.h"

int bmc_sensor_raw_value(const struct bmc_sensor *s, uint8_t raw)
{
	/* §43.1 byte 21 [7:6]: 00b unsigned, 01b one's complement, 10b two's complement. */
	switch (s->analog_format) {
	case 1:
		return (raw & 0x80) ? -(int)(uint8_t)(~raw & 0x7F) : (int)raw;
	case 2:
		return (raw & 0x80) ? (int)raw - 256 : (int)raw;
	default:
		return (int)raw;
	}
}

/* Threshold event state with hysteresis, §36.3 and table 42-2: threshold t (LNC, LC,
 * LNR, UNC, UC, UNR) owns offsets 2t (going low) and 2t+1 (going high). A going-high
 * event asserts when the reading reaches the threshold and deasserts only once the
 * reading is below threshold - positive hysteresis; going-low is the mirror image
 * with the negative hysteresis. Comparison is on the signed value, so two's
 * complement sensors work; a negative M (falling raw = rising value) is not supported
 * by the platform interface and not handled here. */
static uint16_t threshold_state(const struct bmc_sensor *s, uint8_t raw)
{
	uint16_t st = s->state;
	int v = bmc_sensor_raw_value(s, raw);
	for (unsigned t = 0; t < THR_COUNT; t++) {
		uint16_t lo = (uint16_t)(1u << (2 * t)), hi = (uint16_t)(1u << (2 * t + 1));
		if (!(s->thr_readable & (1u << t))) {
			st &= (uint16_t)~(lo | hi);
			continue;
		}
		int thr = bmc_sensor_raw_value(s, s->thr[t]);
		if (st & hi) {
			if (v < thr - (int)s->hyst_pos)
				st &= (uint16_t)~hi;
		} else if (v >= thr) {
			st |= hi;
		}
		if (st & lo) {
			if (v > thr + (int)s->hyst_neg)
				st &= (uint16_t)~lo;
		} else if (v <= thr) {
			st |= lo;
		}
	}
	return st;
}

uint8_t bmc_sensor_thr_status(const struct bmc_sensor *s)
{
	/* §35.14 byte 3: [0] at or below LNC, [1] LC, [2] LNR, [3] at or above UNC, [4] UC,
	 * [5] UNR: the lower thresholds' going-low and the upper ones' going-high state. */
	uint8_t out = 0;
	for (unsigned t = 0; t < THR_COUNT; t++) {
		unsigned bit = t < THR_UNC ? 2 * t : 2 * t + 1;
		if ((s->thr_readable & (1u << t)) && (s->state & (1u << bit)))
			out |= (uint8_t)(1u << t);
	}
	return out;
}

int bmc_sensor_event(struct bmc *bmc, const struct bmc_event *ev)
{
	if (bmc->sensors.observer)
		bmc->sensors.observer(bmc->sensors.observer_ctx, ev);
	return bmc_sel_log_event(bmc, ev->generator, ev->sensor_type, ev->sensor_num, ev->dir_type, ev->d1, ev->d2,
				 ev->d3);
}

/* An event for a receiver elsewhere on IPMB: a Platform Event Message (§29.3) from
 * this controller, with the sensor's LUN as the requester LUN so that the receiver
 * records the right generator. No answer is awaited: IPMB events are best effort. */
static void remote_event(struct bmc *bmc, const struct bmc_sensor *s, const struct bmc_event *ev)
{
	const uint8_t data[7] = {0x04, ev->sensor_type, ev->sensor_num, ev->dir_type, ev->d1, ev->d2, ev->d3};
	if (!bmc_ipmb_present(bmc) ||
	    bmc_ipmb_request(bmc, CHANNEL_PRIMARY_IPMB, bmc->sensors.evr_addr, NETFN_SENSOR, bmc->sensors.evr_lun,
			     s->lun, 0x02, data, sizeof data) != 0)
		bmc->sensors.events_lost++;
}

/* One state bit changed: an event if the sensor may send it, §29.7 and §35.10. */
static void state_changed(struct bmc *bmc, struct bmc_sensor *s, unsigned offset, bool asserted)
{
	uint16_t bit = (uint16_t)(1u << offset);
	if (asserted)
		s->deasserted &= (uint16_t)~bit;
	else
		s->deasserted |= bit;
	if (!(s->flags & SENS_EVENTS))
		return;
	/* §30.1: event receiver FFh turns event generation off. */
	if (bmc->sensors.evr_addr == 0xFF)
		return;
	uint16_t allowed = asserted ? (uint16_t)(s->assert_mask & s->assert_en)
				    : (uint16_t)(s->deassert_mask & s->deassert_en);
	if (!(allowed & bit))
		return;
	struct bmc_event ev = {
		/* §32.1: generator byte 1 = BMC slave address, byte 2 = channel 0, the
		 * sensor's LUN, so sensor numbers on LUN 1 and 3 stay distinct. */
		.generator = (uint16_t)(bmc->cfg.slave_addr | (s->lun << 8)),
		.sensor_type = s->type,
		.sensor_num = s->number,
		/* §29.7: event dir (bit 7: 1 = deassertion) | event/reading type */
		.dir_type = (uint8_t)((asserted ? 0x00 : 0x80) | (s->reading_type & 0x7F)),
	};
	if (s->reading_type == 0x01) {
		/* Table 29-6, threshold: data 1 [7:6] 01b trigger reading in byte 2, [5:4]
		 * 01b trigger threshold in byte 3, [3:0] offset. */
		ev.d1 = (uint8_t)(0x50 | offset);
		ev.d2 = s->raw;
		ev.d3 = s->thr[offset / 2];
	} else {
		/* Table 29-6, discrete: data 1 [7:4] 0000b (bytes 2 and 3 unspecified, so
		 * FFh), [3:0] offset. */
		ev.d1 = (uint8_t)offset;
		ev.d2 = 0xFF;
		ev.d3 = 0xFF;
	}
	if (bmc->sensors.evr_addr == bmc->cfg.slave_addr)
		bmc_sensor_event(bmc, &ev);
	else
		remote_event(bmc, s, &ev);
}

void bmc_sensor_poll(struct bmc *bmc, unsigned slot)
{
	struct bmc_sensor *s = &bmc->sensors.s[slot];
	uint8_t raw = 0;
	uint16_t states = 0;

	/* §35.10: with scanning disabled the sensor is neither read nor evaluated. */
	if (!(s->flags & SENS_PRESENT) || !(s->flags & SENS_SCAN))
		return;
	if (!bmc->backend.sensor_read || bmc->backend.sensor_read(bmc->backend.ctx, slot, &raw, &states) != 0) {
		/* Unavailable (e.g. powered down with the host): the state is kept, so no
		 * events are raised by the outage itself, §35.14 byte 2 bit 5. */
		s->flags &= (uint8_t)~SENS_VALID;
		return;
	}
	s->flags |= SENS_VALID;
	s->raw = raw;
	uint16_t next = s->reading_type == 0x01 ? threshold_state(s, raw) : (uint16_t)(states & 0x7FFF);
	uint16_t changed = next ^ s->state;
	s->state = next;
	for (unsigned off = 0; off < 15 && changed; off++) {
		if (changed & (1u << off)) {
			changed &= (uint16_t)~(1u << off);
			state_changed(bmc, s, off, (next >> off) & 1);
		}
	}
}

void bmc_sensor_rearm(struct bmc *bmc, unsigned slot, bool rearm_all, uint16_t amask, uint16_t dmask)
{
	struct bmc_sensor *s = &bmc->sensors.s[slot];
	if (rearm_all) {
		s->state = 0;
		s->deasserted = 0;
	} else {
		/* Forgetting an asserted state makes the next reading assert it again. */
		s->state &= (uint16_t)~amask;
		s->deasserted &= (uint16_t)~dmask;
	}
	bmc_sensor_poll(bmc, slot);
}

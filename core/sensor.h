/* Sensors, IPMI 2.0 §35, §36, §42: the table built from the backend's descriptions,
 * thresholds, hysteresis, event enables and state, event generation. The SDR records
 * that describe them are encoded in sdr.c.
 *
 * A sensor is always named by (owner, LUN, number) together; the slot index is the
 * backend's index (stable for the life of the process, and the STORE_SENSOR key). */
#ifndef BMC_CORE_SENSOR_H
#define BMC_CORE_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bmc;

/* Three LUNs (0, 1, 3) of 255 sensors each for owner 20h need 765; the rest is room
 * for the fleet issue. Per-sensor RAM is struct bmc_sensor (32 bytes): the static
 * description (ID string, factors, entity) stays in the backend and is fetched with
 * sensor_describe only when an SDR or the reading factors are asked for. */
#define BMC_MAX_SENSORS 1152
#define BMC_SENSOR_NONE 0xFFFFu

/* struct bmc_sensor.flags */
#define SENS_PRESENT 0x01   /* slot holds an accepted sensor */
#define SENS_EVENTS 0x02    /* "all event messages" enabled, §35.10 byte 2 bit 7 */
#define SENS_SCAN 0x04      /* sensor scanning enabled, §35.10 byte 2 bit 6 */
#define SENS_VALID 0x08     /* the last read succeeded */
#define SENS_RESTORED 0x10  /* settings replayed from the store before start */
#define SENS_REMOTE 0x20    /* owned by another controller: in the SDR repository only */

/* Other controllers whose sensors the SDR repository publishes (one MC locator each). */
#define BMC_MAX_REMOTE_MCS 8

/* Threshold indices, in the order of backend.h thr[] and of the §35.8 masks. */
enum { THR_LNC, THR_LC, THR_LNR, THR_UNC, THR_UC, THR_UNR, THR_COUNT };

struct bmc_sensor {
	uint16_t assert_mask, deassert_mask; /* what the SDR says the sensor can generate */
	uint16_t assert_en, deassert_en;     /* per-offset enables, §35.10 */
	uint16_t state;      /* threshold: asserted event bits (table 42-2); discrete: states */
	uint16_t deasserted; /* deassertion status since the last re-arm, §35.13 */
	uint8_t owner, lun, number;
	uint8_t type, reading_type, record_type;
	uint8_t analog_format;
	uint8_t thr_readable, thr_settable;
	uint8_t thr[THR_COUNT];
	uint8_t hyst_pos, hyst_neg;
	uint8_t raw;   /* last reading */
	uint8_t flags; /* SENS_* */
};

/* One event as handed to the SEL, IPMI 2.0 §32.1 fields of a type 02h record. */
struct bmc_event {
	uint16_t generator; /* byte 1: slave address / software id; byte 2: channel << 4 | LUN */
	uint8_t sensor_type, sensor_num, dir_type, d1, d2, d3;
};

typedef void bmc_event_observer(void *ctx, const struct bmc_event *ev);

struct bmc_sensors {
	unsigned count;   /* slots in use: the backend's sensor count (capped) */
	uint16_t nrec;    /* sensors with an SDR record, in rec[] */
	/* (LUN, number) -> slot for owner 20h: Get Sensor Reading in O(1). */
	uint16_t by_num[4][256];
	/* SDR record id - 1 -> slot, for record ids 1..nrec; the two device locators
	 * follow (sdr.c). */
	uint16_t rec[BMC_MAX_SENSORS];
	uint8_t remote_mc[BMC_MAX_REMOTE_MCS]; /* their slave addresses, in order of first sensor */
	uint8_t nremote_mc;
	uint16_t reservation;     /* Reserve SDR Repository, §33.11; 0 = none yet */
	uint16_t dev_reservation; /* Reserve Device SDR Repository, §35.4 */
	uint32_t sdr_time;        /* records last changed: "most recent addition", §33.9 */
	uint32_t sdr_fp;          /* fingerprint of the records sdr_time belongs to */
	bool sdr_stored;          /* sdr_time/sdr_fp were replayed from the store */
	unsigned cursor;          /* next slot to poll */
	uint32_t budget;          /* polls owed, in 1/1000 of a sensor */
	uint64_t last_ms;
	bool ticking;
	uint32_t events_lost;      /* for a remote receiver the bus did not take */
	uint8_t evr_addr, evr_lun; /* event receiver, §30.1; FFh = event generation off */
	bmc_event_observer *observer; /* sees every event (tests, the control socket) */
	void *observer_ctx;
	struct bmc_sensor s[BMC_MAX_SENSORS];
};

void bmc_sensors_init(struct bmc *bmc);
int bmc_sensors_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Reads the backend's sensor descriptions and builds the SDR repository. */
int bmc_sensors_start(struct bmc *bmc);
/* Polls the sensors that are due and raises events. */
void bmc_sensors_tick(struct bmc *bmc);

/* The slot of sensor (owner, lun, number), or -1. */
int bmc_sensor_find(const struct bmc *bmc, uint8_t owner, uint8_t lun, uint8_t number);
/* Writes slot's settings (thresholds, hysteresis, enables) to the store. */
int bmc_sensor_persist(struct bmc *bmc, unsigned slot);
int bmc_event_receiver_persist(struct bmc *bmc);

/* sensor_event.c: reads slot now and raises the events its new state implies. */
void bmc_sensor_poll(struct bmc *bmc, unsigned slot);
/* Re-arms the selected assertion/deassertion status bits (all when rearm_all) and
 * re-evaluates, so conditions still present are reported again. §35.12 */
void bmc_sensor_rearm(struct bmc *bmc, unsigned slot, bool rearm_all, uint16_t amask, uint16_t dmask);
/* Delivers one event: to the SEL (bmc_sel_log_event) and to the observer. Returns the
 * SEL record id or negative. */
int bmc_sensor_event(struct bmc *bmc, const struct bmc_event *ev);
/* Raw reading as a signed number in the sensor's analog data format (§43.1 byte 21). */
int bmc_sensor_raw_value(const struct bmc_sensor *s, uint8_t raw);
/* Threshold comparison status bits of Get Sensor Reading byte 3, §35.14. */
uint8_t bmc_sensor_thr_status(const struct bmc_sensor *s);

#endif

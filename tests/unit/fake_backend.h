/* A scriptable backend for unit tests: sensors whose readings a test sets, a power
 * switch that records actions, a FRU description. */
#ifndef BMC_FAKE_BACKEND_H
#define BMC_FAKE_BACKEND_H

#include "bmc/backend.h"

#define FAKE_MAX_SENSORS 1100

struct fake_backend {
	unsigned nsensors;
	struct bmc_sensor_desc desc[FAKE_MAX_SENSORS];
	uint8_t raw[FAKE_MAX_SENSORS];
	uint16_t states[FAKE_MAX_SENSORS];
	bool unavailable[FAKE_MAX_SENSORS];
	bool power_on;
	int actions[16]; /* chassis actions performed, in order */
	unsigned nactions;
	int fail_control; /* chassis_control fails while non-zero */
	uint8_t identify_seconds;
	bool identify_force;
	int identify_calls;
	uint8_t last_pretimeout;
	int pretimeouts;
	struct bmc_fru_info fru;
	/* host console: what the BMC wrote to it, and how much it takes per call */
	uint8_t console[8192];
	size_t console_len;
	size_t console_take;   /* at most this many bytes per console_write; 0: all */
	int breaks;
};

/* Fills be with ops bound to fb. fb starts with no sensors, power on, a small FRU. */
void fake_backend_init(struct fake_backend *fb, struct bmc_backend *be);
/* Adds a threshold temperature sensor (1 degree C per count, thresholds UNC 80,
 * UC 90, UNR 100, LNC 5, LC 0 ... as raw values) and returns its index. */
unsigned fake_add_temp(struct fake_backend *fb, const char *id, uint8_t number, uint8_t raw);
/* Adds a discrete sensor (reading type 6Fh) of the given sensor type. */
unsigned fake_add_discrete(struct fake_backend *fb, const char *id, uint8_t number, uint8_t type,
			   uint16_t assert_mask);

#endif

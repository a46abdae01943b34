/* The BMC watchdog timer, IPMI 2.0 §27: countdown, pre-timeout interrupt, timeout
 * action and its SEL event (sensor type 23h "Watchdog 2", table 42-3). */
#ifndef BMC_CORE_WATCHDOG_H
#define BMC_CORE_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

struct bmc;
struct bmc_writer;

/* App commands, IPMI 2.0 appendix G. */
enum {
	CMD_RESET_WATCHDOG = 0x22,
	CMD_SET_WATCHDOG = 0x24,
	CMD_GET_WATCHDOG = 0x25,
};

/* Reset Watchdog Timer before any Set Watchdog Timer (§27.5). */
#define CC_WD_UNINITIALISED 0x80

/* The sensor number the BMC's watchdog events carry (no SDR is published for it yet). */
#define BMC_WATCHDOG_SENSOR_NUM 0xF0
#define SENSOR_TYPE_WATCHDOG2 0x23
#define EVENT_TYPE_SENSOR_SPECIFIC 0x6F

/* Timer use byte (§27.6 byte 1). */
#define WD_DONT_LOG 0x80
#define WD_DONT_STOP 0x40 /* in Set */
#define WD_RUNNING 0x40   /* in Get */
#define WD_USE_MASK 0x07

/* Timer actions byte (§27.6 byte 2). */
enum { WD_ACT_NONE = 0, WD_ACT_HARD_RESET = 1, WD_ACT_POWER_DOWN = 2, WD_ACT_POWER_CYCLE = 3 };
enum { WD_PRE_NONE = 0, WD_PRE_SMI = 1, WD_PRE_NMI = 2, WD_PRE_MSG = 3 };

/* The last event the chassis/watchdog code logged, kept whatever the SEL made of it:
 * a seam for tests and a fact for the log. */
struct bmc_chassis_event {
	uint8_t sensor_type, sensor_num, dir_type, d1, d2, d3;
};

struct bmc_watchdog {
	bool initialised;        /* a Set Watchdog Timer has been accepted since start */
	bool running;
	bool pretimeout_done;    /* the pre-timeout interrupt of this countdown happened */
	uint8_t use;             /* don't-log bit 7 | timer use 2:0 */
	uint8_t actions;         /* pre-timeout interrupt 6:4 | timeout action 2:0 */
	uint8_t pretimeout_s;
	uint8_t expired;         /* timer use expiration flags, bits 5:1 */
	uint16_t initial;        /* initial countdown, 100 ms units */
	uint64_t deadline_ms;    /* expiry time while running */
	uint32_t remaining_ms;   /* countdown left while stopped */
	uint32_t events;         /* events logged (the seam above) */
	struct bmc_chassis_event last_event;
};

void bmc_watchdog_init(struct bmc *bmc);
/* Set Watchdog Timer request fields, already checked. */
uint8_t bmc_watchdog_set(struct bmc *bmc, uint8_t use, uint8_t actions, uint8_t pretimeout_s, uint8_t clear,
			 uint16_t initial);
uint8_t bmc_watchdog_reset(struct bmc *bmc);
void bmc_watchdog_get(struct bmc *bmc, struct bmc_writer *rsp);
/* The system was reset or powered down: the software that fed the timer is gone, so
 * the timer stops (§27). */
void bmc_watchdog_stop(struct bmc *bmc);
void bmc_watchdog_tick(struct bmc *bmc);

#endif

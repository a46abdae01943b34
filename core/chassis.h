/* Chassis device and watchdog, IPMI 2.0 §28 and §27: power control, identify, power
 * restore policy, restart cause, boot options, POH counter, the watchdog timer. */
#ifndef BMC_CORE_CHASSIS_H
#define BMC_CORE_CHASSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/backend.h"
#include "bootopt.h"
#include "watchdog.h"

struct bmc;

/* Chassis commands, IPMI 2.0 appendix G. */
enum {
	CMD_GET_CHASSIS_CAPS = 0x00,
	CMD_GET_CHASSIS_STATUS = 0x01,
	CMD_CHASSIS_CONTROL = 0x02,
	CMD_CHASSIS_IDENTIFY = 0x04,
	CMD_SET_CHASSIS_CAPS = 0x05,
	CMD_SET_POWER_RESTORE_POLICY = 0x06,
	CMD_GET_RESTART_CAUSE = 0x07,
	CMD_SET_BOOT_OPTIONS = 0x08,
	CMD_GET_BOOT_OPTIONS = 0x09,
	CMD_GET_POH_COUNTER = 0x0F,
};

/* Power restore policy, §28.8 (and Get Chassis Status byte 1 bits 6:5). */
enum { POLICY_ALWAYS_OFF = 0, POLICY_PREVIOUS = 1, POLICY_ALWAYS_ON = 2, POLICY_NO_CHANGE = 3 };

/* System restart causes, §28.11. */
enum {
	RESTART_UNKNOWN = 0x0,
	RESTART_CHASSIS_CONTROL = 0x1,
	RESTART_RESET_BUTTON = 0x2,
	RESTART_POWER_BUTTON = 0x3,
	RESTART_WATCHDOG = 0x4,
	RESTART_OEM = 0x5,
	RESTART_AC_ALWAYS_ON = 0x6,
	RESTART_AC_PREVIOUS = 0x7,
	RESTART_PEF_RESET = 0x8,
	RESTART_PEF_CYCLE = 0x9,
	RESTART_SOFT_RESET = 0xA,
	RESTART_RTC_WAKEUP = 0xB,
};

/* Identify state, Get Chassis Status byte 3 bits 5:4 (§28.2). */
enum { IDENTIFY_OFF = 0, IDENTIFY_TIMED = 1, IDENTIFY_FORCED = 2 };
#define IDENTIFY_DEFAULT_S 15 /* §28.5: no interval byte means 15 seconds */

/* POH counter granularity (§28.14): one count per powered-on minute. */
#define POH_MINUTES_PER_COUNT 1
#define POH_MS_PER_COUNT (POH_MINUTES_PER_COUNT * 60000u)

/* STORE_CHASSIS keys. */
enum {
	BMC_CHASSIS_KEY_POWER = 1,     /* restore policy, last power state (u8 u8) */
	BMC_CHASSIS_KEY_POH = 2,       /* POH counter (u32le) */
	BMC_CHASSIS_KEY_CAPS = 3,      /* Set Chassis Capabilities data (5 or 6 bytes) */
	BMC_CHASSIS_KEY_BOOTOPT = 0x100, /* | parameter selector: invalid flag, parameter data */
};

/* Results of bmc_chassis_action. */
enum {
	CHASSIS_OK = 0,
	CHASSIS_ENOBACKEND = -1, /* the backend cannot do this at all */
	CHASSIS_ENOTNOW = -2,    /* not in the present state (power cycle while off) */
	CHASSIS_EFAILED = -3,    /* the backend tried and failed */
};

struct bmc_chassis {
	uint8_t restore_policy;  /* POLICY_* */
	bool last_on;            /* power state as last persisted: "previous" restores it */
	bool last_known;         /* last_on came from the store (not the first start) */
	bool power_on;           /* latest known power state */
	bool control_fault;      /* the latest chassis control failed (status byte 1 bit 4) */
	uint8_t last_event;      /* Get Chassis Status byte 2 */
	uint8_t restart_cause;   /* RESTART_* */
	uint8_t restart_chan;
	uint8_t identify;        /* IDENTIFY_* */
	uint64_t identify_until_ms;
	uint32_t poh;            /* counts of POH_MINUTES_PER_COUNT */
	uint32_t poh_ms;         /* powered-on time not yet counted */
	uint64_t last_tick_ms;
	uint8_t caps[5];         /* flags, FRU, SDR, SEL, system management device addresses */
	uint8_t bridge;          /* optional bridge device address, when has_bridge */
	bool has_bridge;
	struct bmc_bootopt boot;
	struct bmc_watchdog wd;
};

void bmc_chassis_init(struct bmc *bmc);
int bmc_chassis_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Applies the power restore policy (the daemon's start is the "AC power returned"). */
int bmc_chassis_start(struct bmc *bmc);
/* Watchdog countdown, identify timeout, POH counting. */
void bmc_chassis_tick(struct bmc *bmc);

/* Performs a chassis action through the backend and records its consequences: restart
 * cause (with the channel that asked), last power event, watchdog stop, boot flags.
 * Returns CHASSIS_OK or a negative CHASSIS_E*. */
int bmc_chassis_action(struct bmc *bmc, enum bmc_chassis_action action, uint8_t cause, uint8_t channel);
/* Reads the power state from the backend (when it can tell) into chassis.power_on. */
bool bmc_chassis_power(struct bmc *bmc);

#endif

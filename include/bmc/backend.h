/* Hardware operations: what the managed system offers the BMC. backends/sim is the
 * default; hwmon, libvirt or a real board plug in here. Every op may be NULL: the
 * matching IPMI commands then answer "not supported in present state" or similar. */
#ifndef BMC_BACKEND_H
#define BMC_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One sensor as the platform describes it; the core builds its SDR records, keeps its
 * thresholds and event state, and generates its events. IPMI 2.0 §35, §36, §43. */
struct bmc_sensor_desc {
	char id[17];             /* SDR ID string, unique per BMC, NUL-terminated */
	uint8_t owner;           /* slave address of the owning controller (0x20: the BMC) */
	uint8_t lun;             /* 0, 1 or 3 */
	uint8_t number;          /* 0..254 */
	uint8_t entity_id;       /* table 43-13, e.g. 03h processor, 07h system board */
	uint8_t entity_instance;
	uint8_t type;            /* sensor type, table 42-3: 01h temperature, 02h voltage, 04h fan ... */
	uint8_t reading_type;    /* event/reading type, table 42-1: 01h threshold, 6Fh sensor-specific ... */
	uint8_t record_type;     /* SDR type to publish: 01h full, 02h compact, 03h event-only */
	/* Threshold-based (reading_type 01h): raw 8-bit readings, converted by
	 * y = (M * raw + B * 10^Bexp) * 10^Rexp in unit `unit` (table 43-15). */
	uint8_t unit;            /* base unit: 01h degrees C, 04h volts, 12h RPM, 06h watts, 05h amps ... */
	uint8_t analog_format;   /* 0 unsigned, 1 one's complement, 2 two's complement */
	int16_t m;               /* 10 bits signed */
	int16_t b;               /* 10 bits signed */
	int8_t b_exp;            /* 4 bits signed */
	int8_t r_exp;            /* 4 bits signed */
	uint8_t nominal, normal_min, normal_max, sensor_min, sensor_max; /* raw */
	uint8_t thr_readable;    /* bit 0 LNC, 1 LC, 2 LNR, 3 UNC, 4 UC, 5 UNR */
	uint8_t thr_settable;
	uint8_t thr[6];          /* raw thresholds in the same order: LNC LC LNR UNC UC UNR */
	uint8_t hyst_pos, hyst_neg; /* raw */
	/* Event masks (SDR bytes 15-20): for threshold sensors the 12 threshold event
	 * bits (table 42-2 order), for discrete sensors the state offsets 0..14. */
	uint16_t assert_mask;
	uint16_t deassert_mask;
	uint16_t reading_mask;   /* discrete: states that can be read; threshold: unused */
	bool events_enabled;     /* event messages initially enabled */
};

/* FRU inventory of the managed system (FRU device 0), IPMI FRU spec v1.0. Empty
 * strings are left out of the image. */
struct bmc_fru_info {
	uint8_t chassis_type;    /* SMBIOS chassis type, e.g. 17h rack mount */
	char chassis_part[33], chassis_serial[33];
	char board_mfr[33], board_product[33], board_serial[33], board_part[33];
	uint32_t board_mfg_minutes; /* minutes since 1996-01-01 00:00 */
	char product_mfr[33], product_name[33], product_part[33], product_version[33],
		product_serial[33], product_asset[33];
	uint16_t size;           /* FRU device size in bytes (the image is padded to it) */
};

enum bmc_chassis_action {
	BMC_CHASSIS_POWER_OFF = 0,  /* hard off, IPMI 2.0 §28.3 */
	BMC_CHASSIS_POWER_ON = 1,
	BMC_CHASSIS_POWER_CYCLE = 2,
	BMC_CHASSIS_HARD_RESET = 3,
	BMC_CHASSIS_DIAG_INTERRUPT = 4,
	BMC_CHASSIS_SOFT_OFF = 5,   /* ACPI soft shutdown via the OS */
};

struct bmc_backend {
	void *ctx;
	/* Chassis power state of the managed host. */
	int (*power_get)(void *ctx, bool *on);
	/* Performs a chassis control action. Returns 0, or -1 when the host cannot. */
	int (*chassis_control)(void *ctx, enum bmc_chassis_action action);
	/* Chassis identify: light for `seconds` (0 = off), or until turned off when force. */
	int (*identify)(void *ctx, uint8_t seconds, bool force);
	/* Watchdog pre-timeout interrupt to the host (none, SMI, NMI, messaging = 0..3). */
	int (*pretimeout_interrupt)(void *ctx, uint8_t kind);

	/* Sensors: indices 0..sensor_count-1, fixed for the life of the process. */
	unsigned (*sensor_count)(void *ctx);
	int (*sensor_describe)(void *ctx, unsigned index, struct bmc_sensor_desc *out);
	/* Current reading. Threshold sensors: *raw; discrete sensors: *states (bit n =
	 * offset n asserted). Returns 0, or -1 when the reading is unavailable (for
	 * example the sensor is powered off with the host). */
	int (*sensor_read)(void *ctx, unsigned index, uint8_t *raw, uint16_t *states);

	/* FRU device 0. */
	int (*fru_info)(void *ctx, struct bmc_fru_info *out);

	/* The host's serial console, for Serial over LAN (IPMI 2.0 §15, §24, §26). These ops
	 * take console_ctx, not ctx: the console is usually a device the port owns (a pty, a
	 * UART, QEMU's -serial pty) rather than part of the hardware model behind ctx. Both
	 * never block and may be NULL (no console: SOL cannot be activated).
	 *
	 * console_write: bytes the remote user typed, to the host. Returns how many were
	 * accepted, 0..len: fewer when the host side is full (the SOL data path reports the
	 * rest as not accepted, and the remote console sends them again; §15), or -1 on
	 * an error that will not go away (no console).
	 * console_break: sends a serial break to the host (the SOL "generate BREAK"
	 * operation of the SOL payload, §15). Returns 0, or -1 when the console cannot.
	 *
	 * The other direction, host output, is pushed by the port as it arrives: it calls
	 * bmc_sol_host_output(bmc, buf, len) (the SOL data path, core/sol.c) with every byte
	 * the host prints (platform/posix/console.c: its sink callback). */
	void *console_ctx;
	int (*console_write)(void *console_ctx, const uint8_t *buf, size_t len);
	int (*console_break)(void *console_ctx);
};

#endif

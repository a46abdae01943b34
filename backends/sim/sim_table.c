/* The default simulated server: a two-socket 2U rack server. Sensor types per IPMI 2.0
 * table 42-3, units per table 43-15, entities per table 43-13. Threshold sensors are
 * published as full SDRs, discrete ones as compact SDRs (Session Audit, which has no
 * reading, as an event-only record). Numbers are grouped by kind: 01h temperatures,
 * 20h fans, 30h voltages, 40h power, 50h discrete. */
#include <stdio.h>
#include <string.h>

#include "sim_internal.h"

/* Threshold readable masks: bit 0 LNC, 1 LC, 2 LNR, 3 UNC, 4 UC, 5 UNR. */
#define UP 0x38
#define LOW 0x07
#define ALL 0x3F
#define UP2 0x18

/* Assertion event bits (table 42-2 order) for each readable threshold: going low for
 * the lower thresholds, going high for the upper ones. */
#define TMASK(rd)                                                                                      \
	(uint16_t)((((rd)&1) ? 0x001 : 0) | (((rd)&2) ? 0x004 : 0) | (((rd)&4) ? 0x010 : 0) |         \
		   (((rd)&8) ? 0x080 : 0) | (((rd)&16) ? 0x200 : 0) | (((rd)&32) ? 0x800 : 0))

#define THR(ID, NUM, ENT, INST, TYPE, UNIT, M, REXP, NOM, RD, LNC, LC, LNR, UNC, UC, UNR, MODEL, SRC, HP, BASE,  \
	    GAIN, TAU)                                                                                        \
	{.desc = {.id = ID, .owner = 0x20, .lun = 0, .number = NUM, .entity_id = ENT, .entity_instance = INST, \
		  .type = TYPE, .reading_type = 0x01, .record_type = 0x01, .unit = UNIT, .analog_format = 0,  \
		  .m = M, .b = 0, .b_exp = 0, .r_exp = REXP, .nominal = NOM,                                   \
		  .normal_min = ((RD)&1) ? (LNC) : 0, .normal_max = ((RD)&8) ? (UNC) : 255, .sensor_min = 0,  \
		  .sensor_max = 255, .thr_readable = RD, .thr_settable = RD,                                   \
		  .thr = {LNC, LC, LNR, UNC, UC, UNR}, .hyst_pos = 2, .hyst_neg = 2,                           \
		  .assert_mask = TMASK(RD), .deassert_mask = TMASK(RD), .events_enabled = true},                \
	 .model = MODEL, .src = SRC, .host_powered = HP, .base = BASE, .gain = GAIN, .tau_s = TAU}

#define DISC(ID, NUM, ENT, INST, TYPE, RTYPE, MASK, REC, MODEL, SRC)                                       \
	{.desc = {.id = ID, .owner = 0x20, .lun = 0, .number = NUM, .entity_id = ENT, .entity_instance = INST, \
		  .type = TYPE, .reading_type = RTYPE, .record_type = REC, .assert_mask = MASK,               \
		  .deassert_mask = MASK, .reading_mask = MASK, .events_enabled = true},                        \
	 .model = MODEL, .src = SRC}

/* Temperature: 1 degree C per count. src 0/1: that socket's load, 2: their mean. */
#define TEMP(ID, NUM, ENT, INST, NOM, RD, LNC, LC, LNR, UNC, UC, UNR, SRC, BASE, GAIN, TAU) \
	THR(ID, NUM, ENT, INST, 0x01, 0x01, 1, 0, NOM, RD, LNC, LC, LNR, UNC, UC, UNR, M_TEMP, SRC, false, BASE, GAIN, TAU)
/* Fan: 100 RPM per count, lower thresholds 800 / 500 / 300 RPM. */
#define FAN(ID, NUM, N) \
	THR(ID, NUM, 0x1D, N + 1, 0x04, 0x12, 100, 0, 50, LOW, 8, 5, 3, 0, 0, 0, M_FAN, N, true, 0, 0, 3)
/* Voltage with a resolution of M * 10^REXP volts. */
#define VOLT(ID, NUM, ENT, INST, M, REXP, NOM, RD, LNC, LC, LNR, UNC, UC, UNR, MODEL, SRC, HP, BASE, GAIN) \
	THR(ID, NUM, ENT, INST, 0x02, 0x04, M, REXP, NOM, RD, LNC, LC, LNR, UNC, UC, UNR, MODEL, SRC, HP, BASE, GAIN, 0)

static const struct sim_spec base_specs[] = {
	/* Temperatures (01h): CPUs, DIMMs (four per socket), air, PSUs, chipset, VRs. */
	TEMP("CPU1 Temp", 0x01, 0x03, 1, 45, UP, 0, 0, 0, 85, 95, 100, 0, 15, 45, 20),
	TEMP("CPU2 Temp", 0x02, 0x03, 2, 45, UP, 0, 0, 0, 85, 95, 100, 1, 15, 45, 20),
	TEMP("DIMM A1 Temp", 0x03, 0x20, 1, 35, UP, 0, 0, 0, 80, 85, 95, 0, 8, 18, 60),
	TEMP("DIMM B1 Temp", 0x04, 0x20, 2, 35, UP, 0, 0, 0, 80, 85, 95, 0, 8, 18, 60),
	TEMP("DIMM C1 Temp", 0x05, 0x20, 3, 35, UP, 0, 0, 0, 80, 85, 95, 0, 8, 18, 60),
	TEMP("DIMM D1 Temp", 0x06, 0x20, 4, 35, UP, 0, 0, 0, 80, 85, 95, 0, 8, 18, 60),
	TEMP("DIMM E1 Temp", 0x07, 0x20, 5, 35, UP, 0, 0, 0, 80, 85, 95, 1, 8, 18, 60),
	TEMP("DIMM F1 Temp", 0x08, 0x20, 6, 35, UP, 0, 0, 0, 80, 85, 95, 1, 8, 18, 60),
	TEMP("DIMM G1 Temp", 0x09, 0x20, 7, 35, UP, 0, 0, 0, 80, 85, 95, 1, 8, 18, 60),
	TEMP("DIMM H1 Temp", 0x0A, 0x20, 8, 35, UP, 0, 0, 0, 80, 85, 95, 1, 8, 18, 60),
	TEMP("Inlet Temp", 0x0B, 0x37, 1, 22, ALL, 10, 5, 0, 40, 45, 50, 2, 0, 0, 60),
	TEMP("Exhaust Temp", 0x0C, 0x07, 1, 35, UP, 0, 0, 0, 60, 70, 80, 2, 6, 16, 45),
	TEMP("PSU1 Temp", 0x0D, 0x0A, 1, 35, UP, 0, 0, 0, 60, 70, 80, 2, 8, 12, 60),
	TEMP("PSU2 Temp", 0x0E, 0x0A, 2, 35, UP, 0, 0, 0, 60, 70, 80, 2, 8, 12, 60),
	TEMP("PCH Temp", 0x0F, 0x07, 1, 45, UP, 0, 0, 0, 80, 90, 100, 2, 18, 10, 60),
	TEMP("CPU1 VR Temp", 0x10, 0x14, 1, 45, UP, 0, 0, 0, 90, 100, 110, 0, 12, 35, 30),
	TEMP("CPU2 VR Temp", 0x11, 0x14, 2, 45, UP, 0, 0, 0, 90, 100, 110, 1, 12, 35, 30),
	/* Fans (04h), entity 1Dh fan device. */
	FAN("FAN1", 0x20, 0), FAN("FAN2", 0x21, 1), FAN("FAN3", 0x22, 2),
	FAN("FAN4", 0x23, 3), FAN("FAN5", 0x24, 4), FAN("FAN6", 0x25, 5),
	/* Voltages (02h). Rails fed by the host's power are unavailable while it is off;
	 * standby rails, the RTC battery and the AC inputs are always read. */
	VOLT("12V", 0x30, 0x07, 1, 6, -2, 200, ALL, 190, 180, 170, 210, 220, 230, M_VOLT, 2, true, 12.0, -0.06),
	VOLT("5V", 0x31, 0x07, 1, 3, -2, 167, ALL, 158, 150, 142, 175, 183, 192, M_VOLT, 2, true, 5.0, -0.03),
	VOLT("3.3V", 0x32, 0x07, 1, 2, -2, 165, ALL, 157, 149, 140, 173, 182, 190, M_VOLT, 2, true, 3.3, -0.02),
	VOLT("5VSB", 0x33, 0x07, 1, 3, -2, 167, ALL, 158, 150, 142, 175, 183, 192, M_VOLT, 2, false, 5.0, 0),
	VOLT("VBAT", 0x34, 0x07, 1, 2, -2, 150, LOW, 135, 125, 100, 0, 0, 0, M_VOLT, 2, false, 3.02, 0),
	VOLT("CPU1 Vcore", 0x35, 0x03, 1, 1, -2, 180, ALL, 170, 160, 150, 190, 200, 210, M_VOLT, 0, true, 1.76, 0.08),
	VOLT("CPU2 Vcore", 0x36, 0x03, 2, 1, -2, 180, ALL, 170, 160, 150, 190, 200, 210, M_VOLT, 1, true, 1.76, 0.08),
	VOLT("CPU1 VDDQ", 0x37, 0x08, 1, 1, -2, 120, ALL, 114, 108, 100, 126, 132, 140, M_VOLT, 0, true, 1.2, 0),
	VOLT("CPU2 VDDQ", 0x38, 0x08, 2, 1, -2, 120, ALL, 114, 108, 100, 126, 132, 140, M_VOLT, 1, true, 1.2, 0),
	VOLT("PSU1 Vin", 0x39, 0x0A, 1, 2, 0, 115, ALL, 100, 95, 90, 125, 130, 135, M_VIN, 0, false, 230, 0),
	VOLT("PSU2 Vin", 0x3A, 0x0A, 2, 2, 0, 115, ALL, 100, 95, 90, 125, 130, 135, M_VIN, 1, false, 230, 0),
	/* Input power (0Bh other units-based, Watts): 4 W per count per PSU, 8 W total. */
	THR("PSU1 Power", 0x40, 0x0A, 1, 0x0B, 0x06, 4, 0, 50, UP2, 0, 0, 0, 175, 200, 0, M_PSU_POWER, 0, false, 0, 0, 0),
	THR("PSU2 Power", 0x41, 0x0A, 2, 0x0B, 0x06, 4, 0, 50, UP2, 0, 0, 0, 175, 200, 0, M_PSU_POWER, 1, false, 0, 0, 0),
	THR("Total Power", 0x42, 0x15, 1, 0x0B, 0x06, 8, 0, 50, UP2, 0, 0, 0, 150, 175, 0, M_SYS_POWER, 0, false, 0, 0, 0),
	/* Discrete sensors, sensor-specific (6Fh) unless noted. Offsets, table 42-3:
	 * PSU: 0 presence, 1 failure, 2 predictive failure, 3 input lost. */
	DISC("PSU1 Status", 0x50, 0x0A, 1, 0x08, 0x6F, 0x000F, 0x02, M_PSU_STATUS, 0),
	DISC("PSU2 Status", 0x51, 0x0A, 2, 0x08, 0x6F, 0x000F, 0x02, M_PSU_STATUS, 1),
	/* Redundancy (generic reading type 0Bh): 0 fully redundant, 1 redundancy lost. */
	DISC("PS Redundancy", 0x52, 0x15, 1, 0x09, 0x0B, 0x0003, 0x02, M_REDUNDANCY, 0),
	/* Power unit: 0 power off, 1 power cycle, 4 AC lost, 6 power unit failure. */
	DISC("Power Unit", 0x53, 0x15, 1, 0x09, 0x6F, 0x0053, 0x02, M_POWER_UNIT, 0),
	/* Processor: 0 IERR, 1 thermal trip, 7 presence, 10 throttled, 11 machine check. */
	DISC("CPU1 Status", 0x54, 0x03, 1, 0x07, 0x6F, 0x0C83, 0x02, M_CPU_STATUS, 0),
	DISC("CPU2 Status", 0x55, 0x03, 2, 0x07, 0x6F, 0x0C83, 0x02, M_CPU_STATUS, 1),
	/* Memory: 0 correctable ECC, 1 uncorrectable ECC, 4 disabled, 5 ECC log limit,
	 * 6 presence, 10 critical overtemperature. */
	DISC("CPU1 Memory", 0x56, 0x08, 1, 0x0C, 0x6F, 0x0473, 0x02, M_MEMORY, 0),
	DISC("CPU2 Memory", 0x57, 0x08, 2, 0x0C, 0x6F, 0x0473, 0x02, M_MEMORY, 1),
	/* Physical security: 0 general chassis intrusion, 4 LAN leash lost. */
	DISC("Intrusion", 0x58, 0x17, 1, 0x05, 0x6F, 0x0011, 0x02, M_NONE, 0),
	/* Watchdog 2: 0 expired, 1 hard reset, 2 power down, 3 power cycle, 8 interrupt. */
	DISC("Watchdog", 0x59, 0x07, 1, 0x23, 0x6F, 0x010F, 0x02, M_NONE, 0),
	/* System event: 0 reconfigured, 1 OEM boot, 2 undetermined failure, 3 aux log,
	 * 4 PEF action, 5 time stamp clock sync. */
	DISC("System Event", 0x5A, 0x07, 1, 0x12, 0x6F, 0x003F, 0x02, M_NONE, 0),
	/* Button: 0 power, 1 sleep, 2 reset. */
	DISC("Button", 0x5B, 0x17, 1, 0x14, 0x6F, 0x0007, 0x02, M_NONE, 0),
	/* Event logging: 1 type disabled, 2 log cleared, 4 SEL full, 5 SEL almost full. */
	DISC("Event Log", 0x5C, 0x07, 1, 0x10, 0x6F, 0x0036, 0x02, M_NONE, 0),
	/* Firmware progress: 0 error, 1 hang, 2 progress. */
	DISC("FW Progress", 0x5D, 0x22, 1, 0x0F, 0x6F, 0x0007, 0x02, M_NONE, 0),
	/* ACPI power state: 0 S0/G0 working, 5 S5/G2 soft-off. */
	DISC("ACPI State", 0x5E, 0x07, 1, 0x22, 0x6F, 0x0021, 0x02, M_ACPI, 0),
	/* Session audit: 0 activated, 1 deactivated, 2 invalid user/password, 3 disabled. */
	DISC("Session Audit", 0x5F, 0x07, 1, 0x2A, 0x6F, 0x000F, 0x03, M_NONE, 0),
};
_Static_assert(sizeof base_specs / sizeof base_specs[0] + (SIM_MAX_DIMMS - 8) + 1 + 2 * SIM_MAX_DRIVES <=
		       SIM_MAX_SENSORS,
	       "raise SIM_MAX_SENSORS");

/* Sensor number n of a controller's 765 (LUN 0, 1 and 3, numbers 00h-FEh each). */
static void place(struct bmc_sensor_desc *d, unsigned n)
{
	static const uint8_t luns[3] = {0, 1, 3};
	d->lun = luns[n / 255];
	d->number = (uint8_t)(n % 255);
}

/* "DIMM A1 Temp" .. "DIMM H1 Temp" are built in; more DIMMs continue with slot 2 of
 * channel A, and so on: 8 channels of up to 65 slots. */
static void add_dimms(struct sim *sim)
{
	const struct sim_spec *proto = NULL;
	for (unsigned i = 0; i < sim->count; i++)
		if (sim->spec[i].desc.entity_id == 0x20 && sim->spec[i].model == M_TEMP)
			proto = &sim->spec[i];
	if (!proto)
		return;
	for (unsigned k = 8; k < sim->cfg.dimm_sensors; k++) {
		struct sim_spec *sp = &sim->spec[sim->count++];
		*sp = *proto;
		snprintf(sp->desc.id, sizeof sp->desc.id, "DIMM %c%u Temp", 'A' + (int)(k % 8), k / 8 + 1);
		place(&sp->desc, 255 + (k - 8)); /* LUN 1 first */
		sp->desc.entity_instance = (uint8_t)(k + 1 > 127 ? 127 : k + 1);
		sp->src = (uint8_t)((k % 8) / 4); /* channels A-D on socket 0, E-H on socket 1 */
	}
}

/* A storage backplane controller on IPMB: its own temperature, then per drive a
 * temperature (threshold) and a drive slot sensor (type 0Dh: presence, fault,
 * predictive failure, rebuild). Its sensors are owned by it, so clients read them by
 * bridging through the BMC. */
static void add_backplane(struct sim *sim)
{
	unsigned n = 0;
	if (!sim->cfg.backplane_drives)
		return;
	struct sim_spec *bp = &sim->spec[sim->count++];
	*bp = (struct sim_spec)TEMP("BP Temp", 0, 0x0F, 1, 30, UP, 0, 0, 0, 55, 60, 65, 2, 6, 4, 90);
	bp->desc.owner = sim->cfg.backplane_addr;
	place(&bp->desc, n++);
	for (unsigned k = 0; k < sim->cfg.backplane_drives; k++) {
		struct sim_spec *t = &sim->spec[sim->count++];
		*t = (struct sim_spec)TEMP("", 0, 0x04, 1, 35, UP, 0, 0, 0, 55, 60, 65, 2, 10, 6, 120);
		snprintf(t->desc.id, sizeof t->desc.id, "Drive%u Temp", k);
		t->desc.owner = sim->cfg.backplane_addr;
		t->desc.entity_instance = (uint8_t)(k % 127 + 1);
		t->host_powered = true;
		place(&t->desc, n++);
		struct sim_spec *d = &sim->spec[sim->count++];
		*d = (struct sim_spec)DISC("", 0, 0x04, 1, 0x0D, 0x6F, 0x0087, 0x02, M_DRIVE_SLOT, 0);
		snprintf(d->desc.id, sizeof d->desc.id, "Drive%u Slot", k);
		d->desc.owner = sim->cfg.backplane_addr;
		d->desc.entity_instance = t->desc.entity_instance;
		place(&d->desc, n++);
	}
}

void sim_table_build(struct sim *sim)
{
	sim->count = sizeof base_specs / sizeof base_specs[0];
	memcpy(sim->spec, base_specs, sizeof base_specs);
	add_dimms(sim);
	add_backplane(sim);
}

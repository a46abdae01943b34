/* The System Event Log, IPMI 2.0 §31: records, reservations, durable storage. */
#ifndef BMC_CORE_SEL_H
#define BMC_CORE_SEL_H

#include <stddef.h>
#include <stdint.h>

struct bmc;

/* STUB layout: the SEL engineer defines it. */
struct bmc_sel {
	uint16_t count;
};

void bmc_sel_init(struct bmc *bmc);
int bmc_sel_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Logs a system event record (type 02h, time stamped), IPMI 2.0 §32.1: generator id
 * (0x0020 for the BMC), sensor type and number, event dir|type byte, 3 data bytes.
 * Durable on return; returns the record id or negative. Honours the "SEL logging"
 * global enable. */
int bmc_sel_log_event(struct bmc *bmc, uint16_t generator, uint8_t sensor_type, uint8_t sensor_num,
		      uint8_t dir_type, uint8_t d1, uint8_t d2, uint8_t d3);

#endif

/* Threshold sensor readings between raw counts and engineering units, IPMI 2.0 §36.3:
 * y = (M * x + B * 10^Bexp) * 10^Rexp, x decoded per the SDR's analog data format. */
#ifndef BMC_SIM_CONVERT_H
#define BMC_SIM_CONVERT_H

#include <stdint.h>

#include "bmc/backend.h"

double sim_raw_to_eng(const struct bmc_sensor_desc *d, uint8_t raw);
/* The raw count nearest to value. Returns 0, or -1 when value lies outside what the
 * sensor can represent (or M is 0). */
int sim_eng_to_raw(const struct bmc_sensor_desc *d, double value, uint8_t *raw);
/* Engineering value of one count, always positive. */
double sim_resolution(const struct bmc_sensor_desc *d);
/* Decimal places worth printing for this sensor's resolution. */
int sim_decimals(const struct bmc_sensor_desc *d);
/* Base unit name, IPMI 2.0 table 43-15 ("degrees C", "Volts", "RPM", ...). */
const char *sim_unit_name(uint8_t unit);
/* Sensor type name, IPMI 2.0 table 42-3. */
const char *sim_type_name(uint8_t type);

#endif

/* Reading conversion, IPMI 2.0 §36.3 (linear sensors only: linearization 00h). */
#include "sim_convert.h"

static double pow10i(int e)
{
	double r = 1.0;
	for (int i = 0; i < e; i++)
		r *= 10.0;
	for (int i = 0; i > e; i--)
		r /= 10.0;
	return r;
}

/* Rounds half away from zero without libm. */
static long round_l(double v)
{
	return v < 0 ? -(long)(-v + 0.5) : (long)(v + 0.5);
}

static int decode(uint8_t fmt, uint8_t raw)
{
	if (fmt == 1) /* one's complement */
		return raw & 0x80 ? -(int)(uint8_t)~raw : raw;
	if (fmt == 2) /* two's complement */
		return raw & 0x80 ? (int)raw - 256 : raw;
	return raw;
}

double sim_raw_to_eng(const struct bmc_sensor_desc *d, uint8_t raw)
{
	double x = decode(d->analog_format, raw);
	return ((double)d->m * x + (double)d->b * pow10i(d->b_exp)) * pow10i(d->r_exp);
}

int sim_eng_to_raw(const struct bmc_sensor_desc *d, double value, uint8_t *raw)
{
	long lo = 0, hi = 255;

	if (d->m == 0)
		return -1;
	double x = (value / pow10i(d->r_exp) - (double)d->b * pow10i(d->b_exp)) / (double)d->m;
	if (!(x > -1e6 && x < 1e6)) /* also rejects NaN */
		return -1;
	long n = round_l(x);
	if (d->analog_format == 1) {
		lo = -127;
		hi = 127;
	} else if (d->analog_format == 2) {
		lo = -128;
		hi = 127;
	}
	if (n < lo || n > hi)
		return -1;
	if (d->analog_format == 1 && n < 0)
		*raw = (uint8_t)~(uint8_t)(-n);
	else
		*raw = (uint8_t)(n & 0xFF);
	return 0;
}

double sim_resolution(const struct bmc_sensor_desc *d)
{
	double r = (double)d->m * pow10i(d->r_exp);
	return r < 0 ? -r : r;
}

int sim_decimals(const struct bmc_sensor_desc *d)
{
	double r = sim_resolution(d);
	int n = 0;
	while (n < 6 && r > 0 && r < 0.999999) {
		r *= 10;
		n++;
	}
	return n;
}

const char *sim_unit_name(uint8_t unit)
{
	switch (unit) {
	case 0x01: return "degrees C";
	case 0x02: return "degrees F";
	case 0x03: return "degrees K";
	case 0x04: return "Volts";
	case 0x05: return "Amps";
	case 0x06: return "Watts";
	case 0x07: return "Joules";
	case 0x12: return "RPM";
	case 0x13: return "Hz";
	case 0x15: return "percent";
	default: return "unspecified";
	}
}

const char *sim_type_name(uint8_t type)
{
	switch (type) {
	case 0x01: return "Temperature";
	case 0x02: return "Voltage";
	case 0x03: return "Current";
	case 0x04: return "Fan";
	case 0x05: return "Physical Security";
	case 0x07: return "Processor";
	case 0x08: return "Power Supply";
	case 0x09: return "Power Unit";
	case 0x0B: return "Other Units-based Sensor";
	case 0x0C: return "Memory";
	case 0x0F: return "System Firmware Progress";
	case 0x10: return "Event Logging Disabled";
	case 0x12: return "System Event";
	case 0x14: return "Button / Switch";
	case 0x22: return "System ACPI Power State";
	case 0x23: return "Watchdog 2";
	case 0x2A: return "Session Audit";
	default: return "Other";
	}
}

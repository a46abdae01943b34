/* STUB: the SEL engineer writes this. */
#include "sel.h"

#include "state.h"

void bmc_sel_init(struct bmc *bmc)
{
	bmc->sel.count = 0;
}

int bmc_sel_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	(void)bmc; (void)type; (void)key; (void)value; (void)len;
	return -1;
}

int bmc_sel_log_event(struct bmc *bmc, uint16_t generator, uint8_t sensor_type, uint8_t sensor_num,
		      uint8_t dir_type, uint8_t d1, uint8_t d2, uint8_t d3)
{
	(void)bmc; (void)generator; (void)sensor_type; (void)sensor_num; (void)dir_type; (void)d1; (void)d2;
	(void)d3;
	return -1;
}

int bmc_sel_add_record(struct bmc *bmc, const uint8_t rec[16])
{
	(void)bmc; (void)rec;
	return -1;
}

unsigned bmc_sel_entries(const struct bmc *bmc)
{
	(void)bmc;
	return 0;
}

int bmc_sel_entry(const struct bmc *bmc, unsigned nth, uint8_t rec[16])
{
	(void)bmc; (void)nth; (void)rec;
	return -1;
}

int bmc_sel_clear_all(struct bmc *bmc)
{
	(void)bmc;
	return -1;
}

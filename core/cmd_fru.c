/* STUB: to be written. */
#include "dispatch.h"

const struct bmc_cmd bmc_cmds_fru[] = {
	{0},
};

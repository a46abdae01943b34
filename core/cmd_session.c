/* STUB: being written. */
#include "dispatch.h"

const struct bmc_cmd bmc_cmds_session[] = {
	{0},
};

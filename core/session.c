/* STUB: being written. */
#include "session.h"

void bmc_sessions_tick(struct bmc *bmc)
{
	(void)bmc;
}

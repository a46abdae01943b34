/* See lockout.h. */
#include <string.h>

#include "lockout.h"

#include "state.h"

/* Table 23-4 parameter 26: byte 1 [0] audit event; byte 2 threshold (0 = no
 * lock-out); bytes 3:4 attempt count reset interval and 5:6 user lockout interval,
 * LS byte first, in tens of seconds (0 = never reset / locked until re-enabled). */
static unsigned threshold(const struct bmc *bmc)
{
	return bmc->lan.bad_pw[1];
}

static uint64_t interval_ms(const struct bmc *bmc, unsigned at)
{
	return (uint64_t)(bmc->lan.bad_pw[at] | bmc->lan.bad_pw[at + 1] << 8) * 10000u;
}

bool bmc_lockout_audit_enabled(const struct bmc *bmc)
{
	return bmc->lan.bad_pw[0] & 0x01;
}

uint32_t bmc_lockout_interval_s(const struct bmc *bmc)
{
	return (uint32_t)(interval_ms(bmc, 4) / 1000u);
}

static struct bmc_lockout *slot(struct bmc *bmc, uint8_t uid)
{
	return uid >= 1 && uid <= BMC_MAX_USERS ? &bmc->lockout[uid] : NULL;
}

bool bmc_lockout_locked(struct bmc *bmc, uint8_t uid)
{
	struct bmc_lockout *l = slot(bmc, uid);
	if (!l || !l->locked)
		return false;
	if (l->until_ms && bmc_now(bmc) >= l->until_ms) {
		memset(l, 0, sizeof *l);
		bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u lock-out ended", uid);
		return false;
	}
	return true;
}

bool bmc_lockout_fail(struct bmc *bmc, uint8_t uid)
{
	struct bmc_lockout *l = slot(bmc, uid);
	unsigned thr = threshold(bmc);
	uint64_t now = bmc_now(bmc), reset = interval_ms(bmc, 2);
	if (!l || thr == 0 || bmc_lockout_locked(bmc, uid))
		return false; /* no lock-out configured; or already locked: not extended */
	if (l->fails && reset && now - l->first_ms >= reset)
		l->fails = 0;
	if (l->fails == 0)
		l->first_ms = now;
	l->fails++;
	if (l->fails < thr)
		return false;
	uint64_t lock = interval_ms(bmc, 4);
	l->fails = 0;
	l->locked = true;
	/* +1: a lock-out "until 0" would read as "until re-enabled" */
	l->until_ms = lock ? now + lock + (now + lock == 0) : 0;
	bmc->stats.lockouts++;
	return true;
}

void bmc_lockout_success(struct bmc *bmc, uint8_t uid)
{
	struct bmc_lockout *l = slot(bmc, uid);
	if (l && !l->locked)
		l->fails = 0;
}

void bmc_lockout_clear(struct bmc *bmc, uint8_t uid)
{
	struct bmc_lockout *l = slot(bmc, uid);
	if (l && (l->locked || l->fails)) {
		if (l->locked)
			bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u lock-out ended by an administrator", uid);
		memset(l, 0, sizeof *l);
	}
}

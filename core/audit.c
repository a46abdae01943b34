/* See audit.h. */
#include "audit.h"

#include "lockout.h"
#include "ratelimit.h"
#include "sel.h"
#include "sensor.h"
#include "session.h"
#include "state.h"

#define SENSOR_TYPE_SESSION_AUDIT 0x2A

/* The backend's own Session Audit sensor (the first one), or -1. */
static int audit_sensor(const struct bmc *bmc)
{
	for (unsigned i = 0; i < bmc->sensors.count && i < BMC_MAX_SENSORS; i++) {
		const struct bmc_sensor *s = &bmc->sensors.s[i];
		if ((s->flags & SENS_PRESENT) && !(s->flags & SENS_REMOTE) && s->type == SENSOR_TYPE_SESSION_AUDIT &&
		    s->owner == bmc->cfg.slave_addr)
			return (int)i;
	}
	return -1;
}

void bmc_audit_sel(struct bmc *bmc, uint8_t offset, uint8_t uid, uint8_t channel, uint8_t cause,
		   const struct bmc_peer *peer)
{
	/* Parameter 26 byte 1 bit 0 turns Session Audit events on; an event receiver of
	 * FFh turns event generation off altogether (§30.1). */
	if (!bmc_lockout_audit_enabled(bmc) || bmc->sensors.evr_addr != bmc->cfg.slave_addr)
		return;
	int slot = audit_sensor(bmc);
	if (slot < 0)
		return;
	/* A lock-out (offset 03h) happens at most once per user and lock-out interval, so
	 * only the global limit applies to it; failed logins are limited per source too. */
	bool per_source = offset != AUDIT_PASSWORD_DISABLE;
	struct bmc_source *src = peer && peer->family ? bmc_source_get(bmc, peer) : NULL;
	if (!bmc_ratelimit_sel(bmc, peer, per_source))
		return;
	if (src && src->sel_suppressed) {
		char p[64];
		bmc_peer_format(peer, p, sizeof p);
		bmc_logf(bmc, BMC_LOG_WARN, "audit: %u Session Audit SEL events about %s were suppressed (rate limit)",
			 (unsigned)src->sel_suppressed, p);
		src->sel_suppressed = 0;
	}
	const struct bmc_sensor *s = &bmc->sensors.s[slot];
	struct bmc_event ev = {
		.generator = (uint16_t)(bmc->cfg.slave_addr | (s->lun << 8)),
		.sensor_type = SENSOR_TYPE_SESSION_AUDIT,
		.sensor_num = s->number,
		.dir_type = (uint8_t)(s->reading_type & 0x7F), /* assertion, sensor-specific (6Fh) */
		/* Table 29-6: [7:6] 11b and [5:4] 11b, sensor-specific extension codes in
		 * data 2 and 3 (table 42-3: user id; deactivation cause and channel). */
		.d1 = (uint8_t)(0xF0 | (offset & 0x0F)),
		.d2 = (uint8_t)(uid & 0x3F),
		.d3 = (uint8_t)((cause & 0x03) << 4 | (channel & 0x0F)),
	};
	bmc_sensor_event(bmc, &ev);
}

void bmc_audit_login_failed(struct bmc *bmc, const struct bmc_session *s, const char *why, bool bad_password)
{
	char peer[64], name[17];
	uint32_t held = 0;
	bmc->stats.login_failures++;
	bmc_peer_format(&s->peer, peer, sizeof peer);
	bmc_printable(s->uname, s->uname_len, name);
	if (bmc_ratelimit_log(bmc, &s->peer, &held)) {
		if (held)
			bmc_logf(bmc, BMC_LOG_WARN, "audit: login failed for \"%s\" from %s: %s (%u more failures "
				 "from this host not logged)", name, peer, why, (unsigned)held);
		else
			bmc_logf(bmc, BMC_LOG_WARN, "audit: login failed for \"%s\" from %s: %s", name, peer, why);
	}
	if (!bad_password)
		return;
	bmc_audit_sel(bmc, AUDIT_INVALID_LOGIN, s->user_id, s->channel, 0, &s->peer);
	if (s->user_id && bmc_lockout_fail(bmc, s->user_id)) {
		uint32_t secs = bmc_lockout_interval_s(bmc);
		if (secs)
			bmc_logf(bmc, BMC_LOG_WARN, "audit: user %u \"%s\" locked out for %u s after %u bad passwords "
				 "(last from %s)", s->user_id, name, (unsigned)secs, (unsigned)bmc->lan.bad_pw[1], peer);
		else
			bmc_logf(bmc, BMC_LOG_WARN, "audit: user %u \"%s\" locked out until re-enabled after %u bad "
				 "passwords (last from %s)", s->user_id, name, (unsigned)bmc->lan.bad_pw[1], peer);
		bmc_audit_sel(bmc, AUDIT_PASSWORD_DISABLE, s->user_id, s->channel, 0, &s->peer);
	}
}

void bmc_audit_login_ok(struct bmc *bmc, const struct bmc_session *s)
{
	bmc_lockout_success(bmc, s->user_id);
}

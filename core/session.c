/* Session table. Slots are either free, in set-up (Open Session .. RAKP 3) or active.
 * Set-up slots are bounded per source and in total, and a set-up can only take a free
 * slot or a stale set-up slot: an established session is never evicted (DESIGN.md §5). */
#include <stdio.h>
#include <string.h>

#include "session.h"

#include "audit.h"

#define NSLOTS (BMC_MAX_SESSIONS + BMC_MAX_HALF_OPEN)

/* The low bits of a session id name its slot, so that finding the session of a
 * packet is one table access (issue 7: O(1) lookup); the other 26 bits are random and
 * never zero together with them (DESIGN.md §5). The id is no secret in RMCP+ (every
 * in-session packet is authenticated), and a reused slot gets fresh random bits. */
#define SID_SLOT_BITS 6
_Static_assert(NSLOTS <= (1u << SID_SLOT_BITS), "the slot must fit in the session id's low bits");


bool bmc_peer_same_host(const struct bmc_peer *a, const struct bmc_peer *b)
{
	size_t n = a->family == 6 ? 16 : 4;
	return a->family == b->family && !memcmp(a->addr, b->addr, n);
}

bool bmc_peer_equal(const struct bmc_peer *a, const struct bmc_peer *b)
{
	return bmc_peer_same_host(a, b) && a->port == b->port && a->endpoint == b->endpoint;
}

void bmc_peer_format(const struct bmc_peer *p, char *buf, size_t len)
{
	if (p->family == 4) {
		snprintf(buf, len, "%u.%u.%u.%u:%u", p->addr[0], p->addr[1], p->addr[2], p->addr[3], p->port);
	} else if (p->family == 6) {
		int n = snprintf(buf, len, "[");
		for (unsigned i = 0; i < 16 && n > 0 && (size_t)n < len; i += 2)
			n += snprintf(buf + n, len - (size_t)n, "%s%x", i ? ":" : "", p->addr[i] << 8 | p->addr[i + 1]);
		if (n > 0 && (size_t)n < len)
			snprintf(buf + n, len - (size_t)n, "]:%u", p->port);
	} else {
		snprintf(buf, len, "local");
	}
}

void bmc_printable(const char *in, size_t len, char out[17])
{
	size_t i;
	for (i = 0; i < len && i < 16; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7F && in[i] != '"' ? in[i] : '?';
	out[i] = 0;
}

static bool in_setup(const struct bmc_session *s)
{
	return s->state == SESS_OPENED || s->state == SESS_RAKP2;
}

/* A set-up the console gave up on after learning it had the wrong password (or the
 * user does not exist), or an activated session that never sent an authenticated
 * packet (wrong Kg): consoles just stop, so its end is the failure to audit. */
static void end_unfinished(struct bmc *bmc, struct bmc_session *s, const char *why)
{
	/* A console that got RAKP 2 and went no further found that our HMAC did not
	 * match its password: a bad password (it counts towards the lock-out, or RAKP 2
	 * could be harvested for offline cracking without ever failing). An IPMI 1.5
	 * set-up that never activated is one too; an activated session that was never
	 * used had the right password (a wrong Kg). */
	bool bad_pw = s->state == SESS_RAKP2 || (s->v15 && s->state == SESS_OPENED && s->uname_len);
	if (bad_pw || (s->state == SESS_ACTIVE && !s->confirmed))
		bmc_audit_login_failed(bmc, s, why, bad_pw);
	bmc_session_close(bmc, s, why);
}

unsigned bmc_sessions_active(const struct bmc *bmc)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NSLOTS; i++)
		n += bmc->sessions[i].state == SESS_ACTIVE;
	return n;
}

struct bmc_session *bmc_session_find(struct bmc *bmc, uint32_t sid)
{
	uint32_t index = sid & ((1u << SID_SLOT_BITS) - 1);
	if (sid == 0 || index >= NSLOTS)
		return NULL;
	struct bmc_session *s = &bmc->sessions[index];
	return s->state != SESS_FREE && s->bmc_sid == sid ? s : NULL;
}

struct bmc_session *bmc_session_by_handle(struct bmc *bmc, uint8_t handle)
{
	for (unsigned i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i].state == SESS_ACTIVE && bmc->sessions[i].handle == handle)
			return &bmc->sessions[i];
	return NULL;
}

static uint32_t new_sid(struct bmc *bmc, const struct bmc_session *slot)
{
	uint32_t index = (uint32_t)(slot - bmc->sessions);
	for (int tries = 0; tries < 8; tries++) {
		uint32_t r = 0;
		if (bmc_random(bmc, &r, sizeof r) != 0)
			return 0;
		uint32_t sid = (r & ~((1u << SID_SLOT_BITS) - 1)) | index;
		if (sid != 0 && sid != slot->bmc_sid)
			return sid;
	}
	return 0;
}

struct bmc_session *bmc_session_alloc(struct bmc *bmc, const struct bmc_peer *peer, uint8_t channel)
{
	uint64_t now = bmc_now(bmc);
	unsigned from_peer = 0, setups = 0;
	struct bmc_session *slot = NULL, *oldest = NULL, *oldest_own = NULL;

	for (unsigned i = 0; i < NSLOTS; i++) {
		struct bmc_session *s = &bmc->sessions[i];
		if (s->state == SESS_FREE) {
			if (!slot)
				slot = s;
			continue;
		}
		if (!in_setup(s))
			continue;
		setups++;
		if (bmc_peer_same_host(&s->peer, peer)) {
			from_peer++;
			if (!oldest_own || s->opened_ms < oldest_own->opened_ms)
				oldest_own = s;
		}
		if (!oldest || s->opened_ms < oldest->opened_ms)
			oldest = s;
	}
	if (from_peer >= BMC_HALF_OPEN_PER_SOURCE) {
		/* A source at its quota can only displace its own oldest set-up: a flood
		 * costs nobody else anything, and abandoned logins do not lock a host out. */
		end_unfinished(bmc, oldest_own, "set-up displaced by a newer one from the same host");
		slot = oldest_own;
	} else if (setups >= BMC_MAX_HALF_OPEN || !slot) {
		/* Full: only a set-up that has had a fair chance to finish may be replaced. */
		if (!oldest || now - oldest->opened_ms < 1000)
			return NULL;
		end_unfinished(bmc, oldest, "set-up displaced");
		slot = oldest;
	}
	uint32_t sid = new_sid(bmc, slot);
	if (!sid)
		return NULL;
	memset(slot, 0, sizeof *slot);
	slot->state = SESS_OPENED;
	slot->channel = channel;
	slot->peer = *peer;
	slot->bmc_sid = sid;
	slot->opened_ms = now;
	slot->last_ms = now;
	return slot;
}

void bmc_session_activate(struct bmc *bmc, struct bmc_session *s)
{
	/* Handles are 1..255, unique among active sessions. */
	for (int tries = 0; tries < 256; tries++) {
		uint8_t h = bmc->next_handle;
		bmc->next_handle = (uint8_t)(h == 255 ? 1 : h + 1);
		if (h && !bmc_session_by_handle(bmc, h)) {
			s->handle = h;
			break;
		}
	}
	s->state = SESS_ACTIVE;
	s->in_seq_top = 0;
	s->in_seq_mask = 0;
	s->out_seq = 0;
	s->last_ms = bmc_now(bmc);
	bmc->stats.sessions_opened++;
}

void bmc_session_close(struct bmc *bmc, struct bmc_session *s, const char *why)
{
	if (s->state == SESS_ACTIVE) {
		char peer[64], name[17];
		bmc_peer_format(&s->peer, peer, sizeof peer);
		bmc_printable(s->uname, s->uname_len, name);
		bmc_logf(bmc, BMC_LOG_INFO, "audit: session %u closed (user %u \"%s\" from %s): %s", s->handle,
			 s->user_id, name, peer, why);
		bmc->stats.sessions_closed++;
	}
	bmc_ipmb_session_gone(bmc, s->bmc_sid);
	bmc_sol_session_gone(bmc, s->bmc_sid);
	if (s->hash_len) { /* keyed contexts the crypto layer may keep for this session */
		bmc_crypto_forget(s->sik, s->hash_len);
		bmc_crypto_forget(s->k1, s->hash_len);
		bmc_crypto_forget(s->k2, 16);
	}
	bmc_wipe(s, sizeof *s);
	s->state = SESS_FREE;
}

bool bmc_session_make_room(struct bmc *bmc, const struct bmc_peer *peer)
{
	if (bmc_sessions_active(bmc) < bmc->cfg.max_sessions)
		return true;
	struct bmc_session *victim = NULL;
	for (unsigned i = 0; i < NSLOTS; i++) {
		struct bmc_session *s = &bmc->sessions[i];
		if (s->state == SESS_ACTIVE && !s->confirmed && bmc_peer_same_host(&s->peer, peer) &&
		    (!victim || s->opened_ms < victim->opened_ms))
			victim = s;
	}
	if (!victim)
		return false;
	end_unfinished(bmc, victim, "never used: displaced by a new login from the same host");
	return true;
}

void bmc_sessions_close_all(struct bmc *bmc, const char *why)
{
	for (unsigned i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i].state != SESS_FREE)
			bmc_session_close(bmc, &bmc->sessions[i], why);
}

void bmc_sessions_tick(struct bmc *bmc)
{
	uint64_t now = bmc_now(bmc);
	uint64_t idle_ms = (uint64_t)bmc->cfg.session_timeout_s * 1000u;

	for (unsigned i = 0; i < NSLOTS; i++) {
		struct bmc_session *s = &bmc->sessions[i];
		if (s->state == SESS_ACTIVE && now - s->last_ms >= idle_ms) {
			/* A session that never sent an authenticated packet (wrong Kg, or a
			 * console idle from the start) ends as a failed login. */
			bmc->stats.sessions_timed_out++;
			end_unfinished(bmc, s, "idle timeout");
		} else if (in_setup(s) && now - s->opened_ms >= BMC_SETUP_TIMEOUT_MS) {
			end_unfinished(bmc, s, "set-up abandoned");
		}
	}
}

unsigned bmc_session_list(const struct bmc *bmc, struct bmc_session_info *out, unsigned max)
{
	uint64_t now = bmc->plat.now_ms(bmc->plat.ctx);
	unsigned n = 0;
	for (unsigned i = 0; i < NSLOTS; i++) {
		const struct bmc_session *s = &bmc->sessions[i];
		if (s->state != SESS_ACTIVE)
			continue;
		if (n < max) {
			struct bmc_session_info *o = &out[n];
			memset(o, 0, sizeof *o);
			o->handle = s->handle;
			o->user_id = s->user_id;
			bmc_printable(s->uname, s->uname_len, o->user);
			o->priv = s->priv;
			o->channel = s->channel;
			o->ipmi15 = s->v15;
			o->peer = s->peer;
			o->age_s = (uint32_t)((now - s->opened_ms) / 1000);
			o->idle_s = (uint32_t)((now - s->last_ms) / 1000);
		}
		n++;
	}
	return n;
}

int bmc_session_end(struct bmc *bmc, uint8_t handle)
{
	struct bmc_session *s = bmc_session_by_handle(bmc, handle);
	if (!s)
		return -1;
	bmc_session_close(bmc, s, "ended by the local administrator");
	return 0;
}

/* LAN configuration parameters of channel 1, IPMI 2.0 §23.1-23.2 (table 23-4).
 *
 * One table describes every parameter bmcd supports: its exact length, where its bytes
 * live in struct bmc_lanparm (most are plain byte strings, copied both ways), whether it
 * is read-only, and an optional validator. Parameters whose wire form is computed or
 * differs from the stored form supply get/put functions instead of a field offset.
 *
 * Writes take effect when they are answered: bmcd implements no roll-back, so "set in
 * progress" (param 0) is the advisory flag the spec describes, and "commit write" has
 * nothing left to do. Every accepted write is durable (bmc_persist) before it changes
 * memory, so a failed store leaves the old value in force. */
#include <stddef.h>
#include <string.h>

#include "bmc/store.h"
#include "lanparm.h"
#include "suites.h"

#define NO_FIELD 0xFF
#define LANP_RO 0x01
#define LANP_MAX_LEN 18 /* the community string, the longest parameter */
/* Stored form of param 24: the 8 nibble bytes, then the suite ids they were written for. */
#define SUITE_PRIV_BYTES 8
#define SUITE_REC_MAX (SUITE_PRIV_BYTES + 16)

_Static_assert(sizeof(struct bmc_lanparm) < NO_FIELD, "field offsets must fit in a byte");

/* Param 1 / 2 bits, §23.2: [0] none, [1] MD2, [2] MD5, [4] straight password, [5] OEM. */
#define AUTH_BIT_MD5 0x04
/* Table 23-4 param 7 defaults: TTL 40h, "don't fragment", TOS "minimize delay". */
static const uint8_t ipv4_hdr_default[3] = {0x40, 0x40, 0x10};

typedef uint8_t check_fn(const struct bmc *bmc, struct bmc_reader *r);
typedef void get_fn(const struct bmc *bmc, struct bmc_writer *w);
typedef void put_fn(struct bmc *bmc, struct bmc_reader *r);

struct lanp_def {
	uint8_t id;
	uint8_t len;   /* exact data length of a write (and of a read, unless get says otherwise) */
	uint8_t off;   /* offset of the bytes in struct bmc_lanparm, or NO_FIELD */
	uint8_t flags; /* LANP_RO */
	check_fn *check;
	get_fn *get;
	put_fn *put;
};

/* ---- helpers ---- */

static uint8_t auth_support(const struct bmc *bmc)
{
	/* IPMI 1.5 sessions are off unless configured; then only MD5 is offered: "none" and
	 * "straight password" would put credentials or unauthenticated commands on the wire,
	 * and MD2 is broken. */
	return bmc->cfg.ipmi15_enabled ? AUTH_BIT_MD5 : 0;
}

static uint8_t nibble(const uint8_t b[SUITE_PRIV_BYTES], size_t i)
{
	return (uint8_t)(b[i / 2] >> (i % 2 ? 4 : 0) & 0x0F);
}

static void set_nibble(uint8_t b[SUITE_PRIV_BYTES], size_t i, uint8_t v)
{
	unsigned shift = i % 2 ? 4u : 0u;
	b[i / 2] = (uint8_t)((b[i / 2] & ~(0x0Fu << shift)) | (unsigned)(v & 0x0F) << shift);
}

/* Param 24 is valid when every nibble is 0 (reserved, "unused" to clients) or a
 * privilege level, and at least one enabled suite keeps ADMINISTRATOR or more: a write
 * that caps every suite below ADMINISTRATOR would lock every administrator out of the
 * LAN channel, including out of undoing the write. Channel access (§22.22) is the tool
 * for turning the channel off on purpose. */
static bool suite_priv_valid(const struct bmc *bmc, const uint8_t b[SUITE_PRIV_BYTES])
{
	uint8_t ids[16];
	size_t n = bmc_suites_enabled(bmc, ids);
	bool admin = n == 0;

	for (size_t i = 0; i < 2 * SUITE_PRIV_BYTES; i++) {
		uint8_t v = nibble(b, i);
		if (v > PRIV_OEM)
			return false;
		if (i < n && v >= PRIV_ADMIN)
			admin = true;
	}
	return admin;
}

/* ---- validators: each reads exactly def->len bytes ---- */

/* Param 2: five bytes (callback, user, operator, admin, OEM); only supported types. */
static uint8_t check_auth_enables(const struct bmc *bmc, struct bmc_reader *r)
{
	uint8_t allowed = auth_support(bmc);
	for (int i = 0; i < 5; i++)
		if (rd_u8(r) & (uint8_t)~allowed)
			return CC_INVALID_FIELD;
	return CC_OK;
}

/* Param 4: [7:4] reserved, [3:0] 0 unspecified, 1 static, 2 DHCP, 3 BIOS, 4 other. */
static uint8_t check_ip_source(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	return rd_u8(r) <= 4 ? CC_OK : CC_INVALID_FIELD;
}

/* MAC addresses (params 5, 13, 15) name one station: a group address (I/G bit set,
 * which includes broadcast) can be neither ours nor a gateway's. All zeros is allowed:
 * it is how "unknown" is reported. */
static uint8_t check_mac(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t first = rd_u8(r);
	rd_skip(r, 5);
	return first & 0x01 ? CC_INVALID_FIELD : CC_OK;
}

/* Param 6: ones then zeros. 0.0.0.0 stays allowed as "not configured". */
static uint8_t check_netmask(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint32_t inv = ~rd_u32be(r);
	return (inv & (inv + 1u)) == 0 ? CC_OK : CC_INVALID_FIELD;
}

/* Param 7: TTL; [7:5] flags, [4:0] reserved; [7:5] precedence, [4:1] TOS, [0] reserved. */
static uint8_t check_ipv4_hdr(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	rd_skip(r, 1);
	uint8_t flags = rd_u8(r), tos = rd_u8(r);
	return (flags & 0x1F) || (tos & 0x01) ? CC_INVALID_FIELD : CC_OK;
}

/* Param 10: [1] ARP responses, [0] gratuitous ARPs, [7:2] reserved. */
static uint8_t check_arp_ctl(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	return rd_u8(r) & 0xFC ? CC_INVALID_FIELD : CC_OK;
}

/* Param 16: printable ASCII, NUL padded after the string (a full 18 characters need no
 * NUL). Clients print it as a C string, so nothing may hide after the first NUL. */
static uint8_t check_community(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	bool ended = false;
	for (int i = 0; i < 18; i++) {
		uint8_t c = rd_u8(r);
		if (c == 0)
			ended = true;
		else if (ended || c < 0x20 || c > 0x7E)
			return CC_INVALID_FIELD;
	}
	return CC_OK;
}

/* Param 20: id [7:0]; [7] enable, [6:4] reserved, [3:0] id [11:8]. 802.1Q reserves ids
 * 0 (priority tag only) and 4095, so neither can be enabled; a disabled id is kept as
 * written because clients read back what they wrote. */
static uint8_t check_vlan_id(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint16_t v = rd_u16le(r);
	uint16_t id = v & 0x0FFF;
	if (v & 0x7000)
		return CC_INVALID_FIELD;
	if ((v & 0x8000) && (id == 0 || id == 0x0FFF))
		return CC_INVALID_FIELD;
	return CC_OK;
}

/* Param 21: [7:3] reserved, [2:0] priority. */
static uint8_t check_vlan_prio(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	return rd_u8(r) & 0xF8 ? CC_INVALID_FIELD : CC_OK;
}

/* Param 24: reserved byte, then 16 nibbles. */
static uint8_t check_suite_priv(const struct bmc *bmc, struct bmc_reader *r)
{
	uint8_t b[SUITE_PRIV_BYTES];
	uint8_t reserved = rd_u8(r);
	rd_bytes(r, b, sizeof b);
	return reserved == 0 && suite_priv_valid(bmc, b) ? CC_OK : CC_INVALID_FIELD;
}

/* Param 26: [7:1] reserved, [0] generate a session audit event; threshold; two u16 LE
 * intervals in tens of seconds. Stored only: lock-out enforcement comes with users. */
static uint8_t check_bad_pw(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t flags = rd_u8(r);
	rd_skip(r, 5);
	return flags & 0xFE ? CC_INVALID_FIELD : CC_OK;
}

/* ---- computed reads and non-byte stores ---- */

static void get_auth_support(const struct bmc *bmc, struct bmc_writer *w)
{
	wr_u8(w, auth_support(bmc));
}

static void get_vlan_id(const struct bmc *bmc, struct bmc_writer *w)
{
	/* The stored layout (bit 15 enable, 11:0 id) is the wire layout read as u16 LE. */
	wr_u16le(w, bmc->lan.vlan_id);
}

static void put_vlan_id(struct bmc *bmc, struct bmc_reader *r)
{
	bmc->lan.vlan_id = rd_u16le(r);
}

/* Param 22: [4:0] number of entries in param 23. */
static void get_suite_count(const struct bmc *bmc, struct bmc_writer *w)
{
	uint8_t ids[16];
	wr_u8(w, (uint8_t)bmc_suites_enabled(bmc, ids));
}

/* Param 23: reserved byte, then one id per entry (only the entries that exist). */
static void get_suite_ids(const struct bmc *bmc, struct bmc_writer *w)
{
	uint8_t ids[16];
	size_t n = bmc_suites_enabled(bmc, ids);
	wr_u8(w, 0);
	wr_bytes(w, ids, n);
}

static void get_suite_priv(const struct bmc *bmc, struct bmc_writer *w)
{
	wr_u8(w, 0);
	wr_bytes(w, bmc->lan.suite_priv, SUITE_PRIV_BYTES);
}

static void put_suite_priv(struct bmc *bmc, struct bmc_reader *r)
{
	rd_skip(r, 1);
	rd_bytes(r, bmc->lan.suite_priv, SUITE_PRIV_BYTES);
}

#define FIELD(m) ((uint8_t)offsetof(struct bmc_lanparm, m))

static const struct lanp_def params[] = {
	{LANP_SET_IN_PROGRESS, 1, FIELD(set_in_progress), 0, NULL, NULL, NULL},
	{LANP_AUTH_SUPPORT, 1, NO_FIELD, LANP_RO, NULL, get_auth_support, NULL},
	{LANP_AUTH_ENABLES, 5, FIELD(auth_enables), 0, check_auth_enables, NULL, NULL},
	{LANP_IP, 4, FIELD(ip), 0, NULL, NULL, NULL},
	{LANP_IP_SOURCE, 1, FIELD(ip_source), 0, check_ip_source, NULL, NULL},
	{LANP_MAC, 6, FIELD(mac), 0, check_mac, NULL, NULL},
	{LANP_NETMASK, 4, FIELD(netmask), 0, check_netmask, NULL, NULL},
	{LANP_IPV4_HDR, 3, FIELD(ipv4_hdr), 0, check_ipv4_hdr, NULL, NULL},
	{LANP_ARP_CTL, 1, FIELD(arp_ctl), 0, check_arp_ctl, NULL, NULL},
	{LANP_GARP_INTERVAL, 1, FIELD(garp_interval), 0, NULL, NULL, NULL},
	{LANP_GW_IP, 4, FIELD(gw_ip), 0, NULL, NULL, NULL},
	{LANP_GW_MAC, 6, FIELD(gw_mac), 0, check_mac, NULL, NULL},
	{LANP_BGW_IP, 4, FIELD(bgw_ip), 0, NULL, NULL, NULL},
	{LANP_BGW_MAC, 6, FIELD(bgw_mac), 0, check_mac, NULL, NULL},
	{LANP_COMMUNITY, 18, FIELD(community), 0, check_community, NULL, NULL},
	{LANP_VLAN_ID, 2, NO_FIELD, 0, check_vlan_id, get_vlan_id, put_vlan_id},
	{LANP_VLAN_PRIO, 1, FIELD(vlan_prio), 0, check_vlan_prio, NULL, NULL},
	{LANP_SUITE_COUNT, 1, NO_FIELD, LANP_RO, NULL, get_suite_count, NULL},
	{LANP_SUITE_IDS, 17, NO_FIELD, LANP_RO, NULL, get_suite_ids, NULL},
	{LANP_SUITE_PRIV, 9, NO_FIELD, 0, check_suite_priv, get_suite_priv, put_suite_priv},
	{LANP_BAD_PW, 6, FIELD(bad_pw), 0, check_bad_pw, NULL, NULL},
};

_Static_assert(sizeof(((struct bmc_lanparm *)0)->suite_priv) == SUITE_PRIV_BYTES, "param 24 layout");

static const struct lanp_def *lookup(uint8_t id)
{
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
		if (params[i].id == id)
			return &params[i];
	return NULL;
}

static uint8_t *field(struct bmc *bmc, const struct lanp_def *d)
{
	return (uint8_t *)&bmc->lan + d->off;
}

static uint8_t check(const struct bmc *bmc, const struct lanp_def *d, const uint8_t *data, size_t len)
{
	struct bmc_reader r;
	if (len != d->len)
		return CC_REQ_LEN_INVALID;
	if (!d->check)
		return CC_OK;
	rd_init(&r, data, len);
	uint8_t cc = d->check(bmc, &r);
	/* A validator that does not consume exactly the parameter is a bug: fail closed. */
	return cc == CC_OK && !rd_done(&r) ? CC_UNSPECIFIED : cc;
}

static void put(struct bmc *bmc, const struct lanp_def *d, const uint8_t *data, size_t len)
{
	struct bmc_reader r;
	rd_init(&r, data, len);
	if (d->put)
		d->put(bmc, &r);
	else
		rd_bytes(&r, field(bmc, d), d->len);
}

/* ---- public API ---- */

void bmc_lanparm_defaults(struct bmc *bmc)
{
	struct bmc_lanparm *l = &bmc->lan;
	uint8_t ids[16];
	size_t n = bmc_suites_enabled(bmc, ids);

	memset(l, 0, sizeof *l);
	for (int i = 0; i < 5; i++)
		l->auth_enables[i] = i < 4 ? auth_support(bmc) : 0; /* OEM level: nothing */
	memcpy(l->ip, bmc->cfg.ip, 4);
	l->ip_source = 1; /* static: the configuration names the address */
	memcpy(l->mac, bmc->cfg.mac, 6);
	memcpy(l->netmask, bmc->cfg.netmask, 4);
	memcpy(l->ipv4_hdr, ipv4_hdr_default, 3);
	memcpy(l->gw_ip, bmc->cfg.gateway, 4);
	memcpy(l->community, "public", 6); /* table 23-4 default */
	for (size_t i = 0; i < n; i++)
		set_nibble(l->suite_priv, i, PRIV_ADMIN);
}

uint8_t bmc_lanparm_get(struct bmc *bmc, uint8_t param, uint8_t set_sel, uint8_t block_sel, bool rev_only,
			struct bmc_writer *w)
{
	const struct lanp_def *d = lookup(param);
	if (!d)
		return CC_LANP_NOT_SUPPORTED;
	/* None of these parameters has sets or blocks: the selectors must be 00h. */
	if (set_sel != 0 || block_sel != 0)
		return CC_INVALID_FIELD;
	wr_u8(w, BMC_LANPARM_REVISION);
	if (rev_only)
		return CC_OK;
	if (d->get)
		d->get(bmc, w);
	else
		wr_bytes(w, field(bmc, d), d->len);
	return CC_OK;
}

/* Param 0, §23.2: 00b set complete, 01b set in progress, 10b commit write, 11b reserved.
 * Volatile, so never stored. */
static uint8_t set_in_progress(struct bmc *bmc, const uint8_t *data, size_t len)
{
	struct bmc_reader r;
	if (len != 1)
		return CC_REQ_LEN_INVALID;
	rd_init(&r, data, len);
	uint8_t v = rd_u8(&r);
	switch (v) {
	case 0x00:
		bmc->lan.set_in_progress = 0;
		return CC_OK;
	case 0x01:
		if (bmc->lan.set_in_progress == 0x01)
			return CC_LANP_SET_IN_PROGRESS;
		bmc->lan.set_in_progress = 0x01;
		return CC_OK;
	case 0x02:
		/* Every write is already durable when answered; with no roll-back there is
		 * nothing to commit, and the state stays as it was. ipmitool's lock / write /
		 * commit / complete sequence relies on this succeeding. */
		return CC_OK;
	default:
		return CC_INVALID_FIELD;
	}
}

/* What is stored for a write: the data as written, except param 24, which also records
 * the suite ids its entries referred to (see apply_suite_priv). */
static size_t record(const struct bmc *bmc, const struct lanp_def *d, const uint8_t *data, size_t len,
		     uint8_t out[SUITE_REC_MAX])
{
	struct bmc_reader r;
	if (d->id != LANP_SUITE_PRIV) {
		memcpy(out, data, len);
		return len;
	}
	rd_init(&r, data, len);
	rd_skip(&r, 1);
	rd_bytes(&r, out, SUITE_PRIV_BYTES);
	return SUITE_PRIV_BYTES + bmc_suites_enabled(bmc, out + SUITE_PRIV_BYTES);
}

uint8_t bmc_lanparm_set(struct bmc *bmc, uint8_t channel, uint8_t param, const uint8_t *data, size_t len)
{
	uint8_t rec[SUITE_REC_MAX > LANP_MAX_LEN ? SUITE_REC_MAX : LANP_MAX_LEN];

	if (param == LANP_SET_IN_PROGRESS)
		return set_in_progress(bmc, data, len);
	const struct lanp_def *d = lookup(param);
	if (!d)
		return CC_LANP_NOT_SUPPORTED;
	if (d->flags & LANP_RO)
		return CC_LANP_READ_ONLY;
	uint8_t cc = check(bmc, d, data, len);
	if (cc != CC_OK)
		return cc;
	size_t n = record(bmc, d, data, len, rec);
	if (bmc_persist(bmc, STORE_LANPARM, (uint16_t)(channel << 8 | param), rec, n) != 0)
		return CC_UNSPECIFIED;
	put(bmc, d, data, len);
	bmc_logf(bmc, BMC_LOG_INFO, "audit: lan param %u set", param);
	return CC_OK;
}

/* Param 24's entries follow param 23's order, which follows the configured suites. If
 * the configuration changed since the record was written, each suite keeps the level
 * written for it, and a newly enabled suite gets the default (ADMINISTRATOR), as on a
 * fresh start. Nibbles beyond the entries are kept only when nothing moved, so that a
 * client reading back its own write sees the bytes it wrote. */
static int apply_suite_priv(struct bmc *bmc, const uint8_t *value, size_t len)
{
	struct bmc_reader r;
	uint8_t old[SUITE_PRIV_BYTES], old_ids[16], cur[16], b[SUITE_PRIV_BYTES];

	if (len < SUITE_PRIV_BYTES || len > SUITE_REC_MAX)
		return -1;
	rd_init(&r, value, len);
	rd_bytes(&r, old, sizeof old);
	size_t k = rd_left(&r);
	rd_bytes(&r, old_ids, k);
	if (!rd_done(&r))
		return -1;
	size_t n = bmc_suites_enabled(bmc, cur);
	if (k == n && memcmp(old_ids, cur, n) == 0) {
		memcpy(b, old, sizeof b);
	} else {
		memset(b, 0, sizeof b);
		for (size_t i = 0; i < n; i++) {
			uint8_t v = PRIV_ADMIN;
			for (size_t j = 0; j < k; j++)
				if (old_ids[j] == cur[i])
					v = nibble(old, j);
			set_nibble(b, i, v);
		}
		bmc_logf(bmc, BMC_LOG_INFO, "lan param 24: cipher suites changed, privileges remapped by suite id");
	}
	if (!suite_priv_valid(bmc, b))
		return -1;
	memcpy(bmc->lan.suite_priv, b, sizeof b);
	return 0;
}

int bmc_lanparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	uint8_t channel = (uint8_t)(key >> 8), param = (uint8_t)key;
	const struct lanp_def *d = lookup(param);

	/* Only channel 1 has LAN parameters; param 0 is volatile and read-only ones are
	 * never written, so such records can only be corrupt. */
	if (channel != CHANNEL_LAN || !d || param == LANP_SET_IN_PROGRESS || (d->flags & LANP_RO) || !value)
		return -1;
	if (param == LANP_SUITE_PRIV)
		return apply_suite_priv(bmc, value, len);
	if (check(bmc, d, value, len) != CC_OK)
		return -1;
	put(bmc, d, value, len);
	return 0;
}

uint8_t bmc_lanparm_suite_priv(const struct bmc *bmc, uint8_t suite)
{
	uint8_t ids[16];
	size_t n = bmc_suites_enabled(bmc, ids);

	for (size_t i = 0; i < n; i++) {
		if (ids[i] != suite)
			continue;
		uint8_t v = nibble(bmc->lan.suite_priv, i);
		return v >= PRIV_CALLBACK && v <= PRIV_OEM ? v : PRIV_NO_ACCESS;
	}
	return PRIV_NO_ACCESS;
}

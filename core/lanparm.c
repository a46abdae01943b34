/* LAN configuration parameters of channel 1, IPMI 2.0 §23.1-23.2 (table 23-4).
 *
 * One table describes every parameter bmcd supports: its exact length, where its bytes
 * live in struct bmc_lanparm (most are plain byte strings, copied both ways), whether it
 * is read-only, and an optional validator. Parameters whose wire form is computed or
 * differs from the stored form supply get/put functions instead of a field offset.
 * Get, Set, "set in progress" and replay are the shared engine's (paramtab.c). */
#include <stddef.h>
#include <string.h>

#include "bmc/store.h"
#include "lanparm.h"
#include "paramtab.h"
#include "suites.h"

#define NO_FIELD BMC_PARAM_NO_FIELD
/* Stored form of param 24: the 8 nibble bytes, then the suite ids they were written for. */
#define SUITE_PRIV_BYTES 8
#define SUITE_REC_MAX (SUITE_PRIV_BYTES + 16)

_Static_assert(SUITE_REC_MAX <= BMC_PARAM_REC_MAX, "param 24's record fits the engine's buffer");

_Static_assert(sizeof(struct bmc_lanparm) < NO_FIELD, "field offsets must fit in a byte");

/* Param 1 / 2 bits, §23.2: [0] none, [1] MD2, [2] MD5, [4] straight password, [5] OEM. */
#define AUTH_BIT_MD5 0x04
/* Table 23-4 param 7 defaults: TTL 40h, "don't fragment", TOS "minimize delay". */
static const uint8_t ipv4_hdr_default[3] = {0x40, 0x40, 0x10};

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
	return bmc_paramtab_check_auth_enables(r, auth_support(bmc));
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

/* What is stored for a write of param 24: the 8 nibble bytes, then the suite ids its
 * entries referred to (see replay_suite_priv). */
static void record_suite_priv(const struct bmc *bmc, struct bmc_reader *r, struct bmc_writer *rec)
{
	uint8_t b[SUITE_PRIV_BYTES], ids[16];
	rd_skip(r, 1);
	rd_bytes(r, b, sizeof b);
	wr_bytes(rec, b, sizeof b);
	wr_bytes(rec, ids, bmc_suites_enabled(bmc, ids));
}

/* Param 24's entries follow param 23's order, which follows the configured suites. If
 * the configuration changed since the record was written, each suite keeps the level
 * written for it, and a newly enabled suite gets the default (ADMINISTRATOR), as on a
 * fresh start. Nibbles beyond the entries are kept only when nothing moved, so that a
 * client reading back its own write sees the bytes it wrote. */
static int replay_suite_priv(struct bmc *bmc, const uint8_t *value, size_t len)
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

#define FIELD(m) ((uint8_t)offsetof(struct bmc_lanparm, m))
#define RO BMC_PARAM_RO

static const struct bmc_paramdef params[] = {
	{.id = LANP_SET_IN_PROGRESS, .len = 1, .off = FIELD(set_in_progress)},
	{.id = LANP_AUTH_SUPPORT, .len = 1, .off = NO_FIELD, .flags = RO, .get = get_auth_support},
	{.id = LANP_AUTH_ENABLES, .len = 5, .off = FIELD(auth_enables), .check = check_auth_enables},
	{.id = LANP_IP, .len = 4, .off = FIELD(ip)},
	{.id = LANP_IP_SOURCE, .len = 1, .off = FIELD(ip_source), .check = check_ip_source},
	{.id = LANP_MAC, .len = 6, .off = FIELD(mac), .check = check_mac},
	{.id = LANP_NETMASK, .len = 4, .off = FIELD(netmask), .check = check_netmask},
	{.id = LANP_IPV4_HDR, .len = 3, .off = FIELD(ipv4_hdr), .check = check_ipv4_hdr},
	{.id = LANP_ARP_CTL, .len = 1, .off = FIELD(arp_ctl), .check = check_arp_ctl},
	{.id = LANP_GARP_INTERVAL, .len = 1, .off = FIELD(garp_interval)},
	{.id = LANP_GW_IP, .len = 4, .off = FIELD(gw_ip)},
	{.id = LANP_GW_MAC, .len = 6, .off = FIELD(gw_mac), .check = check_mac},
	{.id = LANP_BGW_IP, .len = 4, .off = FIELD(bgw_ip)},
	{.id = LANP_BGW_MAC, .len = 6, .off = FIELD(bgw_mac), .check = check_mac},
	{.id = LANP_COMMUNITY, .len = 18, .off = FIELD(community), .check = check_community},
	{.id = LANP_VLAN_ID, .len = 2, .off = NO_FIELD, .check = check_vlan_id, .get = get_vlan_id, .put = put_vlan_id},
	{.id = LANP_VLAN_PRIO, .len = 1, .off = FIELD(vlan_prio), .check = check_vlan_prio},
	{.id = LANP_SUITE_COUNT, .len = 1, .off = NO_FIELD, .flags = RO, .get = get_suite_count},
	{.id = LANP_SUITE_IDS, .len = 17, .off = NO_FIELD, .flags = RO, .get = get_suite_ids},
	{.id = LANP_SUITE_PRIV, .len = 9, .off = NO_FIELD, .check = check_suite_priv, .get = get_suite_priv,
	 .put = put_suite_priv, .record = record_suite_priv, .replay = replay_suite_priv},
	{.id = LANP_BAD_PW, .len = 6, .off = FIELD(bad_pw), .check = check_bad_pw},
};

_Static_assert(sizeof(((struct bmc_lanparm *)0)->suite_priv) == SUITE_PRIV_BYTES, "param 24 layout");

/* Only channel 1 has LAN parameters. */
static const struct bmc_paramtab lan_tab = {
	.defs = params,
	.count = sizeof params / sizeof params[0],
	.state_off = offsetof(struct bmc, lan),
	.name = "lan",
	.revision = BMC_LANPARM_REVISION,
	.cc_not_supported = CC_LANP_NOT_SUPPORTED,
	.cc_set_in_progress = CC_LANP_SET_IN_PROGRESS,
	.cc_read_only = CC_LANP_READ_ONLY,
	.store_type = STORE_LANPARM,
	.key_has_channel = true,
	.channel = CHANNEL_LAN,
};

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
	return bmc_paramtab_get(bmc, &lan_tab, param, set_sel, block_sel, rev_only, w);
}

uint8_t bmc_lanparm_set(struct bmc *bmc, uint8_t channel, uint8_t param, const uint8_t *data, size_t len)
{
	return bmc_paramtab_set(bmc, &lan_tab, channel, param, data, len);
}

int bmc_lanparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	return bmc_paramtab_apply(bmc, &lan_tab, key, value, len);
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

#include "lanplus_client.h"

#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static enum bmc_hash hash_of(const struct lc *c)
{
	return c->suite_auth == 3 ? BMC_HASH_SHA256 : BMC_HASH_SHA1;
}

static size_t hlen(const struct lc *c)
{
	return bmc_hash_len(hash_of(c));
}

void lc_init(struct lc *c, struct bmc *bmc, struct fake_platform *fp, uint8_t suite, const char *user,
	     const char *password)
{
	memset(c, 0, sizeof *c);
	c->bmc = bmc;
	c->fp = fp;
	c->peer.family = 4;
	c->peer.addr[0] = 127;
	c->peer.addr[3] = 1;
	c->peer.port = 40000;
	switch (suite) {
	case 3: c->suite_auth = 1; c->suite_integ = 1; c->suite_conf = 1; break;
	case 2: c->suite_auth = 1; c->suite_integ = 1; c->suite_conf = 0; break;
	case 1: c->suite_auth = 1; c->suite_integ = 0; c->suite_conf = 0; break;
	case 0: break;
	default: c->suite_auth = 3; c->suite_integ = 4; c->suite_conf = 1; break;
	}
	strncpy(c->user, user, 16);
	strncpy(c->password, password, 20);
	c->csid = 0x0A0B0C0D;
	for (int i = 0; i < 16; i++)
		c->rm[i] = (uint8_t)(0x30 + i);
}

const uint8_t *lc_xfer(struct lc *c, const uint8_t *pkt, size_t len, size_t *rlen)
{
	unsigned before = c->fp->sent_count;
	memcpy(c->last, pkt, len < sizeof c->last ? len : sizeof c->last);
	c->last_len = len;
	bmc_input(c->bmc, 1, &c->peer, pkt, len);
	if (c->fp->sent_count == before)
		return NULL;
	return fake_last_sent(c->fp, rlen);
}

/* RMCP + RMCP+ session header with session id 0 */
static size_t plain_hdr(uint8_t *p, uint8_t ptype, uint16_t plen)
{
	const uint8_t h[] = {6, 0, 0xFF, 7, 6, ptype, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)plen, (uint8_t)(plen >> 8)};
	memcpy(p, h, sizeof h);
	return sizeof h;
}

/* Checks a plain set-up reply and returns its payload. */
static const uint8_t *setup_reply(struct lc *c, const uint8_t *r, size_t rlen, uint8_t ptype, size_t *plen)
{
	if (!r || rlen < 16 + 8 || r[4] != 6 || r[5] != ptype)
		return NULL;
	*plen = (size_t)(r[14] | r[15] << 8);
	if (*plen + 16 != rlen)
		return NULL;
	c->last_status = r[17];
	return r + 16;
}

int lc_open_session(struct lc *c, uint8_t max_priv)
{
	uint8_t p[64];
	size_t n = plain_hdr(p, 0x10, 32);
	uint8_t *q = p + n;
	memset(q, 0, 32);
	q[0] = 0x42; /* tag */
	q[1] = max_priv;
	put32(q + 4, c->csid);
	q[8] = 0; q[11] = 8; q[12] = c->suite_auth;
	q[16] = 1; q[19] = 8; q[20] = c->suite_integ;
	q[24] = 2; q[27] = 8; q[28] = c->suite_conf;
	size_t rlen, plen;
	const uint8_t *raw = lc_xfer(c, p, n + 32, &rlen);
	const uint8_t *r = setup_reply(c, raw, rlen, 0x11, &plen);
	if (!r || r[0] != 0x42 || r[1] != 0 || plen != 36 || get32(r + 4) != c->csid)
		return -1;
	c->bsid = get32(r + 8);
	return 0;
}

int lc_rakp1(struct lc *c, uint8_t role)
{
	uint8_t p[64];
	size_t ul = strlen(c->user);
	size_t n = plain_hdr(p, 0x12, (uint16_t)(28 + ul));
	uint8_t *q = p + n;
	memset(q, 0, 28);
	q[0] = 0x43;
	put32(q + 4, c->bsid);
	memcpy(q + 8, c->rm, 16);
	q[24] = role;
	q[27] = (uint8_t)ul;
	memcpy(q + 28, c->user, ul);
	c->role = role;
	size_t rlen, plen;
	const uint8_t *raw = lc_xfer(c, p, n + 28 + ul, &rlen);
	const uint8_t *r = setup_reply(c, raw, rlen, 0x13, &plen);
	if (!r || r[1] != 0 || plen != 40 + hlen(c) || get32(r + 4) != c->csid)
		return -1;
	memcpy(c->rc, r + 8, 16);
	memcpy(c->guid, r + 24, 16);
	uint8_t key[20] = {0}, mac[BMC_HASH_MAX], cs[4], bs[4], ulen = (uint8_t)ul;
	memcpy(key, c->password, strlen(c->password));
	put32(cs, c->csid);
	put32(bs, c->bsid);
	const struct bmc_iov v[] = {{cs, 4}, {bs, 4}, {c->rm, 16}, {c->rc, 16}, {c->guid, 16},
				    {&c->role, 1}, {&ulen, 1}, {c->user, ul}};
	bmc_hmacv(hash_of(c), key, 20, v, 8, mac);
	return memcmp(mac, r + 40, hlen(c)) ? -1 : 0;
}

int lc_rakp3(struct lc *c)
{
	uint8_t p[64], key[20] = {0}, mac[BMC_HASH_MAX], cs[4], bs[4];
	uint8_t ulen = (uint8_t)strlen(c->user);
	size_t n = plain_hdr(p, 0x14, (uint16_t)(8 + hlen(c)));
	uint8_t *q = p + n;
	memset(q, 0, 8);
	q[0] = 0x44;
	put32(q + 4, c->bsid);
	memcpy(key, c->password, strlen(c->password));
	put32(cs, c->csid);
	put32(bs, c->bsid);
	const struct bmc_iov v[] = {{c->rc, 16}, {cs, 4}, {&c->role, 1}, {&ulen, 1}, {c->user, ulen}};
	bmc_hmacv(hash_of(c), key, 20, v, 5, mac);
	memcpy(q + 8, mac, hlen(c));
	size_t rlen, plen, icv = hash_of(c) == BMC_HASH_SHA256 ? 16 : 12;
	const uint8_t *raw = lc_xfer(c, p, n + 8 + hlen(c), &rlen);
	const uint8_t *r = setup_reply(c, raw, rlen, 0x15, &plen);
	if (!r || r[1] != 0 || plen != 8 + icv)
		return -1;
	const uint8_t *kg = c->kg_set ? c->kg : key;
	const struct bmc_iov sv[] = {{c->rm, 16}, {c->rc, 16}, {&c->role, 1}, {&ulen, 1}, {c->user, ulen}};
	uint8_t one[32], two[32];
	memset(one, 1, 32);
	memset(two, 2, 32);
	bmc_hmacv(hash_of(c), kg, 20, sv, 5, c->sik);
	bmc_hmac(hash_of(c), c->sik, hlen(c), one, 20, c->k1);
	bmc_hmac(hash_of(c), c->sik, hlen(c), two, 20, c->k2);
	const struct bmc_iov iv4[] = {{c->rm, 16}, {bs, 4}, {c->guid, 16}};
	bmc_hmacv(hash_of(c), c->sik, hlen(c), iv4, 3, mac);
	return memcmp(mac, r + 8, icv) ? -1 : 0;
}

size_t lc_msg(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *m)
{
	m[0] = 0x20;
	m[1] = (uint8_t)(netfn << 2);
	m[2] = (uint8_t)-(m[0] + m[1]);
	m[3] = 0x81;
	m[4] = (uint8_t)(++c->rq_seq << 2);
	m[5] = cmd;
	if (len)
		memcpy(m + 6, data, len);
	uint8_t sum = 0;
	for (size_t i = 3; i < 6 + len; i++)
		sum = (uint8_t)(sum + m[i]);
	m[6 + len] = (uint8_t)-sum;
	return 7 + len;
}

size_t lc_build(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *out,
		size_t cap)
{
	uint8_t msg[300];
	if (len > 256)
		return 0;
	size_t mlen = lc_msg(c, netfn, cmd, data, len, msg);
	return lc_wrap(c, msg, mlen, out, cap);
}

size_t lc_wrap(struct lc *c, const uint8_t *msg, size_t mlen, uint8_t *out, size_t cap)
{
	return lc_wrap_payload(c, 0x00, msg, mlen, out, cap);
}

size_t lc_wrap_payload(struct lc *c, uint8_t ptype, const uint8_t *msg, size_t mlen, uint8_t *out, size_t cap)
{
	uint8_t payload[340];
	size_t plen = mlen;
	bool conf = c->suite_conf, integ = c->suite_integ;
	if (cap < 400 || mlen > 280)
		return 0;
	memcpy(payload, msg, mlen);
	if (conf) {
		size_t pad = (16 - (mlen + 1) % 16) % 16;
		uint8_t clear[300];
		memcpy(clear, msg, mlen);
		for (size_t i = 0; i < pad; i++)
			clear[mlen + i] = (uint8_t)(i + 1);
		clear[mlen + pad] = (uint8_t)pad;
		for (int i = 0; i < 16; i++)
			payload[i] = (uint8_t)(0xA0u + (unsigned)i + c->seq);
		bmc_aes128_cbc(true, c->k2, payload, clear, mlen + pad + 1, payload + 16);
		plen = 16 + mlen + pad + 1;
	}
	size_t n = 0;
	const uint8_t h[] = {6, 0, 0xFF, 7, 6, (uint8_t)((conf ? 0x80 : 0) | (integ ? 0x40 : 0) | (ptype & 0x3F))};
	memcpy(out, h, sizeof h);
	n = sizeof h;
	put32(out + n, c->bsid);
	put32(out + n + 4, ++c->seq);
	out[n + 8] = (uint8_t)plen;
	out[n + 9] = (uint8_t)(plen >> 8);
	n += 10;
	memcpy(out + n, payload, plen);
	n += plen;
	if (integ) {
		size_t pad = (4 - (n - 4 + 2) % 4) % 4;
		for (size_t i = 0; i < pad; i++)
			out[n++] = 0xFF;
		out[n++] = (uint8_t)pad;
		out[n++] = 7;
		uint8_t mac[BMC_HASH_MAX];
		enum bmc_hash ih = c->suite_integ == 4 ? BMC_HASH_SHA256 : BMC_HASH_SHA1;
		bmc_hmac(ih, c->k1, hlen(c), out + 4, n - 4, mac);
		size_t icv = c->suite_integ == 4 ? 16 : 12;
		memcpy(out + n, mac, icv);
		n += icv;
	}
	return n;
}

static int parse_msg(const uint8_t *m, size_t len, uint8_t *cc, uint8_t *rsp, size_t *rsp_len)
{
	if (len < 8)
		return -1;
	*cc = m[6];
	*rsp_len = len - 8;
	if (rsp)
		memcpy(rsp, m + 7, len - 8);
	return 0;
}

int lc_cmd(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *cc,
	   uint8_t *rsp, size_t *rsp_len)
{
	uint8_t pkt[512];
	size_t n = lc_build(c, netfn, cmd, data, len, pkt, sizeof pkt), rlen;
	const uint8_t *r = lc_xfer(c, pkt, n, &rlen);
	uint8_t msg[512];
	size_t mlen;
	if (!r || lc_unwrap(c, r, rlen, msg, &mlen))
		return -1;
	return parse_msg(msg, mlen, cc, rsp, rsp_len);
}

int lc_unwrap(struct lc *c, const uint8_t *r, size_t rlen, uint8_t *msg, size_t *msg_len)
{
	if (rlen < 16 || get32(r + 6) != c->csid)
		return -1;
	size_t plen = (size_t)(r[14] | r[15] << 8);
	size_t icv = c->suite_integ == 4 ? 16 : c->suite_integ ? 12 : 0;
	if (16 + plen > rlen)
		return -1;
	if (icv) {
		uint8_t mac[BMC_HASH_MAX];
		enum bmc_hash ih = c->suite_integ == 4 ? BMC_HASH_SHA256 : BMC_HASH_SHA1;
		bmc_hmac(ih, c->k1, hlen(c), r + 4, rlen - 4 - icv, mac);
		if (memcmp(mac, r + rlen - icv, icv))
			return -1;
	}
	uint8_t clear[512];
	const uint8_t *m = r + 16;
	size_t mlen = plen;
	if (c->suite_conf) {
		if (plen < 32 || plen % 16)
			return -1;
		bmc_aes128_cbc(false, c->k2, r + 16, r + 32, plen - 16, clear);
		mlen = plen - 16 - 1 - clear[plen - 17];
		m = clear;
	}
	if (mlen > 512)
		return -1;
	memcpy(msg, m, mlen);
	*msg_len = mlen;
	return 0;
}

int lc_cmd15(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *cc,
	     uint8_t *rsp, size_t *rsp_len)
{
	uint8_t pkt[300] = {6, 0, 0xFF, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	size_t mlen = lc_msg(c, netfn, cmd, data, len, pkt + 14), rlen;
	pkt[13] = (uint8_t)mlen;
	const uint8_t *r = lc_xfer(c, pkt, 14 + mlen, &rlen);
	if (!r || rlen < 14 || r[4] != 0 || (size_t)r[13] + 14 != rlen)
		return -1;
	return parse_msg(r + 14, r[13], cc, rsp, rsp_len);
}

int lc_login(struct lc *c, uint8_t priv)
{
	uint8_t cc, rsp[8];
	size_t rl;
	if (lc_open_session(c, priv) || lc_rakp1(c, (uint8_t)(0x10 | priv)) || lc_rakp3(c))
		return -1;
	if (priv <= 2)
		return 0;
	if (lc_cmd(c, 0x06, 0x3B, &priv, 1, &cc, rsp, &rl) || cc || rl != 1 || rsp[0] != priv)
		return -1;
	return 0;
}

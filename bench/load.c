/* A load generator for RMCP+ BMCs (bmcd, ipmi_sim, ...) with its own console, written
 * from the IPMI 2.0 specification (§13: RMCP+ and RAKP; cipher suites 3 and 17). Not a
 * test: it prints figures. Every run is bounded by --seconds and stops by itself.
 *
 *   bench_load --port P --password-file F [--suite 3|17] --mode MODE [--seconds S]
 *              [--window W] [--sessions N] [--sources N] [--pid PID]
 *
 * --sources N spreads the clients over the source addresses 127.0.0.2 .. 127.0.0.(N+1)
 * (a BMC limits half-open set-ups per source address: bmcd allows 4).
 *
 * Modes
 *   setup     full session set-ups: Open Session, RAKP 1-4, Set Session Privilege
 *             (ADMINISTRATOR), Close Session; --sessions set-ups run concurrently
 *   devid     in-session Get Device ID requests, --window outstanding per session,
 *             over --sessions sessions (default 1)
 *   parallel  devid over --sessions sessions (default 8)
 *   seladd    in-session Add SEL Entry (an OEM timestamped record, type C0h), --window
 *             outstanding per session: on a BMC that keeps its SEL on disk, durable
 *             adds per second. The SEL is cleared before the timed phase and whenever
 *             it is full (completion code C4h; the clear is timed with the run, the
 *             C4h answers count as neither operations nor errors)
 *   echo      the floor: the same client code (requests built, encrypted and MACed with
 *             suite keys; replies verified and decrypted) against a bare UDP echo
 *             server this program forks on 127.0.0.1; --pid is then the echo server
 *
 * Output: one line, "result mode=... key=value ...", with ops, rate (per second), p50
 * and p99 latency (microseconds), errors (timeouts, bad replies) and, with --pid (or in
 * echo mode), the target's CPU time per operation (from /proc/PID/stat utime+stime, and
 * the more precise sum of /proc/PID/task/N/schedstat run times) and its RSS.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bmc/crypto.h"

#define MAX_CLIENTS 64
#define MAX_WINDOW 32
#define PKT_CAP 512
#define TIMEOUT_S 1.0 /* a request or set-up step unanswered this long is an error */

enum mode { M_SETUP, M_DEVID, M_SELADD, M_ECHO };

#define CC_OUT_OF_SPACE 0xC4

/* Set-up steps; ACTIVE is the in-session steady state. */
enum step { ST_IDLE, ST_OPEN, ST_RAKP1, ST_RAKP3, ST_PRIV, ST_CLOSE, ST_ACTIVE };

struct opts {
	const char *host;
	uint16_t port;
	char user[17];
	char password[21];
	uint8_t suite;
	enum mode mode;
	double seconds;
	unsigned window;
	unsigned sessions;
	unsigned sources; /* clients spread over 127.0.0.2 .. 127.0.0.(1 + sources); 0: any */
	long pid;
	bool quiet;
};

struct pending {
	bool used;
	double t0;
};

struct client {
	int fd;
	enum step step;
	double step_t0;  /* when the current set-up step's request was sent */
	double setup_t0; /* when this set-up began */
	uint8_t auth, integ, conf;
	uint32_t csid, bsid, seq, rx_sid;
	uint8_t rq_seq;
	uint8_t role;
	uint8_t rm[16], rc[16], guid[16];
	uint8_t sik[32], k1[32], k2[32];
	struct pending out[64]; /* by rqSeq (6 bits) */
	unsigned inflight;
	bool login_only; /* set-up stops after Set Session Privilege */
	bool sel_full;   /* seladd: the BMC said full; clear once the window drains */
	uint32_t added;  /* seladd: records sent, marked in their OEM bytes */
};

struct samples {
	float *v; /* microseconds */
	size_t n, cap;
};

struct proc_fig {
	bool ok;
	double ticks_s;  /* utime + stime, seconds */
	double stime_s;  /* stime alone: the kernel's share */
	double sched_s;  /* sum of the tasks' schedstat run time, seconds */
	long rss_kb, hwm_kb;
};

static struct opts o;
static struct samples lat;
static unsigned long long n_ops, n_err, n_full, n_clears;
static bool draining; /* after the timed phase: finish set-ups and close, count nothing */
static uint32_t csid_counter = 0x10000001u;

/* ---- small helpers ----------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static void die(const char *what)
{
	fprintf(stderr, "bench_load: %s\n", what);
	exit(2);
}

static void sample_add(double us)
{
	if (lat.n == lat.cap) {
		size_t cap = lat.cap ? lat.cap * 2 : 65536;
		float *v = realloc(lat.v, cap * sizeof *v);
		if (!v)
			die("out of memory");
		lat.v = v;
		lat.cap = cap;
	}
	lat.v[lat.n++] = (float)us;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static double percentile(double p)
{
	if (!lat.n)
		return 0;
	size_t i = (size_t)(p * (double)(lat.n - 1) + 0.5);
	return lat.v[i];
}

/* ---- /proc figures of the target ----------------------------------------------------- */

static double sched_run_s(long pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	double sum = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char p2[320];
		snprintf(p2, sizeof p2, "/proc/%ld/task/%s/schedstat", pid, e->d_name);
		FILE *f = fopen(p2, "r");
		unsigned long long ns = 0;
		if (f) {
			if (fscanf(f, "%llu", &ns) == 1)
				sum += (double)ns / 1e9;
			fclose(f);
		}
	}
	closedir(d);
	return sum;
}

static struct proc_fig proc_read(long pid)
{
	struct proc_fig r = {0};
	char path[64], buf[2048];
	if (pid <= 0)
		return r;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return r;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* Fields after the command name, which may hold spaces: state is field 3, utime 14,
	 * stime 15 (proc(5)). */
	char *p = strrchr(buf, ')');
	if (!p)
		return r;
	unsigned long long ut = 0, st = 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return r;
	long hz = sysconf(_SC_CLK_TCK);
	r.ticks_s = (double)(ut + st) / (double)(hz > 0 ? hz : 100);
	r.stime_s = (double)st / (double)(hz > 0 ? hz : 100);
	r.sched_s = sched_run_s(pid);
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (f) {
		char line[256];
		while (fgets(line, sizeof line, f)) {
			if (!strncmp(line, "VmRSS:", 6))
				r.rss_kb = strtol(line + 6, NULL, 10);
			else if (!strncmp(line, "VmHWM:", 6))
				r.hwm_kb = strtol(line + 6, NULL, 10);
		}
		fclose(f);
	}
	r.ok = true;
	return r;
}

/* ---- the RMCP+ console (IPMI 2.0 §13) --------------------------------------------------- */

static enum bmc_hash auth_hash(const struct client *c)
{
	return c->auth == 3 ? BMC_HASH_SHA256 : BMC_HASH_SHA1; /* RAKP-HMAC-SHA256 : -SHA1 */
}

static size_t auth_len(const struct client *c)
{
	return bmc_hash_len(auth_hash(c));
}

static enum bmc_hash integ_hash(const struct client *c)
{
	return c->integ == 4 ? BMC_HASH_SHA256 : BMC_HASH_SHA1; /* HMAC-SHA256-128 : -SHA1-96 */
}

static size_t icv_len(const struct client *c)
{
	return c->integ == 4 ? 16 : c->integ ? 12 : 0;
}

static void client_suite(struct client *c, uint8_t suite)
{
	if (suite == 3) { /* §22.15.2 table 22-20 */
		c->auth = 1;
		c->integ = 1;
		c->conf = 1;
	} else { /* 17 */
		c->auth = 3;
		c->integ = 4;
		c->conf = 1;
	}
}

static void xsend(struct client *c, const uint8_t *p, size_t len)
{
	if (send(c->fd, p, len, 0) < 0 && errno != ECONNREFUSED && errno != EAGAIN)
		n_err++;
}

/* RMCP header, auth type RMCP+, payload type, session id 0, sequence 0, length. */
static size_t plain_hdr(uint8_t *p, uint8_t ptype, uint16_t plen)
{
	const uint8_t h[] = {6, 0, 0xFF, 7, 6, ptype, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)plen, (uint8_t)(plen >> 8)};
	memcpy(p, h, sizeof h);
	return sizeof h;
}

static void send_open(struct client *c)
{
	uint8_t p[64];
	size_t n = plain_hdr(p, 0x10, 32);
	uint8_t *q = p + n;
	memset(q, 0, 32);
	c->csid = csid_counter++; /* new per attempt: a late reply of an old one is ignored */
	if (!c->csid)
		c->csid = csid_counter++;
	c->rx_sid = c->csid;
	q[0] = 0x42;
	q[1] = 4; /* requested maximum privilege: ADMINISTRATOR */
	put32(q + 4, c->csid);
	q[8] = 0, q[11] = 8, q[12] = c->auth;
	q[16] = 1, q[19] = 8, q[20] = c->integ;
	q[24] = 2, q[27] = 8, q[28] = c->conf;
	xsend(c, p, n + 32);
}

static void send_rakp1(struct client *c)
{
	uint8_t p[64];
	size_t ul = strlen(o.user);
	size_t n = plain_hdr(p, 0x12, (uint16_t)(28 + ul));
	uint8_t *q = p + n;
	memset(q, 0, 28);
	q[0] = 0x43;
	put32(q + 4, c->bsid);
	for (int i = 0; i < 16; i++) /* a bench needs no secret random numbers */
		c->rm[i] = (uint8_t)(c->csid * 7u + (unsigned)i * 13u);
	memcpy(q + 8, c->rm, 16);
	c->role = 0x14; /* name-only lookup off, ADMINISTRATOR */
	q[24] = c->role;
	q[27] = (uint8_t)ul;
	memcpy(q + 28, o.user, ul);
	xsend(c, p, n + 28 + ul);
}

static void send_rakp3(struct client *c)
{
	uint8_t p[80], key[20] = {0}, mac[BMC_HASH_MAX], cs[4];
	uint8_t ulen = (uint8_t)strlen(o.user);
	size_t n = plain_hdr(p, 0x14, (uint16_t)(8 + auth_len(c)));
	uint8_t *q = p + n;
	memset(q, 0, 8);
	q[0] = 0x44;
	put32(q + 4, c->bsid);
	memcpy(key, o.password, strlen(o.password));
	put32(cs, c->csid);
	/* §13.28: HMAC_KUID(Rc, SIDm, Rolem, ULengthm, UNamem) */
	const struct bmc_iov v[] = {{c->rc, 16}, {cs, 4}, {&c->role, 1}, {&ulen, 1}, {o.user, ulen}};
	bmc_hmacv(auth_hash(c), key, 20, v, 5, mac);
	memcpy(q + 8, mac, auth_len(c));
	xsend(c, p, n + 8 + auth_len(c));
}

/* Checks a set-up reply (session id 0) and returns its payload, or NULL. */
static const uint8_t *setup_payload(const uint8_t *r, size_t rlen, uint8_t ptype, size_t *plen)
{
	if (rlen < 16 + 8 || r[4] != 6 || (r[5] & 0x3F) != ptype)
		return NULL;
	*plen = (size_t)(r[14] | r[15] << 8);
	if (*plen + 16 != rlen)
		return NULL;
	return r + 16;
}

static int recv_open(struct client *c, const uint8_t *raw, size_t rlen)
{
	size_t plen;
	const uint8_t *r = setup_payload(raw, rlen, 0x11, &plen);
	if (!r || plen < 36 || r[0] != 0x42 || r[1] != 0 || get32(r + 4) != c->csid)
		return -1;
	c->bsid = get32(r + 8);
	return 0;
}

static int recv_rakp2(struct client *c, const uint8_t *raw, size_t rlen)
{
	size_t plen, ul = strlen(o.user);
	const uint8_t *r = setup_payload(raw, rlen, 0x13, &plen);
	if (!r || r[0] != 0x43 || r[1] != 0 || plen != 40 + auth_len(c) || get32(r + 4) != c->csid)
		return -1;
	memcpy(c->rc, r + 8, 16);
	memcpy(c->guid, r + 24, 16);
	uint8_t key[20] = {0}, mac[BMC_HASH_MAX], cs[4], bs[4], ulen = (uint8_t)ul;
	memcpy(key, o.password, strlen(o.password));
	put32(cs, c->csid);
	put32(bs, c->bsid);
	/* §13.21: HMAC_KUID(SIDm, SIDc, Rm, Rc, GUIDc, Rolem, ULengthm, UNamem) */
	const struct bmc_iov v[] = {{cs, 4},      {bs, 4},        {c->rm, 16}, {c->rc, 16},
				    {c->guid, 16}, {&c->role, 1}, {&ulen, 1},  {o.user, ul}};
	bmc_hmacv(auth_hash(c), key, 20, v, 8, mac);
	return bmc_ct_equal(mac, r + 40, auth_len(c)) ? 0 : -1;
}

static int recv_rakp4(struct client *c, const uint8_t *raw, size_t rlen)
{
	size_t plen, icv = integ_hash(c) == BMC_HASH_SHA256 ? 16 : 12;
	uint8_t key[20] = {0}, mac[BMC_HASH_MAX], bs[4], ulen = (uint8_t)strlen(o.user);
	const uint8_t *r = setup_payload(raw, rlen, 0x15, &plen);
	if (!r || r[0] != 0x44 || r[1] != 0 || plen != 8 + icv || get32(r + 4) != c->csid)
		return -1;
	memcpy(key, o.password, strlen(o.password));
	put32(bs, c->bsid);
	/* §13.31-13.32: SIK = HMAC_KG(Rm, Rc, Rolem, ULengthm, UNamem) (Kg = KUID when unset);
	 * K1 = HMAC_SIK(01h x 20), K2 = HMAC_SIK(02h x 20). */
	const struct bmc_iov sv[] = {{c->rm, 16}, {c->rc, 16}, {&c->role, 1}, {&ulen, 1}, {o.user, ulen}};
	uint8_t one[20], two[20];
	memset(one, 1, sizeof one);
	memset(two, 2, sizeof two);
	bmc_hmacv(auth_hash(c), key, 20, sv, 5, c->sik);
	bmc_hmac(auth_hash(c), c->sik, auth_len(c), one, 20, c->k1);
	bmc_hmac(auth_hash(c), c->sik, auth_len(c), two, 20, c->k2);
	/* §13.23: integrity check value = HMAC_SIK(Rm, SIDc, GUIDc) */
	const struct bmc_iov iv4[] = {{c->rm, 16}, {bs, 4}, {c->guid, 16}};
	bmc_hmacv(auth_hash(c), c->sik, auth_len(c), iv4, 3, mac);
	return bmc_ct_equal(mac, r + 8, icv) ? 0 : -1;
}

/* An IPMI request message (§13.8) to the BMC (20h) from remote console software (81h). */
static size_t build_msg(struct client *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len,
			uint8_t *m, uint8_t *seq_out)
{
	uint8_t seq = c->rq_seq;
	c->rq_seq = (uint8_t)((c->rq_seq + 1) & 0x3F);
	m[0] = 0x20;
	m[1] = (uint8_t)(netfn << 2);
	m[2] = (uint8_t)-(m[0] + m[1]);
	m[3] = 0x81;
	m[4] = (uint8_t)(seq << 2);
	m[5] = cmd;
	if (len)
		memcpy(m + 6, data, len);
	uint8_t sum = 0;
	for (size_t i = 3; i < 6 + len; i++)
		sum = (uint8_t)(sum + m[i]);
	m[6 + len] = (uint8_t)-sum;
	*seq_out = seq;
	return 7 + len;
}

/* Wraps msg as the next authenticated, encrypted in-session packet (§13.6, §13.28-29). */
static size_t wrap(struct client *c, const uint8_t *msg, size_t mlen, uint8_t *out)
{
	uint8_t clear[PKT_CAP];
	size_t n = 0, pad = (16 - (mlen + 1) % 16) % 16;
	const uint8_t h[] = {6, 0, 0xFF, 7, 6, 0xC0};
	memcpy(out, h, sizeof h);
	n = sizeof h;
	if (++c->seq == 0)
		c->seq = 1;
	put32(out + n, c->bsid);
	put32(out + n + 4, c->seq);
	n += 8;
	size_t plen = 16 + mlen + pad + 1;
	out[n++] = (uint8_t)plen;
	out[n++] = (uint8_t)(plen >> 8);
	memcpy(clear, msg, mlen);
	for (size_t i = 0; i < pad; i++)
		clear[mlen + i] = (uint8_t)(i + 1);
	clear[mlen + pad] = (uint8_t)pad;
	uint8_t *iv = out + n;
	for (int i = 0; i < 16; i++) /* a bench needs no unpredictable IVs */
		iv[i] = (uint8_t)(c->seq * 31u + (unsigned)i);
	bmc_aes128_cbc(true, c->k2, iv, clear, mlen + pad + 1, out + n + 16);
	n += plen;
	size_t ipad = (4 - (n - 4 + 2) % 4) % 4;
	for (size_t i = 0; i < ipad; i++)
		out[n++] = 0xFF;
	out[n++] = (uint8_t)ipad;
	out[n++] = 7;
	uint8_t mac[BMC_HASH_MAX];
	bmc_hmac(integ_hash(c), c->k1, auth_len(c), out + 4, n - 4, mac);
	memcpy(out + n, mac, icv_len(c));
	return n + icv_len(c);
}

/* Verifies and decrypts an in-session packet addressed to rx_sid; returns the message
 * length (0 when the packet is not valid). */
static size_t unwrap(struct client *c, const uint8_t *r, size_t rlen, uint8_t *msg)
{
	size_t icv = icv_len(c);
	if (rlen < 16 + 32 + icv || r[4] != 6 || (r[5] & 0xC0) != 0xC0 || get32(r + 6) != c->rx_sid)
		return 0;
	size_t plen = (size_t)(r[14] | r[15] << 8);
	if (16 + plen + icv > rlen || plen < 32 || plen % 16)
		return 0;
	uint8_t mac[BMC_HASH_MAX];
	bmc_hmac(integ_hash(c), c->k1, auth_len(c), r + 4, rlen - 4 - icv, mac);
	if (!bmc_ct_equal(mac, r + rlen - icv, icv))
		return 0;
	bmc_aes128_cbc(false, c->k2, r + 16, r + 32, plen - 16, msg);
	size_t pad = msg[plen - 17];
	if (pad + 1 > plen - 16)
		return 0;
	return plen - 16 - 1 - pad;
}

/* Sends an in-session request and records it as outstanding. */
static void send_req(struct client *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, double t)
{
	uint8_t m[64], pkt[PKT_CAP], seq;
	size_t mlen = build_msg(c, netfn, cmd, data, len, m, &seq);
	size_t n = wrap(c, m, mlen, pkt);
	c->out[seq].used = true;
	c->out[seq].t0 = t;
	c->inflight++;
	xsend(c, pkt, n);
}

/* The reply's rqSeq if it is a valid, successful answer to an outstanding request; -1
 * otherwise. In echo mode the "reply" is our own request, so only rqSeq is read. */
static int match_reply(struct client *c, const uint8_t *raw, size_t rlen, uint8_t *msg, size_t *mlen)
{
	*mlen = unwrap(c, raw, rlen, msg);
	if (*mlen < 7)
		return -1;
	uint8_t seq = (uint8_t)(msg[4] >> 2);
	if (!c->out[seq].used)
		return -1;
	if (o.mode != M_ECHO && (*mlen < 8 || msg[6] != 0))
		return -2; /* answered, but with an error completion code */
	return seq;
}

static void retire(struct client *c, int seq)
{
	c->out[seq].used = false;
	c->inflight--;
}

/* ---- per-client state machines ------------------------------------------------------- */

static void setup_begin(struct client *c, double t)
{
	memset(c->out, 0, sizeof c->out);
	c->inflight = 0;
	c->seq = 0;
	c->rq_seq = 0;
	c->setup_t0 = t;
	c->step_t0 = t;
	c->step = ST_OPEN;
	send_open(c);
}

/* One datagram for client c in set-up mode. */
static void setup_input(struct client *c, const uint8_t *raw, size_t rlen, double t)
{
	uint8_t msg[PKT_CAP];
	size_t mlen;
	int seq;
	switch (c->step) {
	case ST_OPEN:
		if (recv_open(c, raw, rlen))
			return;
		c->step = ST_RAKP1;
		send_rakp1(c);
		break;
	case ST_RAKP1:
		if (recv_rakp2(c, raw, rlen))
			return;
		c->step = ST_RAKP3;
		send_rakp3(c);
		break;
	case ST_RAKP3:
		if (recv_rakp4(c, raw, rlen))
			return;
		c->rx_sid = c->csid;
		c->step = ST_PRIV;
		{
			uint8_t priv = 4;
			send_req(c, 0x06, 0x3B, &priv, 1, t); /* Set Session Privilege Level, §22.18 */
		}
		break;
	case ST_PRIV:
	case ST_CLOSE:
		seq = match_reply(c, raw, rlen, msg, &mlen);
		if (seq == -1)
			return;
		if (seq < 0) { /* refused */
			n_err++;
			setup_begin(c, t);
			return;
		}
		retire(c, seq);
		if (c->step == ST_PRIV && c->login_only) {
			c->step = ST_ACTIVE;
		} else if (c->step == ST_PRIV) {
			uint8_t sid[4];
			put32(sid, c->bsid);
			c->step = ST_CLOSE;
			send_req(c, 0x06, 0x3C, sid, 4, t); /* Close Session, §22.19 */
		} else if (draining) {
			c->step = ST_IDLE;
		} else {
			n_ops++;
			sample_add((t - c->setup_t0) * 1e6);
			setup_begin(c, t);
			return;
		}
		break;
	default:
		return;
	}
	c->step_t0 = t;
}

static void devid_fill(struct client *c, double t)
{
	while (c->inflight < o.window)
		send_req(c, 0x06, 0x01, NULL, 0, t); /* Get Device ID, §20.1 */
}

static void devid_input(struct client *c, const uint8_t *raw, size_t rlen, double t)
{
	uint8_t msg[PKT_CAP];
	size_t mlen;
	int seq = match_reply(c, raw, rlen, msg, &mlen);
	if (seq == -1)
		return;
	if (seq < 0) {
		n_err++;
		return; /* its slot is freed by the timeout */
	}
	n_ops++;
	sample_add((t - c->out[seq].t0) * 1e6);
	retire(c, seq);
}

/* Sends a request and waits (blocking, up to 1 s) for its answer: the completion code,
 * or -1. For the seladd mode's SEL clears, outside the window's bookkeeping. */
static int request_wait(struct client *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len,
			uint8_t *resp, size_t *rlen)
{
	uint8_t m[64], pkt[PKT_CAP], buf[PKT_CAP], msg[PKT_CAP], seq;
	size_t mlen = build_msg(c, netfn, cmd, data, len, m, &seq), n = wrap(c, m, mlen, pkt);
	double until = now_s() + TIMEOUT_S;
	xsend(c, pkt, n);
	while (now_s() < until) {
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		if (poll(&p, 1, 10) <= 0)
			continue;
		ssize_t got = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (got <= 0)
			continue;
		size_t k = unwrap(c, buf, (size_t)got, msg);
		if (k < 8 || msg[4] >> 2 != seq || msg[5] != cmd)
			continue; /* a late answer to an abandoned request */
		*rlen = k - 7; /* completion code and data, without the checksum */
		memcpy(resp, msg + 6, *rlen);
		return msg[6];
	}
	return -1;
}

/* IPMI 2.0 §31.4 Reserve SEL, §31.9 Clear SEL (initiate erase). Returns 0 or -1. */
static int sel_clear(struct client *c)
{
	uint8_t r[PKT_CAP], req[6] = {0, 0, 'C', 'L', 'R', 0xAA};
	size_t rlen;
	if (request_wait(c, 0x0A, 0x42, NULL, 0, r, &rlen) != 0 || rlen < 3)
		return -1;
	req[0] = r[1];
	req[1] = r[2];
	if (request_wait(c, 0x0A, 0x47, req, sizeof req, r, &rlen) != 0)
		return -1;
	n_clears++;
	return 0;
}

static void seladd_fill(struct client *c, double t)
{
	if (c->sel_full) {
		if (c->inflight)
			return;
		c->sel_full = false;
		if (sel_clear(c))
			n_err++;
	}
	while (c->inflight < o.window) {
		/* §32.3 OEM timestamped record: id, type C0h, time (the BMC sets it),
		 * manufacturer ID, 6 OEM bytes (here a counter). */
		uint8_t rec[16] = {0, 0, 0xC0, 0, 0, 0, 0, 0x57, 0x01, 0x00};
		put32(rec + 10, ++c->added);
		send_req(c, 0x0A, 0x44, rec, sizeof rec, t); /* Add SEL Entry, §31.6 */
	}
}

static void seladd_input(struct client *c, const uint8_t *raw, size_t rlen, double t)
{
	uint8_t msg[PKT_CAP];
	size_t mlen = unwrap(c, raw, rlen, msg);
	if (mlen < 8)
		return;
	int seq = msg[4] >> 2;
	if (!c->out[seq].used)
		return;
	if (msg[6] == 0 && mlen >= 10) {
		n_ops++;
		sample_add((t - c->out[seq].t0) * 1e6);
	} else if (msg[6] == CC_OUT_OF_SPACE) {
		n_full++;
		c->sel_full = true;
	} else {
		n_err++;
	}
	retire(c, seq);
}

static void check_timeouts(struct client *c, double t)
{
	if (c->step != ST_ACTIVE && c->step != ST_IDLE) {
		if (t - c->step_t0 > TIMEOUT_S) {
			if (draining) {
				c->step = ST_IDLE; /* give up: the BMC's timeout ends it */
				return;
			}
			n_err++;
			setup_begin(c, t);
		}
		return;
	}
	for (int i = 0; i < 64; i++)
		if (c->out[i].used && t - c->out[i].t0 > TIMEOUT_S) {
			n_err++;
			retire(c, i);
		}
}

/* ---- sockets ------------------------------------------------------------------------------ */

/* Client i's socket. With --sources, its source address is 127.0.0.(2 + i % sources):
 * several client hosts, as a BMC limits half-open set-ups per source address. */
static int open_socket(const char *host, uint16_t port, unsigned i)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("--host must be a numeric IPv4 address");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("cannot open a UDP socket");
	if (o.sources) {
		struct sockaddr_in src = {.sin_family = AF_INET};
		src.sin_addr.s_addr = htonl(0x7F000002u + i % o.sources);
		if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0)
			die("cannot bind a client socket to its --sources address");
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("cannot open a UDP socket to the target");
	return fd;
}

/* Receives one datagram within timeout seconds (blocking helper for log-in and log-out). */
static ssize_t recv_wait(int fd, uint8_t *buf, size_t cap, double timeout)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, (int)(timeout * 1000)) <= 0)
		return -1;
	return recv(fd, buf, cap, 0);
}

/* Logs a client in (set-up without the close) for the in-session modes. */
static int login(struct client *c)
{
	uint8_t buf[PKT_CAP];
	double deadline = now_s() + 5;
	c->login_only = true;
	setup_begin(c, now_s());
	while (c->step != ST_ACTIVE && now_s() < deadline) {
		ssize_t n = recv_wait(c->fd, buf, sizeof buf, 1.0);
		if (n > 0)
			setup_input(c, buf, (size_t)n, now_s());
		else
			check_timeouts(c, now_s());
	}
	return c->step == ST_ACTIVE ? 0 : -1;
}

/* Closes the active sessions of cl[0..n) (not timed), so that a following run finds
 * free session slots. */
static void logout(struct client *cl, unsigned n)
{
	uint8_t buf[PKT_CAP], msg[PKT_CAP];
	for (unsigned i = 0; i < n; i++) {
		struct client *c = &cl[i];
		uint8_t sid[4];
		if (c->step != ST_ACTIVE)
			continue;
		put32(sid, c->bsid);
		memset(c->out, 0, sizeof c->out);
		c->inflight = 0;
		send_req(c, 0x06, 0x3C, sid, 4, now_s()); /* Close Session, §22.19 */
	}
	for (unsigned i = 0; i < n; i++) {
		double until = now_s() + 0.5;
		size_t mlen;
		ssize_t got;
		if (cl[i].step != ST_ACTIVE)
			continue;
		while (now_s() < until && (got = recv_wait(cl[i].fd, buf, sizeof buf, 0.1)) > 0)
			if (match_reply(&cl[i], buf, (size_t)got, msg, &mlen) >= 0)
				break; /* the Close Session answer */
		cl[i].step = ST_IDLE;
	}
}

/* ---- echo server -------------------------------------------------------------------------- */

static pid_t echo_start(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t sl = sizeof sa;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		die("cannot bind the echo server");
	*port = ntohs(sa.sin_port);
	pid_t pid = fork();
	if (pid < 0)
		die("fork failed");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		uint8_t buf[2048];
		for (;;) {
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
			if (n > 0)
				sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
	}
	close(fd);
	return pid;
}

/* ---- main ------------------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_load [--host ADDR] [--port PORT] [--user NAME] (--password PW | --password-file F)\n"
		   "                  [--suite 3|17] --mode setup|devid|parallel|seladd|echo [--seconds S]\n"
		   "                  [--window W] [--sessions N] [--sources N] [--pid PID]\n");
}

static long num_arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "bench_load: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

static void read_password_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot read the password file");
	char line[64] = {0};
	if (!fgets(line, sizeof line, f))
		line[0] = 0;
	fclose(f);
	size_t len = strcspn(line, "\r\n");
	if (len > 20)
		die("password longer than 20 characters");
	memcpy(o.password, line, len);
	o.password[len] = 0;
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{"host", required_argument, NULL, 'H'},    {"port", required_argument, NULL, 'p'},
		{"user", required_argument, NULL, 'U'},    {"password", required_argument, NULL, 'P'},
		{"password-file", required_argument, NULL, 'F'}, {"suite", required_argument, NULL, 'C'},
		{"mode", required_argument, NULL, 'm'},    {"seconds", required_argument, NULL, 's'},
		{"window", required_argument, NULL, 'w'},  {"sessions", required_argument, NULL, 'n'},
		{"pid", required_argument, NULL, 'i'},     {"help", no_argument, NULL, 'h'},
		{"sources", required_argument, NULL, 'S'},
		{NULL, 0, NULL, 0}};
	bool parallel = false, have_sessions = false;
	int ch;
	o.host = "127.0.0.1";
	o.port = 623;
	snprintf(o.user, sizeof o.user, "admin");
	o.suite = 17;
	o.mode = M_DEVID;
	o.seconds = 3;
	o.window = 1;
	o.sessions = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'H': o.host = optarg; break;
		case 'p': o.port = (uint16_t)num_arg(optarg, 1, 65535, "--port"); break;
		case 'U':
			if (strlen(optarg) > 16)
				die("user name longer than 16 characters");
			memcpy(o.user, optarg, strlen(optarg) + 1);
			break;
		case 'P':
			if (strlen(optarg) > 20)
				die("password longer than 20 characters");
			memcpy(o.password, optarg, strlen(optarg) + 1);
			break;
		case 'F': read_password_file(optarg); break;
		case 'C':
			o.suite = (uint8_t)num_arg(optarg, 0, 255, "--suite");
			if (o.suite != 3 && o.suite != 17)
				die("--suite must be 3 or 17");
			break;
		case 'm':
			if (!strcmp(optarg, "setup"))
				o.mode = M_SETUP;
			else if (!strcmp(optarg, "devid"))
				o.mode = M_DEVID;
			else if (!strcmp(optarg, "parallel"))
				o.mode = M_DEVID, parallel = true;
			else if (!strcmp(optarg, "seladd"))
				o.mode = M_SELADD;
			else if (!strcmp(optarg, "echo"))
				o.mode = M_ECHO;
			else
				die("--mode must be setup, devid, parallel, seladd or echo");
			break;
		case 's': {
			char *end;
			o.seconds = strtod(optarg, &end);
			if (*end || !(o.seconds > 0 && o.seconds <= 600))
				die("--seconds must be in (0, 600]");
			break;
		}
		case 'w': o.window = (unsigned)num_arg(optarg, 1, MAX_WINDOW, "--window"); break;
		case 'n':
			o.sessions = (unsigned)num_arg(optarg, 1, MAX_CLIENTS, "--sessions");
			have_sessions = true;
			break;
		case 'i': o.pid = num_arg(optarg, 1, 1L << 30, "--pid"); break;
		case 'S': o.sources = (unsigned)num_arg(optarg, 1, 250, "--sources"); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
	if (parallel && !have_sessions)
		o.sessions = 8;
	if (o.mode != M_ECHO && !o.password[0])
		die("--password or --password-file is required");
}

static const char *mode_name(bool parallel)
{
	switch (o.mode) {
	case M_SETUP: return "setup";
	case M_ECHO: return "echo";
	case M_SELADD: return "seladd";
	default: return parallel ? "parallel" : "devid";
	}
}

int main(int argc, char **argv)
{
	static struct client cl[MAX_CLIENTS];
	struct pollfd pfd[MAX_CLIENTS];
	uint8_t buf[PKT_CAP];
	pid_t echo_pid = 0;

	parse_args(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (o.mode == M_ECHO) {
		uint16_t port;
		echo_pid = echo_start(&port);
		o.host = "127.0.0.1";
		o.port = port;
		o.pid = echo_pid;
	}

	unsigned n = o.sessions;
	for (unsigned i = 0; i < n; i++) {
		struct client *c = &cl[i];
		memset(c, 0, sizeof *c);
		c->fd = open_socket(o.host, o.port, i);
		client_suite(c, o.suite);
		pfd[i].fd = c->fd;
		pfd[i].events = POLLIN;
		if (o.mode == M_DEVID || o.mode == M_SELADD) {
			if (login(c)) {
				fprintf(stderr, "bench_load: log-in %u failed (%s:%u, user %s, suite %u)\n", i, o.host,
					o.port, o.user, o.suite);
				logout(cl, i);
				return 1;
			}
		} else if (o.mode == M_ECHO) {
			/* Fixed keys and ids: the echo server reflects the request, which the
			 * client then verifies and decrypts exactly as it would a reply. */
			c->bsid = 0x11223344u + i;
			c->rx_sid = c->bsid;
			memset(c->k1, 0x11, sizeof c->k1);
			memset(c->k2, 0x22, sizeof c->k2);
			c->step = ST_ACTIVE;
		}
	}
	if (o.mode == M_SELADD && sel_clear(&cl[0])) {
		fprintf(stderr, "bench_load: Reserve SEL / Clear SEL failed\n");
		logout(cl, n);
		return 1;
	}
	struct proc_fig p0 = proc_read(o.pid);
	double t_start = now_s(), t_end = t_start + o.seconds, t = t_start;
	for (unsigned i = 0; i < n; i++) {
		if (o.mode == M_SETUP)
			setup_begin(&cl[i], t);
		else if (o.mode == M_SELADD)
			seladd_fill(&cl[i], t);
		else
			devid_fill(&cl[i], t);
	}
	while ((t = now_s()) < t_end) {
		int r = poll(pfd, n, 10);
		if (r < 0 && errno != EINTR)
			die("poll failed");
		t = now_s();
		for (unsigned i = 0; i < n; i++) {
			struct client *c = &cl[i];
			if (pfd[i].revents & POLLIN) {
				ssize_t got;
				while ((got = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
					if (o.mode == M_SETUP)
						setup_input(c, buf, (size_t)got, t);
					else if (o.mode == M_SELADD)
						seladd_input(c, buf, (size_t)got, t);
					else
						devid_input(c, buf, (size_t)got, t);
					t = now_s();
					/* Nothing more is due (a set-up step waits for one reply): do
					 * not spend a system call on finding the socket empty; poll
					 * reports a late or duplicate datagram next round. */
					if (o.mode == M_SETUP || !c->inflight)
						break;
				}
			}
			check_timeouts(c, t);
			if (o.mode == M_SELADD && t < t_end)
				seladd_fill(c, t);
			else if (o.mode != M_SETUP && t < t_end)
				devid_fill(c, t);
		}
	}
	double elapsed = now_s() - t_start;
	struct proc_fig p1 = proc_read(o.pid);

	/* Not timed: finish the set-ups under way (each ends with Close Session) and close
	 * the in-session modes' sessions, so that a following run finds free slots. */
	if (o.mode == M_SETUP) {
		double until = now_s() + 2 * TIMEOUT_S;
		bool busy = true;
		draining = true;
		while (busy && (t = now_s()) < until) {
			busy = false;
			if (poll(pfd, n, 10) < 0 && errno != EINTR)
				break;
			t = now_s();
			for (unsigned i = 0; i < n; i++) {
				struct client *c = &cl[i];
				ssize_t got;
				while (c->step != ST_IDLE && (got = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
					setup_input(c, buf, (size_t)got, t);
				check_timeouts(c, t);
				busy |= c->step != ST_IDLE;
			}
		}
	} else if (o.mode == M_DEVID || o.mode == M_SELADD) {
		logout(cl, n);
	}
	if (echo_pid > 0) {
		kill(echo_pid, SIGTERM);
		waitpid(echo_pid, NULL, 0);
	}

	qsort(lat.v, lat.n, sizeof *lat.v, cmp_float);
	double ops = (double)n_ops;
	printf("result mode=%s suite=%u window=%u sessions=%u seconds=%.3f ops=%llu rate=%.1f p50_us=%.1f "
	       "p99_us=%.1f errors=%llu",
	       mode_name(o.mode == M_DEVID && n > 1), o.suite, o.mode == M_SETUP ? 1 : o.window, n, elapsed, n_ops,
	       ops / elapsed, percentile(0.50), percentile(0.99), n_err);
	if (p0.ok && p1.ok) {
		double cpu_tick = p1.ticks_s - p0.ticks_s, cpu_sched = p1.sched_s - p0.sched_s;
		double sys = p1.stime_s - p0.stime_s;
		double user = cpu_tick - sys;
		printf(" cpu_s=%.3f cpu_us_per_op=%.2f cpu_tick_s=%.2f cpu_tick_us_per_op=%.2f user_us_per_op=%.2f "
		       "sys_share=%.2f cpu_util=%.3f rss_kb=%ld hwm_kb=%ld",
		       cpu_sched, ops > 0 ? cpu_sched * 1e6 / ops : 0.0, cpu_tick,
		       ops > 0 ? cpu_tick * 1e6 / ops : 0.0, ops > 0 ? user * 1e6 / ops : 0.0,
		       cpu_tick > 0 ? sys / cpu_tick : 0.0, cpu_sched / elapsed, p1.rss_kb, p1.hwm_kb);
	}
	if (o.mode == M_SELADD)
		printf(" sel_full=%llu sel_clears=%llu", n_full, n_clears);
	printf("\n");
	free(lat.v);
	return n_ops > 0 ? 0 : 1;
}

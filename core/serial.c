/* See serial.h. The framer is one incremental state machine over the byte stream:
 *
 *   IDLE ──A0h──► BASIC ◄─► BASIC_ESC          (IPMI 2.0 §14.4)
 *        ──'['──► TERM  ◄─► TERM_CONT, ──']'──► TERM_END ──newline──► message
 *                                                              (§14.7)
 * Nothing is buffered beyond one message (BMC_SERIAL_*_MAX); a message that does not
 * fit, a bad escape or an illegal character drops the message in progress and the
 * framer waits for the next start character. */
#include <string.h>

#include "bmc/crypto.h"
#include "channels.h"
#include "msg.h"
#include "serial.h"
#include "session.h"
#include "state.h"
#include "users.h"

enum {
	ST_IDLE = 0,
	ST_BASIC,      /* inside a Basic Mode packet */
	ST_BASIC_ESC,  /* after the data escape character */
	ST_BASIC_SKIP, /* a broken packet: wait for the next start character */
	ST_TERM,       /* inside '[' ... */
	ST_TERM_CONT,  /* after a line continuation '\': expecting the input newline */
	ST_TERM_END,   /* after ']': expecting the input newline */
};

/* Basic Mode special characters, §14.4.1 table 14-3. */
enum {
	BM_START = 0xA0,
	BM_STOP = 0xA5,
	BM_HANDSHAKE = 0xA6,
	BM_ESCAPE = 0xAA,
	BM_ESC = 0x1B, /* ASCII escape: reserved for serial port sharing, so escaped too */
};

/* Terminal Mode: the remote console's implied software ID (§14.7.3). */
#define TM_SWID 0x47

static const struct bmc_peer serial_peer = {.family = 0};

/* ---- output ---- */

static void flush(struct bmc *bmc)
{
	struct bmc_serial *s = &bmc->serial;
	if (s->out_len == 0)
		return;
	bmc->stats.tx++;
	bmc->plat.send(bmc->plat.ctx, CHANNEL_SERIAL, &serial_peer, s->out, s->out_len);
	s->out_len = 0;
}

static void put(struct bmc *bmc, const void *p, size_t n)
{
	struct bmc_serial *s = &bmc->serial;
	const uint8_t *b = p;
	while (n > 0) {
		if (s->out_len == sizeof s->out)
			flush(bmc);
		size_t k = sizeof s->out - s->out_len;
		if (k > n)
			k = n;
		memcpy(s->out + s->out_len, b, k);
		s->out_len += k;
		b += k;
		n -= k;
	}
}

static void put_u8(struct bmc *bmc, uint8_t c)
{
	put(bmc, &c, 1);
}

static void put_str(struct bmc *bmc, const char *str)
{
	put(bmc, str, strlen(str));
}

/* The output newline sequence of param 29 byte 2 [7:4]. */
static void put_newline(struct bmc *bmc)
{
	static const char *const seq[] = {"", "\r\n", "", "\r", "\n\r", "\n"};
	uint8_t v = bmc->serial.parm.term_config[1] >> 4;
	if (v == 2)
		put_u8(bmc, 0);
	else if (v < sizeof seq / sizeof seq[0])
		put_str(bmc, seq[v]);
}

static void put_hex(struct bmc *bmc, uint8_t b)
{
	static const char digits[] = "0123456789ABCDEF";
	put_u8(bmc, (uint8_t)digits[b >> 4]);
	put_u8(bmc, (uint8_t)digits[b & 0x0F]);
}

/* ---- session and privilege ---- */

void bmc_serial_session_end(struct bmc *bmc, const char *why)
{
	struct bmc_serial_session *ss = &bmc->serial.sess;
	if (!ss->active)
		return;
	char name[17];
	bmc_printable(ss->uname, strlen(ss->uname), name);
	bmc_logf(bmc, BMC_LOG_INFO, "audit: serial session closed (user %u \"%s\"): %s", ss->user_id, name, why);
	bmc->stats.sessions_closed++;
	bmc_wipe(ss, sizeof *ss);
}

/* The privilege a request arriving now runs with: the session's, or the configured
 * level for session-less (direct connect) use, never above the channel's limit. */
static uint8_t request_priv(struct bmc *bmc)
{
	struct bmc_serial_session *ss = &bmc->serial.sess;
	uint8_t priv = ss->active ? ss->priv : bmc->cfg.serial_priv;
	uint8_t lim = bmc_channel_priv_limit(bmc, CHANNEL_SERIAL);
	if (ss->active)
		ss->last_ms = bmc_now(bmc);
	return priv < lim ? priv : lim;
}

void bmc_serial_tick(struct bmc *bmc)
{
	struct bmc_serial_session *ss = &bmc->serial.sess;
	const struct bmc_serialparm *p = &bmc->serial.parm;
	uint64_t limit = (uint64_t)(p->inactivity & 0x0F) * 30000u;
	/* §25.2 params 4 and 6: 30-second units, 0 = no timeout. */
	if (ss->active && limit && (p->termination & SERP_TERM_INACTIVITY) && bmc_now(bmc) - ss->last_ms >= limit) {
		bmc->stats.sessions_timed_out++;
		bmc_serial_session_end(bmc, "idle timeout");
	}
}

/* ---- Basic Mode, §14.4 ---- */

static void basic_put_escaped(struct bmc *bmc, uint8_t c)
{
	/* §14.4.2 table 14-4: each special character becomes AAh and its encoding. */
	switch (c) {
	case BM_START:
	case BM_STOP:
	case BM_HANDSHAKE:
	case BM_ESCAPE:
		put_u8(bmc, BM_ESCAPE);
		put_u8(bmc, (uint8_t)(c + 0x10));
		break;
	case BM_ESC:
		put_u8(bmc, BM_ESCAPE);
		put_u8(bmc, 0x3B);
		break;
	default:
		put_u8(bmc, c);
		break;
	}
}

static int basic_unescape(uint8_t c)
{
	switch (c) {
	case 0xB0:
	case 0xB5:
	case 0xB6:
	case 0xBA:
		return c - 0x10;
	case 0x3B:
		return BM_ESC;
	default:
		return -1;
	}
}

static void basic_message(struct bmc *bmc)
{
	struct bmc_serial *s = &bmc->serial;
	uint8_t rsp[BMC_MAX_MSG];
	struct bmc_writer w;

	bmc->stats.rx++;
	wr_init(&w, rsp, sizeof rsp);
	if (!bmc_channel_enabled(bmc, CHANNEL_SERIAL) ||
	    bmc_msg_process(bmc, CHANNEL_SERIAL, &serial_peer, NULL, request_priv(bmc), s->buf, s->len, &w) != 0) {
		/* A bad checksum or a disabled channel: IPMB-style silence (§14.4). */
		bmc->stats.dropped_malformed++;
	} else {
		put_u8(bmc, BM_START);
		for (size_t i = 0; i < wr_len(&w); i++)
			basic_put_escaped(bmc, rsp[i]);
		put_u8(bmc, BM_STOP);
	}
	/* §14.4.5: the handshake tells the console the BMC can take the next packet. */
	put_u8(bmc, BM_HANDSHAKE);
}

/* ---- Terminal Mode, §14.7 ---- */

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex-ASCII pairs, case-insensitive, optionally separated by spaces (§14.7.4).
 * Returns the byte count, or -1 when the text is not such a sequence. */
static int hex_decode(const uint8_t *t, size_t n, uint8_t *out, size_t cap)
{
	size_t k = 0, i = 0;
	while (i < n) {
		if (t[i] == ' ') {
			i++;
			continue;
		}
		if (i + 1 >= n || k == cap)
			return -1;
		int hi = hexval(t[i]), lo = hexval(t[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[k++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return (int)k;
}

static void term_reply(struct bmc *bmc, const uint8_t *b, size_t n)
{
	put_u8(bmc, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			put_u8(bmc, ' ');
		put_hex(bmc, b[i]);
	}
	put_u8(bmc, ']');
	put_newline(bmc);
}

static void term_text_reply(struct bmc *bmc, const char *text)
{
	put_u8(bmc, '[');
	put_str(bmc, text);
	put_u8(bmc, ']');
	put_newline(bmc);
}

/* [SYS PWD -U NAME [PASSWORD]] or [SYS PWD -N [PASSWORD]] (§14.7.7): activates the
 * channel's one session. It runs at the most the user may have on channel 2 (there
 * is no requested-privilege field). Unknown user and wrong password fail alike. */
static void sys_pwd(struct bmc *bmc, const char *args, size_t n)
{
	char name[17] = "", pw[21];
	size_t nlen = 0, plen = 0, i = 0;
	uint8_t key[20], want[20];
	bool ok = true;

	if (n >= 2 && args[0] == '-' && args[1] == 'U') {
		i = 2;
		while (i < n && args[i] == ' ')
			i++;
		while (i < n && args[i] != ' ') {
			if (nlen == 16)
				ok = false;
			else
				name[nlen++] = args[i];
			i++;
		}
		ok = ok && nlen > 0;
	} else if (n >= 2 && args[0] == '-' && args[1] == 'N') {
		i = 2;
	} else {
		term_text_reply(bmc, "ERR");
		return;
	}
	if (i < n && args[i] == ' ')
		i++;
	/* The rest of the line is the password (up to 20 characters), which may contain
	 * spaces; absent means the null password. */
	for (; i < n; i++) {
		if (plen == 20)
			ok = false;
		else
			pw[plen++] = args[i];
	}
	memset(want, 0, sizeof want);
	memcpy(want, pw, plen);
	bmc_wipe(pw, sizeof pw);

	uint8_t uid = ok ? bmc_users_lookup(bmc, name, nlen) : 0;
	uint8_t priv = uid ? bmc_users_priv(bmc, uid, CHANNEL_SERIAL) : PRIV_NO_ACCESS;
	if (uid)
		bmc_users_key(bmc, uid, key);
	else
		memcpy(key, bmc->boot_secret, sizeof key);
	/* Compare in constant time whether or not the user exists. */
	bool match = bmc_ct_equal(key, want, sizeof key);
	bmc_wipe(key, sizeof key);
	bmc_wipe(want, sizeof want);
	char shown[17];
	bmc_printable(name, nlen, shown);
	if (!match || !uid || priv == PRIV_NO_ACCESS || !bmc->users[uid].chan[CHANNEL_SERIAL].ipmi_msg ||
	    !bmc_channel_enabled(bmc, CHANNEL_SERIAL)) {
		bmc->stats.login_failures++;
		bmc_logf(bmc, BMC_LOG_WARN, "audit: serial login failed for \"%s\"", shown);
		term_text_reply(bmc, "ERR");
		return;
	}
	struct bmc_serial_session *ss = &bmc->serial.sess;
	bmc_serial_session_end(bmc, "replaced by a new login");
	ss->active = true;
	ss->user_id = uid;
	ss->priv = priv;
	ss->last_ms = bmc_now(bmc);
	memcpy(ss->uname, name, nlen + 1);
	bmc->stats.sessions_opened++;
	bmc_logf(bmc, BMC_LOG_INFO, "audit: serial session opened for user %u \"%s\", privilege %u", uid, shown, priv);
	term_text_reply(bmc, "OK");
}

/* Text commands (§14.7.7): upper case, prefixed by "SYS". bmcd has TMODE and PWD. */
static void term_text(struct bmc *bmc, const char *t, size_t n)
{
	if (n == 9 && !memcmp(t, "SYS TMODE", 9)) {
		term_text_reply(bmc, "OK TMODE");
		return;
	}
	if (n >= 8 && !memcmp(t, "SYS PWD ", 8)) {
		sys_pwd(bmc, t + 8, n - 8);
		return;
	}
	term_text_reply(bmc, "ERR");
}

/* A hex-ASCII message (§14.7.3): netFn/rsLUN, seq/bridge, cmd, data. It becomes the
 * IPMB-format message the dispatch takes, and the response goes back in Terminal
 * Mode's short form: netFn/LUN, seq/bridge, cmd, completion code, data. */
static void term_hex(struct bmc *bmc, const uint8_t *t, size_t n)
{
	uint8_t b[BMC_SERIAL_TERM_MAX / 2], msg[BMC_SERIAL_TERM_MAX / 2 + 4], rsp[BMC_MAX_MSG];
	struct bmc_writer w;
	int k = hex_decode(t, n, b, sizeof b);

	if (k < 3 || !bmc_channel_enabled(bmc, CHANNEL_SERIAL)) {
		bmc->stats.dropped_malformed++;
		return;
	}
	size_t dlen = (size_t)k - 3;
	/* §14.7.5: only bridge 00b (to the BMC itself) is a request bmcd can take. */
	if (b[1] & 0x03) {
		uint8_t r[4] = {(uint8_t)(b[0] | 0x04), b[1], b[2], CC_INVALID_FIELD};
		term_reply(bmc, r, sizeof r);
		return;
	}
	wr_init(&w, msg, sizeof msg);
	wr_u8(&w, BMC_SA);
	wr_u8(&w, b[0]);
	wr_u8(&w, bmc_ipmi_checksum(msg, 2));
	wr_u8(&w, TM_SWID);
	/* The requester's LUN field carries the responder's LUN, so the reply's netFn/LUN
	 * byte names the same LUN as the request, as Terminal Mode has only one. */
	wr_u8(&w, (uint8_t)((b[1] & 0xFC) | (b[0] & 0x03)));
	wr_u8(&w, b[2]);
	wr_bytes(&w, b + 3, dlen);
	size_t body = 3;
	wr_u8(&w, bmc_ipmi_checksum(msg + body, wr_len(&w) - body));
	if (!wr_ok(&w))
		return;
	size_t mlen = wr_len(&w);
	wr_init(&w, rsp, sizeof rsp);
	if (bmc_msg_process(bmc, CHANNEL_SERIAL, &serial_peer, NULL, request_priv(bmc), msg, mlen, &w) != 0 ||
	    wr_len(&w) < 8) {
		bmc->stats.dropped_malformed++;
		return;
	}
	/* rsp: rqAddr netFn/LUN chk rsAddr seq/LUN cmd cc data.. chk */
	uint8_t head[3] = {rsp[1], b[1], rsp[5]};
	put_u8(bmc, '[');
	for (size_t i = 0; i < 3; i++) {
		if (i)
			put_u8(bmc, ' ');
		put_hex(bmc, head[i]);
	}
	for (size_t i = 6; i + 1 < wr_len(&w); i++) {
		put_u8(bmc, ' ');
		put_hex(bmc, rsp[i]);
	}
	put_u8(bmc, ']');
	put_newline(bmc);
}

static void term_message(struct bmc *bmc)
{
	struct bmc_serial *s = &bmc->serial;
	bmc->stats.rx++;
	if (s->len >= 3 && !memcmp(s->buf, "SYS", 3))
		term_text(bmc, (const char *)s->buf, s->len);
	else
		term_hex(bmc, s->buf, s->len);
	/* §25.2 param 29 [0]: "[SYS]" tells the console the BMC takes the next message. */
	if (s->parm.term_config[0] & SERP_TM_HANDSHAKE) {
		put_str(bmc, "[SYS]");
		put_newline(bmc);
	}
}

/* ---- the framer ---- */

static bool basic_on(const struct bmc *bmc)
{
	return bmc->cfg.serial_mode != BMC_SERIAL_TERMINAL && (bmc->serial.parm.conn_mode & SERP_CONN_BASIC);
}

static bool term_on(const struct bmc *bmc)
{
	return bmc->cfg.serial_mode != BMC_SERIAL_BASIC && (bmc->serial.parm.conn_mode & SERP_CONN_TERMINAL);
}

static bool is_newline(const struct bmc *bmc, uint8_t c)
{
	/* Param 29 byte 2 [3:0]: 1h <CR>, 2h <NUL>. */
	return (bmc->serial.parm.term_config[1] & 0x0F) == 2 ? c == 0 : c == '\r';
}

static void drop(struct bmc *bmc, uint8_t next)
{
	bmc->stats.dropped_malformed++;
	bmc->serial.state = next;
	bmc->serial.len = 0;
}

static void echo(struct bmc *bmc, uint8_t c)
{
	if (bmc->serial.parm.term_config[0] & SERP_TM_ECHO)
		put_u8(bmc, c);
}

static void idle_byte(struct bmc *bmc, uint8_t c)
{
	struct bmc_serial *s = &bmc->serial;
	if (c == BM_START && basic_on(bmc)) {
		s->state = ST_BASIC;
		s->len = 0;
	} else if (c == '[' && term_on(bmc)) {
		s->state = ST_TERM;
		s->len = 0;
		echo(bmc, c);
	}
	/* Anything else between messages is line noise or a console's own newline. */
}

static void basic_byte(struct bmc *bmc, uint8_t c)
{
	struct bmc_serial *s = &bmc->serial;
	if (s->state == ST_BASIC_ESC) {
		int v = basic_unescape(c);
		if (c == BM_START) {
			drop(bmc, ST_BASIC);
		} else if (v < 0) {
			drop(bmc, ST_BASIC_SKIP);
		} else if (s->len == BMC_SERIAL_BASIC_MAX) {
			drop(bmc, ST_BASIC_SKIP);
		} else {
			s->buf[s->len++] = (uint8_t)v;
			s->state = ST_BASIC;
		}
		return;
	}
	switch (c) {
	case BM_START:
		/* A start character always begins a new packet (§14.4.1). */
		if (s->state == ST_BASIC && s->len)
			bmc->stats.dropped_malformed++;
		s->state = ST_BASIC;
		s->len = 0;
		break;
	case BM_STOP:
		if (s->state == ST_BASIC)
			basic_message(bmc);
		s->state = ST_IDLE;
		s->len = 0;
		break;
	case BM_HANDSHAKE:
		break; /* the console's flow control: nothing to do */
	case BM_ESCAPE:
		if (s->state == ST_BASIC)
			s->state = ST_BASIC_ESC;
		break;
	case BM_ESC:
		if (s->state == ST_BASIC)
			drop(bmc, ST_BASIC_SKIP); /* must have been escaped */
		break;
	default:
		if (s->state != ST_BASIC)
			break;
		if (s->len == BMC_SERIAL_BASIC_MAX)
			drop(bmc, ST_BASIC_SKIP);
		else
			s->buf[s->len++] = c;
		break;
	}
}

static void term_byte(struct bmc *bmc, uint8_t c)
{
	struct bmc_serial *s = &bmc->serial;
	bool editing = s->parm.term_config[0] & SERP_TM_EDIT;

	if (s->state == ST_TERM_CONT || s->state == ST_TERM_END) {
		if (!is_newline(bmc, c)) {
			drop(bmc, ST_IDLE);
			idle_byte(bmc, c);
			return;
		}
		echo(bmc, c);
		if (s->state == ST_TERM_CONT) {
			s->state = ST_TERM;
			return;
		}
		term_message(bmc);
		s->state = ST_IDLE;
		s->len = 0;
		return;
	}
	if (c == ']') {
		echo(bmc, c);
		s->state = ST_TERM_END;
	} else if (c == '[') {
		/* A new start character: the message so far is abandoned. */
		echo(bmc, c);
		if (s->len)
			bmc->stats.dropped_malformed++;
		s->len = 0;
	} else if (c == '\\') {
		echo(bmc, c);
		s->state = ST_TERM_CONT;
	} else if ((c == 0x08 || c == 0x7F) && editing) {
		/* §14.7.2 <BKSP>/<DEL>; param 29 [3:2] picks what is echoed. */
		if (s->len) {
			s->len--;
			if (s->parm.term_config[0] & SERP_TM_ECHO) {
				if ((s->parm.term_config[0] & SERP_TM_DEL_MASK) == 0x04)
					put(bmc, "\b \b", 3);
				else
					put_u8(bmc, 0x7F);
			}
		}
	} else if (c == BM_ESC) {
		/* <ESC> deletes the whole message. */
		drop(bmc, ST_IDLE);
	} else if (c < 0x20 || c > 0x7E) {
		drop(bmc, ST_IDLE); /* illegal character */
		if (c == BM_START)
			idle_byte(bmc, c);
	} else if (s->len == BMC_SERIAL_TERM_MAX - 2) {
		drop(bmc, ST_IDLE); /* longer than 122 characters with the brackets */
	} else {
		echo(bmc, c);
		s->buf[s->len++] = c;
	}
}

void bmc_serial_input(struct bmc *bmc, const void *buf, size_t len)
{
	struct bmc_serial *s = &bmc->serial;
	struct bmc_reader r;

	if (!bmc->started || !bmc->cfg.serial_enabled || s->mux_system)
		return;
	rd_init(&r, buf, len);
	while (rd_left(&r)) {
		uint8_t c = rd_u8(&r);
		switch (s->state) {
		case ST_IDLE:
			idle_byte(bmc, c);
			break;
		case ST_BASIC:
		case ST_BASIC_ESC:
		case ST_BASIC_SKIP:
			basic_byte(bmc, c);
			break;
		default:
			term_byte(bmc, c);
			break;
		}
	}
	flush(bmc);
}

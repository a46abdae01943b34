/* See console.h. Every descriptor here is non-blocking and level-triggered in epoll;
 * what epoll watches follows what is pending (watch()), so the loop never spins on a
 * descriptor it cannot serve and never blocks on one. */
/* posix_openpt, ptsname_r */
#define _GNU_SOURCE
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define READ_CHUNK 4096
#define READ_ROUNDS 16        /* chunks read per wakeup before others get a turn */
#define REOPEN_MS 1000
#define BREAK_MS 250          /* a serial break: at least a character time, as tcsendbreak(0) */
#define HOST_INPUT_ROUNDS 64
#define FLAP_MS 2000          /* a device lost this soon after opening is flapping */

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- epoll interest --------------------------------------------------------------- */

static void set_watch(struct console *c, int fd, uint64_t tag, uint32_t *cur, uint32_t want)
{
	if (fd < 0 || c->ep < 0 || *cur == want)
		return;
	struct epoll_event ev = {.events = want, .data.u64 = tag};
	if (epoll_ctl(c->ep, EPOLL_CTL_MOD, fd, &ev) == 0)
		*cur = want;
}

/* The device is always read; it is watched for writing while user input waits. The
 * simulated host reads its side while it can take input and nothing read is left over,
 * and waits for writing while its output is held up. */
static void watch(struct console *c)
{
	set_watch(c, c->fd, c->tag_base, &c->fd_events,
		  (c->held_len ? 0u : (uint32_t)EPOLLIN) | (c->out_len ? (uint32_t)EPOLLOUT : 0u));
	if (c->sim) {
		uint32_t want = 0;
		if (c->host_in_len == 0 && sim_host_input_room(&c->host) > 0)
			want |= EPOLLIN;
		if (c->host_blocked)
			want |= EPOLLOUT;
		set_watch(c, c->host_fd, c->tag_base + 1, &c->host_events, want);
	}
}

static int add_fd(struct console *c, int fd, uint64_t tag, uint32_t *cur)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
	if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev))
		return -1;
	*cur = EPOLLIN;
	return 0;
}

/* ---- the terminal ------------------------------------------------------------------ */

/* Raw mode: no echo, no line editing, no CR/NL translation, no signals, 8 bits: the
 * bytes on the line are exactly the bytes of the SOL stream. The speed is left alone. */
static int make_raw(int fd)
{
	struct termios t;
	if (tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &t);
}

/* ---- host -> BMC ------------------------------------------------------------------- */

static void keep(struct console *c, const uint8_t *p, size_t n)
{
	c->rx_bytes += n;
	if (n >= CONSOLE_HISTORY) {
		p += n - CONSOLE_HISTORY;
		n = CONSOLE_HISTORY;
	}
	for (size_t done = 0; done < n;) {
		size_t k = CONSOLE_HISTORY - c->hist_head;
		if (k > n - done)
			k = n - done;
		memcpy(c->hist + c->hist_head, p + done, k);
		c->hist_head = (c->hist_head + k) % CONSOLE_HISTORY;
		done += k;
	}
	c->hist_len = c->hist_len + n > CONSOLE_HISTORY ? CONSOLE_HISTORY : c->hist_len + n;
}

size_t console_history(const struct console *c, uint8_t *out, size_t cap)
{
	size_t n = c->hist_len < cap ? c->hist_len : cap;
	/* the newest n bytes end at hist_head */
	size_t start = (c->hist_head + CONSOLE_HISTORY - n) % CONSOLE_HISTORY;
	size_t first = CONSOLE_HISTORY - start < n ? CONSOLE_HISTORY - start : n;
	memcpy(out, c->hist + start, first);
	memcpy(out + first, c->hist, n - first);
	return n;
}

static void device_lost(struct console *c, const char *why, uint64_t now_ms);

static void read_device(struct console *c, uint64_t now_ms)
{
	uint8_t buf[READ_CHUNK];
	_Static_assert(sizeof buf <= sizeof c->held, "held must take a whole read");
	for (int round = 0; round < READ_ROUNDS && c->fd >= 0 && !c->held_len; round++) {
		ssize_t n = read(c->fd, buf, sizeof buf);
		if (n > 0) {
			keep(c, buf, (size_t)n);
			size_t took = c->sink ? c->sink(c->sink_ctx, buf, (size_t)n) : (size_t)n;
			if (took < (size_t)n) {
				memcpy(c->held, buf + took, (size_t)n - took);
				c->held_off = 0;
				c->held_len = (size_t)n - took;
				watch(c); /* stop reading until the sink has taken it */
			}
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* 0 or EIO: the other end of a pty went away (QEMU stopped) */
		device_lost(c, n == 0 ? "end of file" : strerror(errno), now_ms);
		return;
	}
}

/* ---- BMC -> host ------------------------------------------------------------------- */

static void flush_out(struct console *c, uint64_t now_ms)
{
	while (c->fd >= 0 && c->out_len) {
		size_t chunk = c->out_len;
		if (c->out_head + chunk > CONSOLE_OUT_MAX)
			chunk = CONSOLE_OUT_MAX - c->out_head;
		ssize_t n = write(c->fd, c->out + c->out_head, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			device_lost(c, n < 0 ? strerror(errno) : "write returned 0", now_ms);
			return;
		}
		c->tx_bytes += (uint64_t)n;
		c->out_head = (c->out_head + (size_t)n) % CONSOLE_OUT_MAX;
		c->out_len -= (size_t)n;
	}
	if (c->out_len == 0)
		c->out_head = 0;
}

int console_write(struct console *c, const uint8_t *buf, size_t len)
{
	size_t n = CONSOLE_OUT_MAX - c->out_len;
	if (n > len)
		n = len;
	/* Bytes typed while a device is being reopened wait in the queue, as they would in
	 * a UART's FIFO. */
	for (size_t i = 0; i < n; i++)
		c->out[(c->out_head + c->out_len + i) % CONSOLE_OUT_MAX] = buf[i];
	c->out_len += n;
	flush_out(c, mono_ms());
	watch(c);
	return (int)n; /* at most CONSOLE_OUT_MAX */
}

/* ---- the simulated host ------------------------------------------------------------ */

static size_t host_out(void *ctx, const uint8_t *buf, size_t len)
{
	struct console *c = ctx;
	if (c->host_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = write(c->host_fd, buf, len);
		if (n > 0)
			return (size_t)n;
		if (n < 0 && errno == EINTR)
			continue;
		return 0; /* EAGAIN: the pty is full until bmcd reads its master */
	}
}

/* Feeds the simulated host what waits on its side of the pty and lets it print. */
static void host_service(struct console *c, uint64_t now_ms)
{
	if (!c->sim)
		return;
	for (int round = 0; round < HOST_INPUT_ROUNDS && c->host_fd >= 0; round++) {
		if (c->host_in_len == 0) {
			size_t room = sim_host_input_room(&c->host);
			if (room == 0)
				break;
			if (room > sizeof c->host_in)
				room = sizeof c->host_in;
			ssize_t n = read(c->host_fd, c->host_in, room);
			if (n <= 0)
				break; /* EAGAIN; the slave never sees end of file while bmcd holds the master */
			c->host_in_off = 0;
			c->host_in_len = (size_t)n;
		}
		size_t k = sim_host_input(&c->host, c->host_in + c->host_in_off, c->host_in_len, now_ms);
		c->host_in_off += k;
		c->host_in_len -= k;
		/* let the host answer before it takes more, so its queue drains */
		c->host_blocked = sim_host_pump(&c->host, now_ms);
		if (k == 0)
			break;
	}
	c->host_blocked = sim_host_pump(&c->host, now_ms);
}

static void on_power(void *ctx, enum sim_power_event ev)
{
	struct console *c = ctx;
	uint64_t now = mono_ms();
	if (ev == SIM_POWER_EV_RESET)
		sim_host_reset(&c->host, now);
	else
		sim_host_power(&c->host, ev == SIM_POWER_EV_ON, now);
	if (ev == SIM_POWER_EV_OFF)
		c->host_in_len = 0; /* what it had not read yet dies with it */
	host_service(c, now);
	watch(c);
}

int console_break(struct console *c)
{
	if (c->sim) {
		sim_host_break(&c->host);
		host_service(c, mono_ms());
		watch(c);
		return 0;
	}
	if (c->fd < 0 || !isatty(c->fd))
		return -1;
	/* TIOCSBRK now, TIOCCBRK from console_tick: tcsendbreak would block the loop for
	 * the length of the break. */
	if (ioctl(c->fd, TIOCSBRK) != 0)
		return -1;
	c->break_until_ms = mono_ms() + BREAK_MS;
	return 0;
}

/* ---- opening and losing the device ------------------------------------------------- */

static void close_device(struct console *c)
{
	if (c->fd >= 0) {
		if (c->ep >= 0)
			epoll_ctl(c->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	c->fd_events = 0;
	c->break_until_ms = 0;
}

static void device_lost(struct console *c, const char *why, uint64_t now_ms)
{
	/* A device that goes away again at once (end of file on every open, a pty nobody
	 * holds) is reported once, not every second. */
	bool flapping = now_ms - c->opened_ms < FLAP_MS;
	if (!flapping || !c->flapping)
		log_warn("console: %s: %s; trying again every %d s", c->spec, why, REOPEN_MS / 1000);
	c->flapping = flapping;
	close_device(c);
	c->open_failed_logged = true;
	c->retry_ms = now_ms + REOPEN_MS;
}

static int open_device(struct console *c, uint64_t now_ms)
{
	int fd = open(c->spec, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (!c->open_failed_logged)
			log_warn("console: cannot open %s: %s; trying again every %d s", c->spec, strerror(errno),
				 REOPEN_MS / 1000);
		c->open_failed_logged = true;
		c->retry_ms = now_ms + REOPEN_MS;
		return -1;
	}
	if (isatty(fd) && make_raw(fd))
		log_warn("console: %s: cannot set raw mode: %s", c->spec, strerror(errno));
	c->fd = fd;
	if (add_fd(c, fd, c->tag_base, &c->fd_events)) {
		log_warn("console: epoll: %s", strerror(errno));
		close_device(c);
		c->retry_ms = now_ms + REOPEN_MS;
		return -1;
	}
	if (!c->flapping)
		log_info("console: host console is %s%s", c->spec, isatty(fd) ? " (raw mode)" : "");
	c->opened_ms = now_ms;
	c->open_failed_logged = false;
	flush_out(c, now_ms);
	watch(c);
	return 0;
}

static int open_pty(struct console *c, char *err, size_t errlen)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, c->host_path, sizeof c->host_path)) {
		snprintf(err, errlen, "console: cannot create a pseudo-terminal for the simulated host: %s",
			 strerror(errno));
		if (m >= 0)
			close(m);
		return -1;
	}
	int s = open(c->host_path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s < 0 || make_raw(s) || fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK)) {
		snprintf(err, errlen, "console: cannot set up %s: %s", c->host_path, strerror(errno));
		if (s >= 0)
			close(s);
		close(m);
		return -1;
	}
	c->fd = m;
	c->host_fd = s;
	return 0;
}

/* ---- public ------------------------------------------------------------------------ */

void console_init(struct console *c, const char *spec, struct sim *sim)
{
	memset(c, 0, offsetof(struct console, hist));
	snprintf(c->spec, sizeof c->spec, "%s", spec && *spec ? spec : CONSOLE_SIM);
	c->sim = strcmp(c->spec, CONSOLE_SIM) == 0;
	c->fd = c->host_fd = c->ep = -1;
	sim_host_init(&c->host, host_out, c);
	if (c->sim && sim) {
		sim_set_power_hook(sim, on_power, c);
		sim_host_power(&c->host, sim_power_is_on(sim), mono_ms());
	}
}

static int be_write(void *ctx, const uint8_t *buf, size_t len)
{
	return console_write(ctx, buf, len);
}

static int be_break(void *ctx)
{
	return console_break(ctx);
}

void console_bind_backend(struct console *c, struct bmc_backend *be)
{
	be->console_ctx = c;
	be->console_write = be_write;
	be->console_break = be_break;
}

void console_pump(struct console *c)
{
	if (!c->held_len)
		return;
	size_t took = c->sink ? c->sink(c->sink_ctx, c->held + c->held_off, c->held_len) : c->held_len;
	c->held_off += took;
	c->held_len -= took;
	if (!c->held_len && c->fd >= 0)
		watch(c); /* read again */
}

void console_set_sink(struct console *c, console_sink_fn *fn, void *ctx)
{
	c->sink = fn;
	c->sink_ctx = ctx;
}

int console_open(struct console *c, int ep, uint64_t tag_base, uint64_t now_ms, char *err, size_t errlen)
{
	c->ep = ep;
	c->tag_base = tag_base;
	if (!c->sim) {
		open_device(c, now_ms); /* retried from console_tick when it fails */
		return 0;
	}
	if (open_pty(c, err, errlen))
		return -1;
	if (add_fd(c, c->fd, tag_base, &c->fd_events) || add_fd(c, c->host_fd, tag_base + 1, &c->host_events)) {
		snprintf(err, errlen, "console: epoll: %s", strerror(errno));
		console_close(c);
		return -1;
	}
	log_info("console: simulated host on %s (bmcctl console history shows its output; writing to %s "
		 "injects host output, reading from it steals the simulated host's input)",
		 c->host_path, c->host_path);
	host_service(c, now_ms);
	watch(c);
	return 0;
}

bool console_owns(const struct console *c, uint64_t tag)
{
	return c->ep >= 0 && tag >= c->tag_base && tag < c->tag_base + CONSOLE_TAGS;
}

void console_event(struct console *c, uint64_t tag, uint32_t events, uint64_t now_ms)
{
	if (tag == c->tag_base) {
		if (c->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			read_device(c, now_ms);
		if (c->fd >= 0 && (events & EPOLLOUT))
			flush_out(c, now_ms);
	}
	/* Host output may have made room, input may have arrived: serve the host either way. */
	host_service(c, now_ms);
	watch(c);
}

void console_tick(struct console *c, uint64_t now_ms)
{
	if (!c->sim && c->fd < 0 && c->ep >= 0 && now_ms >= c->retry_ms)
		open_device(c, now_ms);
	if (c->break_until_ms && now_ms >= c->break_until_ms) {
		if (c->fd >= 0)
			ioctl(c->fd, TIOCCBRK);
		c->break_until_ms = 0;
	}
	host_service(c, now_ms);
	watch(c);
}

void console_close(struct console *c)
{
	if (c->break_until_ms && c->fd >= 0)
		ioctl(c->fd, TIOCCBRK);
	close_device(c);
	if (c->host_fd >= 0) {
		if (c->ep >= 0)
			epoll_ctl(c->ep, EPOLL_CTL_DEL, c->host_fd, NULL);
		close(c->host_fd);
		c->host_fd = -1;
	}
	c->host_events = 0;
	c->ep = -1;
}

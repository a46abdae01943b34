/* The event loop: epoll over the UDP sockets, the control socket and its clients, the
 * host's console (console.c), a
 * 250 ms timerfd for the simulated server's clock and bmc_tick, and a signalfd, so
 * signals arrive as ordinary events and never interrupt the core. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "control_cmd.h"
#include "daemon.h"
#include "log.h"

#define TICK_MS 250
/* Datagrams read from one socket per wakeup before the timer and signals get a turn;
 * epoll is level-triggered, so the rest are read on the next round. */
#define DRAIN_BUDGET 256

enum {
	TAG_SIGNAL = 0x10000,
	TAG_TIMER = 0x10001,
	TAG_SERIAL = 0x10002,
	TAG_CONTROL = 0x20000, /* .. + CONTROL_MAX_CLIENTS */
	TAG_CONSOLE = 0x30000, /* .. + CONSOLE_TAGS - 1 */
	TAG_FLEET = 0x40000,   /* .. + FLEET_MAX - 1: fleet members' sockets */
};
/* Ticks between attempts to reopen a serial device that hung up. */
#define SERIAL_RETRY_TICKS 8

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* How long epoll may sleep before the core's next deadline: -1 for none (the 250 ms
 * timer wakes the loop anyway). */
static int core_wait_ms(const struct daemon *d)
{
	if (d->fleet)
		return -1; /* members have no SOL console: the 250 ms tick is enough */
	uint64_t due = bmc_next_deadline(d->bmc), now = mono_ms();
	if (!due)
		return -1;
	return due <= now ? 0 : due - now > 250 ? 250 : (int)(due - now);
}

struct loop {
	struct daemon *d;
	int fatal;
};

/* Group commit (outq.h, store_file.h): while a batch of datagrams is processed, store
 * puts are deferred; before any of its replies leaves, one commit makes them durable.
 * Every other path (serial, bmcctl, timers, IPMB satellites) runs outside a batch and
 * puts synchronously. */
static void gc_defer(void *arg, bool on)
{
	(void)arg;
	store_file_defer(on);
	log_defer(on);
}

/* The batch's log lines (audit among them) are written before its replies leave too. */
static int gc_commit(void *arg)
{
	(void)arg;
	log_flush();
	return store_file_commit_all(false);
}

static const struct outq_hooks group_commit = {.defer = gc_defer, .commit = gc_commit};

static int on_datagram(void *arg, const struct bmc_peer *peer, const uint8_t *buf, size_t len)
{
	struct loop *l = arg;
	if (l->fatal)
		return 0;
	bmc_input(l->d->bmc, 1 /* LAN channel */, peer, buf, len);
	/* The reply (if any) was sent inside bmc_input, so a reset may happen now. */
	if (l->d->reset_pending && daemon_core_reset(l->d))
		l->fatal = 1;
	return 0;
}

static int add_fd(int ep, int fd, uint64_t tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Reads what the serial device has (a bounded amount per wakeup) into the core. */
static void on_serial(struct loop *l, int ep, uint32_t events)
{
	struct daemon *d = l->d;
	uint8_t buf[256];
	for (int round = 0; round < 16 && !l->fatal; round++) {
		long n = serial_read(&d->serial, buf, sizeof buf, (events & (EPOLLHUP | EPOLLERR)) != 0);
		if (n < 0) {
			/* A hung-up pty reports EPOLLHUP for ever: leave the loop until it is back. */
			epoll_ctl(ep, EPOLL_CTL_DEL, d->serial.fd, NULL);
			return;
		}
		if (n == 0)
			return;
		bmc_serial_input(d->bmc, buf, (size_t)n);
		if (d->reset_pending && daemon_core_reset(d))
			l->fatal = 1;
	}
}

/* Returns 1 to stop, 0 to go on. */
static int on_signal(int sfd)
{
	struct signalfd_siginfo si;
	ssize_t n = read(sfd, &si, sizeof si);

	if (n != (ssize_t)sizeof si)
		return 0;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP ignored (configuration reload is not supported yet; restart bmcd)");
		return 0;
	}
	log_info("%s received, stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return 1;
}

int daemon_loop(struct daemon *d)
{
	struct loop l = {.d = d, .fatal = 0};
	struct itimerspec its = {.it_interval = {0, TICK_MS * 1000000L}, .it_value = {0, TICK_MS * 1000000L}};
	sigset_t mask;
	int ep = -1, sfd = -1, tfd = -1, rc = -1;
	bool ctl_open = false, con_open = false;
	char err[600];

	/* The signals were blocked in main before any thread or child could exist. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	ep = epoll_create1(EPOLL_CLOEXEC);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ep < 0 || sfd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) || add_fd(ep, sfd, TAG_SIGNAL) ||
	    add_fd(ep, tfd, TAG_TIMER)) {
		log_error("event loop set-up: %s", strerror(errno));
		goto out;
	}
	d->net.q.hooks = &group_commit;
	if (d->fleet)
		d->fleet->q.hooks = &group_commit;
	for (unsigned i = 0; i < d->net.n; i++) {
		if (add_fd(ep, d->net.fd[i], i)) {
			log_error("epoll: %s", strerror(errno));
			goto out;
		}
	}
	if (d->fleet && fleet_attach(d->fleet, ep, TAG_FLEET)) {
		log_error("epoll: %s", strerror(errno));
		goto out;
	}
	if (d->serial.fd >= 0 && add_fd(ep, d->serial.fd, TAG_SERIAL)) {
		log_error("epoll: %s", strerror(errno));
		goto out;
	}
	unsigned serial_retry = 0;
	/* Created after the privilege drop, so the socket belongs to the user bmcd runs as. */
	if (control_open(&d->ctl, d->cfg.state_dir, ep, TAG_CONTROL, control_cmd_exec, d, mono_ms(), err, sizeof err)) {
		log_error("%s", err);
		goto out;
	}
	ctl_open = true;
	log_info("control socket %s (bmcctl --state-dir %s)", d->ctl.path, d->cfg.state_dir);
	/* Fleet members have no host console (docs/fleet.md): one pty each would cost a
	 * descriptor pair and 80 KiB of history per member. */
	if (!d->fleet && console_open(&d->console, ep, TAG_CONSOLE, mono_ms(), err, sizeof err)) {
		log_error("%s", err);
		goto out;
	}
	con_open = !d->fleet;
	sim_tick(&d->sim, mono_ms()); /* the simulated server's time starts now */
	if (d->fleet)
		log_info("ready: bmcd %s serving a fleet of %u members", BMC_VERSION, d->fleet->count);
	else
		log_info("ready: bmcd %s serving %u address%s", BMC_VERSION, d->net.n, d->net.n == 1 ? "" : "es");
	for (;;) {
		struct epoll_event evs[NET_MAX_SOCKETS + 4 + CONTROL_MAX_CLIENTS + CONSOLE_TAGS + 48]; /* + 48: fleet sockets */
		/* Frames on the simulated IPMB go out before the loop sleeps again; the core's
		 * own deadlines (SOL retransmissions) are kept to the millisecond. */
		int n = epoll_wait(ep, evs, (int)(sizeof evs / sizeof evs[0]), d->bus.count ? 0 : core_wait_ms(d));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("epoll_wait: %s", strerror(errno));
			goto out;
		}
		for (int k = 0; k < n; k++) {
			uint64_t tag = evs[k].data.u64;
			if (tag == TAG_SIGNAL) {
				if (on_signal(sfd)) {
					rc = 0;
					goto out;
				}
			} else if (tag == TAG_TIMER) {
				uint64_t expirations;
				/* Missed ticks are not replayed: the core works from now_ms. */
				if (read(tfd, &expirations, sizeof expirations) == (ssize_t)sizeof expirations) {
					uint64_t now = mono_ms();
					if (d->fleet && fleet_tick(d->fleet, now))
						l.fatal = 1;
					if (!d->fleet) {
						sim_tick(&d->sim, now);
						bmc_tick(d->bmc);
					}
					satellites_tick(d);
					control_tick(&d->ctl, now);
					if (d->serial.hung_up && ++serial_retry >= SERIAL_RETRY_TICKS) {
						serial_retry = 0;
						if (serial_reopen(&d->serial) == 0 && add_fd(ep, d->serial.fd, TAG_SERIAL))
							log_error("epoll: %s", strerror(errno));
					}
					if (con_open)
						console_tick(&d->console, now);
				}
				if (d->reset_pending && daemon_core_reset(d))
					l.fatal = 1;
			} else if (d->fleet && fleet_owns(d->fleet, tag)) {
				if (fleet_event(d->fleet, tag))
					l.fatal = 1;
			} else if (tag == TAG_SERIAL) {
				on_serial(&l, ep, evs[k].events);
			} else if (console_owns(&d->console, tag)) {
				console_event(&d->console, tag, evs[k].events, mono_ms());
			} else if (control_owns(&d->ctl, tag)) {
				control_event(&d->ctl, tag, evs[k].events, mono_ms());
			} else if (tag < d->net.n) {
				net_drain(&d->net, (unsigned)tag, DRAIN_BUDGET, on_datagram, &l);
			}
			if (l.fatal) {
				log_error("BMC reset failed; exiting");
				goto out;
			}
		}
		if (d->fleet)
			continue;
		ipmb_bus_deliver(&d->bus);
		uint64_t due = bmc_next_deadline(d->bmc);
		if (due && mono_ms() >= due)
			bmc_tick(d->bmc);
		console_pump(&d->console);
	}
out:
	if (d->fleet)
		d->fleet->ep = -1; /* closed below; members are stopped without it */
	if (con_open)
		console_close(&d->console);
	if (ctl_open)
		control_close(&d->ctl);
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);
	if (ep >= 0)
		close(ep);
	return rc;
}

/* The host's serial console as the daemon sees it: one character device in the epoll
 * loop, never blocking it.
 *
 *   [sol] console = sim    (default) the simulated host (backends/sim/host_console.c)
 *                          on a pseudo-terminal pair: bmcd holds the master, the
 *                          simulated host sits on the slave, whose path is logged.
 *   [sol] console = PATH   any character device or pty, e.g. the /dev/pts/N that QEMU's
 *                          "-serial pty" prints; ttys are put in raw mode. If it cannot
 *                          be opened, or hangs up, bmcd logs it and tries again every
 *                          second.
 *
 * Host -> BMC: everything read from the device goes into a 64 KiB history ring (what
 * "bmcctl console history" prints) and to the sink callback, which the daemon sets to
 * feed bmc_sol_host_output(). The sink may take fewer bytes than offered (a SOL
 * console that is slower than the host): the rest waits here, and the device is not
 * read until console_pump has handed it on, so the host is held back by the pty (or
 * the tty's flow control) instead of output being lost.
 * BMC -> host: console_write queues at most CONSOLE_OUT_MAX bytes and writes them as
 * the device takes them; it accepts fewer bytes when that queue is full. */
#ifndef BMCD_CONSOLE_H
#define BMCD_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/backend.h"
#include "host_console.h"
#include "sim.h"

#define CONSOLE_HISTORY (64 * 1024)
#define CONSOLE_OUT_MAX 4096
#define CONSOLE_PATH_MAX 1024
#define CONSOLE_SIM "sim"
#define CONSOLE_TAGS 2 /* epoll tags from tag_base: the device, the simulated host's side */

/* Gets the bytes the host printed, in order; returns how many it took. */
typedef size_t console_sink_fn(void *ctx, const uint8_t *buf, size_t len);

struct console {
	char spec[CONSOLE_PATH_MAX]; /* "sim" or a device path */
	bool sim;
	int fd;                      /* bmcd's side: the pty master or the device; -1 when closed */
	int host_fd;                 /* sim: the simulated host's side (the pty slave), or -1 */
	char host_path[64];          /* sim: the slave's path */
	int ep;
	uint64_t tag_base;
	uint32_t fd_events, host_events; /* what epoll watches now */
	bool open_failed_logged;
	bool flapping;               /* device: lost again right after opening; log quietly */
	uint64_t opened_ms;
	uint64_t retry_ms;           /* device: when to try opening it again */
	uint64_t break_until_ms;     /* device: a break is on until then (0: none) */
	/* host output kept for "console history": hist (below) */
	size_t hist_head, hist_len;
	/* user input not yet taken by the device: out */
	size_t out_head, out_len;
	console_sink_fn *sink;
	void *sink_ctx;
	/* read from the device, in the history, not yet taken by the sink: held */
	size_t held_off, held_len;
	/* the simulated host */
	struct sim_host host;
	uint8_t host_in[64];          /* read from the slave, not yet taken by the host */
	size_t host_in_off, host_in_len;
	bool host_blocked;            /* its output waits for the slave to drain */
	uint64_t rx_bytes, tx_bytes;
	/* The buffers come last and console_init does not clear them (their lengths say
	 * what is valid): pages never written stay unmapped, which is most of an idle
	 * BMC's history. */
	uint8_t hist[CONSOLE_HISTORY];
	uint8_t out[CONSOLE_OUT_MAX];
	uint8_t held[4096];
};

/* Sets the console up from spec ("sim" or a path); nothing is opened yet. With "sim",
 * hooks the simulated host to sim's power (its present state included). */
void console_init(struct console *c, const char *spec, struct sim *sim);
/* Makes the backend's console ops (struct bmc_backend, include/bmc/backend.h) use c. */
void console_bind_backend(struct console *c, struct bmc_backend *be);
/* Where host output goes besides the history (NULL: nowhere). */
void console_set_sink(struct console *c, console_sink_fn *fn, void *ctx);
/* Opens the device (or the pty pair) and adds it to ep with tags tag_base ..
 * tag_base + CONSOLE_TAGS - 1. A device that cannot be opened yet is not an error: it is
 * retried from console_tick. Returns 0, or -1 with a reason in err (no pty). */
int console_open(struct console *c, int ep, uint64_t tag_base, uint64_t now_ms, char *err, size_t errlen);
bool console_owns(const struct console *c, uint64_t tag);
void console_event(struct console *c, uint64_t tag, uint32_t events, uint64_t now_ms);
/* Offers held-back host output to the sink again; reading resumes once it is gone.
 * Call after anything that may have made room (every loop round). */
void console_pump(struct console *c);
/* Timers: the simulated host's clock, reopening a lost device, ending a break. */
void console_tick(struct console *c, uint64_t now_ms);
void console_close(struct console *c);

/* The backend ops; see include/bmc/backend.h. */
int console_write(struct console *c, const uint8_t *buf, size_t len);
int console_break(struct console *c);

/* Copies the history (oldest byte first, at most CONSOLE_HISTORY bytes) to out; returns
 * how many bytes. */
size_t console_history(const struct console *c, uint8_t *out, size_t cap);

#endif

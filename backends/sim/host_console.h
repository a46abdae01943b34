/* The simulated host's serial console (ttyS0 at 115200 bit/s, 8N1): what a BIOS, a boot
 * loader, a kernel and a getty would print, driven by the host's power. A pure state
 * machine: bytes typed at the console go in (sim_host_input), bytes the host prints
 * come out through a callback (sim_host_pump), time comes from the caller. No I/O, no
 * clock, no allocation: the POSIX glue (platform/posix/console.c) puts it on the slave
 * side of a pseudo-terminal, and unit tests drive it directly.
 *
 * Behaviour, all deterministic:
 *   power on / reset   the boot text over SIM_HOST_BOOT_MS, then the prompt
 *                      "simhost login: "
 *   at the prompt      characters are echoed; CR (or LF, or CR LF) ends a line and
 *                      echoes CR LF, as a getty does; backspace / DEL erase, ^C
 *                      abandons the line. Each non-empty line is answered with
 *                      "simhost: line N: TEXT" (N counts lines since boot), then the
 *                      prompt again.
 *   "burst N"          exactly N bytes of numbered lines (sim_host_burst_byte), then
 *                      CR LF if the last line was cut short, then the prompt. Input
 *                      typed meanwhile waits (sim_host_input_room is 0).
 *   "reboot"           "reboot: restarting system", then as a reset
 *   power off          silence; input is discarded
 *   break              "simhost: BREAK" on its own line, then the prompt
 * Output is flow-controlled: the callback may take fewer bytes than offered and the
 * rest waits in a bounded queue; generation (boot text, bursts) pauses while it is
 * full. */
#ifndef BMC_SIM_HOST_CONSOLE_H
#define BMC_SIM_HOST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_HOST_PROMPT "simhost login: "
#define SIM_HOST_LINE_MAX 128       /* characters of one input line; more ring the bell */
#define SIM_HOST_QUEUE 4096         /* bytes of output waiting for the callback */
#define SIM_HOST_BOOT_MS 1500       /* from power on to the prompt */
#define SIM_HOST_BURST_LINE 64      /* bytes per burst line, CR LF included */
#define SIM_HOST_BURST_MAX 1000000000u

/* Takes up to len bytes of host output; returns how many it took (0..len). */
typedef size_t sim_host_out_fn(void *ctx, const uint8_t *buf, size_t len);

enum sim_host_state {
	SIM_HOST_OFF = 0,
	SIM_HOST_BOOTING,
	SIM_HOST_READY, /* at the prompt, reading a line */
	SIM_HOST_BURST,
};

struct sim_host {
	enum sim_host_state state;
	sim_host_out_fn *out;
	void *out_ctx;
	uint64_t boot_ms;      /* when the current boot began */
	unsigned boot_step;    /* next line of the boot text */
	uint32_t boots;        /* power-ons and resets, shown in the banner */
	uint32_t lines;        /* lines entered since boot */
	uint32_t breaks;
	char line[SIM_HOST_LINE_MAX];
	size_t line_len;
	bool last_cr;          /* the previous input byte was CR (a following LF is part of it) */
	uint64_t burst_pos, burst_end; /* stream positions of the burst under way */
	uint8_t q[SIM_HOST_QUEUE];
	size_t q_head, q_len;
};

void sim_host_init(struct sim_host *h, sim_host_out_fn *out, void *out_ctx);
/* The host's power changed (sim_power.c): on starts a boot if it was off; off silences
 * it at once, dropping output not yet taken. */
void sim_host_power(struct sim_host *h, bool on, uint64_t now_ms);
/* Hard reset (or "reboot"): a running host boots again; an off host stays off. */
void sim_host_reset(struct sim_host *h, uint64_t now_ms);
/* A serial break arrived. */
void sim_host_break(struct sim_host *h);
/* How many input bytes sim_host_input takes now: 0 while a burst runs or the queue is
 * too full to answer any byte safely. */
size_t sim_host_input_room(const struct sim_host *h);
/* Bytes typed at the console; at most sim_host_input_room bytes are taken. Returns how
 * many were taken. */
size_t sim_host_input(struct sim_host *h, const uint8_t *buf, size_t len, uint64_t now_ms);
/* Produces what is due by now_ms (boot lines, burst bytes) and offers the queue to the
 * callback, at most 64 KiB per call. Returns true while output waits in the queue (call
 * again when the callback can take more); boot lines not yet due do not count. */
bool sim_host_pump(struct sim_host *h, uint64_t now_ms);
/* Byte i (from 0) of every burst: line k = i / 64 is "%08u " of k mod 10^8, then 53
 * letters 'A' + (k + column) mod 26, then CR LF. A burst of N bytes is bytes 0..N-1. */
uint8_t sim_host_burst_byte(uint64_t i);

#endif

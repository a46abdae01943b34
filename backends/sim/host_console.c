/* See host_console.h. */
#include "host_console.h"

#include <string.h>

/* Room kept for the worst answer to one input byte: CR LF, an answer line with a
 * full input line in it, and the prompt. */
#define ANSWER_MAX 256
/* Output bytes handed to the callback per sim_host_pump call at most. */
#define PUMP_BUDGET 65536u
_Static_assert(2 + 32 + SIM_HOST_LINE_MAX + 2 + sizeof SIM_HOST_PROMPT <= ANSWER_MAX, "answer fits");

/* The boot text: when each line appears (ms after power on) and what it says. Line 0,
 * the banner, is built with the boot count. */
static const struct {
	uint16_t at_ms;
	const char *text;
} boot_text[] = {
	{0, NULL},
	{100, "CPU: 2 x Simulated 16-core processor @ 2.40GHz\r\n"},
	{250, "Memory test: 262144 MB OK\r\n"},
	{400, "Press F2 for setup, F12 for network boot\r\n"},
	{600, "Booting from disk 0...\r\n"},
	{700, "simboot 1.0: loading /boot/simkernel\r\n"},
	{850, "[    0.000000] simkernel 1.0 starting (console=ttyS0,115200n8)\r\n"},
	{950, "[    0.004000] smp: 2 sockets, 32 cores\r\n"},
	{1050, "[    0.120000] Memory: 262144 MB available\r\n"},
	{1150, "[    0.310000] serial8250: ttyS0 at I/O 0x3f8 (irq = 4) is a 16550A\r\n"},
	{1300, "[    0.850000] sda: sda1 sda2\r\n"},
	{1400, "[    1.200000] init: reached multi-user target\r\n"},
	{SIM_HOST_BOOT_MS, "\r\nsimhost 1.0 ttyS0\r\n\r\n" SIM_HOST_PROMPT},
};
#define BOOT_STEPS (sizeof boot_text / sizeof boot_text[0])

/* ---- the output queue ---- */

static size_t q_free(const struct sim_host *h)
{
	return SIM_HOST_QUEUE - h->q_len;
}

/* Appends what fits; callers check q_free first, so nothing is cut in practice. */
static void put(struct sim_host *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n && h->q_len < SIM_HOST_QUEUE; i++) {
		h->q[(h->q_head + h->q_len) % SIM_HOST_QUEUE] = b[i];
		h->q_len++;
	}
}

static void puts_(struct sim_host *h, const char *s)
{
	put(h, s, strlen(s));
}

/* Decimal digits of v into out (no terminator); returns how many. */
static size_t utoa(uint32_t v, char out[10])
{
	char tmp[10];
	size_t n = 0, k = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out[k++] = tmp[--n];
	return k;
}

static void put_uint(struct sim_host *h, uint32_t v)
{
	char d[10];
	put(h, d, utoa(v, d));
}

static void drop_queue(struct sim_host *h)
{
	h->q_head = h->q_len = 0;
}

/* ---- states ---- */

static void start_boot(struct sim_host *h, uint64_t now_ms)
{
	h->state = SIM_HOST_BOOTING;
	h->boot_ms = now_ms;
	h->boot_step = 0;
	h->boots++;
	h->lines = 0;
	h->line_len = 0;
	h->last_cr = false;
	h->burst_pos = h->burst_end = 0;
}

void sim_host_init(struct sim_host *h, sim_host_out_fn *out, void *out_ctx)
{
	memset(h, 0, sizeof *h);
	h->out = out;
	h->out_ctx = out_ctx;
}

void sim_host_power(struct sim_host *h, bool on, uint64_t now_ms)
{
	if (on && h->state == SIM_HOST_OFF) {
		start_boot(h, now_ms);
	} else if (!on && h->state != SIM_HOST_OFF) {
		/* The UART loses power with the host: what it had not sent is gone. */
		h->state = SIM_HOST_OFF;
		drop_queue(h);
		h->line_len = 0;
	}
}

void sim_host_reset(struct sim_host *h, uint64_t now_ms)
{
	/* Output already queued has left the UART; the new boot follows it. */
	if (h->state != SIM_HOST_OFF)
		start_boot(h, now_ms);
}

static void prompt(struct sim_host *h)
{
	h->state = SIM_HOST_READY;
	puts_(h, SIM_HOST_PROMPT);
}

void sim_host_break(struct sim_host *h)
{
	if (h->state != SIM_HOST_READY || q_free(h) < ANSWER_MAX)
		return;
	h->breaks++;
	h->line_len = 0;
	puts_(h, "\r\nsimhost: BREAK\r\n");
	prompt(h);
}

/* "burst N": N decimal, 1..SIM_HOST_BURST_MAX. Returns 0, or -1 when the line is not a
 * burst command at all, or -2 when N is malformed. */
static int parse_burst(const char *s, size_t n, uint32_t *out)
{
	static const char kw[] = "burst";
	size_t i = sizeof kw - 1;
	uint64_t v = 0;

	if (n < i || memcmp(s, kw, i) != 0 || (n > i && s[i] != ' '))
		return -1;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return -2;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -2;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > SIM_HOST_BURST_MAX)
			return -2;
	}
	if (v == 0)
		return -2;
	*out = (uint32_t)v;
	return 0;
}

static void run_line(struct sim_host *h, uint64_t now_ms)
{
	const char *s = h->line;
	size_t n = h->line_len;
	uint32_t count;

	h->line_len = 0;
	if (n == 0) {
		prompt(h);
		return;
	}
	h->lines++;
	if (n == 6 && memcmp(s, "reboot", 6) == 0) {
		puts_(h, "reboot: restarting system\r\n");
		sim_host_reset(h, now_ms);
		return;
	}
	switch (parse_burst(s, n, &count)) {
	case 0:
		h->state = SIM_HOST_BURST;
		h->burst_pos = 0;
		h->burst_end = count;
		return;
	case -2:
		puts_(h, "burst: expected a byte count 1..");
		put_uint(h, SIM_HOST_BURST_MAX);
		puts_(h, "\r\n");
		prompt(h);
		return;
	default:
		break;
	}
	puts_(h, "simhost: line ");
	put_uint(h, h->lines);
	puts_(h, ": ");
	put(h, s, n);
	puts_(h, "\r\n");
	prompt(h);
}

/* One byte typed at the prompt; the caller made sure ANSWER_MAX bytes are free. */
static void key(struct sim_host *h, uint8_t c, uint64_t now_ms)
{
	bool was_cr = h->last_cr;
	h->last_cr = c == '\r';
	if (c == '\n' && was_cr)
		return; /* CR LF is one Enter */
	if (c == '\r' || c == '\n') {
		puts_(h, "\r\n");
		run_line(h, now_ms);
	} else if (c == 0x08 || c == 0x7F) {
		if (h->line_len) {
			h->line_len--;
			puts_(h, "\b \b");
		}
	} else if (c == 0x03) {
		h->line_len = 0;
		puts_(h, "^C\r\n");
		prompt(h);
	} else if (c >= 0x20 && c < 0x7F) {
		if (h->line_len < SIM_HOST_LINE_MAX) {
			h->line[h->line_len++] = (char)c;
			put(h, &c, 1);
		} else {
			puts_(h, "\a");
		}
	}
	/* other control characters are ignored, as a getty in raw mode would */
}

size_t sim_host_input_room(const struct sim_host *h)
{
	switch (h->state) {
	case SIM_HOST_OFF:
	case SIM_HOST_BOOTING:
		return SIZE_MAX; /* nobody reads the UART yet: bytes are lost */
	case SIM_HOST_READY:
		return q_free(h) / ANSWER_MAX;
	case SIM_HOST_BURST:
		break;
	}
	return 0; /* type-ahead waits until the burst is over */
}

size_t sim_host_input(struct sim_host *h, const uint8_t *buf, size_t len, uint64_t now_ms)
{
	size_t i = 0;
	for (; i < len; i++) {
		if (h->state == SIM_HOST_OFF || h->state == SIM_HOST_BOOTING)
			continue;
		if (h->state != SIM_HOST_READY || q_free(h) < ANSWER_MAX)
			break;
		key(h, buf[i], now_ms);
	}
	return i;
}

uint8_t sim_host_burst_byte(uint64_t i)
{
	uint64_t k = i / SIM_HOST_BURST_LINE;
	unsigned col = (unsigned)(i % SIM_HOST_BURST_LINE);
	if (col < 8) {
		uint64_t v = k % 100000000u;
		for (unsigned d = 7; d > col; d--)
			v /= 10;
		return (uint8_t)('0' + v % 10);
	}
	if (col == 8)
		return ' ';
	if (col == SIM_HOST_BURST_LINE - 2)
		return '\r';
	if (col == SIM_HOST_BURST_LINE - 1)
		return '\n';
	return (uint8_t)('A' + (k + col) % 26);
}

/* Queues what is due: boot lines whose time has come, burst bytes while they fit. */
static void generate(struct sim_host *h, uint64_t now_ms)
{
	while (h->state == SIM_HOST_BOOTING && h->boot_step < BOOT_STEPS &&
	       now_ms - h->boot_ms >= boot_text[h->boot_step].at_ms && q_free(h) >= ANSWER_MAX) {
		if (h->boot_step == 0) {
			puts_(h, "\r\nSimBIOS 2.1 (bmcd simulated host), boot ");
			put_uint(h, h->boots);
			puts_(h, "\r\n");
		} else {
			puts_(h, boot_text[h->boot_step].text);
		}
		if (++h->boot_step == BOOT_STEPS)
			h->state = SIM_HOST_READY; /* the last line ends with the prompt */
	}
	if (h->state != SIM_HOST_BURST)
		return;
	while (h->burst_pos < h->burst_end && q_free(h) > 0) {
		uint8_t b = sim_host_burst_byte(h->burst_pos++);
		put(h, &b, 1);
	}
	if (h->burst_pos == h->burst_end && q_free(h) >= ANSWER_MAX) {
		if (h->burst_end % SIM_HOST_BURST_LINE)
			puts_(h, "\r\n");
		prompt(h);
	}
}

bool sim_host_pump(struct sim_host *h, uint64_t now_ms)
{
	/* Generate and offer in turns, so a burst larger than the queue flows for as long
	 * as the callback takes bytes, up to PUMP_BUDGET bytes a call so that one huge
	 * burst cannot hold up the caller's event loop. */
	size_t budget = PUMP_BUDGET;
	for (;;) {
		generate(h, now_ms);
		if (h->q_len == 0)
			return false;
		if (budget == 0)
			return true;
		size_t chunk = h->q_len;
		if (h->q_head + chunk > SIM_HOST_QUEUE)
			chunk = SIM_HOST_QUEUE - h->q_head;
		if (chunk > budget)
			chunk = budget;
		size_t took = h->out ? h->out(h->out_ctx, h->q + h->q_head, chunk) : 0;
		if (took > chunk)
			took = chunk;
		budget -= took;
		h->q_head = (h->q_head + took) % SIM_HOST_QUEUE;
		h->q_len -= took;
		if (h->q_len == 0)
			h->q_head = 0;
		if (took < chunk)
			return true;
	}
}

/* The local control socket that bmcctl talks to: a Unix stream socket at
 * STATE_DIR/control.sock (mode 0600, in the 0700 state directory), served from the
 * daemon's epoll loop without ever blocking it.
 *
 * Protocol (docs/bmcctl.md): the client sends one command line (at most
 * CONTROL_LINE_MAX bytes, words separated by blanks, "double quotes" group words,
 * backslash escapes the next character); the server answers with zero or more text
 * lines and a final line "OK" or "ERR message". Several commands may follow on one
 * connection, each answered in turn. */
#ifndef BMCD_CONTROL_H
#define BMCD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define CONTROL_SOCKET_NAME "control.sock"
#define CONTROL_MAX_CLIENTS 4
#define CONTROL_LINE_MAX 1024
#define CONTROL_OUT_MAX (256 * 1024) /* one reply; a full SEL listing fits */
#define CONTROL_IDLE_MS 30000        /* a silent client gives its slot back */

/* A reply being built. Lines that would not fit are dropped and the reply ends with
 * an ERR line saying so. */
struct ctl_out {
	char *buf;
	size_t len, cap;
	bool overflow;
	bool done; /* the final OK / ERR line is written */
};

void ctl_printf(struct ctl_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctl_ok(struct ctl_out *o);
void ctl_err(struct ctl_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs one command line (NUL-terminated, no newline; may be modified) into out. */
typedef void control_exec_fn(void *ctx, char *line, struct ctl_out *out);

struct control_client {
	int fd; /* -1: free */
	char in[CONTROL_LINE_MAX + 1];
	size_t inlen;
	struct ctl_out out;
	size_t sent;
	bool closing; /* close once the reply is sent */
	uint64_t last_ms;
};

struct control {
	int fd; /* listening socket, -1 when closed */
	int ep;
	uint64_t tag_base;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct control_client cl[CONTROL_MAX_CLIENTS];
	control_exec_fn *exec;
	void *exec_ctx;
};

/* Creates STATE_DIR/control.sock (a stale socket there is replaced; a symlink or any
 * other file is refused) and adds it to the epoll set ep with the tags
 * tag_base .. tag_base + CONTROL_MAX_CLIENTS. Returns 0, or -1 with a reason in err. */
int control_open(struct control *c, const char *state_dir, int ep, uint64_t tag_base, control_exec_fn *exec,
		 void *exec_ctx, uint64_t now_ms, char *err, size_t errlen);
/* True when tag belongs to the control socket. */
bool control_owns(const struct control *c, uint64_t tag);
/* Handles epoll events for tag. */
void control_event(struct control *c, uint64_t tag, uint32_t events, uint64_t now_ms);
/* Closes clients that have been silent for CONTROL_IDLE_MS. */
void control_tick(struct control *c, uint64_t now_ms);
/* Closes every connection and removes the socket file. */
void control_close(struct control *c);

#endif

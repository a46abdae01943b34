/* The control socket server: accept, bounded line input, buffered non-blocking
 * output, per-client state; the commands themselves are in control_cmd.c.
 *
 * Who may connect: the socket file has mode 0600 inside the 0700 state directory,
 * so only bmcd's own user (and root) can reach it; SO_PEERCRED checks that again in
 * case the directory's mode is ever loosened. Nothing a client sends can block the
 * loop: every socket is non-blocking, a reply is built in memory and sent as the
 * client reads it, and while a reply is pending the client's input is not read. */
/* accept4 and struct ucred (SO_PEERCRED) are GNU extensions. */
#define _GNU_SOURCE
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* Room kept at the end of a reply for the final line. */
#define FINAL_RESERVE 256

/* ---- reply building ------------------------------------------------------------ */

__attribute__((format(printf, 3, 0)))
static void vappend(struct ctl_out *o, size_t limit, const char *fmt, va_list ap)
{
	if (o->overflow || o->done || o->len >= limit)
		goto overflow;
	int n = vsnprintf(o->buf + o->len, limit - o->len, fmt, ap);
	if (n < 0 || (size_t)n >= limit - o->len || o->len + (size_t)n + 1 >= limit) {
		o->buf[o->len] = '\0'; /* drop the partial line */
		goto overflow;
	}
	o->len += (size_t)n;
	o->buf[o->len++] = '\n';
	return;
overflow:
	o->overflow = true;
}

void ctl_printf(struct ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vappend(o, o->cap - FINAL_RESERVE, fmt, ap);
	va_end(ap);
}

static void final_line(struct ctl_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void final_line(struct ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	bool was = o->overflow;

	if (o->done)
		return;
	o->overflow = false;
	va_start(ap, fmt);
	vappend(o, o->cap, fmt, ap);
	va_end(ap);
	o->overflow = was;
	o->done = true;
}

void ctl_ok(struct ctl_out *o)
{
	if (o->overflow)
		final_line(o, "ERR reply longer than %d bytes: output truncated", CONTROL_OUT_MAX);
	else
		final_line(o, "OK");
}

void ctl_err(struct ctl_out *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* One line always: a message must not end the reply early or forge lines. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	final_line(o, "ERR %s", msg);
}

/* ---- connections --------------------------------------------------------------- */

static void watch(struct control *c, unsigned slot, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.u64 = c->tag_base + 1 + slot};
	epoll_ctl(c->ep, EPOLL_CTL_MOD, c->cl[slot].fd, &ev);
}

static void drop(struct control *c, unsigned slot)
{
	struct control_client *cl = &c->cl[slot];
	if (cl->fd < 0)
		return;
	epoll_ctl(c->ep, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	free(cl->out.buf);
	memset(cl, 0, sizeof *cl);
	cl->fd = -1;
}

/* Sends what the client will take. Returns 0, or -1 when the client was dropped. */
static int flush(struct control *c, unsigned slot)
{
	struct control_client *cl = &c->cl[slot];

	while (cl->sent < cl->out.len) {
		ssize_t n = send(cl->fd, cl->out.buf + cl->sent, cl->out.len - cl->sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			watch(c, slot, EPOLLOUT);
			return 0;
		}
		if (n <= 0) {
			drop(c, slot);
			return -1;
		}
		cl->sent += (size_t)n;
	}
	cl->out.len = cl->sent = 0;
	cl->out.done = cl->out.overflow = false;
	if (cl->closing) {
		drop(c, slot);
		return -1;
	}
	watch(c, slot, EPOLLIN);
	return 0;
}

/* Runs the complete lines in the input buffer, one reply at a time. */
static void run_lines(struct control *c, unsigned slot)
{
	struct control_client *cl = &c->cl[slot];

	while (cl->fd >= 0 && cl->out.len == 0) {
		char *nl = memchr(cl->in, '\n', cl->inlen);
		if (!nl) {
			if (cl->inlen >= CONTROL_LINE_MAX) {
				ctl_err(&cl->out, "command line longer than %d bytes", CONTROL_LINE_MAX);
				cl->closing = true;
				flush(c, slot);
			}
			return;
		}
		size_t len = (size_t)(nl - cl->in);
		*nl = '\0';
		if (len && cl->in[len - 1] == '\r')
			cl->in[len - 1] = '\0';
		if (memchr(cl->in, '\0', len)) {
			ctl_err(&cl->out, "NUL byte in command line");
		} else {
			c->exec(c->exec_ctx, cl->in, &cl->out);
			if (!cl->out.done)
				ctl_ok(&cl->out);
		}
		cl->inlen -= len + 1;
		memmove(cl->in, nl + 1, cl->inlen);
		if (flush(c, slot))
			return;
	}
}

static void on_readable(struct control *c, unsigned slot, uint64_t now_ms)
{
	struct control_client *cl = &c->cl[slot];

	if (cl->out.len) /* a reply is still going out: read on afterwards */
		return;
	ssize_t n = recv(cl->fd, cl->in + cl->inlen, CONTROL_LINE_MAX - cl->inlen, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c, slot); /* end of input or error; an unfinished line is ignored */
		return;
	}
	cl->inlen += (size_t)n;
	cl->last_ms = now_ms;
	run_lines(c, slot);
}

static int peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return 0;
	return cred.uid == geteuid() || cred.uid == 0;
}

static void on_accept(struct control *c, uint64_t now_ms)
{
	/* Accept everything queued; level-triggered epoll brings us back otherwise. */
	for (unsigned round = 0; round < 16; round++) {
		int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (!peer_allowed(fd)) {
			log_warn("control socket: connection from another user refused");
			close(fd);
			continue;
		}
		unsigned slot = 0;
		while (slot < CONTROL_MAX_CLIENTS && c->cl[slot].fd >= 0)
			slot++;
		char *buf = slot < CONTROL_MAX_CLIENTS ? malloc(CONTROL_OUT_MAX) : NULL;
		if (!buf) {
			static const char busy[] = "ERR too many control connections; try again\n";
			if (send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				log_debug("control socket: busy reply not sent: %s", strerror(errno));
			close(fd);
			continue;
		}
		struct control_client *cl = &c->cl[slot];
		memset(cl, 0, sizeof *cl);
		cl->fd = fd;
		cl->out.buf = buf;
		cl->out.cap = CONTROL_OUT_MAX;
		cl->last_ms = now_ms;
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = c->tag_base + 1 + slot};
		if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev)) {
			drop(c, slot);
			continue;
		}
	}
}

/* ---- the listening socket ------------------------------------------------------ */

int control_open(struct control *c, const char *state_dir, int ep, uint64_t tag_base, control_exec_fn *exec,
		 void *exec_ctx, uint64_t now_ms, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int n;

	(void)now_ms;
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->ep = ep;
	c->tag_base = tag_base;
	c->exec = exec;
	c->exec_ctx = exec_ctx;
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
	n = snprintf(c->path, sizeof c->path, "%s/%s", state_dir, CONTROL_SOCKET_NAME);
	if (n < 0 || (size_t)n >= sizeof c->path) {
		snprintf(err, errlen, "control socket path %s/%s is longer than %zu bytes: use a shorter --state-dir",
			 state_dir, CONTROL_SOCKET_NAME, sizeof c->path - 1);
		c->path[0] = '\0';
		return -1;
	}
	/* A socket left by a bmcd that was killed is stale (the store's lock keeps two
	 * daemons off one state directory); anything else there is not ours to remove. */
	if (lstat(c->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket%s: remove it", c->path,
				 S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
			c->path[0] = '\0';
			return -1;
		}
		if (unlink(c->path)) {
			snprintf(err, errlen, "cannot remove stale %s: %s", c->path, strerror(errno));
			c->path[0] = '\0';
			return -1;
		}
	}
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		c->path[0] = '\0';
		return -1;
	}
	/* The umask makes the file 0600 from the moment it exists; chmod makes sure. */
	mode_t old = umask(0177);
	int rc = bind(c->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc) {
		snprintf(err, errlen, "cannot create %s: %s", c->path, strerror(errno));
		c->path[0] = '\0';
		goto fail;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag_base};
	if (chmod(c->path, 0600) || listen(c->fd, 8) || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev)) {
		snprintf(err, errlen, "control socket %s: %s", c->path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	control_close(c);
	return -1;
}

bool control_owns(const struct control *c, uint64_t tag)
{
	return c->fd >= 0 && tag >= c->tag_base && tag <= c->tag_base + CONTROL_MAX_CLIENTS;
}

void control_event(struct control *c, uint64_t tag, uint32_t events, uint64_t now_ms)
{
	if (tag == c->tag_base) {
		on_accept(c, now_ms);
		return;
	}
	unsigned slot = (unsigned)(tag - c->tag_base - 1);
	if (slot >= CONTROL_MAX_CLIENTS || c->cl[slot].fd < 0)
		return;
	/* A pending reply is pushed on any event: a hang-up then fails the send and
	 * drops the client instead of being reported again and again. */
	if (c->cl[slot].out.len && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
		c->cl[slot].last_ms = now_ms;
		if (flush(c, slot) == 0)
			run_lines(c, slot); /* commands that arrived while the reply went out */
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		on_readable(c, slot, now_ms);
}

void control_tick(struct control *c, uint64_t now_ms)
{
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0 && now_ms - c->cl[i].last_ms > CONTROL_IDLE_MS)
			drop(c, i);
}

void control_close(struct control *c)
{
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++)
		drop(c, i);
	if (c->fd >= 0) {
		epoll_ctl(c->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	if (c->path[0]) {
		unlink(c->path);
		c->path[0] = '\0';
	}
}

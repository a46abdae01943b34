/* Replies made while a batch of received datagrams is processed: kept until the batch
 * ends and sent with one sendmmsg per run of replies from one socket (issue 7: one
 * system call instead of one per reply when several requests are in flight).
 *
 * It is also where group commit (DESIGN.md §6, platform/posix/store_file.h) meets the
 * network: store puts are deferred while a batch is processed, and before any queued
 * reply leaves, the hooks' commit makes them durable. If the commit fails, the queued
 * replies are dropped: their commands' effects may not survive a crash, so they must
 * not be acknowledged. The clients time out and retry. Used by the LAN sockets
 * (net.c) and the fleet's members (fleet.c). */
#ifndef BMCD_OUTQ_H
#define BMCD_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define OUTQ_LEN 16      /* replies queued before a flush: a recvmmsg batch's worth */
#define OUTQ_MSG_MAX 512 /* larger replies go at once, after a flush */

/* Set up by the event loop (loop.c). NULL hooks: nothing is deferred or committed. */
struct outq_hooks {
	void (*defer)(void *arg, bool on); /* puts deferred from outq_begin to outq_end */
	int (*commit)(void *arg);          /* makes deferred puts durable: 0, or -1 */
	void *arg;
};

struct outq {
	const struct outq_hooks *hooks;
	bool batching; /* between outq_begin and outq_end */
	unsigned n;
	uint64_t send_errors;  /* replies the kernel refused (UDP: the client retries) */
	uint64_t dropped_uncommitted; /* replies dropped because a commit failed */
	struct {
		int fd;
		socklen_t tolen;
		struct sockaddr_storage to;
		size_t len;
		uint8_t buf[OUTQ_MSG_MAX];
	} msg[OUTQ_LEN];
};

/* A received batch begins: replies are queued, store puts deferred. */
void outq_begin(struct outq *q);
/* The batch ends: outq_flush, then puts are synchronous again. */
void outq_end(struct outq *q);
/* Queues one reply to to/tolen from socket fd (flushing first when full). Returns 0,
 * or -1 when len exceeds OUTQ_MSG_MAX: then outq_flush and send it directly. */
int outq_add(struct outq *q, int fd, const struct sockaddr_storage *to, socklen_t tolen, const void *buf,
	     size_t len);
/* Commits (when a commit hook is set), then sends every queued reply. Returns 0, or -1
 * when the commit failed and the queued replies were dropped (counted, logged). Call it
 * before any other reply leaves, so that none is sent ahead of a commit. */
int outq_flush(struct outq *q);

#endif

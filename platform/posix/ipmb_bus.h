/* A simulated IPMB inside the daemon: the BMC core and the satellite controllers of the
 * simulated chassis (each a core of its own) exchange frames through it. A frame sent
 * is queued and delivered from the event loop, never from inside the sender's call,
 * as on a real bus the answer comes after the request has left. */
#ifndef BMCD_IPMB_BUS_H
#define BMCD_IPMB_BUS_H

#include <stddef.h>
#include <stdint.h>

struct bmc;

#define IPMB_BUS_MAX_NODES 8
#define IPMB_BUS_MAX_FRAME 64
/* Enough for every satellite's start-up events at once. */
#define IPMB_BUS_QUEUE 1024

struct ipmb_bus {
	struct {
		uint8_t addr;
		struct bmc *bmc;
	} node[IPMB_BUS_MAX_NODES];
	unsigned nnodes;
	unsigned head, count;
	unsigned long delivered, nacked, overruns;
	/* Last, and not cleared by ipmb_bus_init (head and count say what is queued): a
	 * bus that carries nothing keeps its queue's pages unmapped. */
	struct {
		uint8_t len;
		uint8_t data[IPMB_BUS_MAX_FRAME];
	} q[IPMB_BUS_QUEUE];
};

void ipmb_bus_init(struct ipmb_bus *bus);
/* Puts a controller on the bus at slave address addr. Returns 0 or -1 (full, taken). */
int ipmb_bus_attach(struct ipmb_bus *bus, uint8_t addr, struct bmc *bmc);
/* The platform's ipmb_send: 0 queued, -1 no controller at the address (NAK), -2 the
 * queue is full (a bus error for the sender). */
int ipmb_bus_send(struct ipmb_bus *bus, const void *frame, size_t len);
/* Delivers the frames queued before this call; the answers they cause wait for the
 * next call. Returns how many frames are still queued. */
unsigned ipmb_bus_deliver(struct ipmb_bus *bus);

#endif

/* See ipmb_bus.h. */
#include "ipmb_bus.h"

#include <string.h>

#include "bmc/bmc.h"

#define IPMB_CHANNEL 0

void ipmb_bus_init(struct ipmb_bus *bus)
{
	memset(bus, 0, offsetof(struct ipmb_bus, q));
}

static struct bmc *node_at(const struct ipmb_bus *bus, uint8_t addr)
{
	for (unsigned i = 0; i < bus->nnodes; i++)
		if (bus->node[i].addr == addr)
			return bus->node[i].bmc;
	return NULL;
}

int ipmb_bus_attach(struct ipmb_bus *bus, uint8_t addr, struct bmc *bmc)
{
	if (bus->nnodes == IPMB_BUS_MAX_NODES || node_at(bus, addr))
		return -1;
	bus->node[bus->nnodes].addr = addr;
	bus->node[bus->nnodes].bmc = bmc;
	bus->nnodes++;
	return 0;
}

int ipmb_bus_send(struct ipmb_bus *bus, const void *frame, size_t len)
{
	const uint8_t *f = frame;
	if (len == 0 || len > IPMB_BUS_MAX_FRAME || !node_at(bus, f[0])) {
		bus->nacked++;
		return -1;
	}
	if (bus->count == IPMB_BUS_QUEUE) {
		bus->overruns++;
		return -2;
	}
	unsigned slot = (bus->head + bus->count) % IPMB_BUS_QUEUE;
	bus->q[slot].len = (uint8_t)len;
	memcpy(bus->q[slot].data, f, len);
	bus->count++;
	return 0;
}

unsigned ipmb_bus_deliver(struct ipmb_bus *bus)
{
	struct bmc_peer none;
	memset(&none, 0, sizeof none);
	for (unsigned n = bus->count; n > 0; n--) {
		uint8_t frame[IPMB_BUS_MAX_FRAME];
		uint8_t len = bus->q[bus->head].len;
		memcpy(frame, bus->q[bus->head].data, len);
		bus->head = (bus->head + 1) % IPMB_BUS_QUEUE;
		bus->count--;
		struct bmc *to = node_at(bus, frame[0]);
		if (to) {
			bmc_input(to, IPMB_CHANNEL, &none, frame, len);
			bus->delivered++;
		}
	}
	return bus->count;
}

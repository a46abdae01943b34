/* Numeric address parsing and conversion. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int addr_parse(const char *text, struct net_addr *out)
{
	char host[ADDR_TEXT_MAX];
	const char *port_text = NULL;
	uint16_t port = ADDR_DEFAULT_PORT;
	size_t hlen;

	memset(out, 0, sizeof *out);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close)
			return -1;
		hlen = (size_t)(close - text - 1);
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0')
			return -1;
		text++;
	} else {
		const char *colon = strchr(text, ':');
		hlen = strlen(text);
		/* A single colon separates a port; more than one is a bare IPv6 address. */
		if (colon && !strchr(colon + 1, ':')) {
			hlen = (size_t)(colon - text);
			port_text = colon + 1;
		}
	}
	if (hlen == 0 || hlen >= sizeof host)
		return -1;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (port_text && parse_port(port_text, &port) != 0)
		return -1;

	struct sockaddr_in *sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		out->len = sizeof *sin;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		out->len = sizeof *sin6;
		return 0;
	}
	return -1;
}

void addr_format(const struct net_addr *a, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&a->ss;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		snprintf(out, outlen, "%s:%u", host, ntohs(sin->sin_port));
	} else if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		snprintf(out, outlen, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else {
		snprintf(out, outlen, "?");
	}
}

int addr_to_peer(const struct sockaddr_storage *ss, uint16_t endpoint, struct bmc_peer *peer)
{
	memset(peer, 0, sizeof *peer);
	peer->endpoint = endpoint;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
		peer->family = 4;
		memcpy(peer->addr, &sin->sin_addr, 4);
		peer->port = ntohs(sin->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
		peer->family = 6;
		memcpy(peer->addr, &sin6->sin6_addr, 16);
		peer->port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}

socklen_t addr_from_peer(const struct bmc_peer *peer, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (peer->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, peer->addr, 4);
		sin->sin_port = htons(peer->port);
		return sizeof *sin;
	}
	if (peer->family == 6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, peer->addr, 16);
		sin6->sin6_port = htons(peer->port);
		return sizeof *sin6;
	}
	return 0;
}

/* The kernel CSPRNG: the only source of randomness bmcd uses (DESIGN.md §5). */
#ifndef BMCD_RANDOM_H
#define BMCD_RANDOM_H

#include <stddef.h>

/* Fills buf with getrandom(2), blocking until the pool is initialised. Returns 0 or -1. */
int random_fill(void *buf, size_t len);

/* The same from a pool refilled 1 KiB at a time (for the core's per-packet needs). */
int random_fill_pooled(void *buf, size_t len);

#endif

/* STUB: to be written. */
#include <stdio.h>

int main(void)
{
	puts("bmcd: not yet");
	return 0;
}

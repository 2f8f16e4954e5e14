/* Dies of SIGSEGV on purpose: the kernel must kill only this process. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	volatile uintptr_t bad = 0x10;
	volatile int *p = (volatile int *)bad;

	puts("segv: about to fault");
	fflush(stdout);
	*p = 1;
	puts("segv: survived (wrong)");
	return 0;
}

/* Kernel log output and panic (message, backtrace, halt). */
#include "lib.h"
#include "pvops.h"

void console_write(const char *s, size_t n)
{
	for (; n; n--, s++) {
		if (*s == '\n')
			pv_ops.console.putc('\r');
		pv_ops.console.putc(*s);
	}
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

/* Walks the frame-pointer chain (the kernel is built with frame pointers). */
void backtrace_from(uint64_t rbp)
{
	printk("backtrace (resolve with addr2line -e build/pvops-guest.elf):\n");
	for (int depth = 0; depth < 16 && rbp >= KERNEL_BASE && !(rbp & 7); depth++) {
		uint64_t *frame = (uint64_t *)rbp;

		if (frame[1] < KERNEL_BASE)
			break;
		printk("  [%d] %p\n", depth, (void *)frame[1]);
		rbp = frame[0];
	}
}

_Noreturn void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	pv_ops.cpu.irq_disable();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("\nKERNEL PANIC: %s\n", buf);
	backtrace_from((uint64_t)__builtin_frame_address(0));
	printk("system halted\n");
	pv_ops.cpu.stop();
}

/*
 * Port I/O instructions, for pv_ops.io.  Natively they run in ring 0.  A
 * PV kernel runs in ring 3 with the real IOPL 0, so each one faults and the
 * hypervisor emulates it, by the virtual IOPL the kernel asked for with
 * PHYSDEVOP_set_iopl (arch/x86/pv/io.c): a REP INSW/OUTSW is one fault
 * for a whole sector, a loop of INW would be 256.
 */
#include "pvops.h"

static uint8_t port_inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void port_outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static uint16_t port_inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void port_outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static uint32_t port_inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void port_outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static void port_insw(uint16_t port, void *buf, size_t words)
{
	asm volatile("rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static void port_outsw(uint16_t port, const void *buf, size_t words)
{
	asm volatile("rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

const struct pv_io_ops x86_port_io_ops = {
	.inb = port_inb,
	.outb = port_outb,
	.inw = port_inw,
	.outw = port_outw,
	.inl = port_inl,
	.outl = port_outl,
	.insw = port_insw,
	.outsw = port_outsw,
};

/*
 * The primary channel's PIIX bus master (ata_bmdma.c), for ata.c: one
 * transfer at a time, described by a table of physical regions; under PV
 * "physical" is the machine address the device sees.
 */
#ifndef GUEST_ATA_BMDMA_H
#define GUEST_ATA_BMDMA_H

#include "kernel.h"

#define BM_STATUS_ERROR  0x02

/* Finds the IDE function and its bus master; true when DMA can be used. */
bool bmdma_init(void);

/* Describes buf (bytes, whole sectors) to the engine, for a transfer to
 * memory (disk read) or from it; false if the device cannot reach it. */
bool bmdma_prepare(const void *buf, size_t bytes, bool to_memory);

/* The drive interrupts at the end of each command (ata.c cleared nIEN
 * and routed its IRQ): bmdma_run halts between its polls. */
void bmdma_wait_halts(bool on);

/* Starts the prepared transfer (after the ATA command) and waits until it
 * ends or deadline (time_now_ns) passes; the engine is stopped either way,
 * so it no longer touches the buffer.  The bus-master status at the end,
 * or -1 on timeout. */
int bmdma_run(uint64_t deadline);

#endif

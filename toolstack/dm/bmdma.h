/*
 * heron-dm's PIIX3 bus-master IDE registers (BAR 4 of the IDE function,
 * 16 ports) and the transfers they start for ata.c's DMA commands.  The
 * primary channel's registers are at offset 0: BMICOM (+0: bit 0 start,
 * bit 3 direction, set when the bus master writes memory), BMISTA (+2:
 * bit 0 active, bits 1 error and 2 interrupt cleared by writing 1, bits
 * 5-6 drive 0/1 DMA capable, kept for the driver; simplex never) and
 * BMIDTP (+4: the physical address of the PRD table, dword aligned).
 * ata.c serves only the primary channel, so the secondary's registers
 * at +8 read 0 and ignore writes.  Any size at any offset is taken byte
 * by byte.
 *
 * A transfer runs at once, when a DMA command waits and the engine has
 * been started since the last one (in either order), page by page
 * through the guest's memory as the map callback gives it.  The PRD
 * table (8-byte entries: address, byte count with 0 for 64 KiB, bit 15
 * of the last half-word ending the table; bit 0 of address and count
 * ignored, as the PIIX3 does) is read before any data moves and may not
 * cross a 64 KiB boundary.  A table shorter than the command, a region
 * outside guest RAM or the 32-bit bus, a direction that is not the
 * command's, an image I/O error, or the engine stopped while a command
 * waits for it, end the command with ERR and ABRT and set BMISTA's error
 * and interrupt bits (active cleared); a table longer than the command
 * leaves active set.
 */
#ifndef TOOLSTACK_DM_BMDMA_H
#define TOOLSTACK_DM_BMDMA_H

#include <stdint.h>

#define BMDMA_PORTS 16

/* Guest RAM frame gfn mapped (valid until the next call), or NULL. */
typedef uint8_t *bmdma_map_fn(void *ctx, uint64_t gfn);

/* Resets the registers and takes ata.c's DMA commands. */
void bmdma_init(bmdma_map_fn *map, void *ctx);
/* Port I/O at offset off of the BAR (size 1, 2 or 4 bytes). */
uint32_t bmdma_read(unsigned int off, unsigned int size);
void bmdma_write(unsigned int off, unsigned int size, uint32_t val);

#endif

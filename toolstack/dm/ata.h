/*
 * heron-dm's IDE/ATA disks: the legacy primary channel (command block
 * 0x1f0-0x1f7, control 0x3f6, IRQ 14), master and slave, PIO only, each
 * backed by an image file (raw, as heron-blkback serves them).  Enough of
 * ATA-8 for Linux's and pvops-guest's drivers: IDENTIFY DEVICE (LBA28 and
 * LBA48 sizes), READ/WRITE SECTORS (EXT), FLUSH CACHE (EXT), SET
 * FEATURES and the device control register (nIEN, SRST); other commands
 * are aborted.  Commands complete at once: BSY is never seen.
 */
#ifndef TOOLSTACK_DM_ATA_H
#define TOOLSTACK_DM_ATA_H

#include <stdbool.h>
#include <stdint.h>

#define ATA_CMD_PORT    0x1f0
#define ATA_CMD_PORTS   8
#define ATA_CTL_PORT    0x3f6
#define ATA_IRQ         14
#define ATA_UNITS       2

/* Opens path as unit (0 master, 1 slave); 0 or a negative errno. */
int ata_attach(unsigned int unit, const char *path, bool readonly);
/* Port I/O at port (size 1, 2 or 4 bytes). */
uint32_t ata_read(uint16_t port, unsigned int size);
void ata_write(uint16_t port, unsigned int size, uint32_t val);
/* The level of IRQ 14 as the selected drive drives it. */
bool ata_irq_level(void);

#endif

/*
 * heron-dm's IDE/ATA disks: the legacy primary channel (command block
 * 0x1f0-0x1f7, control 0x3f6, IRQ 14), master and slave, each backed by
 * an image file (raw, as heron-blkback serves them).  Enough of ATA-8
 * for Linux's and pvops-guest's drivers: IDENTIFY DEVICE (LBA28 and
 * LBA48 sizes, MWDMA 0-2), READ/WRITE SECTORS (EXT) by PIO, READ/WRITE
 * DMA (EXT) through the PIIX3's bus master (bmdma.c), FLUSH CACHE (EXT),
 * SET FEATURES (transfer modes: PIO, MWDMA) and the device control
 * register (nIEN, SRST); other commands are aborted.  Commands complete
 * at once, a DMA one as soon as the bus master is started: BSY is never
 * seen.
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

/*
 * The bus master's side of a DMA command.  request is called when one is
 * issued (the drive asserts DMARQ); the command waits until
 * ata_dma_end().
 */
void ata_on_dma_request(void (*request)(void));
/* The bytes the waiting DMA command has left to move (0: none waits) and
 * its direction. */
uint32_t ata_dma_pending(bool *to_disk);
/* Moves the command's next len bytes (at most those left) between mem and
 * the image; false on an I/O error or too many bytes. */
bool ata_dma_move(uint8_t *mem, uint32_t len);
/* Ends it: done if ok and no bytes are left, else aborted (ERR, ABRT);
 * the drive interrupts. */
void ata_dma_end(bool ok);

#endif

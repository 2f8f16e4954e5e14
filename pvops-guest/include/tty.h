/* The console tty (fs/tty.c). */
#ifndef GUEST_TTY_H
#define GUEST_TTY_H

#include "fs.h"

extern const struct file_ops tty_ops;
void tty_init(void);

#endif

/*
 * A dom0 daemon's pid in /run/heron/NAME.pid, written at start and
 * removed at a clean exit, so that scripts (dom0 has no /proc) can
 * signal it; one left behind by a killed daemon is overwritten by the
 * next start.
 */
#ifndef HERON_PIDFILE_H
#define HERON_PIDFILE_H

#define PIDFILE_DIR "/run/heron"

/* 0, or an errno (the caller logs it and runs on without one). */
int pidfile_write(const char *name);
/* Removes NAME's pid file. */
void pidfile_remove(const char *name);

#endif

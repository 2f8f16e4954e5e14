/* Pid files for dom0's daemons (pidfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pidfile.h"

static void pidfile_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, PIDFILE_DIR "/%s.pid", name);
}

int pidfile_write(const char *name)
{
    char path[128], line[24];
    int fd, len, err = 0;

    if (mkdir(PIDFILE_DIR, 0755) && errno != EEXIST)
        return errno;
    pidfile_path(path, sizeof(path), name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    len = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
    if (write(fd, line, (size_t)len) != len)
        err = errno ? errno : EIO;
    if (close(fd) && !err)
        err = errno;
    return err;
}

void pidfile_remove(const char *name)
{
    char path[128];

    pidfile_path(path, sizeof(path), name);
    unlink(path);
}

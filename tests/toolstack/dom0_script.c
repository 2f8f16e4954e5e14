/* Running a dom0 script from a Check test (dom0_script.h). */
#include "dom0_script.h"

#include <stdlib.h>
#include <sys/wait.h>

char *slurp_lines(FILE *p, bool skip_hv)
{
    size_t len = 0, cap = 1 << 21;
    char *out = calloc(1, cap), line[1024];

    ck_assert_ptr_nonnull(out);
    while (fgets(line, sizeof(line), p))
        if ((!skip_hv || strncmp(line, "hv: ", 4)) && len + strlen(line) + 1 < cap) {
            strcpy(out + len, line);
            len += strlen(line);
        }
    return out;
}

char *dom0_script_run(const char *cmd, const char *log_txt, char **console)
{
    FILE *p = popen(cmd, "r");
    char *out;
    int st;

    ck_assert_ptr_nonnull(p);
    out = slurp_lines(p, true);
    st = pclose(p);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d (console: %s):\n%s",
                  st, log_txt, TAIL(out));
    p = fopen(log_txt, "r");
    ck_assert_msg(p != NULL, "no console log %s", log_txt);
    *console = slurp_lines(p, false);
    fclose(p);
    return out;
}

bool line_has(const char *text, const char *a, const char *b)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *end = strchr(l, '\n'), *x = strstr(l, a), *y = strstr(l, b);

        if (x && y && (!end || (x < end && y < end)))
            return true;
    }
    return false;
}

bool frames_released(const char *console, unsigned int d)
{
    char died[64], back[64];
    const char *line;
    unsigned long held = 1;

    snprintf(died, sizeof(died), "hv: domain %u died (destroyed): ", d);
    snprintf(back, sizeof(back), "hv: domain %u: its last frames came back", d);
    line = strstr(console, died);
    if (!line || !strstr(line, "frames returned, "))
        return false;
    sscanf(strstr(line, "frames returned, ") + strlen("frames returned, "), "%lu held", &held);
    return held == 0 || strstr(console, back);
}

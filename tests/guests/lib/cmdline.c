/*
 * The guest command line (start_info->cmd_line) as "key=value" words.
 * Multi-domain tests take their role and peer from it.
 */
#include "guest.h"

bool cmdline_get(const char *key, char *buf, size_t size)
{
    const char *p = (const char *)start_info->cmd_line;
    const char *end = p + MAX_GUEST_CMDLINE;
    size_t klen = strlen(key);

    while (p < end && *p) {
        while (p < end && *p == ' ')
            p++;
        const char *word = p;
        while (p < end && *p && *p != ' ')
            p++;
        if ((size_t)(p - word) > klen && !strncmp(word, key, klen) &&
            word[klen] == '=') {
            size_t n = (size_t)(p - word) - klen - 1;
            if (n >= size)
                return false;
            memcpy(buf, word + klen + 1, n);
            buf[n] = '\0';
            return true;
        }
    }
    return false;
}

long cmdline_long(const char *key, long fallback)
{
    char buf[24];
    long v = 0;
    bool neg;
    const char *s = buf;

    if (!cmdline_get(key, buf, sizeof(buf)) || !buf[0])
        return fallback;
    neg = *s == '-';
    if (neg)
        s++;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return fallback;
        v = v * 10 + (*s - '0');
    }
    return neg ? -v : v;
}

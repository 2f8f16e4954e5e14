/* String and memory functions for freestanding hv code. */
#include <hv/lib.h>

/*
 * Quadwords, then the tail bytes.  Under QEMU's TCG each step of a rep
 * string instruction is a pass through the translated block, so a byte
 * at a time costs eight times the steps (and the instruction counts of
 * -icount) of a quadword at a time.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    size_t q = n / 8, b = n % 8;

    asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(q) :: "memory");
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(b) :: "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    size_t q = n / 8, b = n % 8;
    u64 pattern = (u8)c * 0x0101010101010101ULL;

    asm volatile("rep stosq" : "+D"(dst), "+c"(q) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(dst), "+c"(b) : "a"(pattern) : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

/* A small vsnprintf: %s %c %d %i %u %x %p %%, with l/ll/z, '#', '0' and width. */
#include "guest.h"

struct out {
    char *buf;
    size_t size, len;
};

static void emit(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void emit_number(struct out *o, unsigned long v, unsigned int base,
                        bool negative, int width, char pad, const char *prefix)
{
    char digits[24];
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    width -= n + negative + (int)strlen(prefix);
    if (pad == ' ')
        for (; width > 0; width--)
            emit(o, ' ');
    if (negative)
        emit(o, '-');
    while (*prefix)
        emit(o, *prefix++);
    for (; width > 0; width--)
        emit(o, '0');
    while (n)
        emit(o, digits[--n]);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        bool alt = false, is_long = false;
        char pad = ' ';
        int width = 0;
        fmt++;
        if (*fmt == '#') { alt = true; fmt++; }
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') { is_long = true; fmt++; }

        switch (*fmt) {
        case 'd': case 'i': {
            long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            emit_number(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10,
                        v < 0, width, pad, "");
            break;
        }
        case 'u':
            emit_number(&o, is_long ? va_arg(ap, unsigned long)
                                    : va_arg(ap, unsigned int),
                        10, false, width, pad, "");
            break;
        case 'x':
            emit_number(&o, is_long ? va_arg(ap, unsigned long)
                                    : va_arg(ap, unsigned int),
                        16, false, width, pad, alt ? "0x" : "");
            break;
        case 'p':
            emit_number(&o, (unsigned long)va_arg(ap, void *), 16, false,
                        width, pad, "0x");
            break;
        case 'c':
            emit(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                emit(&o, *s);
            break;
        }
        case '%':
            emit(&o, '%');
            break;
        default:
            emit(&o, '%');
            if (!*fmt)
                goto done;
            emit(&o, *fmt);
        }
    }
done:
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

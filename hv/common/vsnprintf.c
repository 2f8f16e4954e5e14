/*
 * printf-style formatting for hv: %d %i %u %x %X %o %c %s %p %%, flags
 * '-', '0' and '#', width and precision (numbers or '*'), length modifiers
 * hh h l ll z t.  Returns the length the full output would have had.
 */
#include <hv/lib.h>

struct out {
    char *buf;
    size_t size, pos;
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_padding(struct out *o, int n, char c)
{
    while (n-- > 0)
        put(o, c);
}

#define F_LEFT  1
#define F_ZERO  2
#define F_ALT   4

static void put_number(struct out *o, unsigned long long v, bool negative,
                       unsigned int base, bool upper, int width, int prec,
                       unsigned int flags)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    const char *prefix = negative ? "-" : "";
    char tmp[24];
    int n = 0, len;

    if ((flags & F_ALT) && base == 16 && v)
        prefix = upper ? "0X" : "0x";
    else if ((flags & F_ALT) && base == 8 && v)
        prefix = "0";

    if (v == 0 && prec != 0)
        tmp[n++] = '0';
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    len = n > prec ? n : prec;
    len += strlen(prefix);

    if (!(flags & F_LEFT) && !((flags & F_ZERO) && prec < 0))
        put_padding(o, width - len, ' ');
    while (*prefix)
        put(o, *prefix++);
    if (!(flags & F_LEFT) && (flags & F_ZERO) && prec < 0)
        put_padding(o, width - len, '0');
    put_padding(o, prec - n, '0');
    while (n)
        put(o, tmp[--n]);
    if (flags & F_LEFT)
        put_padding(o, width - len, ' ');
}

static void put_string(struct out *o, const char *s, int width, int prec,
                       unsigned int flags)
{
    int len;

    if (!s)
        s = "(null)";
    len = prec < 0 ? (int)strlen(s) : (int)strnlen(s, prec);
    if (!(flags & F_LEFT))
        put_padding(o, width - len, ' ');
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (flags & F_LEFT)
        put_padding(o, width - len, ' ');
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static unsigned long long get_unsigned(va_list *ap, enum length l)
{
    switch (l) {
    case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:  return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE:  return va_arg(*ap, size_t);
    default:        return va_arg(*ap, unsigned int);
    }
}

static long long get_signed(va_list *ap, enum length l)
{
    switch (l) {
    case LEN_CHAR:  return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG:  return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE:  return va_arg(*ap, long);
    default:        return va_arg(*ap, int);
    }
}

static int parse_int(const char **fmt, va_list *ap)
{
    int n = 0;

    if (**fmt == '*') {
        (*fmt)++;
        return va_arg(*ap, int);
    }
    while (**fmt >= '0' && **fmt <= '9')
        n = n * 10 + (*(*fmt)++ - '0');
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct out o = { buf, size, 0 };
    va_list ap;

    va_copy(ap, args);
    for (; *fmt; fmt++) {
        unsigned int flags = 0;
        int width, prec = -1;
        enum length len = LEN_INT;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                flags |= F_LEFT;
            else if (*fmt == '0')
                flags |= F_ZERO;
            else if (*fmt == '#')
                flags |= F_ALT;
            else
                break;
        }
        width = parse_int(&fmt, &ap);
        if (width < 0) {
            flags |= F_LEFT;
            width = -width;
        }
        if (*fmt == '.') {
            fmt++;
            prec = parse_int(&fmt, &ap);
        }
        if (*fmt == 'h') {
            fmt++;
            len = LEN_SHORT;
            if (*fmt == 'h') {
                fmt++;
                len = LEN_CHAR;
            }
        } else if (*fmt == 'l') {
            fmt++;
            len = LEN_LONG;
            if (*fmt == 'l') {
                fmt++;
                len = LEN_LLONG;
            }
        } else if (*fmt == 'z' || *fmt == 't') {
            fmt++;
            len = LEN_SIZE;
        }

        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = get_signed(&ap, len);
            unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;

            put_number(&o, mag, v < 0, 10, false, width, prec, flags);
            break;
        }
        case 'u':
            put_number(&o, get_unsigned(&ap, len), false, 10, false, width, prec, flags);
            break;
        case 'x':
        case 'X':
            put_number(&o, get_unsigned(&ap, len), false, 16, *fmt == 'X', width, prec, flags);
            break;
        case 'o':
            put_number(&o, get_unsigned(&ap, len), false, 8, false, width, prec, flags);
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (unsigned long)va_arg(ap, void *), false, 16, false,
                       16, -1, F_ZERO);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);

            if (!(flags & F_LEFT))
                put_padding(&o, width - 1, ' ');
            put(&o, c);
            if (flags & F_LEFT)
                put_padding(&o, width - 1, ' ');
            break;
        }
        case 's':
            put_string(&o, va_arg(ap, const char *), width, prec, flags);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    va_end(ap);
    if (size)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

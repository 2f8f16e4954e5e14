/* Fixed-point frequency scaling in the pvclock (mul_frac, shift) form. */
#include <hv/time.h>

/* (hi:lo) / d for a quotient known to fit in 64 bits. */
static u64 div128_64(u64 hi, u64 lo, u64 d)
{
    u64 q, r;

    asm("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
    (void)r;
    return q;
}

void time_scale_compute(struct time_scale *ts, u64 from_hz, u64 to_hz)
{
    u64 f = from_hz;
    int shift = 0;

    /* Bring f into (to_hz, 2 * to_hz] so that mul_frac = to_hz / f in
     * 0.32 fixed point uses all 32 bits. */
    while (f > 2 * to_hz) {
        f >>= 1;
        shift--;
    }
    while (f <= to_hz) {
        f <<= 1;
        shift++;
    }
    ts->shift = shift;
    ts->mul_frac = div128_64(to_hz >> 32, to_hz << 32, f);
}

u64 scale_delta(u64 delta, const struct time_scale *ts)
{
    if (ts->shift < 0)
        delta >>= -ts->shift;
    else
        delta <<= ts->shift;
    return (u64)(((unsigned __int128)delta * ts->mul_frac) >> 32);
}

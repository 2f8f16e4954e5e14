/*
 * Software timers on per-CPU queues sorted by expiry.  The hardware timer
 * is always armed for the queue head; its interrupt raises TIMER_SOFTIRQ,
 * which runs every expired timer in order and re-arms for the new head.
 * The hardware timer is one-shot and only that softirq re-arms it, so a
 * lost interrupt would stop every timer for good; timer_raise_if_due()
 * lets the idle loop and a periodic watchdog interrupt (apic.c) notice a
 * due head instead (QEMU's TCG has been seen
 * losing one, docs/hvm.md "Debugging").
 */
#include <hv/timer.h>
#include <hv/time.h>
#include <hv/softirq.h>
#include <hv/percpu.h>
#include <hv/spinlock.h>
#include <hv/processor.h>
#include <hv/lib.h>

struct timer_queue {
    spinlock_t lock;
    struct list_head list;
};

static struct timer_queue timer_queues[NR_CPUS];

static void queue_lock(struct timer_queue *q, unsigned long *flags)
{
    *flags = local_irq_save();
    spin_lock(&q->lock);
}

static void queue_unlock(struct timer_queue *q, unsigned long flags)
{
    spin_unlock(&q->lock);
    local_irq_restore(flags);
}

/* Arms the hardware for the head of this CPU's queue (or disarms it). */
static void program_head(struct timer_queue *q)
{
    if (list_empty(&q->list))
        reprogram_timer(0);
    else
        reprogram_timer(list_first_entry(&q->list, struct timer, entry)->expires);
}

void init_timer(struct timer *t, void (*fn)(void *), void *data)
{
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->cpu = smp_processor_id();
    t->active = false;
    list_init(&t->entry);
}

void set_timer(struct timer *t, s_time_t expires)
{
    struct timer_queue *q = &timer_queues[t->cpu];
    struct list_head *pos;
    unsigned long flags;

    queue_lock(q, &flags);
    if (t->active)
        list_del(&t->entry);
    t->expires = expires;
    t->active = true;
    /* After every timer with expires <= ours: equal deadlines run FIFO. */
    for (pos = q->list.next; pos != &q->list; pos = pos->next)
        if (list_entry(pos, struct timer, entry)->expires > expires)
            break;
    list_add_tail(&t->entry, pos);
    if (q->list.next == &t->entry && t->cpu == smp_processor_id())
        program_head(q);
    queue_unlock(q, flags);
}

void stop_timer(struct timer *t)
{
    struct timer_queue *q = &timer_queues[t->cpu];
    unsigned long flags;

    queue_lock(q, &flags);
    if (t->active) {
        list_del(&t->entry);
        t->active = false;
    }
    queue_unlock(q, flags);
}

void timer_raise_if_due(void)
{
    struct timer_queue *q = &timer_queues[smp_processor_id()];
    unsigned long flags;
    bool due;

    queue_lock(q, &flags);
    due = !list_empty(&q->list) &&
          list_first_entry(&q->list, struct timer, entry)->expires <= NOW();
    queue_unlock(q, flags);
    if (due)
        raise_softirq(TIMER_SOFTIRQ);
}

static void timer_softirq_action(void)
{
    struct timer_queue *q = &timer_queues[smp_processor_id()];
    unsigned long flags;

    queue_lock(q, &flags);
    while (!list_empty(&q->list)) {
        struct timer *t = list_first_entry(&q->list, struct timer, entry);

        if (t->expires > NOW())
            break;
        list_del(&t->entry);
        t->active = false;
        queue_unlock(q, flags);
        t->fn(t->data);
        queue_lock(q, &flags);
    }
    program_head(q);
    queue_unlock(q, flags);
}

void timer_subsystem_init(void)
{
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        spin_lock_init(&timer_queues[cpu].lock);
        list_init(&timer_queues[cpu].list);
    }
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
}

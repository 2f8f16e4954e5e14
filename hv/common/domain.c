/* The registry of live domains. */
#include <hv/domain.h>
#include <hv/mm_seam.h>

static LIST_HEAD(domain_list);
static spinlock_t domlist_lock = SPIN_LOCK_UNLOCKED;

void domain_list_add(struct domain *d)
{
    spin_lock(&domlist_lock);
    list_add_tail(&d->domain_list, &domain_list);
    spin_unlock(&domlist_lock);
}

void domain_list_del(struct domain *d)
{
    spin_lock(&domlist_lock);
    list_del(&d->domain_list);
    spin_unlock(&domlist_lock);
}

struct domain *domain_by_id(domid_t id)
{
    struct domain *d, *found = NULL;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        if (d->domain_id == id) {
            found = d;
            break;
        }
    spin_unlock(&domlist_lock);
    return found;
}

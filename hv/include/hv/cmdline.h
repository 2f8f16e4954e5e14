/*
 * hv command-line options: space-separated "name" or "name=value" words.
 * A later occurrence of an option overrides an earlier one.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <hv/types.h>

/*
 * Finds option `name` in `cmdline`.  Returns false if absent; else copies
 * its value (empty for a bare word) into val (truncated to len-1, always
 * terminated) and returns true.
 */
bool cmdline_find(const char *cmdline, const char *name, char *val, size_t len);
/* True if the comma-separated list `list` contains `item`. */
bool cmdline_list_has(const char *list, const char *item);

#endif

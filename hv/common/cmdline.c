/* hv command-line option lookup. */
#include <hv/cmdline.h>
#include <hv/lib.h>

bool cmdline_find(const char *cmdline, const char *name, char *val, size_t len)
{
    size_t nlen = strlen(name);
    bool found = false;
    const char *p = cmdline;

    while (*p) {
        const char *word, *end;

        while (*p == ' ')
            p++;
        word = p;
        while (*p && *p != ' ')
            p++;
        end = p;
        if ((size_t)(end - word) < nlen || strncmp(word, name, nlen))
            continue;
        if (word + nlen == end) {
            found = true;
            if (len)
                val[0] = '\0';
        } else if (word[nlen] == '=') {
            size_t vlen = end - (word + nlen + 1);

            found = true;
            if (len) {
                if (vlen > len - 1)
                    vlen = len - 1;
                memcpy(val, word + nlen + 1, vlen);
                val[vlen] = '\0';
            }
        }
    }
    return found;
}

bool cmdline_list_has(const char *list, const char *item)
{
    size_t ilen = strlen(item);

    if (!ilen)
        return false;
    while (*list) {
        const char *end = strchr(list, ',');
        size_t n = end ? (size_t)(end - list) : strlen(list);

        if (n == ilen && !strncmp(list, item, n))
            return true;
        if (!end)
            break;
        list = end + 1;
    }
    return false;
}

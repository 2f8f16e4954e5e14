/*
 * execve: "#!" scripts and static ELF executables.  Segments become private
 * file mappings of the ramfs file (demand-paged), the stack gets argv,
 * envp and the auxiliary vector as the SysV x86-64 ABI lays them out.
 */
#include "elf_load.h"
#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "random.h"
#include "uaccess.h"
#include "vm.h"

#define ARG_MAX_BYTES (128 * 1024)
#define MAX_ARGS 1024
#define PIE_BASE 0x555555554000UL

/* Arguments gathered in one kernel buffer before the old image is dropped. */
struct args {
	char *buf;
	size_t used;
	int argc, envc;
	char *argv[MAX_ARGS];   /* argv then envp, pointing into buf */
};

static int args_push(struct args *a, const char *s, bool env)
{
	size_t n = strlen(s) + 1;

	if (a->used + n > ARG_MAX_BYTES || a->argc + a->envc >= MAX_ARGS)
		return -E2BIG;
	memcpy(a->buf + a->used, s, n);
	if (!env)
		memmove(&a->argv[a->argc + 1], &a->argv[a->argc], a->envc * sizeof(char *));
	a->argv[env ? a->argc + a->envc : a->argc] = a->buf + a->used;
	if (env)
		a->envc++;
	else
		a->argc++;
	a->used += n;
	return 0;
}

static int load_segments(struct mm *mm, struct inode *ino, const struct elf_info *e,
			 uint64_t bias)
{
	uintptr_t top = 0;

	for (int i = 0; i < e->nseg; i++) {
		const struct elf_segment *s = &e->seg[i];
		uintptr_t start = PAGE_DOWN(s->vaddr + bias);
		uintptr_t file_end = PAGE_UP(s->vaddr + bias + s->filesz);
		uintptr_t mem_end = PAGE_UP(s->vaddr + bias + s->memsz);
		uint64_t off = s->offset - (s->vaddr + bias - start);
		int err;

		if (file_end > start) {
			err = vma_add(mm, start, file_end, s->prot, ino, off, s->offset + s->filesz);
			if (err)
				return err;
		}
		if (mem_end > MAX(file_end, start)) {
			err = vma_add(mm, MAX(file_end, start), mem_end, s->prot, NULL, 0, 0);
			if (err)
				return err;
		}
		top = MAX(top, mem_end);
	}
	mm->brk_start = mm->brk = top;
	return 0;
}

static int push_bytes(uintptr_t *sp, const void *p, size_t n, uintptr_t *where)
{
	*sp -= n;
	*where = *sp;
	return copy_to_user(*sp, p, n);
}

/* Lays out strings, auxv, envp, argv and argc below STACK_TOP in the current mm. */
static int build_stack(struct args *a, const struct elf_info *e, uint64_t bias,
		       const char *execfn, uintptr_t *out_sp)
{
	uintptr_t sp = STACK_TOP, execfn_at, platform_at, random_at;
	uintptr_t strs[MAX_ARGS];
	uint8_t rnd[16];
	uint64_t aux[40];
	int na = 0, nwords;
	uint32_t hwcap, eax = 1, ebx, ecx;

	if (push_bytes(&sp, execfn, strlen(execfn) + 1, &execfn_at) ||
	    push_bytes(&sp, "x86_64", 7, &platform_at))
		return -EFAULT;
	for (int i = a->argc + a->envc - 1; i >= 0; i--)
		if (push_bytes(&sp, a->argv[i], strlen(a->argv[i]) + 1, &strs[i]))
			return -EFAULT;
	random_bytes(rnd, sizeof(rnd));
	sp &= ~15UL;
	if (push_bytes(&sp, rnd, sizeof(rnd), &random_at))
		return -EFAULT;
	asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(hwcap));

#define AUX(k, v) (aux[na++] = (k), aux[na++] = (v))
	AUX(AT_PHDR, e->phdr_vaddr + bias);
	AUX(AT_PHENT, e->phentsize);
	AUX(AT_PHNUM, e->phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, e->entry + bias);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_HWCAP, hwcap);
	AUX(AT_RANDOM, random_at);
	AUX(AT_PLATFORM, platform_at);
	AUX(AT_EXECFN, execfn_at);
	AUX(AT_NULL, 0);
#undef AUX
	nwords = 1 + a->argc + 1 + a->envc + 1 + na;
	sp -= nwords * 8;
	sp &= ~15UL;
	*out_sp = sp;

	uint64_t *w = kmalloc(nwords * 8);
	int k = 0;

	if (!w)
		return -ENOMEM;
	w[k++] = a->argc;
	for (int i = 0; i < a->argc; i++)
		w[k++] = strs[i];
	w[k++] = 0;
	for (int i = 0; i < a->envc; i++)
		w[k++] = strs[a->argc + i];
	w[k++] = 0;
	memcpy(&w[k], aux, na * 8);
	int err = copy_to_user(sp, w, nwords * 8);

	kfree(w);
	return err;
}

/* Replaces argv[0] with interpreter [arg] script for a "#!" file. */
static int script_args(struct args *a, struct inode *ino, const char *path, char *interp)
{
	char line[128], *p, *arg = NULL;
	size_t n = MIN(ino->size, sizeof(line) - 1);

	memcpy(line, ino->data, n);
	line[n] = 0;
	p = strchr(line, '\n');
	if (!p && ino->size >= sizeof(line))
		return -ENOEXEC;
	if (p)
		*p = 0;
	p = line + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -ENOEXEC;
	char *end = p;

	while (*end && *end != ' ' && *end != '\t')
		end++;
	if (*end) {
		*end++ = 0;
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end) {
			arg = end;
			size_t l = strlen(arg);

			while (l && (arg[l - 1] == ' ' || arg[l - 1] == '\t'))
				arg[--l] = 0;
		}
	}
	memcpy(interp, p, strlen(p) + 1);
	/* New argv: interp [arg] path argv[1..]. */
	char *old[MAX_ARGS];
	int argc = a->argc;

	memcpy(old, a->argv, argc * sizeof(char *));
	memmove(&a->argv[0], &a->argv[argc], a->envc * sizeof(char *));
	a->argc = 0;
	int err = args_push(a, interp, false);

	if (!err && arg)
		err = args_push(a, arg, false);
	if (!err)
		err = args_push(a, path, false);
	for (int i = 1; i < argc && !err; i++)
		err = args_push(a, old[i], false);
	return err;
}

static void close_on_exec(struct proc *p)
{
	for (int fd = 0; fd < NOFILE; fd++)
		if ((p->cloexec >> fd) & 1 && p->files[fd]) {
			file_put(p->files[fd]);
			p->files[fd] = NULL;
		}
	p->cloexec = 0;
}

static long exec_args(struct args *a, const char *path_in)
{
	char path[256], interp[128];
	struct inode *ino;
	struct elf_info e;
	int err, depth;

	if (strlen(path_in) >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, path_in, strlen(path_in) + 1);
	for (depth = 0;; depth++) {
		err = path_lookup(fs_root, current->cwd, path, LOOKUP_FOLLOW, &ino);
		if (err)
			return err;
		if (!S_ISREG(ino->mode) || !(ino->mode & 0111))
			return -EACCES;
		if (ino->size < 2 || ino->data[0] != '#' || ino->data[1] != '!')
			break;
		if (depth == 4)
			return -ELOOP;
		err = script_args(a, ino, path, interp);
		if (err)
			return err;
		memcpy(path, interp, strlen(interp) + 1);
	}
	err = elf_parse((const uint8_t *)ino->data, ino->size, &e);
	if (err)
		return err;

	uint64_t bias = e.pie ? PIE_BASE : 0;
	struct mm *mm = mm_create(), *old = current->mm;

	if (!mm)
		return -ENOMEM;
	err = load_segments(mm, ino, &e, bias);
	if (!err)
		err = vma_add(mm, STACK_TOP - STACK_SIZE, STACK_TOP, VM_READ | VM_WRITE, NULL, 0, 0);
	if (err) {
		mm_destroy(mm);
		return err;
	}
	/* Point of no return: from here a failure kills the process. */
	current->mm = mm;
	mm_activate(mm);
	if (old)
		mm_destroy(old);

	uintptr_t sp;

	err = build_stack(a, &e, bias, path_in, &sp);
	if (err)
		proc_exit(SIGSEGV);
	const char *base = path;

	for (const char *p = path; *p; p++)
		if (*p == '/')
			base = p + 1;
	memset(current->name, 0, sizeof(current->name));
	memcpy(current->name, base, MIN(strlen(base), sizeof(current->name) - 1));
	close_on_exec(current);
	signal_exec_reset(current);
	current->fs_base = current->gs_base = 0;
	pv_ops.cpu.set_fs_base(0);
	pv_ops.cpu.set_gs_base(0);
	memset(current->fpu, 0, sizeof(current->fpu));
	*(uint16_t *)current->fpu = 0x37f;            /* x87 control word */
	*(uint32_t *)(current->fpu + 24) = 0x1f80;    /* MXCSR */
	pv_ops.cpu.fpu_restore(current->fpu);
	if (current->vfork_pending) {
		current->vfork_pending = false;
		wakeup(current);
	}

	struct trapframe *tf = current->tf;

	memset(tf, 0, sizeof(*tf));
	tf->rip = e.entry + bias;
	tf->rsp = sp;
	tf->rflags = RFLAGS_IF;
	tf->cs = pv_ops.cpu.user_cs;
	tf->ss = pv_ops.cpu.user_ss;
	return 0;
}

static struct args *args_new(void)
{
	struct args *a = kzalloc(sizeof(*a));

	if (!a)
		return NULL;
	a->buf = kmalloc(ARG_MAX_BYTES);
	if (!a->buf) {
		kfree(a);
		return NULL;
	}
	return a;
}

static void args_free(struct args *a)
{
	kfree(a->buf);
	kfree(a);
}

static int copy_user_vector(struct args *a, uintptr_t uvec, bool env)
{
	char *tmp = kmalloc(4096);
	int err = 0;

	if (!tmp)
		return -ENOMEM;
	for (int i = 0; uvec && !err; i++) {
		uint64_t p;

		if (copy_from_user(&p, uvec + i * 8, 8)) {
			err = -EFAULT;
			break;
		}
		if (!p)
			break;
		long n = strncpy_from_user(tmp, p, 4096);

		err = n < 0 ? (n == -ENAMETOOLONG ? -E2BIG : (int)n) : args_push(a, tmp, env);
	}
	kfree(tmp);
	return err;
}

long sys_execve(uintptr_t upath, uintptr_t uargv, uintptr_t uenvp);

long sys_execve(uintptr_t upath, uintptr_t uargv, uintptr_t uenvp)
{
	char path[256];
	struct args *a;
	long n = strncpy_from_user(path, upath, sizeof(path));
	int err;

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	a = args_new();
	if (!a)
		return -ENOMEM;
	err = copy_user_vector(a, uargv, false);
	if (!err)
		err = copy_user_vector(a, uenvp, true);
	if (!err)
		err = exec_args(a, path);
	args_free(a);
	return err;
}

/* Starts pid 1: "/init" with the command line's words as arguments. */
int exec_init(const char *path, const char *cmdline)
{
	struct args *a = args_new();
	char word[256];
	int err;

	if (!a)
		return -ENOMEM;
	err = args_push(a, path, false);
	while (!err && *cmdline) {
		size_t n = 0;

		while (*cmdline == ' ')
			cmdline++;
		while (*cmdline && *cmdline != ' ' && n < sizeof(word) - 1)
			word[n++] = *cmdline++;
		word[n] = 0;
		if (n)
			err = args_push(a, word, false);
	}
	if (!err)
		err = args_push(a, "HOME=/", true);
	if (!err)
		err = args_push(a, "PATH=/bin:/sbin:/usr/bin:/usr/sbin", true);
	if (!err)
		err = args_push(a, "TERM=vt100", true);
	if (!err)
		err = exec_args(a, path);
	args_free(a);
	return err;
}

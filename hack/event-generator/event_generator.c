/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event-generator: performs, harmlessly, the actions Saker's default rules
 * (rules/saker_rules.yaml) look for, so a deployment can be checked end to
 * end. One subcommand per rule, plus `all` and `list`. Every action cleans
 * up after itself (temporary files, links, mounts, cgroups, children) and
 * prints what it did. Container actions run in a cgroup named like a Docker
 * container (.../docker-<64 hex>.scope). Needs root.
 *
 * Usage: event-generator [-q] ACTION... | all | list
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EG_PATH_MAX 512
#define EG_NOBODY 65534
/* The name the generator's own process carries (its comm). */
#define EG_COMM "event-generator"

static char eg_tmp[128];          /* private temporary directory */
static char eg_self[EG_PATH_MAX]; /* this binary */
static bool eg_quiet;

struct eg_container {
	char id[65];
	char dir[EG_PATH_MAX]; /* the docker-<id>.scope cgroup */
	char parent[320];      /* the slice created for it */
};

static void say(const char *action, const char *fmt, ...)
{
	if (eg_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	printf("%-32s ", action);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static int fail(const char *action, const char *what)
{
	fprintf(stderr, "event-generator: %s: %s: %s\n", action, what, strerror(errno));
	return -1;
}

static void path_in_tmp(char *out, const char *name)
{
	snprintf(out, EG_PATH_MAX, "%s/%s", eg_tmp, name);
}

/* A program named `name` in the temporary directory: a symlink to target (comm = name). */
static int make_tool(const char *name, const char *target, char *out)
{
	path_in_tmp(out, name);
	unlink(out);
	return symlink(target, out);
}

/* ---- cgroups that look like containers ---- */

#define EG_CGROOT_MAX 256

static int cgroup2_root(char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];
	int rc = -ENOENT;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		char mnt[EG_CGROOT_MAX];
		if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) == 1) {
			snprintf(out, cap, "%s", mnt);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

static int container_create(struct eg_container *c)
{
	char root[EG_CGROOT_MAX];
	if (cgroup2_root(root, sizeof(root))) {
		errno = ENOENT;
		return -1;
	}
	static unsigned serial;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	unsigned seed = (unsigned)now.tv_nsec ^ ((unsigned)getpid() << 16) ^ ++serial;
	for (int i = 0; i < 64; i++)
		c->id[i] = "0123456789abcdef"[rand_r(&seed) & 15];
	c->id[64] = '\0';
	snprintf(c->parent, sizeof(c->parent), "%s/saker-event-generator.slice", root);
	if (mkdir(c->parent, 0755) && errno != EEXIST)
		return -1;
	snprintf(c->dir, sizeof(c->dir), "%s/docker-%s.scope", c->parent, c->id);
	if (mkdir(c->dir, 0755)) {
		rmdir(c->parent);
		return -1;
	}
	return 0;
}

static void container_remove(struct eg_container *c)
{
	rmdir(c->dir);
	rmdir(c->parent);
}

/* Move the calling process into the container's cgroup. */
static int container_join(const struct eg_container *c)
{
	char procs[EG_PATH_MAX + 16];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", c->dir);
	int fd = open(procs, O_WRONLY);
	if (fd < 0)
		return -1;
	int rc = write(fd, "0", 1) == 1 ? 0 : -1;
	close(fd);
	return rc;
}

/* ---- child processes ---- */

struct eg_run {
	const struct eg_container *container; /* run inside it, or NULL */
	uid_t uid;                            /* 0 = stay root */
	bool tty;                             /* give the child a controlling terminal */
	int (*fn)(void *arg);                 /* run this in the child instead of exec */
	void *arg;
};

static int child_tty(int *master)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return -1;
	return 0;
}

static void child_setup(const struct eg_run *r, int master)
{
	if (r->container && container_join(r->container))
		_exit(120);
	if (r->tty) {
		setsid();
		int slave = open(ptsname(master), O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0))
			_exit(121);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(slave);
		close(master);
	}
	if (r->uid && (setgid(r->uid) || setuid(r->uid)))
		_exit(122);
}

/* Run argv (or r->fn) in a child; returns its exit status or -1. */
static int run(const struct eg_run *r, char *const argv[])
{
	int master = -1;
	if (r->tty && child_tty(&master))
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		child_setup(r, master);
		if (r->fn)
			_exit(r->fn(r->arg) ? 1 : 0);
		execv(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	if (master >= 0) {
		char buf[256];
		while (waitpid(pid, &st, WNOHANG) == 0) {
			struct timespec ts = {0, 2000000};
			fcntl(master, F_SETFL, O_NONBLOCK);
			while (read(master, buf, sizeof(buf)) > 0)
				;
			nanosleep(&ts, NULL);
		}
		close(master);
	} else {
		waitpid(pid, &st, 0);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Run in a fresh container cgroup, then remove it. */
static int run_in_container(const char *action, struct eg_run *r, char *const argv[])
{
	struct eg_container c;
	if (container_create(&c))
		return fail(action, "creating the container cgroup");
	r->container = &c;
	int rc = run(r, argv);
	container_remove(&c);
	say(action, "in container %.12s (cgroup %s)", c.id, c.dir);
	return rc < 0 ? fail(action, "running the child") : 0;
}

/* ---- actions ---- */

static int act_shell_from_server(const char *action)
{
	char server[EG_PATH_MAX];
	if (make_tool("nginx", eg_self, server))
		return fail(action, "symlink");
	char *argv[] = {server, "__spawn", "/bin/sh", "-c", "exit 0", NULL};
	struct eg_run r = {0};
	if (run(&r, argv))
		return fail(action, "running nginx -> sh");
	unlink(server);
	say(action, "a process named nginx ran /bin/sh -c 'exit 0'");
	return 0;
}

static int act_terminal_shell_in_container(const char *action)
{
	/* As `docker exec -it`: the runtime (runc) starts the shell on a terminal. */
	char runc[EG_PATH_MAX];
	if (make_tool("runc", eg_self, runc))
		return fail(action, "symlink");
	char *argv[] = {runc, "__spawn", "/bin/sh", "-c", "exit 0", NULL};
	struct eg_run r = {.tty = true};
	int rc = run_in_container(action, &r, argv);
	unlink(runc);
	if (!rc)
		say(action, "a process named runc ran /bin/sh -c 'exit 0' on a pseudo-terminal");
	return rc;
}

static int act_read_sensitive_file(const char *action)
{
	int fd = open("/etc/shadow", O_RDONLY);
	if (fd < 0)
		return fail(action, "open /etc/shadow");
	close(fd);
	say(action, "opened /etc/shadow for reading (read nothing)");
	return 0;
}

static int write_and_remove(const char *action, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return fail(action, path);
	close(fd);
	unlink(path);
	say(action, "created and removed %s", path);
	return 0;
}

static int act_write_below_etc(const char *action)
{
	return write_and_remove(action, "/etc/saker-event-generator.tmp");
}

static int act_write_below_binary_dir(const char *action)
{
	return write_and_remove(action, "/usr/bin/saker-event-generator.tmp");
}

static int act_write_below_root(const char *action)
{
	return write_and_remove(action, "/root/saker-event-generator.tmp");
}

static int act_write_below_dev(const char *action)
{
	return write_and_remove(action, "/dev/saker-event-generator.tmp");
}

static int act_symlink_sensitive(const char *action)
{
	char link[EG_PATH_MAX];
	path_in_tmp(link, "shadow-symlink");
	if (symlink("/etc/shadow", link))
		return fail(action, "symlink");
	unlink(link);
	say(action, "linked and removed %s -> /etc/shadow", link);
	return 0;
}

static int act_hardlink_sensitive(const char *action)
{
	char link[EG_PATH_MAX];
	struct stat a, b;
	/* A hard link must stay on /etc's filesystem. */
	if (!stat("/etc", &a) && !stat(eg_tmp, &b) && a.st_dev == b.st_dev)
		path_in_tmp(link, "shadow-hardlink");
	else
		snprintf(link, sizeof(link), "/etc/.saker-event-generator-link");
	if (linkat(AT_FDCWD, "/etc/shadow", AT_FDCWD, link, 0))
		return fail(action, "linkat");
	unlink(link);
	say(action, "hard-linked and removed %s -> /etc/shadow", link);
	return 0;
}

static int container_tool(const char *action, const char *name, char *const args[])
{
	char tool[EG_PATH_MAX];
	if (make_tool(name, "/bin/true", tool))
		return fail(action, "symlink");
	char *argv[8] = {tool};
	for (int i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	struct eg_run r = {0};
	int rc = run_in_container(action, &r, argv);
	unlink(tool);
	if (!rc)
		say(action, "ran %s (a link to /bin/true, does nothing)", name);
	return rc;
}

static int act_remote_copy_in_container(const char *action)
{
	char *args[] = {"-q", "/etc/hostname", "nobody@192.0.2.1:/tmp/", NULL};
	return container_tool(action, "scp", args);
}

static int act_network_tool_in_container(const char *action)
{
	char *args[] = {"-z", "192.0.2.1", "80", NULL};
	return container_tool(action, "nc", args);
}

static int act_package_manager_in_container(const char *action)
{
	char *args[] = {"install", "-y", "saker-nothing", NULL};
	return container_tool(action, "apt-get", args);
}

static int act_sudo_escalation(const char *action)
{
	char tool[EG_PATH_MAX];
	if (make_tool("sudoedit", "/bin/true", tool))
		return fail(action, "symlink");
	char *argv[] = {tool, "-s", "\\", NULL};
	struct eg_run r = {.uid = EG_NOBODY};
	int rc = run(&r, argv);
	unlink(tool);
	if (rc)
		return fail(action, "running sudoedit");
	say(action, "ran sudoedit -s '\\' as uid %d (a link to /bin/true)", EG_NOBODY);
	return 0;
}

static int act_miner_pool_port(const char *action)
{
	static const uint16_t ports[] = {3333, 14444, 45700, 5555};
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	/* Earlier runs leave the port in TIME_WAIT for a minute. */
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	size_t i;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		a.sin_port = htons(ports[i]);
		if (!bind(lfd, (struct sockaddr *)&a, sizeof(a)))
			break;
	}
	if (i == sizeof(ports) / sizeof(ports[0]) || listen(lfd, 1)) {
		close(lfd);
		return fail(action, "no free pool port on 127.0.0.1");
	}
	int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = connect(cfd, (struct sockaddr *)&a, sizeof(a));
	int afd = rc ? -1 : accept(lfd, NULL, NULL);
	/* The client closes first, so TIME_WAIT stays on its ephemeral port, not the pool port. */
	close(cfd);
	close(afd);
	close(lfd);
	if (rc)
		return fail(action, "connect");
	say(action, "connected to a local listener on 127.0.0.1:%u", ports[i]);
	return 0;
}

static int act_stratum(const char *action)
{
	char *argv[] = {"/bin/true", "--url", "stratum+tcp://pool.invalid:3333", "--user", "x", NULL};
	struct eg_run r = {0};
	if (run(&r, argv))
		return fail(action, "running /bin/true");
	say(action, "ran /bin/true --url stratum+tcp://pool.invalid:3333");
	return 0;
}

static int act_ptrace_attach(const char *action)
{
	pid_t pid = fork();
	if (pid < 0)
		return fail(action, "fork");
	if (pid == 0) {
		for (;;)
			pause();
	}
	int rc = (int)ptrace(PTRACE_ATTACH, pid, NULL, NULL);
	int st;
	if (!rc) {
		waitpid(pid, &st, 0);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (rc)
		return fail(action, "PTRACE_ATTACH");
	say(action, "attached to and detached from child %d", (int)pid);
	return 0;
}

static int act_kernel_module(const char *action)
{
	char path[EG_PATH_MAX];
	path_in_tmp(path, "empty.ko");
	int fd = open(path, O_RDONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return fail(action, "creating empty.ko");
	long rc = syscall(SYS_finit_module, fd, "", 0);
	int e = errno;
	close(fd);
	unlink(path);
	if (rc == 0) {
		fprintf(stderr, "event-generator: %s: an empty module loaded?\n", action);
		return -1;
	}
	say(action, "finit_module on an empty file (refused: %s)", strerror(e));
	return 0;
}

static int act_bpf_program(const char *action)
{
	struct bpf_insn prog[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 2;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return fail(action, "BPF_PROG_LOAD");
	close(fd);
	say(action, "loaded and unloaded a 2-instruction socket filter");
	return 0;
}

static int mount_child(void *arg)
{
	const char *dir = arg;
	if (mount("/etc", dir, NULL, MS_BIND, NULL))
		return -1;
	return umount2(dir, MNT_DETACH);
}

static int act_mount_in_container(const char *action)
{
	char dir[EG_PATH_MAX];
	path_in_tmp(dir, "mnt");
	if (mkdir(dir, 0700))
		return fail(action, "mkdir");
	/* Exec into the container (as a runtime does) so the process is known to be in it. */
	char *argv[] = {eg_self, "__mount", dir, NULL};
	struct eg_run r = {0};
	int rc = run_in_container(action, &r, argv);
	rmdir(dir);
	if (!rc)
		say(action, "bind-mounted the host's /etc on %s and unmounted it", dir);
	return rc;
}

static int act_clear_log(const char *action)
{
	const char *path = "/var/log/saker-event-generator.log";
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return fail(action, path);
	if (write(fd, "event-generator\n", 16) != 16) {
		close(fd);
		unlink(path);
		return fail(action, "write");
	}
	close(fd);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0)
		close(fd);
	unlink(path);
	say(action, "created, truncated and removed %s", path);
	return fd < 0 ? fail(action, "truncate") : 0;
}

static int act_clear_history(const char *action)
{
	char path[EG_PATH_MAX];
	path_in_tmp(path, ".bash_history");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return fail(action, path);
	close(fd);
	if (unlink(path))
		return fail(action, "unlink");
	say(action, "created and deleted %s", path);
	return 0;
}

/* Re-enter the process's own UTS namespace: a setns that changes nothing. */
static int setns_child(void *arg)
{
	(void)arg;
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = setns(fd, CLONE_NEWUTS);
	close(fd);
	return rc;
}

static int act_namespace_in_container(const char *action)
{
	char *argv[] = {eg_self, "__setns", NULL};
	struct eg_run r = {0};
	int rc = run_in_container(action, &r, argv);
	if (!rc)
		say(action, "a child re-entered its own UTS namespace with setns and exited");
	return rc;
}

static int memfd_child(void *arg)
{
	(void)arg;
	int src = open("/bin/true", O_RDONLY | O_CLOEXEC);
	int mfd = (int)syscall(SYS_memfd_create, "saker-event-generator", 0);
	if (src < 0 || mfd < 0)
		return -1;
	char buf[65536];
	ssize_t n;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return -1;
	close(src);
	char *argv[] = {"true", NULL};
	char *envp[] = {NULL};
	syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH);
	return -1;
}

static int act_fileless_exec(const char *action)
{
	struct eg_run r = {.fn = memfd_child};
	if (run(&r, NULL))
		return fail(action, "executing from a memfd");
	say(action, "copied /bin/true into a memfd and executed it from there");
	return 0;
}

static int act_packet_socket(const char *action)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return fail(action, "socket(AF_PACKET)");
	close(fd);
	say(action, "opened and closed an AF_PACKET socket (received nothing)");
	return 0;
}

static int uffd_child(void *arg)
{
	(void)arg;
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int act_userfaultfd(const char *action)
{
	struct eg_run r = {.uid = EG_NOBODY, .fn = uffd_child};
	if (run(&r, NULL))
		return fail(action, "userfaultfd child");
	say(action, "called userfaultfd() as uid %d", EG_NOBODY);
	return 0;
}

static int act_search_keys(const char *action)
{
	char *argv[] = {"/usr/bin/find", eg_tmp, "-name", "id_rsa", NULL};
	struct eg_run r = {0};
	if (run(&r, argv))
		return fail(action, "running find");
	say(action, "ran find %s -name id_rsa (an empty directory)", eg_tmp);
	return 0;
}

struct eg_action {
	const char *name;
	const char *rule; /* the rule of rules/saker_rules.yaml it triggers */
	int (*fn)(const char *action);
};

static const struct eg_action eg_actions[] = {
	{"shell-spawned-by-server", "Shell Spawned by Server Process", act_shell_from_server},
	{"terminal-shell-in-container", "Terminal Shell in Container", act_terminal_shell_in_container},
	{"fileless-execution", "Fileless Execution from Memory File", act_fileless_exec},
	{"read-sensitive-file", "Read Sensitive File by Unexpected Program", act_read_sensitive_file},
	{"symlink-sensitive-file", "Create Symlink to Sensitive File", act_symlink_sensitive},
	{"hardlink-sensitive-file", "Create Hardlink to Sensitive File", act_hardlink_sensitive},
	{"search-private-keys", "Search for Private Keys or Cloud Credentials", act_search_keys},
	{"write-below-etc", "Write below etc", act_write_below_etc},
	{"write-below-binary-dir", "Write below binary dir", act_write_below_binary_dir},
	{"write-below-root", "Write below root", act_write_below_root},
	{"write-below-dev", "Write below dev", act_write_below_dev},
	{"remote-copy-in-container", "Remote File Copy Tool in Container", act_remote_copy_in_container},
	{"network-tool-in-container", "Network Tool in Container", act_network_tool_in_container},
	{"package-manager-in-container", "Package Manager in Container", act_package_manager_in_container},
	{"sudo-privilege-escalation", "Sudo Privilege Escalation Attempt", act_sudo_escalation},
	{"ptrace-attach", "Ptrace Attach to Process", act_ptrace_attach},
	{"unprivileged-userfaultfd", "Unprivileged Userfaultfd", act_userfaultfd},
	{"kernel-module-load", "Kernel Module Load", act_kernel_module},
	{"bpf-program-load", "BPF Program Load", act_bpf_program},
	{"mount-in-container", "Mount Host Path from Container", act_mount_in_container},
	{"namespace-change-in-container", "Namespace Change in Container", act_namespace_in_container},
	{"packet-socket", "Packet Socket Created", act_packet_socket},
	{"clear-log-file", "Clear Log Files", act_clear_log},
	{"clear-shell-history", "Delete or Truncate Shell History", act_clear_history},
	{"miner-pool-port", "Connection to Mining Pool Port", act_miner_pool_port},
	{"stratum-protocol", "Crypto Miner Stratum Protocol", act_stratum},
};

#define EG_NACTIONS (sizeof(eg_actions) / sizeof(eg_actions[0]))

static const struct eg_action *find_action(const char *name)
{
	for (size_t i = 0; i < EG_NACTIONS; i++)
		if (!strcmp(eg_actions[i].name, name))
			return &eg_actions[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: event-generator [-q] ACTION... | all | list\n"
		   "Performs harmless versions of the actions Saker's default rules detect.\n"
		   "Actions (and the rule each triggers):\n");
	for (size_t i = 0; i < EG_NACTIONS; i++)
		fprintf(f, "  %-32s %s\n", eg_actions[i].name, eg_actions[i].rule);
}

/* argv[0] = .../nginx __spawn PROGRAM ARGS: the disguised parent of shell-spawned-by-server. */
static int spawn_main(char **argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static void remove_tmp(void)
{
	if (eg_tmp[0])
		rmdir(eg_tmp);
}

int main(int argc, char **argv)
{
	/* Steps run in a child after it exec'd itself into a container cgroup. */
	if (argc >= 3 && !strcmp(argv[1], "__spawn"))
		return spawn_main(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "__mount"))
		return mount_child(argv[2]) ? 1 : 0;
	if (argc == 2 && !strcmp(argv[1], "__setns"))
		return setns_child(NULL) ? 1 : 0;
	int first = 1;
	if (argc > 1 && !strcmp(argv[1], "-q")) {
		eg_quiet = true;
		first = 2;
	}
	if (argc <= first || !strcmp(argv[first], "-h") || !strcmp(argv[first], "--help")) {
		usage(argc <= first ? stderr : stdout);
		return argc <= first ? 2 : 0;
	}
	if (!strcmp(argv[first], "list")) {
		for (size_t i = 0; i < EG_NACTIONS; i++)
			printf("%s\t%s\n", eg_actions[i].name, eg_actions[i].rule);
		return 0;
	}
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "all") && !find_action(argv[i])) {
			fprintf(stderr, "event-generator: unknown action '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	if (geteuid() != 0) {
		fprintf(stderr, "event-generator: needs root (files below /etc, cgroups, mounts)\n");
		return 1;
	}
	ssize_t n = readlink("/proc/self/exe", eg_self, sizeof(eg_self) - 1);
	if (n <= 0)
		return 1;
	eg_self[n] = '\0';
	snprintf(eg_tmp, sizeof(eg_tmp), "/tmp/saker-event-generator-XXXXXX");
	if (!mkdtemp(eg_tmp) || chmod(eg_tmp, 0755)) {
		perror("event-generator: temporary directory");
		return 1;
	}
	atexit(remove_tmp);
	int failed = 0;
	for (int i = first; i < argc; i++) {
		bool all = !strcmp(argv[i], "all");
		for (size_t k = 0; k < EG_NACTIONS; k++) {
			if (!all && strcmp(eg_actions[k].name, argv[i]))
				continue;
			if (eg_actions[k].fn(eg_actions[k].name))
				failed++;
		}
	}
	return failed ? 1 : 0;
}

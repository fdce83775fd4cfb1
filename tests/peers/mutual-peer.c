/* SPDX-License-Identifier: GPL-3.0-or-later */

/* MutualPeer starts a real server for a test and stops it again, whatever happens to
 * the test.
 *
 * - Every peer gets a fresh folder under g_get_tmp_dir() holding its configuration,
 *   copies of its certificates and keys, its state and its logs.
 * - It listens on 127.0.0.1 only, on port 0 where the program reports the port it got
 *   (openssl s_server), else on a free port picked by binding port 0 and closing, with
 *   a new port when the server reports that the address is in use. After the start
 *   /proc/net/tcp{,6} must show a listening socket of the server's own process on that
 *   port and none outside the loopback network, and a TCP connection must succeed.
 * - Each server runs in a process group of its own with a parent-death signal, so a
 *   test that crashes or is killed takes its servers with it. mutual_peer_stop() and
 *   mutual_peer_free() send the server's stop signal to the group, then SIGKILL after
 *   a deadline, and reap the server.
 * - Every wait is bounded by a deadline and every loop by a count or a deadline.
 *
 * The hostile peers (plaintext, silent, garbage, trickle) are GSocketServices on a
 * thread and main context of their own, so that they serve while the test blocks in a
 * client. */

#define _GNU_SOURCE

#include "mutual-peer.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PEER_HOST "127.0.0.1"
#define DEFAULT_STARTUP_TIMEOUT_MS 20000
#define POSTGRESQL_STARTUP_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS 5000
#define KILL_TIMEOUT_MS 5000
#define TOOL_TIMEOUT_MS 60000
#define POLL_INTERVAL_MS 10
#define CONNECT_TIMEOUT_MS 1000
#define PORT_ATTEMPTS 5
#define LOG_TAIL_LINES 25
#define HOSTILE_MAX_CLIENTS 64
#define HOSTILE_MAX_READ (64 * 1024)
#define HOSTILE_DRAIN_ITERATIONS 1000
#define DEFAULT_GREETING "220 hello\r\n"
#define DEFAULT_TRICKLE "220 slow hello from the trickle peer\r\n"
#define DEFAULT_TRICKLE_INTERVAL_MS 1000
#define DEFAULT_GARBAGE_SIZE 4096
#define DEFAULT_HUGE_CHAIN_COUNT 5000
#define TLS_RECORD_MAX 16384
#define TLS_LENGTH24_MAX 0xffffff

#ifndef MUTUAL_PEER_LOOPBACK_PRELOAD
#define MUTUAL_PEER_LOOPBACK_PRELOAD NULL
#endif

typedef struct _Hostile Hostile;

struct _MutualPeer
{
  MutualPeerKind kind;
  guint16 port;
  char *work_dir;
  char *command_line;
  GPtrArray *log_files;
  GPid pid;
  int stop_signal;
  gint64 startup_time_us;
  Hostile *hostile;
  gboolean stopped;
};

/* What one attempt at starting a server program needs. */
typedef struct
{
  GPtrArray *argv;
  char **envp;
  const char *log_name;
  /* A line the server logs once it accepts connections, when a listening socket is
   * not enough (PostgreSQL answers "starting up" before it). */
  const char *ready_marker;
  /* openssl s_server prints "ACCEPT 127.0.0.1:PORT" for port 0. */
  gboolean port_from_log;
  int stop_signal;
  int death_signal;
  gboolean switch_user;
  uid_t uid;
  gid_t gid;
} Launch;

/* Used in the child between fork and exec: only async-signal-safe calls. */
typedef struct
{
  pid_t parent;
  int death_signal;
  gboolean switch_user;
  uid_t uid;
  gid_t gid;
} ChildSetup;

static const struct
{
  const char *name;
  const char *program;
  const char *package;
} kinds[] = {
  [MUTUAL_PEER_GNUTLS_SERV] = { "gnutls-serv", "gnutls-serv", "gnutls-bin" },
  [MUTUAL_PEER_OPENSSL_S_SERVER] = { "openssl-s-server", "openssl", "openssl" },
  [MUTUAL_PEER_NGINX] = { "nginx", "nginx", "nginx" },
  [MUTUAL_PEER_MOSQUITTO] = { "mosquitto", "mosquitto", "mosquitto" },
  [MUTUAL_PEER_POSTGRESQL] = { "postgresql", "postgres", "postgresql" },
  [MUTUAL_PEER_PLAINTEXT] = { "plaintext", NULL, NULL },
  [MUTUAL_PEER_SILENT] = { "silent", NULL, NULL },
  [MUTUAL_PEER_GARBAGE] = { "garbage", NULL, NULL },
  [MUTUAL_PEER_TRICKLE] = { "trickle", NULL, NULL },
  [MUTUAL_PEER_HUGE_CHAIN] = { "huge-chain", NULL, NULL },
};

static gboolean
kind_is_valid (MutualPeerKind kind)
{
  return (guint) kind < G_N_ELEMENTS (kinds);
}

/**
 * mutual_peer_kind_to_string:
 * @kind: a peer kind
 *
 * Returns: a short name for @kind, also used in folder and log names
 */
const char *
mutual_peer_kind_to_string (MutualPeerKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), NULL);

  return kinds[kind].name;
}

/**
 * mutual_peer_kind_is_tls:
 * @kind: a peer kind
 *
 * Returns: whether @kind is a real TLS server program rather than a hostile peer
 */
gboolean
mutual_peer_kind_is_tls (MutualPeerKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), FALSE);

  return kinds[kind].program != NULL;
}

/**
 * mutual_peer_kind_get_package:
 * @kind: a peer kind
 *
 * Returns: (nullable): the Debian package that provides the server, or %NULL for the
 *   peers implemented in this library
 */
const char *
mutual_peer_kind_get_package (MutualPeerKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), NULL);

  return kinds[kind].package;
}

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

static gint64
deadline_after_ms (guint timeout_ms)
{
  return now_us () + (gint64) timeout_ms * 1000;
}

static void
sleep_poll_interval (void)
{
  g_usleep (POLL_INTERVAL_MS * 1000);
}

/* Appends a line to a log file of the peer; used for what the library itself does. */
static void G_GNUC_PRINTF (2, 3)
append_log (const char *path,
            const char *format,
            ...)
{
  g_autofree char *line = NULL;
  va_list args;
  int fd;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (write (fd, line, strlen (line)) < 0 || write (fd, "\n", 1) < 0)
    g_debug ("cannot write to %s: %s", path, g_strerror (errno));
  close (fd);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static char *
tail_lines (const char *text,
            guint       count)
{
  const char *start = text + strlen (text);
  guint seen = 0;

  /* Skip a final newline, then walk back over at most @count lines. */
  if (start > text && start[-1] == '\n')
    start--;
  while (start > text)
    {
      if (start[-1] == '\n' && ++seen == count)
        break;
      start--;
    }
  return g_strdup (start);
}

/**
 * mutual_peer_find_program:
 * @program: a program name
 * @package: the Debian package that provides it
 * @error: return location for a #GError
 *
 * Looks for @program in `PATH` and then in the sbin folders, which are not in an
 * ordinary user's `PATH` but hold nginx and mosquitto.
 *
 * Returns: (transfer full): the program's path, or %NULL with a %G_IO_ERROR_NOT_FOUND
 *   error that names @package
 */
char *
mutual_peer_find_program (const char  *program,
                          const char  *package,
                          GError     **error)
{
  static const char *extra_dirs[] = { "/usr/sbin", "/sbin", "/usr/local/sbin" };
  char *path;

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (package != NULL, NULL);

  path = g_find_program_in_path (program);
  if (path != NULL)
    return path;

  for (guint i = 0; i < G_N_ELEMENTS (extra_dirs); i++)
    {
      path = g_build_filename (extra_dirs[i], program, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (path, G_FILE_TEST_IS_DIR))
        return path;
      g_clear_pointer (&path, g_free);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "%s is not installed; install the Debian package “%s”", program, package);
  return NULL;
}

/* Debian keeps the PostgreSQL server programs in /usr/lib/postgresql/VERSION/bin, out
 * of PATH; the newest installed version wins. */
static char *
find_postgresql_program (const char  *program,
                         GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  g_autofree char *best = NULL;
  guint64 best_version = 0;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/usr/lib/postgresql", name, "bin", program,
                                                NULL);
      guint64 version = g_ascii_strtoull (name, NULL, 10);

      if (version > best_version && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_free (best);
          best = g_steal_pointer (&path);
          best_version = version;
        }
    }
  if (best != NULL)
    return g_steal_pointer (&best);

  return mutual_peer_find_program (program, "postgresql", error);
}

static char *
quote_argv (GPtrArray *argv)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; i < argv->len && g_ptr_array_index (argv, i) != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (g_ptr_array_index (argv, i));

      if (i > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, quoted);
    }
  return g_string_free (line, FALSE);
}

/**
 * mutual_peer_argv_add_valist:
 * @argv: an argument vector that owns its strings (freed with g_free())
 * @first: the first argument to append
 * @args: the others, up to a %NULL
 *
 * Appends copies of the arguments; for server and client command lines.
 */
void
mutual_peer_argv_add_valist (GPtrArray  *argv,
                             const char *first,
                             va_list     args)
{
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
}

/**
 * mutual_peer_argv_add:
 * @argv: an argument vector that owns its strings (freed with g_free())
 * @first: the first argument to append, then the others, then %NULL
 *
 * Appends copies of the arguments.
 */
void
mutual_peer_argv_add (GPtrArray  *argv,
                      const char *first,
                      ...)
{
  va_list args;

  va_start (args, first);
  mutual_peer_argv_add_valist (argv, first, args);
  va_end (args);
}

/* The environment of a server: the test's, without what only the test should get. */
static char **
server_environment (void)
{
  static const char *test_only[] = {
    "G_DEBUG", "G_SLICE", "MALLOC_CHECK_", "MALLOC_PERTURB_", "G_MESSAGES_DEBUG",
    "LD_PRELOAD", "OPENSSL_CONF", "PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE",
    "PGSSLMODE", "PGSSLCERT", "PGSSLKEY", "PGSSLROOTCERT",
  };
  char **envp = g_get_environ ();

  for (guint i = 0; i < G_N_ELEMENTS (test_only); i++)
    envp = g_environ_unsetenv (envp, test_only[i]);
  return envp;
}

static void
child_setup_cb (gpointer user_data)
{
  ChildSetup *setup = user_data;

  /* A group of its own, so that stopping reaches nginx's workers and PostgreSQL's
   * backends too. */
  setpgid (0, 0);

  if (setup->switch_user)
    {
      if (setgroups (1, &setup->gid) != 0 || setgid (setup->gid) != 0 ||
          setuid (setup->uid) != 0)
        _exit (126);
    }

  /* The parent-death signal is cleared by a change of credentials, so it is set after
   * the switch. If the test is already gone there is nobody to signal us. */
  if (setup->death_signal != 0)
    {
      prctl (PR_SET_PDEATHSIG, setup->death_signal);
      if (getppid () != setup->parent)
        _exit (126);
    }
}

static gboolean
spawn_program (GPtrArray   *argv,
               char       **envp,
               const char  *working_dir,
               int          stdin_fd,
               const char  *log_path,
               ChildSetup  *setup,
               GPid        *pid_out,
               GError     **error)
{
  int log_fd;
  gboolean ok;

  log_fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", log_path, g_strerror (saved_errno));
      return FALSE;
    }

  if (argv->len == 0 || g_ptr_array_index (argv, argv->len - 1) != NULL)
    g_ptr_array_add (argv, NULL);
  setup->parent = getpid ();

  ok = g_spawn_async_with_pipes_and_fds (working_dir,
                                         (const char * const *) argv->pdata,
                                         (const char * const *) envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD |
                                         (stdin_fd < 0 ? G_SPAWN_STDIN_FROM_DEV_NULL : 0),
                                         child_setup_cb, setup,
                                         stdin_fd, log_fd, log_fd,
                                         NULL, NULL, 0,
                                         pid_out, NULL, NULL, NULL, error);
  close (log_fd);
  /* Keep the array usable for more arguments. */
  g_ptr_array_remove_index (argv, argv->len - 1);
  return ok;
}

/* Reaps @pid if it has exited, waiting at most @timeout_ms. */
static gboolean
wait_for_exit (GPid  pid,
               guint timeout_ms,
               int  *status_out)
{
  gint64 deadline = deadline_after_ms (timeout_ms);

  for (;;)
    {
      int status = 0;
      pid_t result = waitpid (pid, &status, WNOHANG);

      if (result == pid || (result < 0 && errno == ECHILD))
        {
          if (status_out != NULL)
            *status_out = result == pid ? status : -1;
          return TRUE;
        }
      if (result < 0 && errno != EINTR)
        return FALSE;
      if (now_us () >= deadline)
        return FALSE;
      sleep_poll_interval ();
    }
}

/* Reads the state and the process group of process @pid from /proc. */
static gboolean
read_process_stat (const char *pid,
                   char       *state_out,
                   int        *group_out)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "stat", NULL);
  g_autofree char *text = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  /* "PID (COMMAND) STATE PPID PGRP ...": the command may contain anything. */
  after_name = strrchr (text, ')');
  return after_name != NULL && sscanf (after_name + 1, " %c %*d %d", state_out, group_out) == 2;
}

static gboolean
is_live_state (char state)
{
  /* A zombie waiting for its parent to reap it is dead. */
  return state != 'Z' && state != 'X';
}

/* Whether a process other than a zombie is still in group @group. */
static gboolean
group_has_live_members (pid_t group)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  if (proc == NULL)
    return kill (-group, 0) == 0;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      char state = 0;
      int pgrp = 0;

      if (g_ascii_isdigit (name[0]) && read_process_stat (name, &state, &pgrp) &&
          pgrp == group && is_live_state (state))
        return TRUE;
    }
  return FALSE;
}

/**
 * mutual_peer_process_alive:
 * @pid: a process id
 * @with_group: whether the members of the process group @pid leads count too
 *
 * For tests that check that a server is gone, whoever stopped it.
 *
 * Returns: whether process @pid (or, with @with_group, any member of its group) is
 *   alive; a zombie is not
 */
gboolean
mutual_peer_process_alive (GPid     pid,
                           gboolean with_group)
{
  g_autofree char *name = g_strdup_printf ("%d", (int) pid);
  char state = 0;
  int pgrp = 0;

  if (read_process_stat (name, &state, &pgrp) && is_live_state (state))
    return TRUE;
  return with_group && group_has_live_members (pid);
}

static const char *
describe_status (int  status,
                 char buffer[64])
{
  if (status < 0)
    g_strlcpy (buffer, "reaped elsewhere", 64);
  else if (WIFEXITED (status))
    g_snprintf (buffer, 64, "exit status %d", WEXITSTATUS (status));
  else if (WIFSIGNALED (status))
    g_snprintf (buffer, 64, "signal %d (%s)", WTERMSIG (status), g_strsignal (WTERMSIG (status)));
  else
    g_snprintf (buffer, 64, "wait status %d", status);
  return buffer;
}

/* Stops the process group led by @pid: @signum, then SIGKILL after a deadline. */
static gboolean
terminate_group (GPid         pid,
                 int          signum,
                 const char  *log_path,
                 GError     **error)
{
  char buffer[64];
  int status = 0;
  gboolean exited;
  gint64 deadline;

  if (kill (-pid, signum) != 0)
    kill (pid, signum);
  exited = wait_for_exit (pid, STOP_TIMEOUT_MS, &status);
  if (!exited)
    {
      append_log (log_path, "mutual-peer: no exit %d ms after signal %d, sending SIGKILL",
                  STOP_TIMEOUT_MS, signum);
      kill (-pid, SIGKILL);
      kill (pid, SIGKILL);
      exited = wait_for_exit (pid, KILL_TIMEOUT_MS, &status);
    }
  if (!exited)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "process %d survived SIGKILL for %d ms", (int) pid, KILL_TIMEOUT_MS);
      return FALSE;
    }
  append_log (log_path, "mutual-peer: process %d ended: %s", (int) pid,
              describe_status (status, buffer));

  /* Children of the server (nginx workers, PostgreSQL backends) normally end before
   * it; whatever is left of the group goes the hard way. */
  deadline = deadline_after_ms (STOP_TIMEOUT_MS);
  while (group_has_live_members (pid))
    {
      if (now_us () >= deadline)
        {
          append_log (log_path, "mutual-peer: group %d still alive, sending SIGKILL", (int) pid);
          kill (-pid, SIGKILL);
          deadline = deadline_after_ms (KILL_TIMEOUT_MS);
          while (group_has_live_members (pid) && now_us () < deadline)
            sleep_poll_interval ();
          if (group_has_live_members (pid))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "process group %d survived SIGKILL", (int) pid);
              return FALSE;
            }
          break;
        }
      sleep_poll_interval ();
    }
  return TRUE;
}

/* Runs a one-shot program (initdb, openssl ocsp ...) and waits for it, bounded. */
static gboolean
run_tool (GPtrArray   *argv,
          char       **envp,
          const char  *working_dir,
          const char  *stdin_path,
          const char  *log_path,
          ChildSetup  *setup,
          GError     **error)
{
  g_autofree char *command = NULL;
  char buffer[64];
  int stdin_fd = -1;
  int status = 0;
  GPid pid = 0;
  gboolean ok;

  command = quote_argv (argv);
  append_log (log_path, "$ %s%s%s", command, stdin_path ? " < " : "", stdin_path ? stdin_path : "");

  if (stdin_path != NULL)
    {
      stdin_fd = open (stdin_path, O_RDONLY | O_CLOEXEC);
      if (stdin_fd < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot open %s: %s", stdin_path, g_strerror (saved_errno));
          return FALSE;
        }
    }

  ok = spawn_program (argv, envp, working_dir, stdin_fd, log_path, setup, &pid, error);
  if (stdin_fd >= 0)
    close (stdin_fd);
  if (!ok)
    return FALSE;

  if (!wait_for_exit (pid, TOOL_TIMEOUT_MS, &status))
    {
      terminate_group (pid, SIGKILL, log_path, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s did not finish within %d s",
                   (const char *) g_ptr_array_index (argv, 0), TOOL_TIMEOUT_MS / 1000);
      return FALSE;
    }
  if (status < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_autofree char *log = read_text (log_path);
      g_autofree char *tail = tail_lines (log, LOG_TAIL_LINES);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed (%s):\n%s",
                   (const char *) g_ptr_array_index (argv, 0), describe_status (status, buffer),
                   tail);
      return FALSE;
    }
  return TRUE;
}

/* Port handling -------------------------------------------------------------------- */

static gboolean
pick_free_port (guint16  *port_out,
                GError  **error)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    goto failed;
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind (fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      getsockname (fd, (struct sockaddr *) &address, &length) != 0)
    goto failed;
  close (fd);
  *port_out = ntohs (address.sin_port);
  return TRUE;

failed:
  {
    int saved_errno = errno;

    if (fd >= 0)
      close (fd);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot find a free port on " PEER_HOST ": %s", g_strerror (saved_errno));
    return FALSE;
  }
}

/**
 * mutual_peer_port_accepts:
 * @port: a TCP port on 127.0.0.1
 * @timeout_ms: how long the connection may take
 *
 * Returns: whether a TCP connection to 127.0.0.1:@port succeeds; it is closed at once
 */
gboolean
mutual_peer_port_accepts (guint16 port,
                          guint   timeout_ms)
{
  struct sockaddr_in address = { 0 };
  struct pollfd pfd;
  int error_value = 0;
  socklen_t length = sizeof error_value;
  gboolean connected = FALSE;
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return FALSE;
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = htons (port);

  if (connect (fd, (struct sockaddr *) &address, sizeof address) == 0)
    connected = TRUE;
  else if (errno == EINPROGRESS)
    {
      pfd.fd = fd;
      pfd.events = POLLOUT;
      pfd.revents = 0;
      if (poll (&pfd, 1, (int) timeout_ms) == 1 &&
          getsockopt (fd, SOL_SOCKET, SO_ERROR, &error_value, &length) == 0 && error_value == 0)
        connected = TRUE;
    }
  close (fd);
  return connected;
}

typedef enum
{
  LISTENER_NONE,
  LISTENER_OURS,
  LISTENER_NOT_LOOPBACK,
  LISTENER_SOMEONE_ELSE,
} ListenerState;

static gboolean
pid_has_socket (pid_t       pid,
                const char *inode)
{
  g_autofree char *fd_dir = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autofree char *wanted = g_strdup_printf ("socket:[%s]", inode);
  g_autoptr(GDir) dir = g_dir_open (fd_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fd_dir, name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_str_equal (target, wanted))
        return TRUE;
    }
  return FALSE;
}

static gboolean
parse_proc_address (const char   *hex,
                    gboolean      ipv6,
                    char        **text_out,
                    gboolean     *loopback_out)
{
  char printable[INET6_ADDRSTRLEN] = "";

  if (!ipv6)
    {
      struct in_addr address;

      if (strlen (hex) != 8)
        return FALSE;
      /* The kernel prints the address as one 32-bit word in host byte order. */
      address.s_addr = (guint32) g_ascii_strtoull (hex, NULL, 16);
      inet_ntop (AF_INET, &address, printable, sizeof printable);
      *loopback_out = (ntohl (address.s_addr) >> 24) == 127;
    }
  else
    {
      struct in6_addr address;

      if (strlen (hex) != 32)
        return FALSE;
      for (guint i = 0; i < 4; i++)
        {
          char word[9];
          guint32 value;

          memcpy (word, hex + 8 * i, 8);
          word[8] = '\0';
          value = (guint32) g_ascii_strtoull (word, NULL, 16);
          memcpy (&address.s6_addr[4 * i], &value, 4);
        }
      inet_ntop (AF_INET6, &address, printable, sizeof printable);
      *loopback_out = IN6_IS_ADDR_LOOPBACK (&address) ||
                      (IN6_IS_ADDR_V4MAPPED (&address) && address.s6_addr[12] == 127);
    }
  *text_out = g_strdup (printable);
  return TRUE;
}

/* Looks at every listening TCP socket on @port: they must all be on a loopback
 * address, and one of them must belong to @pid. */
static ListenerState
check_listeners (guint16   port,
                 pid_t     pid,
                 char    **offender_out)
{
  static const char *tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
  ListenerState state = LISTENER_NONE;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (tables[t], &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      /* The first line is a header. */
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) columns = g_ptr_array_new ();
          g_autofree char *address_text = NULL;
          const char *local;
          const char *colon;
          gboolean loopback = FALSE;
          g_autofree char *address_hex = NULL;

          for (guint f = 0; fields[f] != NULL; f++)
            if (fields[f][0] != '\0')
              g_ptr_array_add (columns, fields[f]);
          /* sl local remote st tx:rx tr:when retrnsmt uid timeout inode */
          if (columns->len < 10 || !g_str_equal (g_ptr_array_index (columns, 3), "0A"))
            continue;
          local = g_ptr_array_index (columns, 1);
          colon = strchr (local, ':');
          if (colon == NULL || g_ascii_strtoull (colon + 1, NULL, 16) != port)
            continue;
          address_hex = g_strndup (local, colon - local);
          if (!parse_proc_address (address_hex, t == 1, &address_text, &loopback))
            continue;
          if (!loopback)
            {
              if (offender_out != NULL)
                *offender_out = g_strdup_printf ("%s port %u", address_text, port);
              return LISTENER_NOT_LOOPBACK;
            }
          if (pid_has_socket (pid, g_ptr_array_index (columns, 9)))
            state = LISTENER_OURS;
          else if (state == LISTENER_NONE)
            state = LISTENER_SOMEONE_ELSE;
        }
    }
  return state;
}

static gboolean
log_says_address_in_use (const char *log)
{
  g_autofree char *lower = g_ascii_strdown (log, -1);

  return strstr (lower, "address already in use") != NULL;
}

static gboolean
parse_accept_port (const char *log,
                   guint16    *port_out)
{
  const char *line = strstr (log, "ACCEPT " PEER_HOST ":");
  guint64 value;

  if (line == NULL)
    return FALSE;
  line += strlen ("ACCEPT " PEER_HOST ":");
  if (!g_ascii_isdigit (*line))
    return FALSE;
  value = g_ascii_strtoull (line, NULL, 10);
  if (value == 0 || value > G_MAXUINT16)
    return FALSE;
  *port_out = (guint16) value;
  return TRUE;
}

/* Files ------------------------------------------------------------------------------ */

static gboolean
append_file_to (GString     *out,
                const char  *path,
                GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;
  g_string_append_len (out, text, length);
  if (length > 0 && text[length - 1] != '\n')
    g_string_append_c (out, '\n');
  return TRUE;
}

static gboolean
write_file (const char  *path,
            const char  *contents,
            gssize       length,
            int          mode,
            GError     **error)
{
  return g_file_set_contents_full (path, contents, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, mode, error);
}

/* Concatenates @first and the NULL-terminated @more into @path. */
static gboolean
concatenate_files (const char         *path,
                   const char         *first,
                   const char * const *more,
                   int                 mode,
                   GError            **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (first != NULL && !append_file_to (out, first, error))
    return FALSE;
  for (guint i = 0; more != NULL && more[i] != NULL; i++)
    if (!append_file_to (out, more[i], error))
      return FALSE;
  return write_file (path, out->str, out->len, mode, error);
}

static gboolean
copy_file (const char  *from,
           const char  *to,
           int          mode,
           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (from, &contents, &length, error))
    return FALSE;
  return write_file (to, contents, length, mode, error);
}

static int
remove_entry_cb (const char        *path,
                 const struct stat *st,
                 int                flag,
                 struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static char *
work_path (MutualPeer *self,
           const char *name)
{
  return g_build_filename (self->work_dir, name, NULL);
}

static void
add_log_file (MutualPeer *self,
              const char *name)
{
  g_autofree char *path = work_path (self, name);

  for (guint i = 0; i < self->log_files->len; i++)
    if (g_str_equal (g_ptr_array_index (self->log_files, i), path))
      return;
  g_ptr_array_add (self->log_files, g_steal_pointer (&path));
}

static const char *
library_log (MutualPeer *self)
{
  return g_ptr_array_index (self->log_files, 0);
}

/* Configuration checks --------------------------------------------------------------- */

static gboolean
has_client_cas (const MutualPeerConfig *config)
{
  return config->client_ca_files != NULL && config->client_ca_files[0] != NULL;
}

static gboolean
check_config (MutualPeerKind           kind,
              const MutualPeerConfig  *config,
              GError                 **error)
{
  if (config == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s needs a configuration with a server certificate and key",
                   kinds[kind].name);
      return FALSE;
    }
  if (config->server_cert_file == NULL || config->server_key_file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s needs server_cert_file and server_key_file", kinds[kind].name);
      return FALSE;
    }
  if (config->client_auth != MUTUAL_PEER_CLIENT_AUTH_NONE && !has_client_cas (config))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s cannot verify client certificates without client_ca_files",
                   kinds[kind].name);
      return FALSE;
    }
  if (config->ocsp_response_file != NULL &&
      (kind == MUTUAL_PEER_MOSQUITTO || kind == MUTUAL_PEER_POSTGRESQL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s cannot staple an OCSP response", kinds[kind].name);
      return FALSE;
    }
  if (config->also_ipv6 && kind != MUTUAL_PEER_NGINX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "only the nginx peer listens on ::1 as well");
      return FALSE;
    }
  if (kind == MUTUAL_PEER_MOSQUITTO && config->client_auth == MUTUAL_PEER_CLIENT_AUTH_REQUEST)
    {
      /* mosquitto either requires a certificate (require_certificate true) or does not
       * ask for one at all (SSL_VERIFY_NONE). */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "mosquitto cannot request an optional client certificate");
      return FALSE;
    }
  return TRUE;
}

/* Copies the certificates into the work folder: server-cert.pem (leaf and chain),
 * server.key (0600), client-ca.pem and ocsp-response.der. */
static gboolean
copy_credentials (MutualPeer              *self,
                  const MutualPeerConfig  *config,
                  GError                 **error)
{
  g_autofree char *cert = work_path (self, "server-cert.pem");
  g_autofree char *key = work_path (self, "server.key");
  const char *chain[] = { config->server_chain_file, NULL };

  if (!concatenate_files (cert, config->server_cert_file, chain, 0644, error) ||
      !copy_file (config->server_key_file, key, 0600, error))
    return FALSE;

  if (has_client_cas (config))
    {
      g_autofree char *cas = work_path (self, "client-ca.pem");

      if (!concatenate_files (cas, NULL, config->client_ca_files, 0644, error))
        return FALSE;
    }

  if (config->ocsp_response_file != NULL)
    {
      g_autofree char *ocsp = work_path (self, "ocsp-response.der");

      if (!copy_file (config->ocsp_response_file, ocsp, 0644, error))
        return FALSE;
    }

  if (config->crl_file != NULL)
    {
      g_autofree char *crl = work_path (self, "client-crl.pem");

      if (!copy_file (config->crl_file, crl, 0644, error))
        return FALSE;
    }
  return TRUE;
}

/* Per-kind set-up --------------------------------------------------------------------- */

static gboolean
configure_gnutls_serv (MutualPeer              *self,
                       const MutualPeerConfig  *config,
                       Launch                  *launch,
                       GError                 **error)
{
  g_autofree char *program = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  g_autofree char *cert = work_path (self, "server-cert.pem");
  g_autofree char *key = work_path (self, "server.key");
  const char *preload = g_getenv ("MUTUAL_PEER_LOOPBACK_PRELOAD");
  const char *priority = NULL;

  if (preload == NULL)
    preload = MUTUAL_PEER_LOOPBACK_PRELOAD;
  if (preload == NULL || !g_file_test (preload, G_FILE_TEST_EXISTS))
    {
      /* gnutls-serv has no option for its listening address. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the loopback preload module (%s) is missing; build it, or point "
                   "MUTUAL_PEER_LOOPBACK_PRELOAD at it", preload ? preload : "not configured");
      return FALSE;
    }

  program = mutual_peer_find_program ("gnutls-serv", "gnutls-bin", error);
  if (program == NULL)
    return FALSE;

  switch (config->tls_versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
      break;
    case MUTUAL_PEER_TLS_1_3_ONLY:
      priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
      break;
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
      break;
    }

  mutual_peer_argv_add (launch->argv, program, "--port", port, "--priority", priority,
            "--x509certfile", cert, "--x509keyfile", key, NULL);
  if (has_client_cas (config))
    {
      g_autofree char *cas = work_path (self, "client-ca.pem");

      mutual_peer_argv_add (launch->argv, "--x509cafile", cas, NULL);
    }
  if (config->crl_file != NULL)
    {
      g_autofree char *crl = work_path (self, "client-crl.pem");

      mutual_peer_argv_add (launch->argv, "--x509crlfile", crl, NULL);
    }
  switch (config->client_auth)
    {
    case MUTUAL_PEER_CLIENT_AUTH_REQUIRE:
      /* Without --verify-client-cert any certificate is accepted. */
      mutual_peer_argv_add (launch->argv, "--require-client-cert", "--verify-client-cert", NULL);
      break;
    case MUTUAL_PEER_CLIENT_AUTH_REQUEST:
      mutual_peer_argv_add (launch->argv, "--verify-client-cert", NULL);
      break;
    case MUTUAL_PEER_CLIENT_AUTH_NONE:
    default:
      mutual_peer_argv_add (launch->argv, "--disable-client-cert", NULL);
      break;
    }
  if (config->ocsp_response_file != NULL)
    {
      g_autofree char *ocsp = work_path (self, "ocsp-response.der");

      mutual_peer_argv_add (launch->argv, "--ocsp-response", ocsp, NULL);
    }

  {
    g_autofree char *value = g_strdup (preload);

    launch->envp = g_environ_setenv (launch->envp, "LD_PRELOAD", value, TRUE);
  }
  launch->log_name = "gnutls-serv.log";
  return TRUE;
}

static gboolean
configure_openssl_s_server (MutualPeer              *self,
                            const MutualPeerConfig  *config,
                            Launch                  *launch,
                            GError                 **error)
{
  g_autofree char *program = mutual_peer_find_program ("openssl", "openssl", error);
  g_autofree char *leaf = work_path (self, "server-leaf.pem");
  g_autofree char *key = work_path (self, "server.key");

  if (program == NULL)
    return FALSE;

  /* s_server sends only the first certificate of -cert; the chain goes in
   * -cert_chain. */
  if (!copy_file (config->server_cert_file, leaf, 0644, error))
    return FALSE;

  mutual_peer_argv_add (launch->argv, program, "s_server", "-accept", PEER_HOST ":0",
            "-cert", leaf, "-key", key, "-www", NULL);
  if (config->server_chain_file != NULL)
    {
      g_autofree char *chain = work_path (self, "server-chain.pem");

      if (!copy_file (config->server_chain_file, chain, 0644, error))
        return FALSE;
      mutual_peer_argv_add (launch->argv, "-cert_chain", chain, NULL);
    }
  if (has_client_cas (config))
    {
      g_autofree char *cas = work_path (self, "client-ca.pem");

      mutual_peer_argv_add (launch->argv, "-CAfile", cas, NULL);
    }
  if (config->crl_file != NULL)
    {
      g_autofree char *crl = work_path (self, "client-crl.pem");

      /* -crl_check checks the leaf against its issuer's CRL, which must be there. */
      mutual_peer_argv_add (launch->argv, "-CRL", crl, "-crl_check", NULL);
    }
  switch (config->client_auth)
    {
    case MUTUAL_PEER_CLIENT_AUTH_REQUIRE:
      /* Without -verify_return_error any certificate is accepted. */
      mutual_peer_argv_add (launch->argv, "-Verify", "4", "-verify_return_error", NULL);
      break;
    case MUTUAL_PEER_CLIENT_AUTH_REQUEST:
      mutual_peer_argv_add (launch->argv, "-verify", "4", "-verify_return_error", NULL);
      break;
    case MUTUAL_PEER_CLIENT_AUTH_NONE:
    default:
      break;
    }
  switch (config->tls_versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      mutual_peer_argv_add (launch->argv, "-tls1_2", NULL);
      break;
    case MUTUAL_PEER_TLS_1_3_ONLY:
      mutual_peer_argv_add (launch->argv, "-tls1_3", NULL);
      break;
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      break;
    }
  if (config->ocsp_response_file != NULL)
    {
      g_autofree char *ocsp = work_path (self, "ocsp-response.der");

      mutual_peer_argv_add (launch->argv, "-status_file", ocsp, NULL);
    }

  launch->log_name = "s_server.log";
  launch->port_from_log = TRUE;
  return TRUE;
}

static gboolean
configure_nginx (MutualPeer              *self,
                 const MutualPeerConfig  *config,
                 Launch                  *launch,
                 GError                 **error)
{
  g_autofree char *program = mutual_peer_find_program ("nginx", "nginx", error);
  g_autofree char *conf_path = work_path (self, "nginx.conf");
  g_autofree char *error_log = work_path (self, "error.log");
  g_autofree char *prefix = g_strconcat (self->work_dir, "/", NULL);
  g_autoptr(GString) conf = g_string_new (NULL);
  const char *verify = "off";
  const char *protocols = "TLSv1.2 TLSv1.3";
  const char *dir = self->work_dir;

  if (program == NULL)
    return FALSE;

  switch (config->client_auth)
    {
    case MUTUAL_PEER_CLIENT_AUTH_REQUIRE:
      verify = "on";
      break;
    case MUTUAL_PEER_CLIENT_AUTH_REQUEST:
      verify = "optional";
      break;
    case MUTUAL_PEER_CLIENT_AUTH_NONE:
    default:
      break;
    }
  switch (config->tls_versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      protocols = "TLSv1.2";
      break;
    case MUTUAL_PEER_TLS_1_3_ONLY:
      protocols = "TLSv1.3";
      break;
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      break;
    }

  g_string_append (conf, "# Written by MutualPeer for one test; everything stays in this folder.\n"
                         "daemon off;\n"
                         "master_process on;\n"
                         "worker_processes 1;\n");
  /* As root, nginx would switch its workers to "nobody", who cannot read this folder. */
  if (geteuid () == 0)
    g_string_append (conf, "user root;\n");
  g_string_append_printf (conf,
                          "pid %s/nginx.pid;\n"
                          "lock_file %s/nginx.lock;\n"
                          "error_log %s/error.log info;\n"
                          "events { worker_connections 64; }\n"
                          "http {\n"
                          "  access_log %s/access.log;\n"
                          "  client_body_temp_path %s/client_body_temp;\n"
                          "  proxy_temp_path %s/proxy_temp;\n"
                          "  fastcgi_temp_path %s/fastcgi_temp;\n"
                          "  uwsgi_temp_path %s/uwsgi_temp;\n"
                          "  scgi_temp_path %s/scgi_temp;\n"
                          "  keepalive_timeout 5s;\n"
                          "  server {\n"
                          "    listen " PEER_HOST ":%u ssl;\n"
                          "    ssl_certificate %s/server-cert.pem;\n"
                          "    ssl_certificate_key %s/server.key;\n"
                          "    ssl_protocols %s;\n"
                          "    ssl_verify_client %s;\n"
                          "    ssl_verify_depth 4;\n",
                          dir, dir, dir, dir, dir, dir, dir, dir, dir, self->port, dir, dir,
                          protocols, verify);
  if (config->also_ipv6)
    g_string_append_printf (conf, "    listen [::1]:%u ssl;\n", self->port);
  if (has_client_cas (config))
    g_string_append_printf (conf, "    ssl_client_certificate %s/client-ca.pem;\n", dir);
  if (config->crl_file != NULL)
    g_string_append_printf (conf, "    ssl_crl %s/client-crl.pem;\n", dir);
  if (config->ocsp_response_file != NULL)
    g_string_append_printf (conf,
                            "    ssl_stapling on;\n"
                            "    ssl_stapling_file %s/ocsp-response.der;\n", dir);
  /* A client without a certificate, or with one that does not verify, gets nginx's own
   * 400 page; everyone else this body. */
  g_string_append (conf,
                   "    location / {\n"
                   "      default_type text/plain;\n"
                   "      return 200 \"mutual-peer nginx\\n"
                   "verify=$ssl_client_verify\\n"
                   "subject=$ssl_client_s_dn\\n"
                   "issuer=$ssl_client_i_dn\\n"
                   "protocol=$ssl_protocol\\n\";\n"
                   "    }\n"
                   "  }\n"
                   "}\n");
  if (!write_file (conf_path, conf->str, conf->len, 0644, error))
    return FALSE;

  mutual_peer_argv_add (launch->argv, program, "-p", prefix, "-c", conf_path, "-e", error_log, NULL);
  add_log_file (self, "error.log");
  add_log_file (self, "access.log");
  launch->log_name = "nginx.log";
  return TRUE;
}

static gboolean
configure_mosquitto (MutualPeer              *self,
                     const MutualPeerConfig  *config,
                     Launch                  *launch,
                     GError                 **error)
{
  g_autofree char *program = mutual_peer_find_program ("mosquitto", "mosquitto", error);
  g_autofree char *conf_path = work_path (self, "mosquitto.conf");
  g_autofree char *openssl_conf_path = work_path (self, "openssl.cnf");
  g_autoptr(GString) conf = g_string_new (NULL);
  const char *dir = self->work_dir;
  gboolean require = config->client_auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE;

  if (program == NULL)
    return FALSE;

  g_string_append (conf, "# Written by MutualPeer for one test; everything stays in this folder.\n");
  /* As root, mosquitto switches to the "mosquitto" user, who cannot read this folder,
   * and the change of user would clear the parent-death signal. */
  if (geteuid () == 0)
    g_string_append (conf, "user root\n");
  g_string_append_printf (conf,
                          "persistence false\n"
                          "log_dest stderr\n"
                          "log_type all\n"
                          "connection_messages true\n"
                          "per_listener_settings false\n"
                          "allow_anonymous %s\n"
                          "listener %u " PEER_HOST "\n"
                          "certfile %s/server-cert.pem\n"
                          "keyfile %s/server.key\n",
                          require ? "false" : "true", self->port, dir, dir);
  if (has_client_cas (config))
    g_string_append_printf (conf, "cafile %s/client-ca.pem\n", dir);
  if (config->crl_file != NULL)
    g_string_append_printf (conf, "crlfile %s/client-crl.pem\n", dir);
  if (require)
    g_string_append (conf,
                     "require_certificate true\n"
                     "use_identity_as_username true\n");
  /* tls_version is a minimum: "tlsv1.3" allows only TLS 1.3, "tlsv1.2" both. */
  g_string_append_printf (conf, "tls_version %s\n",
                          config->tls_versions == MUTUAL_PEER_TLS_1_3_ONLY ? "tlsv1.3" : "tlsv1.2");
  if (!write_file (conf_path, conf->str, conf->len, 0644, error))
    return FALSE;

  /* mosquitto has no maximum version: OpenSSL's own configuration provides it. The
   * other lines are Debian's defaults. */
  if (config->tls_versions == MUTUAL_PEER_TLS_1_2_ONLY)
    {
      static const char openssl_conf[] =
        "openssl_conf = mutual_peer_conf\n"
        "[mutual_peer_conf]\n"
        "ssl_conf = mutual_peer_ssl\n"
        "[mutual_peer_ssl]\n"
        "system_default = mutual_peer_tls\n"
        "[mutual_peer_tls]\n"
        "MinProtocol = TLSv1.2\n"
        "MaxProtocol = TLSv1.2\n"
        "CipherString = DEFAULT:@SECLEVEL=2\n";

      if (!write_file (openssl_conf_path, openssl_conf, -1, 0644, error))
        return FALSE;
      launch->envp = g_environ_setenv (launch->envp, "OPENSSL_CONF", openssl_conf_path, TRUE);
    }

  mutual_peer_argv_add (launch->argv, program, "-c", conf_path, NULL);
  launch->log_name = "mosquitto.log";
  return TRUE;
}

typedef struct
{
  char *postgres;
  char *data_dir;
  gboolean switch_user;
  uid_t uid;
  gid_t gid;
} PostgresqlSetup;

static void
postgresql_setup_clear (PostgresqlSetup *setup)
{
  g_clear_pointer (&setup->postgres, g_free);
  g_clear_pointer (&setup->data_dir, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PostgresqlSetup, postgresql_setup_clear)

/* The postgres user must be able to reach the data folder: every folder above it needs
 * search permission for others. Folders of ours get it (search only, not listing);
 * anyone else's must have it already. */
static gboolean
open_path_for_others (MutualPeer  *self,
                      const char  *path,
                      GError     **error)
{
  g_autofree char *current = g_strdup (path);

  /* Bounded by the depth of the path. */
  while (current != NULL && strlen (current) > 1)
    {
      struct stat info;
      g_autofree char *parent = NULL;

      if (stat (current, &info) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot inspect %s: %s", current, g_strerror (saved_errno));
          return FALSE;
        }
      if ((info.st_mode & S_IXOTH) == 0)
        {
          if (info.st_uid != geteuid () || chmod (current, (info.st_mode & 07777) | S_IXOTH) != 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           "the postgres user cannot reach %s: %s is not searchable by others",
                           path, current);
              return FALSE;
            }
          append_log (library_log (self), "mutual-peer: made %s searchable for the postgres user",
                      current);
        }
      parent = g_path_get_dirname (current);
      g_free (current);
      current = g_steal_pointer (&parent);
    }
  return TRUE;
}

static gboolean
chown_to (const char       *path,
          PostgresqlSetup  *setup,
          GError          **error)
{
  if (setup->switch_user && chown (path, setup->uid, setup->gid) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot give %s to the postgres user: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static char *
quote_identifier (const char *name)
{
  g_autoptr(GString) quoted = g_string_new ("\"");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (quoted, '"');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

/* Everything PostgreSQL needs before the server starts: initdb, the configuration, the
 * TLS files inside the data folder and the roles (created in single-user mode, which
 * needs no connection). */
static gboolean
prepare_postgresql (MutualPeer              *self,
                    const MutualPeerConfig  *config,
                    PostgresqlSetup         *setup,
                    GError                 **error)
{
  g_autofree char *initdb = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *hba_path = NULL;
  g_autofree char *roles_path = NULL;
  g_autoptr(GString) conf = g_string_new (NULL);
  g_autoptr(GString) roles = g_string_new (NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *log_path = work_path (self, "postgresql-setup.log");
  g_autofree char *hba = NULL;
  g_auto(GStrv) envp = server_environment ();
  ChildSetup child = { 0 };
  const char *method = "trust";
  const char *data_files[][2] = {
    { "server-cert.pem", "server.crt" },
    { "server.key", "server.key" },
    { "client-ca.pem", "client-ca.pem" },
    { "client-crl.pem", "client-crl.pem" },
  };

  initdb = find_postgresql_program ("initdb", error);
  if (initdb == NULL)
    return FALSE;
  setup->postgres = find_postgresql_program ("postgres", error);
  if (setup->postgres == NULL)
    return FALSE;

  /* PostgreSQL refuses to run as root. */
  if (geteuid () == 0)
    {
      struct passwd *entry = getpwnam ("postgres");

      if (entry == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "there is no postgres user to run PostgreSQL as; install the Debian "
                       "package “postgresql”");
          return FALSE;
        }
      setup->switch_user = TRUE;
      setup->uid = entry->pw_uid;
      setup->gid = entry->pw_gid;
      if (chmod (self->work_dir, 0711) != 0 || !open_path_for_others (self, self->work_dir, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open %s to postgres",
                         self->work_dir);
          return FALSE;
        }
    }

  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  setup->data_dir = work_path (self, "data");
  if (mkdir (setup->data_dir, 0700) != 0 || !chown_to (setup->data_dir, setup, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create %s", setup->data_dir);
      return FALSE;
    }

  child.death_signal = SIGKILL;
  child.switch_user = setup->switch_user;
  child.uid = setup->uid;
  child.gid = setup->gid;
  add_log_file (self, "postgresql-setup.log");

  mutual_peer_argv_add (argv, initdb, "--pgdata", setup->data_dir, "--username", "postgres",
            "--auth", "trust", "--encoding", "UTF8", "--no-locale", "--no-sync",
            "--no-instructions", NULL);
  if (!run_tool (argv, envp, self->work_dir, NULL, log_path, &child, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (data_files); i++)
    {
      g_autofree char *from = work_path (self, data_files[i][0]);
      g_autofree char *to = g_build_filename (setup->data_dir, data_files[i][1], NULL);

      if (!g_file_test (from, G_FILE_TEST_EXISTS))
        continue;
      /* PostgreSQL refuses a key that others can read. */
      if (!copy_file (from, to, 0600, error) || !chown_to (to, setup, error))
        return FALSE;
    }

  conf_path = g_build_filename (setup->data_dir, "postgresql.conf", NULL);
  if (!append_file_to (conf, conf_path, error))
    return FALSE;
  /* The port is given on the command line, so that a retry on another port does not
   * rewrite this file. */
  g_string_append (conf,
                   "\n# Written by MutualPeer for one test.\n"
                   "listen_addresses = '" PEER_HOST "'\n"
                   "unix_socket_directories = ''\n"
                   "max_connections = 20\n"
                   "shared_buffers = 16MB\n"
                   "fsync = off\n"
                   "synchronous_commit = off\n"
                   "full_page_writes = off\n"
                   "log_connections = on\n"
                   "log_disconnections = on\n"
                   "ssl = on\n"
                   "ssl_cert_file = 'server.crt'\n"
                   "ssl_key_file = 'server.key'\n");
  if (has_client_cas (config))
    g_string_append (conf, "ssl_ca_file = 'client-ca.pem'\n");
  if (config->crl_file != NULL)
    g_string_append (conf, "ssl_crl_file = 'client-crl.pem'\n");
  switch (config->tls_versions)
    {
    case MUTUAL_PEER_TLS_1_2_ONLY:
      g_string_append (conf, "ssl_min_protocol_version = 'TLSv1.2'\n"
                             "ssl_max_protocol_version = 'TLSv1.2'\n");
      break;
    case MUTUAL_PEER_TLS_1_3_ONLY:
      g_string_append (conf, "ssl_min_protocol_version = 'TLSv1.3'\n"
                             "ssl_max_protocol_version = 'TLSv1.3'\n");
      break;
    case MUTUAL_PEER_TLS_1_2_AND_1_3:
    default:
      g_string_append (conf, "ssl_min_protocol_version = 'TLSv1.2'\n");
      break;
    }
  if (!write_file (conf_path, conf->str, conf->len, 0600, error) ||
      !chown_to (conf_path, setup, error))
    return FALSE;

  /* Only TLS connections from the loopback address, authenticated by the client
   * certificate (its CN is the role) when one is required. With ssl_ca_file set the
   * server asks every client for a certificate and verifies one that is sent. */
  if (config->client_auth == MUTUAL_PEER_CLIENT_AUTH_REQUIRE)
    method = "cert";
  hba = g_strdup_printf ("# Written by MutualPeer for one test.\n"
                         "hostssl all all " PEER_HOST "/32 %s\n", method);
  hba_path = g_build_filename (setup->data_dir, "pg_hba.conf", NULL);
  if (!write_file (hba_path, hba, -1, 0600, error) || !chown_to (hba_path, setup, error))
    return FALSE;

  for (guint i = 0; config->postgresql_roles != NULL && config->postgresql_roles[i] != NULL; i++)
    {
      g_autofree char *role = quote_identifier (config->postgresql_roles[i]);

      g_string_append_printf (roles, "CREATE ROLE %s LOGIN;\n", role);
    }
  if (roles->len > 0)
    {
      roles_path = work_path (self, "roles.sql");
      if (!write_file (roles_path, roles->str, roles->len, 0644, error))
        return FALSE;
      g_ptr_array_set_size (argv, 0);
      mutual_peer_argv_add (argv, setup->postgres, "--single", "-D", setup->data_dir, "postgres", NULL);
      if (!run_tool (argv, envp, self->work_dir, roles_path, log_path, &child, error))
        return FALSE;
      /* Single-user mode reports a failed statement and still exits 0. */
      {
        g_autofree char *log = read_text (log_path);

        if (strstr (log, "ERROR:") != NULL)
          {
            g_autofree char *tail = tail_lines (log, LOG_TAIL_LINES);

            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "creating the PostgreSQL roles failed:\n%s", tail);
            return FALSE;
          }
      }
    }
  return TRUE;
}

static gboolean
configure_postgresql (MutualPeer       *self,
                      PostgresqlSetup  *setup,
                      Launch           *launch,
                      GError          **error)
{
  g_autofree char *port = g_strdup_printf ("%u", self->port);

  mutual_peer_argv_add (launch->argv, setup->postgres, "-D", setup->data_dir, "-p", port, NULL);
  launch->envp = g_environ_setenv (launch->envp, "LC_ALL", "C.UTF-8", TRUE);
  launch->log_name = "postgresql.log";
  launch->ready_marker = "database system is ready to accept connections";
  /* SIGTERM is a "smart" shutdown that waits for clients to leave; SIGINT disconnects
   * them. If the test dies, an immediate shutdown. */
  launch->stop_signal = SIGINT;
  launch->death_signal = SIGQUIT;
  launch->switch_user = setup->switch_user;
  launch->uid = setup->uid;
  launch->gid = setup->gid;
  return TRUE;
}

/* Starting and stopping programs ------------------------------------------------------ */

static void
launch_clear (Launch *launch)
{
  g_clear_pointer (&launch->argv, g_ptr_array_unref);
  g_clear_pointer (&launch->envp, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Launch, launch_clear)

/* Waits until the server listens on its port on loopback only, from its own process,
 * and accepts a connection. */
static gboolean
wait_until_ready (MutualPeer  *self,
                  Launch      *launch,
                  const char  *log_path,
                  gint64       deadline,
                  gboolean    *address_in_use,
                  GError     **error)
{
  *address_in_use = FALSE;

  for (;;)
    {
      g_autofree char *log = NULL;
      g_autofree char *offender = NULL;
      ListenerState state;
      char buffer[64];
      int status = 0;
      pid_t result;

      result = waitpid (self->pid, &status, WNOHANG);
      if (result == self->pid)
        {
          g_autofree char *tail = NULL;

          self->pid = 0;
          log = read_text (log_path);
          tail = tail_lines (log, LOG_TAIL_LINES);
          *address_in_use = log_says_address_in_use (log);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "%s exited during start-up (%s):\n%s", kinds[self->kind].name,
                       describe_status (status, buffer), tail);
          return FALSE;
        }

      if (launch->ready_marker != NULL || (launch->port_from_log && self->port == 0))
        log = read_text (log_path);
      if (launch->port_from_log && self->port == 0)
        parse_accept_port (log, &self->port);

      if ((launch->ready_marker == NULL || strstr (log, launch->ready_marker) != NULL) &&
          self->port != 0)
        {
          state = check_listeners (self->port, self->pid, &offender);
          if (state == LISTENER_NOT_LOOPBACK)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "%s listens outside the loopback network: %s",
                           kinds[self->kind].name, offender);
              return FALSE;
            }
          if (state == LISTENER_OURS && mutual_peer_port_accepts (self->port, CONNECT_TIMEOUT_MS))
            return TRUE;
        }

      if (now_us () >= deadline)
        {
          g_autofree char *text = read_text (log_path);
          g_autofree char *tail = tail_lines (text, LOG_TAIL_LINES);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "%s did not accept connections on " PEER_HOST ":%u in time:\n%s",
                       kinds[self->kind].name, self->port, tail);
          return FALSE;
        }
      sleep_poll_interval ();
    }
}

static gboolean
start_program (MutualPeer              *self,
               const MutualPeerConfig  *config,
               GError                 **error)
{
  g_auto(PostgresqlSetup) postgresql = { 0 };
  guint timeout_ms = config->startup_timeout_ms;
  gint64 deadline;

  if (!check_config (self->kind, config, error) || !copy_credentials (self, config, error))
    return FALSE;

  if (timeout_ms == 0)
    timeout_ms = self->kind == MUTUAL_PEER_POSTGRESQL ? POSTGRESQL_STARTUP_TIMEOUT_MS
                                                       : DEFAULT_STARTUP_TIMEOUT_MS;
  deadline = deadline_after_ms (timeout_ms);

  if (self->kind == MUTUAL_PEER_POSTGRESQL && !prepare_postgresql (self, config, &postgresql, error))
    return FALSE;

  for (guint attempt = 1; attempt <= PORT_ATTEMPTS; attempt++)
    {
      g_auto(Launch) launch = { 0 };
      g_autoptr(GError) local_error = NULL;
      g_autofree char *log_path = NULL;
      g_autofree char *command = NULL;
      ChildSetup child = { 0 };
      gboolean address_in_use = FALSE;
      gboolean ok = FALSE;

      launch.argv = g_ptr_array_new_with_free_func (g_free);
      launch.envp = server_environment ();
      /* What every server but PostgreSQL stops with, and gets when the test dies. */
      launch.stop_signal = SIGTERM;
      launch.death_signal = SIGTERM;
      self->port = 0;
      if (self->kind != MUTUAL_PEER_OPENSSL_S_SERVER && !pick_free_port (&self->port, error))
        return FALSE;

      switch (self->kind)
        {
        case MUTUAL_PEER_GNUTLS_SERV:
          ok = configure_gnutls_serv (self, config, &launch, error);
          break;
        case MUTUAL_PEER_OPENSSL_S_SERVER:
          ok = configure_openssl_s_server (self, config, &launch, error);
          break;
        case MUTUAL_PEER_NGINX:
          ok = configure_nginx (self, config, &launch, error);
          break;
        case MUTUAL_PEER_MOSQUITTO:
          ok = configure_mosquitto (self, config, &launch, error);
          break;
        case MUTUAL_PEER_POSTGRESQL:
          ok = configure_postgresql (self, &postgresql, &launch, error);
          break;
        case MUTUAL_PEER_PLAINTEXT:
        case MUTUAL_PEER_SILENT:
        case MUTUAL_PEER_GARBAGE:
        case MUTUAL_PEER_TRICKLE:
        case MUTUAL_PEER_HUGE_CHAIN:
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        return FALSE;

      add_log_file (self, launch.log_name);
      log_path = work_path (self, launch.log_name);
      command = quote_argv (launch.argv);
      append_log (log_path, "mutual-peer: attempt %u: %s", attempt, command);
      g_free (self->command_line);
      self->command_line = g_steal_pointer (&command);
      if (self->kind == MUTUAL_PEER_POSTGRESQL)
        append_log (library_log (self), "mutual-peer: the data folder was made by initdb "
                    "(see postgresql-setup.log)");

      child.death_signal = launch.death_signal;
      child.switch_user = launch.switch_user;
      child.uid = launch.uid;
      child.gid = launch.gid;
      if (!spawn_program (launch.argv, launch.envp, self->work_dir, -1, log_path, &child,
                          &self->pid, error))
        return FALSE;
      self->stop_signal = launch.stop_signal;

      if (wait_until_ready (self, &launch, log_path, deadline, &address_in_use, &local_error))
        return TRUE;

      if (self->pid != 0)
        {
          terminate_group (self->pid, self->stop_signal, log_path, NULL);
          self->pid = 0;
        }
      if (!address_in_use || attempt == PORT_ATTEMPTS || now_us () >= deadline)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      append_log (log_path, "mutual-peer: port %u was taken, trying another", self->port);
    }

  g_assert_not_reached ();
  return FALSE;
}

/* Hostile peers ----------------------------------------------------------------------- */

typedef struct
{
  Hostile *hostile;
  GSocketConnection *connection;
  GCancellable *cancellable;
  GSource *timer;
  guint number;
  gsize sent;
  gsize received;
  guint8 *garbage;
  char buffer[1024];
} HostileClient;

struct _Hostile
{
  MutualPeerKind kind;
  char *log_path;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GSocketService *service;
  /* Only used on the peer's thread. */
  GPtrArray *clients;

  /* Start-up handshake with the thread that starts the peer. */
  GMutex mutex;
  GCond cond;
  gboolean started;
  GError *start_error;
  guint16 port;

  char *payload;
  gsize payload_length;
  guint interval_ms;
  gsize garbage_size;
  int connection_count;
};

static void
hostile_client_free (HostileClient *client)
{
  if (client->timer != NULL)
    {
      g_source_destroy (client->timer);
      g_source_unref (client->timer);
    }
  g_clear_object (&client->cancellable);
  g_clear_object (&client->connection);
  g_free (client->garbage);
}

static HostileClient *
hostile_client_ref (HostileClient *client)
{
  return g_rc_box_acquire (client);
}

static void
hostile_client_unref (HostileClient *client)
{
  g_rc_box_release_full (client, (GDestroyNotify) hostile_client_free);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HostileClient, hostile_client_unref)

static void
hostile_client_close (HostileClient *client,
                      const char    *why)
{
  Hostile *hostile = client->hostile;

  if (g_cancellable_is_cancelled (client->cancellable))
    return;
  append_log (hostile->log_path, "%s: connection %u closed (%s) after %" G_GSIZE_FORMAT
              " bytes sent, %" G_GSIZE_FORMAT " received",
              kinds[hostile->kind].name, client->number, why, client->sent, client->received);
  g_cancellable_cancel (client->cancellable);
  if (client->timer != NULL)
    {
      g_source_destroy (client->timer);
      g_clear_pointer (&client->timer, g_source_unref);
    }
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  /* Drops the list's reference: last, as it may free the client. */
  g_ptr_array_remove (hostile->clients, client);
}

static void read_more (HostileClient *client);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HostileClient) client = user_data;
  g_autoptr(GError) error = NULL;
  gssize count;

  count = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (g_cancellable_is_cancelled (client->cancellable))
    return;
  if (count < 0)
    {
      hostile_client_close (client, error->message);
      return;
    }
  if (count == 0)
    {
      hostile_client_close (client, "end of stream from the client");
      return;
    }
  client->received += count;
  if (client->received >= HOSTILE_MAX_READ)
    {
      hostile_client_close (client, "the client sent too much");
      return;
    }
  read_more (client);
}

/* Every peer reads and ignores what the client sends, to notice when it leaves. */
static void
read_more (HostileClient *client)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (client->connection));

  g_input_stream_read_async (input, client->buffer, sizeof client->buffer, G_PRIORITY_DEFAULT,
                             client->cancellable, read_cb, hostile_client_ref (client));
}

static void
write_all_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HostileClient) client = user_data;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, &error);
  if (g_cancellable_is_cancelled (client->cancellable))
    return;
  client->sent += written;
  if (error != NULL)
    {
      hostile_client_close (client, error->message);
      return;
    }
  append_log (client->hostile->log_path, "%s: connection %u: wrote %" G_GSIZE_FORMAT " bytes",
              kinds[client->hostile->kind].name, client->number, written);
}

static gboolean
trickle_cb (gpointer user_data)
{
  HostileClient *client = user_data;
  Hostile *hostile = client->hostile;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
  g_autoptr(GError) error = NULL;

  if (client->sent >= hostile->payload_length)
    {
      append_log (hostile->log_path, "trickle: connection %u: all %" G_GSIZE_FORMAT
                  " bytes sent, staying open", client->number, client->sent);
      g_clear_pointer (&client->timer, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  /* One byte never blocks on a fresh socket; GSocket sends with MSG_NOSIGNAL. */
  if (g_output_stream_write (output, hostile->payload + client->sent, 1, client->cancellable,
                             &error) != 1)
    {
      g_clear_pointer (&client->timer, g_source_unref);
      hostile_client_close (client, error ? error->message : "short write");
      return G_SOURCE_REMOVE;
    }
  client->sent++;
  return G_SOURCE_CONTINUE;
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  Hostile *hostile = user_data;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  HostileClient *client;
  guint number = (guint) g_atomic_int_add (&hostile->connection_count, 1) + 1;

  if (hostile->clients->len >= HOSTILE_MAX_CLIENTS)
    {
      append_log (hostile->log_path, "%s: connection %u refused: %d clients already",
                  kinds[hostile->kind].name, number, HOSTILE_MAX_CLIENTS);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  client = g_rc_box_new0 (HostileClient);
  client->hostile = hostile;
  client->connection = g_object_ref (connection);
  client->cancellable = g_cancellable_new ();
  client->number = number;
  g_ptr_array_add (hostile->clients, client);
  append_log (hostile->log_path, "%s: connection %u accepted", kinds[hostile->kind].name, number);

  switch (hostile->kind)
    {
    case MUTUAL_PEER_PLAINTEXT:
    case MUTUAL_PEER_HUGE_CHAIN:
      /* The whole payload at once; the huge chain's stays in the kernel's buffers and
       * here until the client reads it or leaves. */
      g_output_stream_write_all_async (output, hostile->payload, hostile->payload_length,
                                       G_PRIORITY_DEFAULT, client->cancellable, write_all_cb,
                                       hostile_client_ref (client));
      break;
    case MUTUAL_PEER_GARBAGE:
      client->garbage = g_malloc (hostile->garbage_size);
      for (gsize i = 0; i < hostile->garbage_size; i++)
        client->garbage[i] = (guint8) g_random_int_range (0, 256);
      g_output_stream_write_all_async (output, client->garbage, hostile->garbage_size,
                                       G_PRIORITY_DEFAULT, client->cancellable, write_all_cb,
                                       hostile_client_ref (client));
      break;
    case MUTUAL_PEER_TRICKLE:
      client->timer = g_timeout_source_new (hostile->interval_ms);
      g_source_set_callback (client->timer, trickle_cb, client, NULL);
      g_source_attach (client->timer, hostile->context);
      break;
    case MUTUAL_PEER_SILENT:
      break;
    case MUTUAL_PEER_GNUTLS_SERV:
    case MUTUAL_PEER_OPENSSL_S_SERVER:
    case MUTUAL_PEER_NGINX:
    case MUTUAL_PEER_MOSQUITTO:
    case MUTUAL_PEER_POSTGRESQL:
    default:
      g_assert_not_reached ();
    }
  read_more (client);
  return TRUE;
}

static gpointer
hostile_thread (gpointer data)
{
  Hostile *hostile = data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (hostile->context);

  hostile->service = g_socket_service_new ();
  if (g_socket_listener_add_address (G_SOCKET_LISTENER (hostile->service), address,
                                     G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                     &effective, &error))
    {
      g_signal_connect (hostile->service, "incoming", G_CALLBACK (incoming_cb), hostile);
      g_socket_service_start (hostile->service);
    }

  g_mutex_lock (&hostile->mutex);
  if (error != NULL)
    hostile->start_error = g_steal_pointer (&error);
  else
    hostile->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  hostile->started = TRUE;
  g_cond_signal (&hostile->cond);
  g_mutex_unlock (&hostile->mutex);

  if (hostile->start_error == NULL)
    g_main_loop_run (hostile->loop);

  /* Stop accepting, close every client, and let the cancelled operations finish so
   * that they drop their references. */
  g_socket_service_stop (hostile->service);
  g_socket_listener_close (G_SOCKET_LISTENER (hostile->service));
  for (guint left = hostile->clients->len; left > 0 && hostile->clients->len > 0; left--)
    hostile_client_close (g_ptr_array_index (hostile->clients, hostile->clients->len - 1),
                          "the peer stops");
  g_ptr_array_set_size (hostile->clients, 0);
  for (guint i = 0; i < HOSTILE_DRAIN_ITERATIONS && g_main_context_pending (hostile->context); i++)
    g_main_context_iteration (hostile->context, FALSE);
  g_clear_object (&hostile->service);

  g_main_context_pop_thread_default (hostile->context);
  return NULL;
}

static gboolean
quit_cb (gpointer user_data)
{
  Hostile *hostile = user_data;

  g_main_loop_quit (hostile->loop);
  return G_SOURCE_REMOVE;
}

static void
hostile_stop (Hostile *hostile)
{
  if (hostile->thread == NULL)
    return;
  g_main_context_invoke (hostile->context, quit_cb, hostile);
  g_thread_join (g_steal_pointer (&hostile->thread));
}

static void
hostile_free (Hostile *hostile)
{
  hostile_stop (hostile);
  g_clear_pointer (&hostile->clients, g_ptr_array_unref);
  g_clear_pointer (&hostile->loop, g_main_loop_unref);
  g_clear_pointer (&hostile->context, g_main_context_unref);
  g_clear_error (&hostile->start_error);
  g_mutex_clear (&hostile->mutex);
  g_cond_clear (&hostile->cond);
  g_free (hostile->payload);
  g_free (hostile->log_path);
  g_free (hostile);
}

static void
put24 (GByteArray *out,
       gsize       value)
{
  guint8 bytes[3] = { (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (out, bytes, 3);
}

/* The huge-chain peer's bytes: handshake records holding a TLS 1.2 ServerHello
 * (ECDHE-ECDSA-AES128-GCM-SHA256, which every TLS 1.2 client offers, and an empty
 * renegotiation_info) and a Certificate message of @count copies of @cert_file's first
 * certificate. Every length field is true to what follows; the client's own limits
 * have to stop it. */
static gboolean
make_huge_chain (const char  *cert_file,
                 guint        count,
                 char       **payload_out,
                 gsize       *length_out,
                 GError     **error)
{
  static const guint8 server_hello[] = {
    0x03, 0x03,
    /* random (32 bytes) */
    0x4d, 0x75, 0x74, 0x75, 0x61, 0x6c, 0x20, 0x68, 0x75, 0x67, 0x65, 0x20, 0x63, 0x68, 0x61, 0x69,
    0x6e, 0x20, 0x70, 0x65, 0x65, 0x72, 0x20, 0x72, 0x61, 0x6e, 0x64, 0x6f, 0x6d, 0x2e, 0x2e, 0x2e,
    0x00,                               /* no session id */
    0xc0, 0x2b,                         /* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
    0x00,                               /* no compression */
    0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00,
  };
  g_autofree char *pem = NULL;
  gsize pem_length = 0;
  gnutls_datum_t in;
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr(GByteArray) messages = g_byte_array_new ();
  g_autoptr(GByteArray) records = g_byte_array_new ();
  gsize entry;
  int ret;

  if (!g_file_get_contents (cert_file, &pem, &pem_length, error))
    return FALSE;
  in.data = (unsigned char *) pem;
  in.size = (unsigned int) pem_length;
  ret = gnutls_pem_base64_decode2 ("CERTIFICATE", &in, &der);
  if (ret < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot read %s: %s", cert_file,
                   gnutls_strerror (ret));
      return FALSE;
    }
  entry = 3 + der.size;
  /* The list and the message each carry a 24-bit length. */
  count = MIN (count, (TLS_LENGTH24_MAX - 3) / entry);

  g_byte_array_append (messages, (const guint8 *) "\x02", 1);
  put24 (messages, sizeof server_hello);
  g_byte_array_append (messages, server_hello, sizeof server_hello);
  g_byte_array_append (messages, (const guint8 *) "\x0b", 1);
  put24 (messages, 3 + count * entry);
  put24 (messages, count * entry);
  for (guint i = 0; i < count; i++)
    {
      put24 (messages, der.size);
      g_byte_array_append (messages, der.data, der.size);
    }
  gnutls_free (der.data);

  for (gsize offset = 0; offset < messages->len; offset += TLS_RECORD_MAX)
    {
      gsize size = MIN (TLS_RECORD_MAX, messages->len - offset);
      guint8 header[5] = { 0x16, 0x03, 0x03, (size >> 8) & 0xff, size & 0xff };

      g_byte_array_append (records, header, sizeof header);
      g_byte_array_append (records, messages->data + offset, size);
    }
  *length_out = records->len;
  *payload_out = (char *) g_byte_array_free (g_steal_pointer (&records), FALSE);
  return TRUE;
}

static gboolean
start_hostile (MutualPeer              *self,
               const MutualPeerConfig  *config,
               GError                 **error)
{
  Hostile *hostile = g_new0 (Hostile, 1);
  g_autofree char *thread_name = g_strdup_printf ("peer-%s", kinds[self->kind].name);
  const char *payload = NULL;
  gint64 deadline;
  guint timeout_ms = config && config->startup_timeout_ms ? config->startup_timeout_ms
                                                          : DEFAULT_STARTUP_TIMEOUT_MS;

  self->hostile = hostile;
  hostile->kind = self->kind;
  hostile->log_path = work_path (self, "peer.log");
  hostile->context = g_main_context_new ();
  hostile->loop = g_main_loop_new (hostile->context, FALSE);
  hostile->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) hostile_client_unref);
  g_mutex_init (&hostile->mutex);
  g_cond_init (&hostile->cond);

  if (config != NULL)
    payload = config->greeting;
  if (payload == NULL)
    payload = self->kind == MUTUAL_PEER_TRICKLE ? DEFAULT_TRICKLE : DEFAULT_GREETING;
  if (self->kind == MUTUAL_PEER_HUGE_CHAIN)
    {
      if (config == NULL || config->server_cert_file == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "the huge-chain peer needs server_cert_file");
          return FALSE;
        }
      if (!make_huge_chain (config->server_cert_file,
                            config->huge_chain_count ? config->huge_chain_count
                                                     : DEFAULT_HUGE_CHAIN_COUNT,
                            &hostile->payload, &hostile->payload_length, error))
        return FALSE;
    }
  else
    {
      hostile->payload = g_strdup (payload);
      hostile->payload_length = strlen (payload);
    }
  hostile->interval_ms = config && config->trickle_interval_ms ? config->trickle_interval_ms
                                                               : DEFAULT_TRICKLE_INTERVAL_MS;
  hostile->garbage_size = config && config->garbage_size ? config->garbage_size
                                                         : DEFAULT_GARBAGE_SIZE;

  g_free (self->command_line);
  self->command_line = g_strdup_printf ("(in-process %s peer, GSocketService on a thread)",
                                        kinds[self->kind].name);
  append_log (hostile->log_path, "%s: starting", kinds[self->kind].name);
  hostile->thread = g_thread_new (thread_name, hostile_thread, hostile);

  deadline = deadline_after_ms (timeout_ms);
  g_mutex_lock (&hostile->mutex);
  while (!hostile->started)
    {
      if (!g_cond_wait_until (&hostile->cond, &hostile->mutex, deadline))
        break;
    }
  g_mutex_unlock (&hostile->mutex);

  if (!hostile->started)
    {
      /* The thread still runs; mutual_peer_free() joins it. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the %s peer did not start",
                   kinds[self->kind].name);
      return FALSE;
    }
  if (hostile->start_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&hostile->start_error),
                                  "the %s peer cannot listen: ", kinds[self->kind].name);
      return FALSE;
    }
  self->port = hostile->port;

  {
    g_autofree char *offender = NULL;

    if (check_listeners (self->port, getpid (), &offender) == LISTENER_NOT_LOOPBACK)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "the %s peer listens outside the loopback network: %s",
                     kinds[self->kind].name, offender);
        return FALSE;
      }
  }
  append_log (hostile->log_path, "%s: listening on " PEER_HOST ":%u", kinds[self->kind].name,
              self->port);
  return TRUE;
}

/* Public API ------------------------------------------------------------------------ */

/**
 * mutual_peer_start:
 * @kind: the server to start
 * @config: (nullable): its configuration; may be %NULL for the hostile peers
 * @error: return location for a #GError
 *
 * Starts a server on 127.0.0.1 in a fresh folder under g_get_tmp_dir() and waits
 * until it accepts connections. Call it from a thread that lives as long as the peer:
 * the server is sent its parent-death signal when the thread that started it ends.
 *
 * Returns: (transfer full): the running peer, or %NULL with @error set (a missing
 *   program is a %G_IO_ERROR_NOT_FOUND naming its Debian package)
 */
MutualPeer *
mutual_peer_start (MutualPeerKind           kind,
                   const MutualPeerConfig  *config,
                   GError                 **error)
{
  g_autoptr(MutualPeer) self = NULL;
  g_autofree char *template = NULL;
  gint64 start = now_us ();
  gboolean ok;

  g_return_val_if_fail (kind_is_valid (kind), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (MutualPeer, 1);
  self->kind = kind;
  self->log_files = g_ptr_array_new_with_free_func (g_free);

  template = g_strdup_printf ("mutual-peer-%s-XXXXXX", kinds[kind].name);
  self->work_dir = g_dir_make_tmp (template, error);
  if (self->work_dir == NULL)
    {
      self->stopped = TRUE;
      return NULL;
    }
  add_log_file (self, mutual_peer_kind_is_tls (kind) ? "mutual-peer.log" : "peer.log");

  if (mutual_peer_kind_is_tls (kind))
    ok = start_program (self, config, error);
  else
    ok = start_hostile (self, config, error);
  if (!ok)
    return NULL;

  self->startup_time_us = now_us () - start;
  append_log (library_log (self), "mutual-peer: %s ready on " PEER_HOST ":%u after %.3f s",
              kinds[kind].name, self->port, self->startup_time_us / (double) G_USEC_PER_SEC);
  return g_steal_pointer (&self);
}

/**
 * mutual_peer_stop:
 * @self: a peer
 * @error: return location for a #GError
 *
 * Stops the server: its stop signal to its process group, SIGKILL after a deadline,
 * and the process reaped; for a hostile peer, its listener and every connection
 * closed. Stopping twice does nothing. The work folder and the log stay until
 * mutual_peer_free().
 *
 * Returns: %TRUE once nothing of the server is left
 */
gboolean
mutual_peer_stop (MutualPeer  *self,
                  GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->stopped)
    return TRUE;
  self->stopped = TRUE;

  if (self->hostile != NULL)
    {
      hostile_stop (self->hostile);
      append_log (library_log (self), "%s: stopped", kinds[self->kind].name);
    }
  if (self->pid > 0)
    {
      GPid pid = self->pid;

      self->pid = 0;
      if (!terminate_group (pid, self->stop_signal, library_log (self), error))
        return FALSE;
    }
  return TRUE;
}

/**
 * mutual_peer_free:
 * @self: (nullable): a peer
 *
 * Stops the peer if it still runs and deletes its folder, unless `MUTUAL_TEST_KEEP`
 * is set in the environment.
 */
void
mutual_peer_free (MutualPeer *self)
{
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return;

  if (!mutual_peer_stop (self, &error))
    g_message ("MutualPeer: %s could not be stopped: %s", kinds[self->kind].name,
               error->message);
  g_clear_pointer (&self->hostile, hostile_free);

  if (self->work_dir != NULL && g_getenv ("MUTUAL_TEST_KEEP") == NULL)
    nftw (self->work_dir, remove_entry_cb, 16, FTW_DEPTH | FTW_PHYS);
  g_free (self->work_dir);
  g_free (self->command_line);
  g_clear_pointer (&self->log_files, g_ptr_array_unref);
  g_free (self);
}

/* The plain accessors, one line each:
 *
 * - mutual_peer_get_kind()
 * - mutual_peer_get_port()
 * - mutual_peer_get_work_dir(): the folder with the peer's configuration, state and
 *   logs
 * - mutual_peer_get_pid(): the server's process id, which also leads its process
 *   group; 0 once it is stopped and for the peers implemented in this library
 * - mutual_peer_get_startup_time_us(): how long mutual_peer_start() took, from
 *   creating the folder to the first accepted connection (for PostgreSQL, initdb
 *   included)
 * - mutual_peer_get_command_line(): the server's command line, shell-quoted */
#define PEER_ACCESSOR(type, member, fallback)                                            \
  type                                                                                  \
  mutual_peer_get_##member (MutualPeer *self)                                           \
  {                                                                                     \
    g_return_val_if_fail (self != NULL, fallback);                                      \
    return self->member;                                                                \
  }

PEER_ACCESSOR (MutualPeerKind, kind, MUTUAL_PEER_GNUTLS_SERV)
PEER_ACCESSOR (guint16, port, 0)
PEER_ACCESSOR (const char *, work_dir, NULL)
PEER_ACCESSOR (GPid, pid, 0)
PEER_ACCESSOR (gint64, startup_time_us, 0)
PEER_ACCESSOR (const char *, command_line, NULL)

/**
 * mutual_peer_get_host:
 * @self: a peer
 *
 * Returns: the address the peer listens on, always "127.0.0.1"
 */
const char *
mutual_peer_get_host (MutualPeer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return PEER_HOST;
}

/**
 * mutual_peer_dup_log:
 * @self: a peer
 *
 * Returns: (transfer full): the text of every log of the peer, each after a line
 *   "==> NAME <==": what the library did, the server's output and, for nginx, its
 *   error and access logs
 */
char *
mutual_peer_dup_log (MutualPeer *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->log_files->len; i++)
    {
      const char *path = g_ptr_array_index (self->log_files, i);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *contents = NULL;

      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;
      g_string_append_printf (text, "==> %s <==\n%s", name, contents);
      if (text->len > 0 && text->str[text->len - 1] != '\n')
        g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/**
 * mutual_peer_get_connection_count:
 * @self: a peer
 *
 * Returns: how many connections a hostile peer has accepted; 0 for server programs
 */
guint
mutual_peer_get_connection_count (MutualPeer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->hostile == NULL)
    return 0;
  return (guint) g_atomic_int_get (&self->hostile->connection_count);
}

static gboolean
certificate_facts (const char  *path,
                   char       **serial_out,
                   char       **expiry_out,
                   GError     **error)
{
  g_autofree char *pem = NULL;
  gsize length = 0;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  unsigned char serial[64];
  size_t serial_size = sizeof serial;
  g_autoptr(GString) hex = g_string_new (NULL);
  g_autoptr(GDateTime) expiry = NULL;
  int ret;

  if (!g_file_get_contents (path, &pem, &length, error))
    return FALSE;
  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) length;

  ret = gnutls_x509_crt_init (&crt);
  if (ret >= 0)
    ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM);
  if (ret >= 0)
    ret = gnutls_x509_crt_get_serial (crt, serial, &serial_size);
  if (ret < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot read %s: %s", path,
                   gnutls_strerror (ret));
      gnutls_x509_crt_deinit (crt);
      return FALSE;
    }
  for (size_t i = 0; i < serial_size; i++)
    g_string_append_printf (hex, "%02X", serial[i]);
  expiry = g_date_time_new_from_unix_utc (gnutls_x509_crt_get_expiration_time (crt));
  gnutls_x509_crt_deinit (crt);
  if (expiry == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has no usable expiry", path);
      return FALSE;
    }

  *serial_out = g_string_free (g_steal_pointer (&hex), FALSE);
  *expiry_out = g_date_time_format (expiry, "%y%m%d%H%M%SZ");
  return TRUE;
}

/**
 * mutual_peer_make_ocsp_response:
 * @cert_file: the PEM certificate the response is about
 * @issuer_file: the PEM certificate of its issuer, which also signs the response
 * @issuer_key_file: the issuer's key
 * @output_file: where to write the DER response
 * @error: return location for a #GError
 *
 * Makes a "good" OCSP response valid for one day with `openssl ocsp` (package
 * openssl), for servers to staple.
 *
 * Returns: %TRUE on success
 */
gboolean
mutual_peer_make_ocsp_response (const char  *cert_file,
                                const char  *issuer_file,
                                const char  *issuer_key_file,
                                const char  *output_file,
                                GError     **error)
{
  g_autofree char *openssl = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *index_path = NULL;
  g_autofree char *request_path = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *index = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *expiry = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) envp = server_environment ();
  ChildSetup child = { 0 };
  gboolean ok;

  g_return_val_if_fail (cert_file && issuer_file && issuer_key_file && output_file, FALSE);

  openssl = mutual_peer_find_program ("openssl", "openssl", error);
  if (openssl == NULL || !certificate_facts (cert_file, &serial, &expiry, error))
    return FALSE;

  dir = g_dir_make_tmp ("mutual-peer-ocsp-XXXXXX", error);
  if (dir == NULL)
    return FALSE;
  index_path = g_build_filename (dir, "index.txt", NULL);
  request_path = g_build_filename (dir, "request.der", NULL);
  log_path = g_build_filename (dir, "openssl.log", NULL);

  /* An OpenSSL CA database with one valid certificate: status, expiry, revocation
   * date, serial, file name, subject. */
  index = g_strdup_printf ("V\t%s\t\t%s\tunknown\t/CN=mutual-peer\n", expiry, serial);
  child.death_signal = SIGKILL;
  ok = write_file (index_path, index, -1, 0600, error);
  if (ok)
    {
      mutual_peer_argv_add (argv, openssl, "ocsp", "-issuer", issuer_file, "-cert", cert_file, "-no_nonce",
                "-reqout", request_path, NULL);
      ok = run_tool (argv, envp, dir, NULL, log_path, &child, error);
    }
  if (ok)
    {
      g_ptr_array_set_size (argv, 0);
      mutual_peer_argv_add (argv, openssl, "ocsp", "-index", index_path, "-CA", issuer_file,
                "-rsigner", issuer_file, "-rkey", issuer_key_file, "-reqin", request_path,
                "-respout", output_file, "-ndays", "1", NULL);
      ok = run_tool (argv, envp, dir, NULL, log_path, &child, error);
    }

  nftw (dir, remove_entry_cb, 16, FTW_DEPTH | FTW_PHYS);
  return ok;
}

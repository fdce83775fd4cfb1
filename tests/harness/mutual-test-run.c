/* SPDX-License-Identifier: GPL-3.0-or-later */

/* mutual-test-run: the exe_wrapper of Mutual's default meson test setup.
 *
 * It runs one test program in a private environment and gives it what it declares it
 * needs in MUTUAL_TEST_NEEDS (a comma-separated list):
 *
 *   dbus     a private session bus whose only activatable service is the AT-SPI bus
 *   keyring  dbus, plus gnome-keyring-daemon with an unlocked "login" collection as the
 *            default alias, and a prompter name nobody owns, so a prompt fails at
 *            once instead of appearing or hanging
 *   display  dbus, plus an Xvfb display (1280×800×24, no TCP) and the cairo renderer
 *
 * Every test gets its own HOME, XDG folders and TMPDIR in a fresh folder, and never
 * reaches the user's session bus, display or keyring.
 *
 * Clean-up must happen even when meson kills the test on a timeout: meson sends
 * SIGTERM and then SIGKILL to the test's process group. The daemons therefore live in
 * a process group of their own, and a reaper process (in a third group) holds the read
 * end of a pipe whose only writer is this wrapper. When the wrapper ends, however it
 * ends, the reaper reads end-of-file, terminates the daemons' group and deletes the
 * private folder.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HARNESS_EXIT_ERROR 99
#define STARTUP_TIMEOUT_MS 15000
#define KEYRING_PASSWORD "mutual-test-keyring"
#define NO_PROMPTER_NAME "io.github.mutual.Test.NoPrompter"

typedef struct
{
  gboolean dbus;
  gboolean keyring;
  gboolean display;
} Needs;

typedef struct
{
  const char *name;
  char *log_path;
  pid_t pid;
} Daemon;

static char *tmp_root;
/* The write end of the reaper's pipe: only the wrapper may hold it. */
static int watch_write_fd = -1;
static pid_t daemon_group;
static GPtrArray *daemons;
static volatile sig_atomic_t terminate_signal;

static void
print_daemon_logs (void)
{
  for (guint i = 0; daemons != NULL && i < daemons->len; i++)
    {
      Daemon *daemon = g_ptr_array_index (daemons, i);
      g_autofree char *log = NULL;

      if (g_file_get_contents (daemon->log_path, &log, NULL, NULL) && log[0] != '\0')
        fprintf (stderr, "--- %s log (mutual-test-run) ---\n%s\n", daemon->name, log);
    }
}

static void G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
bail_out (const char *format,
          ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* "Bail out!" is the TAP way to abort; exit status 99 is meson's hard error for
   * tests that use exit codes. Either way the test fails and says why. */
  fprintf (stdout, "Bail out! mutual-test-run: %s\n", message);
  fflush (stdout);
  fprintf (stderr, "mutual-test-run: %s\n", message);

  print_daemon_logs ();

  exit (HARNESS_EXIT_ERROR);
}

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

static Needs
parse_needs (const char *spec)
{
  Needs needs = { FALSE, FALSE, FALSE };
  g_auto(GStrv) words = NULL;

  if (spec == NULL)
    return needs;

  words = g_strsplit_set (spec, ", ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      else if (g_str_equal (words[i], "dbus"))
        needs.dbus = TRUE;
      else if (g_str_equal (words[i], "keyring"))
        needs.keyring = needs.dbus = TRUE;
      else if (g_str_equal (words[i], "display"))
        needs.display = needs.dbus = TRUE;
      else
        bail_out ("unknown need “%s” in MUTUAL_TEST_NEEDS (known: dbus, keyring, display)",
                  words[i]);
    }

  return needs;
}

static char *
require_program (const char *program,
                 const char *package)
{
  char *path = g_find_program_in_path (program);

  if (path == NULL)
    bail_out ("%s is not installed; install the Debian package “%s”", program, package);

  return path;
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

/* The reaper: waits for the wrapper to go away, then stops the daemons and deletes the
 * private folder. It only uses plain system calls, as it is forked from a process that
 * may have threads later on. */
static void G_GNUC_NORETURN
run_reaper (int watch_fd)
{
  char byte;
  int null_fd;
  struct timespec pause = { 0, 20 * 1000 * 1000 };

  setpgid (0, 0);
  signal (SIGTERM, SIG_IGN);
  signal (SIGINT, SIG_IGN);
  signal (SIGHUP, SIG_IGN);

  /* Meson reads the test's output until end-of-file: the reaper must not hold it. */
  null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0)
    {
      dup2 (null_fd, STDIN_FILENO);
      dup2 (null_fd, STDOUT_FILENO);
      dup2 (null_fd, STDERR_FILENO);
    }

  while (read (watch_fd, &byte, 1) != 0)
    {
      if (errno != EINTR && errno != EAGAIN)
        break;
    }

  /* The daemon group's number is only known after the first daemon started; the
   * wrapper writes it into a file the reaper can read. */
  if (tmp_root != NULL)
    {
      char *group_path = g_build_filename (tmp_root, "daemon-group", NULL);
      char buffer[32] = { 0 };
      int fd = open (group_path, O_RDONLY | O_CLOEXEC);

      if (fd >= 0)
        {
          if (read (fd, buffer, sizeof buffer - 1) > 0)
            {
              pid_t group = (pid_t) strtol (buffer, NULL, 10);

              if (group > 1)
                {
                  kill (-group, SIGTERM);
                  for (int i = 0; i < 50 && kill (-group, 0) == 0; i++)
                    nanosleep (&pause, NULL);
                  kill (-group, SIGKILL);
                }
            }
          close (fd);
        }

      if (g_getenv ("MUTUAL_TEST_KEEP") == NULL)
        nftw (tmp_root, remove_entry_cb, 16, FTW_DEPTH | FTW_PHYS);
    }

  _exit (0);
}

/* The anchor is the leader of the daemons' process group; it only waits to be
 * terminated. Keeping the group alive this way lets every daemon join it. */
static pid_t
start_anchor (void)
{
  pid_t pid = fork ();

  if (pid < 0)
    bail_out ("fork failed: %s", g_strerror (errno));

  if (pid == 0)
    {
      int null_fd = open ("/dev/null", O_RDWR);

      /* The anchor never execs, so the close-on-exec flag does not help here. */
      close (watch_write_fd);
      setpgid (0, 0);
      if (null_fd >= 0)
        {
          dup2 (null_fd, STDIN_FILENO);
          dup2 (null_fd, STDOUT_FILENO);
          dup2 (null_fd, STDERR_FILENO);
        }
      for (;;)
        pause ();
    }

  /* Set it from both sides, so that the group exists when the next fork joins it. */
  setpgid (pid, pid);

  return pid;
}

/* Starts a daemon in the daemons' group with its output in a log file. @keep_fd, if
 * not -1, is left open in the child (for -displayfd and --print-address). */
static Daemon *
spawn_daemon (const char  *name,
              const char **argv,
              int         stdin_fd,
              int         keep_fd)
{
  static const char *test_only_variables[] = {
    "G_DEBUG", "G_SLICE", "MALLOC_CHECK_", "MALLOC_PERTURB_", "G_MESSAGES_DEBUG",
  };
  Daemon *daemon = g_new0 (Daemon, 1);
  char **envp;
  int log_fd;
  pid_t pid;

  daemon->name = name;
  daemon->log_path = g_strdup_printf ("%s/%s.log", tmp_root, name);
  /* The daemons do not get the test's hardening: a GLib warning in gnome-keyring is
   * not the test's failure, and G_DEBUG=fatal-warnings would kill the daemon. */
  envp = g_get_environ ();
  for (guint i = 0; i < G_N_ELEMENTS (test_only_variables); i++)
    envp = g_environ_unsetenv (envp, test_only_variables[i]);

  log_fd = open (daemon->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0)
    bail_out ("cannot create %s: %s", daemon->log_path, g_strerror (errno));

  pid = fork ();
  if (pid < 0)
    bail_out ("fork failed: %s", g_strerror (errno));

  if (pid == 0)
    {
      int null_fd = open ("/dev/null", O_RDONLY);

      setpgid (0, daemon_group);
      dup2 (stdin_fd >= 0 ? stdin_fd : null_fd, STDIN_FILENO);
      dup2 (log_fd, STDOUT_FILENO);
      dup2 (log_fd, STDERR_FILENO);
      if (keep_fd >= 0)
        fcntl (keep_fd, F_SETFD, 0);
      execve (argv[0], (char *const *) argv, envp);
      _exit (127);
    }

  setpgid (pid, daemon_group);
  close (log_fd);
  g_strfreev (envp);
  daemon->pid = pid;
  g_ptr_array_add (daemons, daemon);

  return daemon;
}

static gboolean
daemon_exited (Daemon *daemon)
{
  int status;

  return waitpid (daemon->pid, &status, WNOHANG) == daemon->pid;
}

/* Reads one line from @fd, giving up after the startup timeout or when @daemon dies. */
static char *
read_line_from (int         fd,
                Daemon     *daemon)
{
  GString *line = g_string_new (NULL);
  gint64 deadline = now_ms () + STARTUP_TIMEOUT_MS;

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gint64 left = deadline - now_ms ();
      char c;
      ssize_t n;

      if (left <= 0)
        bail_out ("%s did not start within %d s", daemon->name, STARTUP_TIMEOUT_MS / 1000);

      if (poll (&pfd, 1, (int) MIN (left, 100)) <= 0)
        {
          if (daemon_exited (daemon))
            bail_out ("%s exited during start-up", daemon->name);
          continue;
        }

      n = read (fd, &c, 1);
      if (n <= 0)
        {
          if (n < 0 && errno == EINTR)
            continue;
          bail_out ("%s closed its start-up pipe without answering", daemon->name);
        }
      if (c == '\n')
        break;
      g_string_append_c (line, c);
    }

  return g_string_free (line, FALSE);
}

static void
make_dir (const char *path,
          int         mode)
{
  if (g_mkdir_with_parents (path, mode) != 0)
    bail_out ("cannot create %s: %s", path, g_strerror (errno));
}

static void
setup_private_folders (void)
{
  const char *base = g_getenv ("MUTUAL_TEST_TMPDIR");
  g_autofree char *template = NULL;
  struct
  {
    const char *variable;
    const char *folder;
  } folders[] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "home/.config" },
    { "XDG_DATA_HOME", "home/.local/share" },
    { "XDG_STATE_HOME", "home/.local/state" },
    { "XDG_CACHE_HOME", "home/.cache" },
    { "XDG_RUNTIME_DIR", "runtime" },
    { "TMPDIR", "tmp" },
  };

  /* A short path: D-Bus and X11 socket paths must fit in 108 bytes. */
  template = g_build_filename (base ? base : "/tmp", "mutual-test-XXXXXX", NULL);
  tmp_root = g_mkdtemp_full (template, 0700);
  if (tmp_root == NULL)
    bail_out ("cannot create a private folder in %s: %s", base ? base : "/tmp",
              g_strerror (errno));
  tmp_root = g_strdup (tmp_root);
  g_clear_pointer (&template, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (tmp_root, folders[i].folder, NULL);

      make_dir (path, 0700);
      g_setenv (folders[i].variable, path, TRUE);
    }
}

static void
isolate_environment (void)
{
  g_autofree char *no_bus = g_strdup_printf ("unix:path=%s/no-such-bus", tmp_root);
  const char *unset[] = {
    "DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET", "XAUTHORITY",
    "DBUS_SESSION_BUS_ADDRESS", "DBUS_STARTER_ADDRESS", "DBUS_STARTER_BUS_TYPE",
    "GNOME_KEYRING_CONTROL", "GNOME_KEYRING_TEST_PROMPTER", "SSH_AUTH_SOCK",
    "XDG_SESSION_TYPE", "XDG_SESSION_ID", "XDG_CURRENT_DESKTOP", "XDG_DATA_DIRS_EXTRA",
    "AT_SPI_BUS_ADDRESS", "SESSION_MANAGER", "GPG_AGENT_INFO", "SECRET_BACKEND",
  };

  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    g_unsetenv (unset[i]);

  /* Without a bus, a connection attempt fails at once instead of reaching the user's
   * session or auto-launching one. The system bus is never the test's business. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", no_bus, TRUE);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", no_bus, TRUE);
}

static void
write_file_or_bail (const char *path,
                    const char *contents)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, contents, -1, &error))
    bail_out ("cannot write %s: %s", path, error->message);
}

static char *
start_dbus (void)
{
  g_autofree char *dbus_daemon = require_program ("dbus-daemon", "dbus-daemon");
  g_autofree char *services = g_build_filename (tmp_root, "services", NULL);
  g_autofree char *config_path = g_build_filename (tmp_root, "session.conf", NULL);
  g_autofree char *config = NULL;
  g_autofree char *address_arg = NULL;
  g_autofree char *config_arg = NULL;
  const char *launcher = "/usr/libexec/at-spi-bus-launcher";
  char *address;
  Daemon *daemon;
  int pipe_fds[2];

  make_dir (services, 0700);

  /* The only service that can be activated is the accessibility bus, which GTK asks
   * for; gnome-keyring is started by the harness itself, never by activation, so that
   * its password and prompter are under the test's control. */
  if (!g_file_test (launcher, G_FILE_TEST_IS_EXECUTABLE))
    bail_out ("%s is not installed; install the Debian package “at-spi2-core”", launcher);
  {
    g_autofree char *service_path = g_build_filename (services, "org.a11y.Bus.service", NULL);
    g_autofree char *service = g_strdup_printf ("[D-BUS Service]\n"
                                                "Name=org.a11y.Bus\n"
                                                "Exec=%s\n", launcher);

    write_file_or_bail (service_path, service);
  }

  config = g_strdup_printf ("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus "
                            "Configuration 1.0//EN\" "
                            "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                            "<busconfig>\n"
                            "  <type>session</type>\n"
                            "  <keep_umask/>\n"
                            "  <listen>unix:dir=%s</listen>\n"
                            "  <auth>EXTERNAL</auth>\n"
                            /* The limits of Debian's session.conf: dbus-daemon's own
                             * defaults (128 pending replies) are far below what a
                             * desktop session allows, and libsecret exceeds them. */
                            "  <limit name=\"max_incoming_bytes\">1000000000</limit>\n"
                            "  <limit name=\"max_outgoing_bytes\">1000000000</limit>\n"
                            "  <limit name=\"max_message_size\">1000000000</limit>\n"
                            "  <limit name=\"max_replies_per_connection\">50000</limit>\n"
                            "  <limit name=\"max_match_rules_per_connection\">50000</limit>\n"
                            "  <limit name=\"max_names_per_connection\">50000</limit>\n"
                            "  <limit name=\"max_connections_per_user\">100000</limit>\n"
                            "  <limit name=\"max_pending_service_starts\">10000</limit>\n"
                            "  <limit name=\"service_start_timeout\">120000</limit>\n"
                            "  <servicedir>%s</servicedir>\n"
                            "  <policy context=\"default\">\n"
                            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                            "    <allow eavesdrop=\"true\"/>\n"
                            "    <allow own=\"*\"/>\n"
                            "  </policy>\n"
                            "</busconfig>\n",
                            tmp_root, services);
  write_file_or_bail (config_path, config);

  if (pipe2 (pipe_fds, O_CLOEXEC) != 0)
    bail_out ("pipe failed: %s", g_strerror (errno));

  config_arg = g_strdup_printf ("--config-file=%s", config_path);
  address_arg = g_strdup_printf ("--print-address=%d", pipe_fds[1]);
  {
    const char *argv[] = { dbus_daemon, config_arg, "--nofork", "--nopidfile", "--nosyslog",
                     address_arg, NULL };

    daemon = spawn_daemon ("dbus-daemon", argv, -1, pipe_fds[1]);
  }
  close (pipe_fds[1]);

  address = read_line_from (pipe_fds[0], daemon);
  close (pipe_fds[0]);
  if (address[0] == '\0')
    bail_out ("dbus-daemon printed an empty address");

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  return address;
}

static void
wait_for_keyring (GDBusConnection *connection,
                  Daemon          *daemon)
{
  gint64 deadline = now_ms () + STARTUP_TIMEOUT_MS;

  for (;;)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      gboolean has_owner = FALSE;

      reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                           "NameHasOwner",
                                           g_variant_new ("(s)", "org.freedesktop.secrets"),
                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                           2000, NULL, &error);
      if (reply == NULL)
        bail_out ("cannot ask the private bus for the keyring: %s", error->message);
      g_variant_get (reply, "(b)", &has_owner);
      if (has_owner)
        break;

      if (daemon_exited (daemon))
        bail_out ("gnome-keyring-daemon exited during start-up");
      if (now_ms () > deadline)
        bail_out ("gnome-keyring-daemon did not own org.freedesktop.secrets within %d s",
                  STARTUP_TIMEOUT_MS / 1000);
      g_usleep (5 * 1000);
    }
}

/* gnome-keyring owns its bus name before it has made the "login" collection from the
 * password: the "default" alias is asked for until it names one, within the start-up
 * deadline. */
static void
wait_for_default_collection (GDBusConnection *connection,
                             Daemon          *daemon)
{
  gint64 deadline = now_ms () + STARTUP_TIMEOUT_MS;

  for (;;)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      const char *path = "/";

      reply = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets",
                                           "/org/freedesktop/secrets",
                                           "org.freedesktop.Secret.Service", "ReadAlias",
                                           g_variant_new ("(s)", "default"),
                                           G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                                           5000, NULL, &error);
      if (reply != NULL)
        g_variant_get (reply, "(&o)", &path);
      if (!g_str_equal (path, "/"))
        return;

      if (daemon_exited (daemon))
        bail_out ("gnome-keyring-daemon exited during start-up");
      if (now_ms () > deadline)
        {
          if (reply == NULL)
            bail_out ("the keyring did not answer ReadAlias within %d s: %s",
                      STARTUP_TIMEOUT_MS / 1000, error->message);
          bail_out ("the keyring has no default collection %d s after --unlock",
                    STARTUP_TIMEOUT_MS / 1000);
        }
      g_usleep (10 * 1000);
    }
}

static void
start_keyring (const char *address)
{
  g_autofree char *keyring = require_program ("gnome-keyring-daemon", "gnome-keyring");
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { keyring, "--foreground", "--unlock", "--components=secrets", NULL };
  const char *password = KEYRING_PASSWORD;
  Daemon *daemon;
  int pipe_fds[2];

  /* Any prompt goes to a name nobody owns, so it fails in milliseconds. */
  g_setenv ("GNOME_KEYRING_TEST_PROMPTER", NO_PROMPTER_NAME, TRUE);

  if (pipe2 (pipe_fds, O_CLOEXEC) != 0)
    bail_out ("pipe failed: %s", g_strerror (errno));
  daemon = spawn_daemon ("gnome-keyring-daemon", argv, pipe_fds[0], -1);
  close (pipe_fds[0]);
  /* --unlock reads the password from standard input until end-of-file. A non-empty
   * password makes it create the "login" collection and the "default" alias. */
  if (write (pipe_fds[1], password, strlen (password)) != (ssize_t) strlen (password))
    bail_out ("cannot pass the password to gnome-keyring-daemon: %s", g_strerror (errno));
  close (pipe_fds[1]);

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  if (connection == NULL)
    bail_out ("cannot connect to the private bus: %s", error->message);

  wait_for_keyring (connection, daemon);
  wait_for_default_collection (connection, daemon);
  g_dbus_connection_close_sync (connection, NULL, NULL);
}

static void
start_display (void)
{
  g_autofree char *xvfb = require_program ("Xvfb", "xvfb");
  g_autofree char *fd_arg = NULL;
  g_autofree char *number = NULL;
  g_autofree char *display = NULL;
  Daemon *daemon;
  int pipe_fds[2];

  if (pipe2 (pipe_fds, O_CLOEXEC) != 0)
    bail_out ("pipe failed: %s", g_strerror (errno));

  fd_arg = g_strdup_printf ("%d", pipe_fds[1]);
  {
    /* -displayfd lets Xvfb pick a free display and tell us which: no race between
     * parallel tests. */
    const char *argv[] = { xvfb, "-displayfd", fd_arg, "-screen", "0", "1280x800x24",
                     "-nolisten", "tcp", "-noreset", NULL };

    daemon = spawn_daemon ("Xvfb", argv, -1, pipe_fds[1]);
  }
  close (pipe_fds[1]);

  number = read_line_from (pipe_fds[0], daemon);
  close (pipe_fds[0]);
  display = g_strdup_printf (":%s", number);

  g_setenv ("DISPLAY", display, TRUE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  /* Pixel-identical and fast on a machine without a GPU (../shared/TESTING.md). */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", FALSE);
}

static void
terminate_cb (int signum)
{
  terminate_signal = signum;
}

static int
run_test (char **argv)
{
  struct sigaction action = { 0 };
  pid_t pid;
  int status = 0;

  pid = fork ();
  if (pid < 0)
    bail_out ("fork failed: %s", g_strerror (errno));

  if (pid == 0)
    {
      execvp (argv[0], argv);
      fprintf (stdout, "Bail out! mutual-test-run: cannot run %s: %s\n", argv[0],
               g_strerror (errno));
      _exit (HARNESS_EXIT_ERROR);
    }

  /* Meson's timeout sends SIGTERM to the whole process group, the test included: the
   * wrapper only has to notice, wait for the test and clean up. */
  action.sa_handler = terminate_cb;
  sigaction (SIGTERM, &action, NULL);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGHUP, &action, NULL);

  while (waitpid (pid, &status, 0) < 0)
    {
      if (errno != EINTR)
        bail_out ("waitpid failed: %s", g_strerror (errno));
    }

  return status;
}

int
main (int    argc,
      char **argv)
{
  Needs needs;
  int watch_fds[2];
  pid_t reaper;
  int status;
  g_autofree char *group_path = NULL;
  g_autofree char *group_text = NULL;
  g_autofree char *address = NULL;

  if (argc < 2)
    {
      fprintf (stderr, "Usage: mutual-test-run PROGRAM [ARGUMENT…]\n"
                       "Runs PROGRAM with what MUTUAL_TEST_NEEDS lists "
                       "(dbus, keyring, display).\n");
      return 2;
    }

  /* Orphans of the daemons (services the bus activated) come back to the wrapper,
   * which reaps them, instead of lingering as zombies in the daemons' group. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);

  daemons = g_ptr_array_new ();
  needs = parse_needs (g_getenv ("MUTUAL_TEST_NEEDS"));
  setup_private_folders ();
  isolate_environment ();

  /* The reaper is forked before anything starts a thread. */
  if (pipe2 (watch_fds, O_CLOEXEC) != 0)
    bail_out ("pipe failed: %s", g_strerror (errno));
  reaper = fork ();
  if (reaper < 0)
    bail_out ("fork failed: %s", g_strerror (errno));
  if (reaper == 0)
    {
      close (watch_fds[1]);
      run_reaper (watch_fds[0]);
    }
  close (watch_fds[0]);
  watch_write_fd = watch_fds[1];

  if (needs.dbus || needs.display)
    {
      daemon_group = start_anchor ();
      group_path = g_build_filename (tmp_root, "daemon-group", NULL);
      group_text = g_strdup_printf ("%d", (int) daemon_group);
      write_file_or_bail (group_path, group_text);
    }

  if (needs.dbus)
    address = start_dbus ();
  if (needs.keyring)
    start_keyring (address);
  if (needs.display)
    start_display ();

  status = run_test (argv + 1);

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    print_daemon_logs ();

  /* Hand the clean-up to the reaper and wait until it is done, reaping the daemons as
   * they exit. */
  close (watch_fds[1]);
  for (;;)
    {
      pid_t pid = waitpid (-1, NULL, 0);

      if (pid == reaper || (pid < 0 && errno == ECHILD))
        break;
    }

  if (WIFSIGNALED (status))
    {
      /* Die the way the test died, so that meson reports the signal. */
      signal (WTERMSIG (status), SIG_DFL);
      kill (getpid (), WTERMSIG (status));
    }
  if (terminate_signal != 0 && !WIFEXITED (status))
    return 128 + terminate_signal;

  return WIFEXITED (status) ? WEXITSTATUS (status) : HARNESS_EXIT_ERROR;
}

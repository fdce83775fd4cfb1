/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mutual-cli.h"

/* mutualctl probe: a mutual-TLS handshake to one host, or to a fleet of them. */

#define DEFAULT_CONCURRENCY 32
#define MAX_CONCURRENCY 1024
#define MAX_TARGETS 100000

typedef struct
{
  char *host;
  guint16 port;
  MutualProtocol protocol;
  char *line;              /* as written in the targets file, for messages */
} Target;

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->host, g_free);
  g_clear_pointer (&target->line, g_free);
}

/* Everything the options set, shared by every probe of a run. */
typedef struct
{
  GPtrArray *chain;          /* MutualCertificate, leaf first; NULL for no identity */
  MutualPrivateKey *key;
  char *identity_label;
  MutualTrust *trust;        /* NULL for the system's */
  char *sni;
  gboolean no_sni;
  MutualProtocol protocol;
  gboolean protocol_set;
  MutualTlsVersion min_version;
  MutualTlsVersion max_version;
  GStrv alpn;
  guint step_ms;
  guint total_ms;
  GSocketFamily family;
  char *keylog;
  char *user;
  gboolean check_any;
} Settings;

static void
settings_clear (Settings *settings)
{
  g_clear_pointer (&settings->chain, g_ptr_array_unref);
  g_clear_object (&settings->key);
  g_clear_pointer (&settings->identity_label, g_free);
  g_clear_object (&settings->trust);
  g_clear_pointer (&settings->sni, g_free);
  g_clear_pointer (&settings->alpn, g_strfreev);
  g_clear_pointer (&settings->keylog, g_free);
  g_clear_pointer (&settings->user, g_free);
}

/* Parses HOST, HOST:PORT, [ADDRESS]:PORT or a bare IPv6 address. */
static gboolean
parse_target (const char      *text,
              MutualProtocol   protocol,
              Target          *target,
              char           **message)
{
  g_autofree char *host = NULL;
  const char *port_text = NULL;
  const char *colon;
  guint64 port;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        {
          *message = g_strdup_printf (_("“%s” is not a target: write an IPv6 address as "
                                        "[ADDRESS]:PORT"), text);
          return FALSE;
        }
      host = g_strndup (text + 1, close - text - 1);
      if (close[1] == ':')
        port_text = close + 2;
    }
  else if ((colon = strchr (text, ':')) != NULL && strchr (colon + 1, ':') == NULL)
    {
      host = g_strndup (text, colon - text);
      port_text = colon + 1;
    }
  else
    {
      host = g_strdup (text);
    }

  if (host[0] == '\0')
    {
      *message = g_strdup_printf (_("“%s” is not a target: the host name is missing"), text);
      return FALSE;
    }
  for (const char *c = host; *c; c++)
    {
      if (g_ascii_isspace (*c) || g_ascii_iscntrl (*c) || *c == '/' || *c == '@')
        {
          *message = g_strdup_printf (_("“%s” is not a host name or an address"), host);
          return FALSE;
        }
    }

  if (port_text == NULL)
    {
      port = mutual_protocol_default_port (protocol);
    }
  else if (!g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL))
    {
      *message = g_strdup_printf (_("“%s” is not a port: give a number from 1 to 65535"), port_text);
      return FALSE;
    }

  target->host = g_steal_pointer (&host);
  target->port = port;
  target->protocol = protocol;
  target->line = g_strdup (text);
  return TRUE;
}

static gboolean
parse_protocol (const char      *name,
                MutualProtocol  *protocol,
                char           **message)
{
  if (mutual_protocol_from_string (name, protocol))
    return TRUE;
  *message = g_strdup_printf (_("Unknown protocol “%s”: use https, mqtt, postgres, mysql, smtp, imap, "
                                "pop3, ldap, xmpp, ftp or tls"), name);
  return FALSE;
}

static MutualProbe *
make_probe (const Settings *settings,
            const Target   *target)
{
  MutualProbe *probe = mutual_probe_new (target->host, target->port);

  mutual_probe_set_protocol (probe, target->protocol);
  if (settings->no_sni)
    mutual_probe_set_sni (probe, "");
  else if (settings->sni != NULL)
    mutual_probe_set_sni (probe, settings->sni);
  if (settings->chain != NULL)
    mutual_probe_set_identity (probe, settings->chain, settings->key);
  if (settings->trust != NULL)
    mutual_probe_set_trust (probe, settings->trust);
  mutual_probe_set_versions (probe, settings->min_version, settings->max_version);
  if (settings->alpn != NULL)
    mutual_probe_set_alpn (probe, (const char * const *) settings->alpn);
  mutual_probe_set_timeouts (probe, settings->step_ms, settings->total_ms);
  mutual_probe_set_family (probe, settings->family);
  if (settings->keylog != NULL)
    mutual_probe_set_keylog (probe, settings->keylog);
  if (settings->user != NULL)
    mutual_probe_set_user (probe, settings->user);
  mutual_probe_set_check_any_certificate (probe, settings->check_any);
  return probe;
}

static int
exit_code_for_outcome (MutualProbeOutcome outcome)
{
  switch (outcome)
    {
    case MUTUAL_PROBE_SUCCESS:
      return MUTUAL_EXIT_OK;
    case MUTUAL_PROBE_UNREACHABLE:
      return MUTUAL_EXIT_UNAVAILABLE;
    case MUTUAL_PROBE_PROBLEMS:
    case MUTUAL_PROBE_NOT_RUN:
    default:
      return MUTUAL_EXIT_PROBLEMS;
    }
}

/* Text output */

static const char *
status_mark (MutualStepStatus status)
{
  switch (status)
    {
    case MUTUAL_STEP_OK:
      return "✓";
    case MUTUAL_STEP_WARNING:
      return "!";
    case MUTUAL_STEP_FAILED:
      return "✗";
    case MUTUAL_STEP_SKIPPED:
      return "-";
    case MUTUAL_STEP_PENDING:
    case MUTUAL_STEP_RUNNING:
    default:
      return "…";
    }
}

static char *
format_ms (gint64 microseconds)
{
  if (microseconds < 10 * 1000)
    return g_strdup_printf ("%.2f ms", microseconds / 1000.0);
  if (microseconds < 1000 * 1000)
    return g_strdup_printf ("%.1f ms", microseconds / 1000.0);
  return g_strdup_printf ("%.2f s", microseconds / 1000000.0);
}

static void
print_step (MutualProbeStep *step)
{
  GListModel *evidence = mutual_probe_step_get_evidence (step);
  g_autofree char *duration = format_ms (mutual_probe_step_get_duration (step));
  g_autofree char *start = format_ms (mutual_probe_step_get_start (step));
  guint n = g_list_model_get_n_items (evidence);
  int width = 0;

  mutual_cli_print ("%s %-28s %10s  (at %s)\n", status_mark (mutual_probe_step_get_status (step)),
                    mutual_probe_step_get_title (step), duration, start);
  if (mutual_probe_step_get_summary (step) != NULL)
    mutual_cli_print ("    %s\n", mutual_probe_step_get_summary (step));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (evidence, i);

      width = MAX (width, (int) g_utf8_strlen (mutual_field_get_label (field), -1));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (evidence, i);
      const char *label = mutual_field_get_label (field);
      g_auto(GStrv) lines = g_strsplit (mutual_field_get_value (field), "\n", -1);
      int pad = width - (int) g_utf8_strlen (label, -1);

      mutual_cli_print ("      %s%*s  %s\n", label, MAX (pad, 0), "", lines[0] ? lines[0] : "");
      for (guint l = 1; lines[0] != NULL && lines[l] != NULL; l++)
        mutual_cli_print ("      %*s  %s\n", width, "", lines[l]);
    }
}

static void
step_status_cb (MutualProbeStep *step,
                GParamSpec      *pspec,
                gpointer         data)
{
  MutualStepStatus status = mutual_probe_step_get_status (step);

  if (status == MUTUAL_STEP_PENDING || status == MUTUAL_STEP_RUNNING)
    return;
  g_signal_handlers_disconnect_by_func (step, step_status_cb, data);
  print_step (step);
}

static void
steps_changed_cb (GListModel *steps,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(MutualProbeStep) step = g_list_model_get_item (steps, i);

      g_signal_connect (step, "notify::status", G_CALLBACK (step_status_cb), data);
    }
}

static void
print_wrapped (const char *text,
               int         indent)
{
  const int width = 78 - indent;
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  int column = 0;

  mutual_cli_print ("%*s", indent, "");
  for (guint i = 0; words[i] != NULL; i++)
    {
      int length = g_utf8_strlen (words[i], -1);

      if (column > 0 && column + 1 + length > width)
        {
          mutual_cli_print ("\n%*s", indent, "");
          column = 0;
        }
      else if (column > 0)
        {
          mutual_cli_print (" ");
          column++;
        }
      mutual_cli_print ("%s", words[i]);
      column += length;
    }
  mutual_cli_print ("\n");
}

static void
print_findings (MutualProbe *probe)
{
  GPtrArray *findings = mutual_probe_get_findings (probe);

  if (findings->len == 0)
    return;
  mutual_cli_print ("\n%s\n", _("Findings:"));
  for (guint i = 0; i < findings->len; i++)
    {
      MutualFinding *finding = g_ptr_array_index (findings, i);
      const char * const *evidence = mutual_finding_get_evidence (finding);
      g_autofree char *title = NULL;

      title = g_strdup_printf ("%s%s: %s [%s]", mutual_finding_severity_get_label (mutual_finding_get_severity (finding)),
                               mutual_finding_get_certain (finding) ? "" : _(" (probable)"),
                               mutual_finding_get_title (finding), mutual_finding_get_id (finding));
      mutual_cli_print ("\n");
      print_wrapped (title, 2);
      if (mutual_finding_get_explanation (finding) != NULL)
        print_wrapped (mutual_finding_get_explanation (finding), 4);
      for (guint e = 0; evidence != NULL && evidence[e] != NULL; e++)
        {
          g_autofree char *line = g_strdup_printf ("• %s", evidence[e]);

          print_wrapped (line, 4);
        }
      if (mutual_finding_get_remedy (finding) != NULL)
        {
          g_autofree char *line = g_strdup_printf (_("What to do: %s"), mutual_finding_get_remedy (finding));

          print_wrapped (line, 4);
        }
    }
}

static const char *
outcome_text (MutualProbeOutcome outcome)
{
  switch (outcome)
    {
    case MUTUAL_PROBE_SUCCESS:
      return _("accepted");
    case MUTUAL_PROBE_UNREACHABLE:
      return _("unreachable");
    case MUTUAL_PROBE_PROBLEMS:
      return _("failed");
    case MUTUAL_PROBE_NOT_RUN:
    default:
      return _("not run");
    }
}

/* Loading the identity and the trust */

static MutualBundle *
load_bundle (const char  *path,
             const char  *password,
             GError     **error)
{
  g_autoptr(GBytes) data = mutual_cli_load (path, error);

  if (data == NULL)
    return NULL;
  return mutual_import_bytes (data, path, password, error);
}

static gboolean
load_identity_files (Settings    *settings,
                     const char  *cert_path,
                     const char  *key_path,
                     char       **chain_paths,
                     const char  *password,
                     GError     **error)
{
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) certificates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(MutualPrivateKey) key = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  MutualCertificate *leaf = NULL;
  MutualBundle *bundle;

  bundle = load_bundle (cert_path, password, error);
  if (bundle == NULL)
    return FALSE;
  g_ptr_array_add (bundles, bundle);
  if (key_path != NULL && g_strcmp0 (key_path, cert_path) != 0)
    {
      bundle = load_bundle (key_path, password, error);
      if (bundle == NULL)
        return FALSE;
      g_ptr_array_add (bundles, bundle);
    }
  for (guint i = 0; chain_paths != NULL && chain_paths[i] != NULL; i++)
    {
      bundle = load_bundle (chain_paths[i], password, error);
      if (bundle == NULL)
        return FALSE;
      g_ptr_array_add (bundles, bundle);
    }

  for (guint b = 0; b < bundles->len; b++)
    {
      GPtrArray *found = mutual_bundle_get_certificates (g_ptr_array_index (bundles, b));
      GPtrArray *keys = mutual_bundle_get_keys (g_ptr_array_index (bundles, b));

      for (guint i = 0; i < found->len; i++)
        g_ptr_array_add (certificates, g_object_ref (g_ptr_array_index (found, i)));
      if (key == NULL && keys->len > 0)
        key = g_object_ref (g_ptr_array_index (keys, 0));
    }

  if (certificates->len == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_CERTIFICATE,
                   _("%s has no certificate: give the client certificate with --cert"), cert_path);
      return FALSE;
    }
  if (key == NULL)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_NO_KEY,
                   _("No private key in %s: give the key with --key"), key_path ? key_path : cert_path);
      return FALSE;
    }

  /* The leaf is the certificate of the key; when none matches it is the first
   * certificate, and the probe reports the mismatch as the server would see it. */
  for (guint i = 0; i < certificates->len && leaf == NULL; i++)
    {
      if (mutual_private_key_matches (key, g_ptr_array_index (certificates, i)))
        leaf = g_ptr_array_index (certificates, i);
    }
  if (leaf == NULL)
    leaf = g_ptr_array_index (certificates, 0);

  chain = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (chain, g_object_ref (leaf));
  for (guint i = 0; i < certificates->len; i++)
    {
      if (g_ptr_array_index (certificates, i) != leaf)
        g_ptr_array_add (chain, g_object_ref (g_ptr_array_index (certificates, i)));
    }

  settings->chain = g_steal_pointer (&chain);
  settings->key = g_steal_pointer (&key);
  settings->identity_label = g_strdup (cert_path);
  return TRUE;
}

static gboolean
load_identity_from_store (Settings    *settings,
                          const char  *name,
                          int         *exit_code,
                          GError     **error)
{
  const MutualCliServices *services = mutual_cli_get_services (error);
  g_autoptr(MutualBundle) bundle = NULL;
  GPtrArray *keys;

  *exit_code = MUTUAL_EXIT_FAILED;
  if (services == NULL)
    return FALSE;
  bundle = services->load_identity (name, &settings->identity_label, exit_code, error);
  if (bundle == NULL)
    return FALSE;

  keys = mutual_bundle_get_keys (bundle);
  settings->chain = g_ptr_array_ref (mutual_bundle_get_certificates (bundle));
  settings->key = g_object_ref (g_ptr_array_index (keys, 0));
  return TRUE;
}

static gboolean
load_trust (Settings    *settings,
            char       **ca_paths,
            gboolean     identity_ca,
            GError     **error)
{
  g_autoptr(MutualTrust) trust = NULL;

  if (ca_paths == NULL && !identity_ca)
    return TRUE;

  trust = mutual_trust_new ();
  for (guint i = 0; ca_paths != NULL && ca_paths[i] != NULL; i++)
    {
      g_autoptr(MutualBundle) bundle = load_bundle (ca_paths[i], NULL, error);

      if (bundle == NULL || !mutual_trust_add_bundle (trust, bundle, error))
        return FALSE;
    }
  if (identity_ca)
    {
      MutualCertificate *top;

      if (settings->chain == NULL)
        {
          g_set_error_literal (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                               _("--ca-from-identity needs an identity: give --identity or --cert"));
          return FALSE;
        }
      /* The top of the identity's chain: its root when the chain includes it, else the
       * highest intermediate, which then serves as the anchor. */
      top = g_ptr_array_index (settings->chain, settings->chain->len - 1);
      if (settings->chain->len == 1)
        {
          g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_INVALID_ARGUMENT,
                       _("The identity “%s” holds no CA certificate to trust; give the CA with --ca"),
                       settings->identity_label);
          return FALSE;
        }
      if (!mutual_trust_add_anchor (trust, top, error))
        return FALSE;
    }

  settings->trust = g_steal_pointer (&trust);
  return TRUE;
}

/* One probe */

static int
run_one (MutualCli      *cli,
         const Settings *settings,
         const Target   *target)
{
  g_autoptr(MutualProbe) probe = make_probe (settings, target);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = mutual_cli_get_json (cli);
  MutualProbeOutcome outcome;

  if (!json)
    {
      g_autofree char *who = settings->chain
        ? g_strdup_printf (_("with the identity “%s”"), settings->identity_label)
        : g_strdup (_("without a client certificate"));

      /* An IPv6 address is written in brackets before its port, as it is typed. */
      g_autofree char *host = g_strdup_printf (strchr (target->host, ':') ? "[%s]" : "%s",
                                               target->host);

      /* Translators: e.g. "Probing db.example.org:5432 (postgres) with the identity “alice”". */
      mutual_cli_print (_("Probing %s:%u (%s) %s\n\n"), host, target->port,
                        mutual_protocol_to_string (target->protocol), who);
      g_signal_connect (mutual_probe_get_steps (probe), "items-changed", G_CALLBACK (steps_changed_cb), NULL);
    }

  mutual_probe_run_async (probe, NULL, mutual_cli_result_cb, &result);
  mutual_cli_wait (&result);
  if (!mutual_probe_run_finish (probe, result, &error))
    return mutual_cli_fail (cli, MUTUAL_EXIT_FAILED, error);

  outcome = mutual_probe_get_outcome (probe);
  if (json)
    {
      MutualJson *writer = mutual_cli_json_begin (cli, "mutualctl.probe/1");

      mutual_probe_to_json (probe, writer, "probe");
      mutual_cli_json_end (cli, writer);
    }
  else
    {
      g_autofree char *total = format_ms (mutual_probe_get_duration (probe));

      print_findings (probe);
      mutual_cli_print ("\n");
      /* Translators: e.g. "Result: accepted in 12.3 ms". */
      mutual_cli_print (_("Result: %s in %s\n"), outcome_text (outcome), total);
    }
  return exit_code_for_outcome (outcome);
}

/* A fleet */

typedef struct
{
  MutualCli *cli;
  const Settings *settings;
  GArray *targets;          /* Target */
  guint next;
  guint running;
  guint done;
  guint counts[MUTUAL_PROBE_UNREACHABLE + 1];
  guint concurrency;
  gint64 started;
} Fleet;

static void fleet_start_next (Fleet *fleet);

static const char *
primary_finding (MutualProbe *probe,
                 const char **title)
{
  GPtrArray *findings = mutual_probe_get_findings (probe);

  *title = NULL;
  for (guint i = 0; i < findings->len; i++)
    {
      MutualFinding *finding = g_ptr_array_index (findings, i);

      if (mutual_finding_get_severity (finding) == MUTUAL_FINDING_ERROR || i + 1 == findings->len)
        {
          *title = mutual_finding_get_title (finding);
          return mutual_finding_get_id (finding);
        }
    }
  return NULL;
}

static void
fleet_probe_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Fleet *fleet = data;
  MutualProbe *probe = MUTUAL_PROBE (source);
  g_autoptr(GError) error = NULL;
  MutualProbeOutcome outcome;

  mutual_probe_run_finish (probe, result, &error);
  outcome = mutual_probe_get_outcome (probe);
  fleet->counts[outcome]++;
  fleet->running--;
  fleet->done++;

  if (mutual_cli_get_json (fleet->cli))
    {
      g_autoptr(MutualJson) json = mutual_json_new (FALSE);
      g_autofree char *text = NULL;

      mutual_json_begin_object (json, NULL);
      mutual_json_string (json, "schema", "mutualctl.probe/1");
      mutual_probe_to_json (probe, json, "probe");
      mutual_json_end_object (json);
      text = mutual_json_free_to_string (g_steal_pointer (&json));
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *duration = format_ms (mutual_probe_get_duration (probe));
      g_autofree char *where = g_strdup_printf ("%s:%u", mutual_probe_get_host (probe),
                                                mutual_probe_get_port (probe));
      const char *title = NULL;
      const char *id = primary_finding (probe, &title);

      mutual_cli_print ("%-11s %-30s %10s  %s%s%s\n", outcome_text (outcome), where, duration,
                        id ? id : "", id ? ": " : "", title ? title : "");
    }

  g_object_unref (probe);
  fleet_start_next (fleet);
}

static void
fleet_start_next (Fleet *fleet)
{
  while (fleet->running < fleet->concurrency && fleet->next < fleet->targets->len)
    {
      const Target *target = &g_array_index (fleet->targets, Target, fleet->next++);
      MutualProbe *probe = make_probe (fleet->settings, target);

      fleet->running++;
      mutual_probe_run_async (probe, NULL, fleet_probe_done_cb, fleet);
    }
}

static gboolean
read_targets (const char      *path,
              MutualProtocol   protocol,
              GArray          *targets,
              GError         **error)
{
  g_autoptr(GBytes) data = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (g_strcmp0 (path, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      data = mutual_load_stream (in, "-", NULL, error);
    }
  else
    {
      data = mutual_cli_load (path, error);
    }
  if (data == NULL)
    return FALSE;

  text = g_strndup (g_bytes_get_data (data, &length), g_bytes_get_size (data));
  if (strlen (text) != length || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s is not a text file: list one target per line, HOST[:PORT] [PROTOCOL]"), path);
      return FALSE;
    }

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      g_autofree char *message = NULL;
      MutualProtocol line_protocol = protocol;
      Target target = { 0 };
      char *line = g_strstrip (lines[i]);

      if (line[0] == '\0' || line[0] == '#')
        continue;
      words = g_strsplit_set (line, " \t", -1);
      {
        guint n = 0;

        /* Drop the empty words runs of blanks leave. */
        for (guint w = 0; words[w] != NULL; w++)
          {
            if (words[w][0] != '\0')
              words[n++] = words[w];
            else
              g_free (words[w]);
          }
        words[n] = NULL;
        if (n > 2)
          {
            g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                         _("%s, line %u: “%s” has too many words: write HOST[:PORT] [PROTOCOL]"),
                         path, i + 1, line);
            return FALSE;
          }
      }
      if ((words[1] != NULL && !parse_protocol (words[1], &line_protocol, &message)) ||
          !parse_target (words[0], line_protocol, &target, &message))
        {
          g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE, _("%s, line %u: %s"), path, i + 1, message);
          return FALSE;
        }
      if (targets->len >= MAX_TARGETS)
        {
          target_clear (&target);
          g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_TOO_LARGE,
                       _("%s lists more than %u targets; split it"), path, MAX_TARGETS);
          return FALSE;
        }
      g_array_append_val (targets, target);
    }

  if (targets->len == 0)
    {
      g_set_error (error, MUTUAL_ERROR, MUTUAL_ERROR_PARSE,
                   _("%s lists no targets: write one per line, HOST[:PORT] [PROTOCOL]"), path);
      return FALSE;
    }
  return TRUE;
}

/* Each probe holds one socket; let a large fleet use as many as the system allows. */
static void
raise_file_limit (guint concurrency)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < concurrency + 64)
    {
      limit.rlim_cur = MIN ((rlim_t) concurrency + 64, limit.rlim_max);
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static int
run_fleet (MutualCli      *cli,
           const Settings *settings,
           const char     *path,
           guint           concurrency)
{
  g_autoptr(GArray) targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_autoptr(GError) error = NULL;
  Fleet fleet = { 0 };
  double seconds;
  guint handshakes;

  g_array_set_clear_func (targets, (GDestroyNotify) target_clear);
  if (!read_targets (path, settings->protocol, targets, &error))
    return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);

  raise_file_limit (concurrency);
  fleet.cli = cli;
  fleet.settings = settings;
  fleet.targets = targets;
  fleet.concurrency = concurrency;
  fleet.started = g_get_monotonic_time ();

  fleet_start_next (&fleet);
  while (fleet.done < targets->len)
    g_main_context_iteration (NULL, TRUE);

  seconds = (g_get_monotonic_time () - fleet.started) / (double) G_USEC_PER_SEC;
  handshakes = fleet.counts[MUTUAL_PROBE_SUCCESS] + fleet.counts[MUTUAL_PROBE_PROBLEMS];
  if (mutual_cli_get_json (cli))
    {
      g_autoptr(MutualJson) json = mutual_json_new (FALSE);
      g_autofree char *text = NULL;

      mutual_json_begin_object (json, NULL);
      mutual_json_string (json, "schema", "mutualctl.probe-summary/1");
      mutual_json_int (json, "targets", targets->len);
      mutual_json_int (json, "accepted", fleet.counts[MUTUAL_PROBE_SUCCESS]);
      mutual_json_int (json, "failed", fleet.counts[MUTUAL_PROBE_PROBLEMS] + fleet.counts[MUTUAL_PROBE_NOT_RUN]);
      mutual_json_int (json, "unreachable", fleet.counts[MUTUAL_PROBE_UNREACHABLE]);
      mutual_json_int (json, "concurrency", concurrency);
      mutual_json_double (json, "duration_s", seconds);
      mutual_json_double (json, "probes_per_second", targets->len / MAX (seconds, 1e-6));
      mutual_json_end_object (json);
      text = mutual_json_free_to_string (g_steal_pointer (&json));
      g_print ("%s\n", text);
    }
  else
    {
      mutual_cli_print ("\n");
      /* Translators: the summary of a fleet probe. */
      mutual_cli_print (_("%u targets in %.2f s (%.0f probes/s, %u handshakes): %u accepted, %u failed, "
                          "%u unreachable\n"),
                        targets->len, seconds, targets->len / MAX (seconds, 1e-6), handshakes,
                        fleet.counts[MUTUAL_PROBE_SUCCESS],
                        fleet.counts[MUTUAL_PROBE_PROBLEMS] + fleet.counts[MUTUAL_PROBE_NOT_RUN],
                        fleet.counts[MUTUAL_PROBE_UNREACHABLE]);
    }

  if (fleet.counts[MUTUAL_PROBE_PROBLEMS] + fleet.counts[MUTUAL_PROBE_NOT_RUN] > 0)
    return MUTUAL_EXIT_PROBLEMS;
  if (fleet.counts[MUTUAL_PROBE_UNREACHABLE] > 0)
    return MUTUAL_EXIT_UNAVAILABLE;
  return MUTUAL_EXIT_OK;
}

/* The command */

static gboolean
parse_seconds (const char  *text,
               const char  *option,
               guint       *ms,
               char       **message)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !(value > 0) || value > 3600)
    {
      *message = g_strdup_printf (_("%s wants a number of seconds from 0.001 to 3600, not “%s”"),
                                  option, text);
      return FALSE;
    }
  *ms = MAX ((guint) (value * 1000 + 0.5), 1);
  return TRUE;
}

static int
run_probe (MutualCli  *cli,
           int         argc,
           char      **argv)
{
  g_autofree char *identity = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) chain_files = NULL;
  g_auto(GStrv) ca_files = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *sni = NULL;
  g_autofree char *protocol = NULL;
  g_autofree char *alpn = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *deadline = NULL;
  g_autofree char *keylog = NULL;
  g_autofree char *user = NULL;
  g_autofree char *targets = NULL;
  gboolean identity_ca = FALSE;
  gboolean no_sni = FALSE;
  gboolean tls12 = FALSE;
  gboolean tls13 = FALSE;
  gboolean ipv4 = FALSE;
  gboolean ipv6 = FALSE;
  gboolean check_any = FALSE;
  int concurrency = DEFAULT_CONCURRENCY;
  const GOptionEntry entries[] = {
    { "identity", 'i', 0, G_OPTION_ARG_STRING, &identity,
      N_("Present the stored identity ID (its id or its label)"), N_("ID") },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert,
      N_("Present the client certificate in FILE (PEM, DER or PKCS#12; it may hold the key and chain)"),
      N_("FILE") },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key,
      N_("The private key of --cert, when it is in another file"), N_("FILE") },
    { "chain", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &chain_files,
      N_("Send the intermediate CA certificates in FILE after --cert (repeatable)"), N_("FILE") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password of an encrypted key or PKCS#12 file from FILE (its first line)"),
      N_("FILE") },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &ca_files,
      N_("Verify the server against the CA certificates in FILE instead of the system's (repeatable)"),
      N_("FILE") },
    { "ca-from-identity", 0, 0, G_OPTION_ARG_NONE, &identity_ca,
      N_("Verify the server against the top CA certificate of the identity's own chain"), NULL },
    { "sni", 0, 0, G_OPTION_ARG_STRING, &sni,
      N_("Send NAME as the server name and check the server's certificate against it"), N_("NAME") },
    { "no-sni", 0, 0, G_OPTION_ARG_NONE, &no_sni,
      N_("Send no server name"), NULL },
    { "protocol", 'p', 0, G_OPTION_ARG_STRING, &protocol,
      N_("Speak PROTOCOL: https, mqtt, postgres, mysql, smtp, imap, pop3, ldap, xmpp, ftp or tls "
         "(default: tls)"), N_("PROTOCOL") },
    { "tls1.2", 0, 0, G_OPTION_ARG_NONE, &tls12, N_("Offer TLS 1.2 only"), NULL },
    { "tls1.3", 0, 0, G_OPTION_ARG_NONE, &tls13, N_("Offer TLS 1.3 only"), NULL },
    { "alpn", 0, 0, G_OPTION_ARG_STRING, &alpn,
      N_("Offer the ALPN protocols in LIST, separated by commas (e.g. h2,http/1.1)"), N_("LIST") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user,
      N_("The user name for the application check (PostgreSQL, MySQL, MQTT; default: the "
         "certificate's common name)"), N_("NAME") },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &timeout,
      N_("Give up a step after SECONDS (default: 10)"), N_("SECONDS") },
    { "deadline", 0, 0, G_OPTION_ARG_STRING, &deadline,
      N_("Give up the whole probe after SECONDS (default: 30)"), N_("SECONDS") },
    { "ipv4", '4', 0, G_OPTION_ARG_NONE, &ipv4, N_("Connect over IPv4 only"), NULL },
    { "ipv6", '6', 0, G_OPTION_ARG_NONE, &ipv6, N_("Connect over IPv6 only"), NULL },
    { "keylog", 0, 0, G_OPTION_ARG_FILENAME, &keylog,
      N_("Append the session secrets to FILE (SSLKEYLOGFILE format, mode 0600) for Wireshark"),
      N_("FILE") },
    { "check-any-certificate", 0, 0, G_OPTION_ARG_NONE, &check_any,
      N_("Also present a throwaway self-signed certificate, to see whether the server accepts any "
         "certificate"), NULL },
    { "targets", 0, 0, G_OPTION_ARG_FILENAME, &targets,
      N_("Probe every target listed in FILE, one “HOST[:PORT] [PROTOCOL]” per line (- for standard "
         "input)"), N_("FILE") },
    { "concurrency", 'j', 0, G_OPTION_ARG_INT, &concurrency,
      N_("Run up to N probes at once with --targets (default: 32)"), N_("N") },
    { NULL }
  };
  Settings settings = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  char *password = NULL;
  int exit_code;
  int result;

  if (!mutual_cli_parse (cli, entries, &argc, &argv, &exit_code))
    return exit_code;

  if (targets == NULL && argc != 2)
    return argc < 2 ? mutual_cli_usage_error (cli, _("Give the target: HOST[:PORT], or --targets FILE"))
                    : mutual_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[2]);
  if (targets != NULL && argc > 1)
    return mutual_cli_usage_error (cli, _("Give either a target or --targets FILE, not both"));
  if (identity != NULL && cert != NULL)
    return mutual_cli_usage_error (cli, _("Give either --identity or --cert, not both"));
  if ((key != NULL || chain_files != NULL) && cert == NULL)
    return mutual_cli_usage_error (cli, _("--key and --chain go with --cert"));
  if (tls12 && tls13)
    return mutual_cli_usage_error (cli, _("Give either --tls1.2 or --tls1.3, not both"));
  if (ipv4 && ipv6)
    return mutual_cli_usage_error (cli, _("Give either --ipv4 or --ipv6, not both"));
  if (sni != NULL && no_sni)
    return mutual_cli_usage_error (cli, _("Give either --sni or --no-sni, not both"));
  if (sni != NULL && sni[0] == '\0')
    return mutual_cli_usage_error (cli, _("The server name cannot be empty; use --no-sni to send none"));
  if (concurrency < 1 || concurrency > MAX_CONCURRENCY)
    return mutual_cli_usage_error (cli, _("--concurrency wants a number from 1 to %d"), MAX_CONCURRENCY);

  settings.protocol = MUTUAL_PROTOCOL_TLS;
  if (protocol != NULL && !parse_protocol (protocol, &settings.protocol, &message))
    return mutual_cli_usage_error (cli, "%s", message);
  settings.min_version = tls13 ? MUTUAL_TLS_1_3 : tls12 ? MUTUAL_TLS_1_2 : MUTUAL_TLS_ANY;
  settings.max_version = settings.min_version;
  settings.step_ms = 10000;
  settings.total_ms = 30000;
  if (timeout != NULL && !parse_seconds (timeout, "--timeout", &settings.step_ms, &message))
    return mutual_cli_usage_error (cli, "%s", message);
  if (deadline != NULL && !parse_seconds (deadline, "--deadline", &settings.total_ms, &message))
    return mutual_cli_usage_error (cli, "%s", message);
  settings.family = ipv4 ? G_SOCKET_FAMILY_IPV4 : ipv6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_INVALID;
  settings.sni = g_steal_pointer (&sni);
  settings.no_sni = no_sni;
  settings.user = g_steal_pointer (&user);
  settings.check_any = check_any;
  if (alpn != NULL)
    {
      settings.alpn = g_strsplit (alpn, ",", -1);
      for (guint i = 0; settings.alpn[i] != NULL; i++)
        {
          if (settings.alpn[i][0] == '\0' || strlen (settings.alpn[i]) > 255)
            {
              settings_clear (&settings);
              return mutual_cli_usage_error (cli, _("“%s” is not an ALPN list: give names of 1 to 255 "
                                                    "bytes, separated by commas"), alpn);
            }
        }
    }

  if (keylog != NULL)
    {
      settings.keylog = g_steal_pointer (&keylog);
      g_printerr (_("mutualctl probe: warning: the session secrets go to %s; anyone who can read it "
                    "can decrypt the captured traffic of these connections. Delete it when done.\n"),
                  settings.keylog);
    }

  if (password_file != NULL)
    {
      password = mutual_cli_read_password_file (password_file, &error);
      if (password == NULL)
        {
          settings_clear (&settings);
          return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
        }
    }

  if (cert != NULL && !load_identity_files (&settings, cert, key, chain_files, password, &error))
    {
      mutual_cli_free_password (password);
      settings_clear (&settings);
      return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
    }
  mutual_cli_free_password (password);

  if (identity != NULL && !load_identity_from_store (&settings, identity, &exit_code, &error))
    {
      settings_clear (&settings);
      return mutual_cli_fail (cli, exit_code, error);
    }

  if (!load_trust (&settings, ca_files, identity_ca, &error))
    {
      settings_clear (&settings);
      return mutual_cli_fail (cli, MUTUAL_EXIT_INPUT, error);
    }

  if (targets != NULL)
    {
      result = run_fleet (cli, &settings, targets, concurrency);
    }
  else
    {
      Target target = { 0 };

      if (!parse_target (argv[1], settings.protocol, &target, &message))
        {
          settings_clear (&settings);
          return mutual_cli_usage_error (cli, "%s", message);
        }
      result = run_one (cli, &settings, &target);
      target_clear (&target);
    }

  settings_clear (&settings);
  return result;
}

static const int probe_exit_codes[] = {
  MUTUAL_EXIT_OK, MUTUAL_EXIT_PROBLEMS, MUTUAL_EXIT_USAGE, MUTUAL_EXIT_INPUT,
  MUTUAL_EXIT_UNAVAILABLE, MUTUAL_EXIT_FAILED, -1
};

const MutualCliCommand mutual_cli_command_probe = {
  .name = "probe",
  .parameter_string = N_("HOST[:PORT]"),
  .summary = N_("Run a mutual-TLS handshake to a host and explain the outcome"),
  .description = N_("Connects to HOST (a name, an IPv4 address or [an IPv6 address]) on PORT "
                    "(default: the protocol's), speaks the protocol's own start where it has one "
                    "(STARTTLS and the like), runs a TLS handshake presenting the chosen identity, "
                    "verifies the server, and makes a request of the protocol after the handshake, "
                    "where a TLS 1.3 server's verdict on the client certificate shows. It prints "
                    "each step with its timing and evidence, then the findings: what went wrong, "
                    "on which side, and what to do.\n\n"
                    "With --targets, it probes every target in the file, up to --concurrency at "
                    "once, and prints one line per target and a summary; with --json, one JSON "
                    "object per line.\n\n"
                    "Exit status 0 means the server accepted the identity (or, without one, the "
                    "connection succeeded); 1 means it was refused or something failed (for a "
                    "fleet: at least one target); 4 means the host could not be reached."),
  .exit_codes = probe_exit_codes,
  .run = run_probe,
};

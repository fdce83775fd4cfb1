/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-probe-step-private.h"

/**
 * MutualProbeStep:
 *
 * One step of a connection probe: what it is, how it went, when it started and how
 * long it took (microseconds from the start of the probe), and the evidence it
 * observed as labelled fields. A step changes while it runs and emits ::notify.
 */
struct _MutualProbeStep
{
  GObject parent_instance;

  MutualStepKind kind;
  char *title;
  MutualStepStatus status;
  char *summary;
  gint64 start;
  gint64 duration;
  GListStore *evidence;
};

G_DEFINE_FINAL_TYPE (MutualProbeStep, mutual_probe_step, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_SUMMARY,
  PROP_DURATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

MutualProbeStep *
_mutual_probe_step_new (MutualStepKind  kind,
                        const char     *title)
{
  MutualProbeStep *self = g_object_new (MUTUAL_TYPE_PROBE_STEP, NULL);

  self->kind = kind;
  self->title = g_strdup (title);
  return self;
}

void
_mutual_probe_step_start (MutualProbeStep *self,
                          gint64           offset)
{
  self->start = offset;
  self->status = MUTUAL_STEP_RUNNING;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

void
_mutual_probe_step_finish (MutualProbeStep  *self,
                           MutualStepStatus  status,
                           gint64            offset,
                           const char       *summary)
{
  self->duration = MAX (offset - self->start, 0);
  self->status = status;
  g_free (self->summary);
  self->summary = g_strdup (summary);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

void
_mutual_probe_step_add (MutualProbeStep *self,
                        const char      *id,
                        const char      *label,
                        const char      *value)
{
  g_autoptr(MutualField) field = mutual_field_new (id, label, value ? value : "",
                                                   MUTUAL_FIELD_NONE);

  g_list_store_append (self->evidence, field);
}

void
_mutual_probe_step_add_take (MutualProbeStep *self,
                             const char      *id,
                             const char      *label,
                             char            *value)
{
  g_autofree char *owned = value;

  _mutual_probe_step_add (self, id, label, owned);
}

MutualStepKind
mutual_probe_step_get_kind (MutualProbeStep *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (self), MUTUAL_STEP_RESOLVE);
  return self->kind;
}

const char *
mutual_probe_step_get_title (MutualProbeStep *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (self), NULL);
  return self->title;
}

MutualStepStatus
mutual_probe_step_get_status (MutualProbeStep *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (self), MUTUAL_STEP_PENDING);
  return self->status;
}

/**
 * mutual_probe_step_get_summary:
 *
 * Returns: (nullable): one line on how the step went, once it is finished
 */
const char *
mutual_probe_step_get_summary (MutualProbeStep *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (self), NULL);
  return self->summary;
}

/**
 * mutual_probe_step_get_start:
 *
 * Returns: when the step started, in microseconds from the start of the probe
 */
gint64
mutual_probe_step_get_start (MutualProbeStep *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (self), 0);
  return self->start;
}

/**
 * mutual_probe_step_get_duration:
 *
 * Returns: how long the step took, in microseconds
 */
gint64
mutual_probe_step_get_duration (MutualProbeStep *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (self), 0);
  return self->duration;
}

/**
 * mutual_probe_step_get_evidence:
 *
 * Returns: (transfer none): the #MutualField list of what the step observed
 */
GListModel *
mutual_probe_step_get_evidence (MutualProbeStep *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBE_STEP (self), NULL);
  return G_LIST_MODEL (self->evidence);
}

const char *
mutual_probe_step_kind_to_string (MutualStepKind kind)
{
  switch (kind)
    {
    case MUTUAL_STEP_RESOLVE:
      return "resolve";
    case MUTUAL_STEP_CONNECT:
      return "connect";
    case MUTUAL_STEP_PREAMBLE:
      return "preamble";
    case MUTUAL_STEP_HANDSHAKE:
      return "handshake";
    case MUTUAL_STEP_VERIFY:
      return "verify";
    case MUTUAL_STEP_APPLICATION:
      return "application";
    case MUTUAL_STEP_UNTRUSTED_CHECK:
      return "untrusted-check";
    default:
      g_return_val_if_reached ("unknown");
    }
}

const char *
mutual_probe_step_status_to_string (MutualStepStatus status)
{
  switch (status)
    {
    case MUTUAL_STEP_PENDING:
      return "pending";
    case MUTUAL_STEP_RUNNING:
      return "running";
    case MUTUAL_STEP_OK:
      return "ok";
    case MUTUAL_STEP_WARNING:
      return "warning";
    case MUTUAL_STEP_FAILED:
      return "failed";
    case MUTUAL_STEP_SKIPPED:
      return "skipped";
    default:
      g_return_val_if_reached ("unknown");
    }
}

/**
 * mutual_probe_step_to_json:
 * @member: (nullable): the member name, inside an object
 *
 * Writes {"kind", "title", "status", "summary", "start_ms", "duration_ms",
 * "evidence": [{"id", "label", "value"}]}.
 */
void
mutual_probe_step_to_json (MutualProbeStep *self,
                           MutualJson      *json,
                           const char      *member)
{
  guint n;

  g_return_if_fail (MUTUAL_IS_PROBE_STEP (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "kind", mutual_probe_step_kind_to_string (self->kind));
  mutual_json_string (json, "title", self->title);
  mutual_json_string (json, "status", mutual_probe_step_status_to_string (self->status));
  mutual_json_string (json, "summary", self->summary);
  mutual_json_double (json, "start_ms", self->start / 1000.0);
  mutual_json_double (json, "duration_ms", self->duration / 1000.0);
  mutual_json_begin_array (json, "evidence");
  n = g_list_model_get_n_items (G_LIST_MODEL (self->evidence));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MutualField) field = g_list_model_get_item (G_LIST_MODEL (self->evidence), i);

      mutual_json_begin_object (json, NULL);
      mutual_json_string (json, "id", mutual_field_get_id (field));
      mutual_json_string (json, "label", mutual_field_get_label (field));
      mutual_json_string (json, "value", mutual_field_get_value (field));
      mutual_json_end_object (json);
    }
  mutual_json_end_array (json);
  mutual_json_end_object (json);
}

static void
mutual_probe_step_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MutualProbeStep *self = MUTUAL_PROBE_STEP (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, self->duration);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mutual_probe_step_finalize (GObject *object)
{
  MutualProbeStep *self = MUTUAL_PROBE_STEP (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_object (&self->evidence);

  G_OBJECT_CLASS (mutual_probe_step_parent_class)->finalize (object);
}

static void
mutual_probe_step_class_init (MutualProbeStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_probe_step_finalize;
  object_class->get_property = mutual_probe_step_get_property;

  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL, 0, G_MAXINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                              G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DURATION] = g_param_spec_int64 ("duration", NULL, NULL, 0, G_MAXINT64, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mutual_probe_step_init (MutualProbeStep *self)
{
  self->status = MUTUAL_STEP_PENDING;
  self->evidence = g_list_store_new (MUTUAL_TYPE_FIELD);
}

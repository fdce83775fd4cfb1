/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "mutual-finding.h"

/**
 * MutualFinding:
 *
 * One conclusion of the diagnosis: a stable id (for scripts and tests), a severity, a
 * one-sentence title, an explanation naming the certificates, CAs and hosts involved,
 * the evidence it rests on, and what to do. @certain is %FALSE when the evidence
 * allows more than one cause: the explanation then says so.
 */
struct _MutualFinding
{
  GObject parent_instance;

  char *id;
  MutualFindingSeverity severity;
  gboolean certain;
  char *title;
  char *explanation;
  char *remedy;
  GPtrArray *evidence;
};

G_DEFINE_FINAL_TYPE (MutualFinding, mutual_finding, G_TYPE_OBJECT)

MutualFinding *
mutual_finding_new (const char            *id,
                    MutualFindingSeverity  severity,
                    gboolean               certain,
                    const char            *title,
                    const char            *explanation,
                    const char            *remedy)
{
  MutualFinding *self = g_object_new (MUTUAL_TYPE_FINDING, NULL);

  self->id = g_strdup (id);
  self->severity = severity;
  self->certain = certain;
  self->title = g_strdup (title);
  self->explanation = g_strdup (explanation);
  self->remedy = g_strdup (remedy);
  return self;
}

void
mutual_finding_add_evidence (MutualFinding *self,
                             const char    *evidence)
{
  g_return_if_fail (MUTUAL_IS_FINDING (self));

  g_ptr_array_insert (self->evidence, self->evidence->len - 1, g_strdup (evidence));
}

const char *
mutual_finding_get_id (MutualFinding *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING (self), NULL);
  return self->id;
}

MutualFindingSeverity
mutual_finding_get_severity (MutualFinding *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING (self), MUTUAL_FINDING_ERROR);
  return self->severity;
}

gboolean
mutual_finding_get_certain (MutualFinding *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING (self), FALSE);
  return self->certain;
}

const char *
mutual_finding_get_title (MutualFinding *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING (self), NULL);
  return self->title;
}

const char *
mutual_finding_get_explanation (MutualFinding *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING (self), NULL);
  return self->explanation;
}

/**
 * mutual_finding_get_remedy:
 *
 * Returns: (nullable): what to do about it
 */
const char *
mutual_finding_get_remedy (MutualFinding *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING (self), NULL);
  return self->remedy;
}

/**
 * mutual_finding_get_evidence:
 *
 * Returns: (transfer none): the observations the finding rests on
 */
const char * const *
mutual_finding_get_evidence (MutualFinding *self)
{
  g_return_val_if_fail (MUTUAL_IS_FINDING (self), NULL);
  return (const char * const *) self->evidence->pdata;
}

void
mutual_finding_to_json (MutualFinding *self,
                        MutualJson    *json,
                        const char    *member)
{
  static const char *severities[] = { "error", "warning", "info" };

  g_return_if_fail (MUTUAL_IS_FINDING (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "id", self->id);
  mutual_json_string (json, "severity", severities[self->severity]);
  mutual_json_boolean (json, "certain", self->certain);
  mutual_json_string (json, "title", self->title);
  mutual_json_string (json, "explanation", self->explanation);
  mutual_json_string (json, "remedy", self->remedy);
  mutual_json_begin_array (json, "evidence");
  for (guint i = 0; i + 1 < self->evidence->len; i++)
    mutual_json_string (json, NULL, g_ptr_array_index (self->evidence, i));
  mutual_json_end_array (json);
  mutual_json_end_object (json);
}

static void
mutual_finding_finalize (GObject *object)
{
  MutualFinding *self = MUTUAL_FINDING (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->explanation, g_free);
  g_clear_pointer (&self->remedy, g_free);
  g_clear_pointer (&self->evidence, g_ptr_array_unref);

  G_OBJECT_CLASS (mutual_finding_parent_class)->finalize (object);
}

static void
mutual_finding_class_init (MutualFindingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_finding_finalize;
}

static void
mutual_finding_init (MutualFinding *self)
{
  self->evidence = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->evidence, NULL);
}

/**
 * mutual_finding_severity_get_label:
 *
 * Returns: the severity as a word, translated, for the text report and screen readers
 */
const char *
mutual_finding_severity_get_label (MutualFindingSeverity severity)
{
  switch (severity)
    {
    case MUTUAL_FINDING_ERROR:
      return _("Error");
    case MUTUAL_FINDING_WARNING:
      return _("Warning");
    case MUTUAL_FINDING_INFO:
      return _("Note");
    default:
      g_return_val_if_reached ("");
    }
}

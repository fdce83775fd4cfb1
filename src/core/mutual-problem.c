/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-problem.h"

/**
 * MutualProblem:
 *
 * One thing wrong with a chain or an identity, in a sentence that names the
 * certificates involved. Immutable.
 */
struct _MutualProblem
{
  GObject parent_instance;

  MutualProblemKind kind;
  MutualSeverity severity;
  int link;
  char *message;
};

G_DEFINE_FINAL_TYPE (MutualProblem, mutual_problem, G_TYPE_OBJECT)

/**
 * mutual_problem_new:
 * @link: the index of the chain link concerned, from the leaf, or -1 for the whole
 */
MutualProblem *
mutual_problem_new (MutualProblemKind  kind,
                    MutualSeverity     severity,
                    int                link,
                    const char        *message)
{
  MutualProblem *self = g_object_new (MUTUAL_TYPE_PROBLEM, NULL);

  self->kind = kind;
  self->severity = severity;
  self->link = link;
  self->message = g_strdup (message);

  return self;
}

MutualProblemKind
mutual_problem_get_kind (MutualProblem *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBLEM (self), MUTUAL_PROBLEM_OTHER);
  return self->kind;
}

MutualSeverity
mutual_problem_get_severity (MutualProblem *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBLEM (self), MUTUAL_SEVERITY_ERROR);
  return self->severity;
}

int
mutual_problem_get_link (MutualProblem *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBLEM (self), -1);
  return self->link;
}

const char *
mutual_problem_get_message (MutualProblem *self)
{
  g_return_val_if_fail (MUTUAL_IS_PROBLEM (self), NULL);
  return self->message;
}

/**
 * mutual_problem_kind_to_string:
 *
 * Returns: the stable name of @kind used in JSON, e.g. "missing-issuer"
 */
const char *
mutual_problem_kind_to_string (MutualProblemKind kind)
{
  switch (kind)
    {
    case MUTUAL_PROBLEM_EXPIRED:
      return "expired";
    case MUTUAL_PROBLEM_NOT_YET_VALID:
      return "not-yet-valid";
    case MUTUAL_PROBLEM_MISSING_ISSUER:
      return "missing-issuer";
    case MUTUAL_PROBLEM_UNTRUSTED_ROOT:
      return "untrusted-root";
    case MUTUAL_PROBLEM_BAD_SIGNATURE:
      return "bad-signature";
    case MUTUAL_PROBLEM_NOT_A_CA:
      return "not-a-ca";
    case MUTUAL_PROBLEM_WRONG_PURPOSE:
      return "wrong-purpose";
    case MUTUAL_PROBLEM_KEY_USAGE:
      return "key-usage";
    case MUTUAL_PROBLEM_NAME_CONSTRAINTS:
      return "name-constraints";
    case MUTUAL_PROBLEM_KEY_MISMATCH:
      return "key-mismatch";
    case MUTUAL_PROBLEM_NO_KEY:
      return "no-key";
    case MUTUAL_PROBLEM_WEAK_KEY:
      return "weak-key";
    case MUTUAL_PROBLEM_INSECURE_SIGNATURE:
      return "insecure-signature";
    case MUTUAL_PROBLEM_CA_AS_CLIENT:
      return "ca-as-client";
    case MUTUAL_PROBLEM_OTHER:
    default:
      return "other";
    }
}

/**
 * mutual_problem_to_json:
 * @member: (nullable): the member name, inside an object
 *
 * Writes {"kind", "severity", "link", "message"}.
 */
void
mutual_problem_to_json (MutualProblem *self,
                        MutualJson    *json,
                        const char    *member)
{
  g_return_if_fail (MUTUAL_IS_PROBLEM (self));

  mutual_json_begin_object (json, member);
  mutual_json_string (json, "kind", mutual_problem_kind_to_string (self->kind));
  mutual_json_string (json, "severity", self->severity == MUTUAL_SEVERITY_ERROR ? "error" : "warning");
  mutual_json_int (json, "link", self->link);
  mutual_json_string (json, "message", self->message);
  mutual_json_end_object (json);
}

static void
mutual_problem_finalize (GObject *object)
{
  MutualProblem *self = MUTUAL_PROBLEM (object);

  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (mutual_problem_parent_class)->finalize (object);
}

static void
mutual_problem_class_init (MutualProblemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mutual_problem_finalize;
}

static void
mutual_problem_init (MutualProblem *self)
{
}

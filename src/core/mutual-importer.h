/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mutual-bundle.h"

G_BEGIN_DECLS

/* Larger inputs are refused: no certificate file a person handles comes close, and the
 * system CA bundle is about 200 KiB. */
#define MUTUAL_IMPORT_MAX_SIZE (16 * 1024 * 1024)

GBytes       *mutual_load_file           (GFile               *file,
                                          GCancellable        *cancellable,
                                          GError             **error);
GBytes       *mutual_load_path           (const char          *path,
                                          GError             **error);
GBytes       *mutual_load_stream         (GInputStream        *stream,
                                          const char          *source,
                                          GCancellable        *cancellable,
                                          GError             **error);
MutualBundle *mutual_import_bytes        (GBytes              *data,
                                          const char          *source,
                                          const char          *password,
                                          GError             **error);
void          mutual_import_bytes_async  (GBytes              *data,
                                          const char          *source,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MutualBundle *mutual_import_bytes_finish (GAsyncResult        *result,
                                          GError             **error);
void          mutual_import_file_async   (GFile               *file,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MutualBundle *mutual_import_file_finish  (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS

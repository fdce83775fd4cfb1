/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mutual-der-private.h"

/**
 * _mutual_der_read_header:
 *
 * Reads the tag and length of the DER object at @data. Only single-byte tags and
 * definite lengths of up to four bytes are accepted, which covers every object Mutual
 * reads. The content may extend beyond @length: the caller compares.
 *
 * Returns: whether a header could be read
 */
gboolean
_mutual_der_read_header (const guint8    *data,
                         gsize            length,
                         MutualDerHeader *header)
{
  gsize content = 0;
  guint8 first;

  if (length < 2 || (data[0] & 0x1f) == 0x1f)
    return FALSE;

  header->tag = data[0];
  first = data[1];
  if (first < 0x80)
    {
      header->header_length = 2;
      header->content_length = first;
      return TRUE;
    }

  first &= 0x7f;
  if (first == 0 || first > 4 || length < 2 + (gsize) first)
    return FALSE;
  for (guint i = 0; i < first; i++)
    content = (content << 8) | data[2 + i];

  header->header_length = 2 + first;
  header->content_length = content;
  return TRUE;
}

/**
 * _mutual_der_child:
 * @data: a constructed object (header included)
 * @index: which child, from 0
 * @child: (out): the child's first byte, header included
 * @child_length: (out): the child's whole length
 *
 * Returns: whether @data has such a child, complete within @length
 */
gboolean
_mutual_der_child (const guint8  *data,
                   gsize          length,
                   guint          index,
                   const guint8 **child,
                   gsize         *child_length)
{
  MutualDerHeader header;
  gsize offset;
  gsize end;

  if (!_mutual_der_read_header (data, length, &header) || !(header.tag & 0x20))
    return FALSE;
  end = header.header_length + header.content_length;
  if (end > length)
    return FALSE;

  offset = header.header_length;
  for (guint i = 0; offset < end; i++)
    {
      MutualDerHeader item;
      gsize item_length;

      if (!_mutual_der_read_header (data + offset, end - offset, &item))
        return FALSE;
      item_length = item.header_length + item.content_length;
      if (item_length > end - offset)
        return FALSE;
      if (i == index)
        {
          *child = data + offset;
          *child_length = item_length;
          return TRUE;
        }
      offset += item_length;
    }

  return FALSE;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */

/* An LD_PRELOAD module for servers that have no option to choose their listening
 * address: gnutls-serv binds the wildcard addresses of every family. Binding the
 * wildcard address is turned into binding the loopback address of the same family, so
 * that a test server is never reachable from the network. Every other bind() is left
 * alone. MutualPeer checks the result in /proc/net/tcp{,6} after the start. */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*BindFunc) (int                    fd,
                         const struct sockaddr *address,
                         socklen_t              length);

int
bind (int                    fd,
      const struct sockaddr *address,
      socklen_t              length)
{
  static BindFunc real_bind;

  if (real_bind == NULL)
    real_bind = (BindFunc) dlsym (RTLD_NEXT, "bind");
  if (real_bind == NULL)
    {
      errno = ENOSYS;
      return -1;
    }

  if (address != NULL && address->sa_family == AF_INET &&
      length >= (socklen_t) sizeof (struct sockaddr_in))
    {
      struct sockaddr_in copy;

      memcpy (&copy, address, sizeof copy);
      if (copy.sin_addr.s_addr == htonl (INADDR_ANY))
        {
          copy.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
          return real_bind (fd, (const struct sockaddr *) &copy, sizeof copy);
        }
    }
  else if (address != NULL && address->sa_family == AF_INET6 &&
           length >= (socklen_t) sizeof (struct sockaddr_in6))
    {
      struct sockaddr_in6 copy;

      memcpy (&copy, address, sizeof copy);
      if (memcmp (&copy.sin6_addr, &in6addr_any, sizeof in6addr_any) == 0)
        {
          copy.sin6_addr = in6addr_loopback;
          return real_bind (fd, (const struct sockaddr *) &copy, sizeof copy);
        }
    }

  return real_bind (fd, address, length);
}

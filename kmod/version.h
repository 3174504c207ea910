/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place podnet's version lives: the module, the tool, dkms.conf and
 * the Debian packages all take it from here.
 */
#ifndef _PODNET_VERSION_H
#define _PODNET_VERSION_H

#define PODNET_VERSION "0.1.0"

#endif /* _PODNET_VERSION_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to driver/scap: decoding and encoding of the metadata records
 * (machine info, interfaces, users, threads, fds). Decoders read one entry
 * at the cursor and return 0 or -EINVAL with a message (no location: the
 * reader prefixes name and block offset). Encoders append to a buffer.
 */
#ifndef SAKER_SCAP_META_H
#define SAKER_SCAP_META_H

#include "saker/scap.h"
#include "blocks.h"

int sk_scap_machine_decode(struct sk_cur *c, struct sk_scap_machine *mi, char *err, size_t errlen);
void sk_scap_machine_encode(struct sk_wbuf *b, const struct sk_scap_machine *mi);

/* *skip is set for an IL_V2 entry of unknown kind (the caller delivers nothing). */
int sk_scap_iface_decode(struct sk_cur *c, bool v2, struct sk_scap_iface *ifc, bool *skip,
			 char *err, size_t errlen);
/* One IL_V2 entry; kinds 3/4 are written as 1/2 with link speed 0. */
void sk_scap_iface_encode(struct sk_wbuf *b, const struct sk_scap_iface *ifc);

int sk_scap_user_decode(struct sk_cur *c, bool v2, struct sk_scap_user *u, char *err,
			size_t errlen);
/* One UL_V2 entry. */
void sk_scap_user_encode(struct sk_wbuf *b, const struct sk_scap_user *u);

/* version is 1..9; records of V9 carry their own length. */
int sk_scap_proc_decode(struct sk_cur *c, unsigned version, struct sk_scap_proc *p, char *err,
			size_t errlen);
/* One PL_V9 record with the 29-byte tail (loginuid, exe_writable, capabilities). */
void sk_scap_proc_encode(struct sk_wbuf *b, const struct sk_scap_proc *p);
/* Number of bytes in the trailing part of a PL_V9 record that this writer emits. */
#define SK_SCAP_PL_V9_TAIL_LEN 29u

/* fd->tid must be set by the caller (it comes from the block). */
int sk_scap_fd_decode(struct sk_cur *c, bool v2, struct sk_scap_fd *fd, char *err, size_t errlen);
/* One FDL_V2 entry. */
void sk_scap_fd_encode(struct sk_wbuf *b, const struct sk_scap_fd *fd);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Placeholder: replaced by the hook list owner (see docs/design.md). */
#ifndef OPENXSM_HOOKS_H
#define OPENXSM_HOOKS_H
#endif

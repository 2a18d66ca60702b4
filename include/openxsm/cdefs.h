/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the public headers need to read the same as C11 and as C++11 or
 * later: C spells compile-time checks and alignment queries _Static_assert
 * and _Alignof, C++ static_assert and alignof.  The layout checks in the
 * ABI headers stay active in both languages, so a C++ host is held to the
 * same byte layouts as a C one.
 */
#ifndef OPENXSM_CDEFS_H
#define OPENXSM_CDEFS_H

#if defined(__cplusplus)
#if __cplusplus < 201103L
#error "the openxsm headers need C++11 or later"
#endif
#define OPENXSM_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#define OPENXSM_ALIGNOF(type)            alignof(type)
#else
#define OPENXSM_STATIC_ASSERT(expr, msg) _Static_assert(expr, msg)
#define OPENXSM_ALIGNOF(type)            _Alignof(type)
#endif

#endif /* OPENXSM_CDEFS_H */

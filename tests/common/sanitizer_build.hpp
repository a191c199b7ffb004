#pragma once
// Whether this test program (and so the kernels it builds: they take the process's sanitizer flags) is a
// sanitizer build. There the sanitizer's own checks are instructions of every data-movement kernel and are
// priced as its scalar work, so tests of predicted-time ratios between designs hold only in normal builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TILESIM_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TILESIM_TEST_SANITIZED 1
#endif
#endif

namespace tilesim::testing {
#ifdef TILESIM_TEST_SANITIZED
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
}  // namespace tilesim::testing

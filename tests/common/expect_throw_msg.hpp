#pragma once
// EXPECT_THROW_MSG(stmt, Type, fragment): passes only when `stmt` throws `Type` (or a subclass) whose
// what() contains `fragment`. On failure it says what was thrown (its dynamic type) and the message, so a
// wrong error reads as a wrong error, not as "expected exception".
//
//   EXPECT_THROW_MSG(parse_padding_mode("Zeros"), InvalidArgument, "unknown padding mode 'Zeros'");
//   EXPECT_THROW_MSG(run(), WatcherError, "on core (x=1,y=2)") << "while running " << name;
#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

#include <gtest/gtest.h>

namespace tilesim::testing::detail {

inline std::string demangled(const std::type_info& t) {
    int status = 0;
    const std::unique_ptr<char, void (*)(void*)> name(
        abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
    return status == 0 && name ? name.get() : t.name();
}

template <class E, class F>
::testing::AssertionResult throws_with_message(F&& f, const char* stmt, const char* type,
                                               std::string_view fragment) {
    try {
        f();
    } catch (const std::exception& e) {  // one handler: a cast, so that Type may be std::exception itself
        const std::string_view msg = e.what();
        const E* typed = nullptr;
        if constexpr (std::is_same_v<E, std::exception>)
            typed = &e;
        else
            typed = dynamic_cast<const E*>(&e);
        if (typed == nullptr) {
            return ::testing::AssertionFailure() << stmt << "\n  threw " << demangled(typeid(e)) << " (not a "
                                                 << type << ") with message\n    \"" << msg << "\"";
        }
        if (msg.find(fragment) != std::string_view::npos) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << stmt << "\n  threw " << demangled(typeid(e)) << " with message\n    \"" << msg
               << "\"\n  which does not contain\n    \"" << fragment << "\"";
    } catch (...) {
        return ::testing::AssertionFailure()
               << stmt << "\n  threw something not derived from std::exception (expected " << type << ")";
    }
    return ::testing::AssertionFailure()
           << stmt << "\n  threw nothing; expected " << type << " containing\n    \"" << fragment << "\"";
}

}  // namespace tilesim::testing::detail

// The if/else shape is gtest's own: it lets a caller stream more context after the macro.
#define EXPECT_THROW_MSG(stmt, Type, fragment)                                                         \
    GTEST_AMBIGUOUS_ELSE_BLOCKER_                                                                      \
    if (const ::testing::AssertionResult tilesim_throw_msg_ar =                                        \
            ::tilesim::testing::detail::throws_with_message<Type>([&] { (void)(stmt); }, #stmt, #Type, \
                                                                  (fragment)))                         \
        ;                                                                                              \
    else                                                                                               \
        ADD_FAILURE() << tilesim_throw_msg_ar.message()

#pragma once
// Errors thrown by tilesim. Every message names the argument, the value received and what was expected.
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace tilesim {

// Base of every tilesim error.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A user-supplied argument, shape, dtype, file or option is invalid (the CLI exits with 2).
class InvalidArgument : public Error {
  public:
    using Error::Error;
};

// A device or run configuration file is malformed (names the file, the key and the problem).
class ConfigError : public InvalidArgument {
  public:
    using InvalidArgument::InvalidArgument;
};

// An allocation does not fit in L1 or DRAM (names the core/bank, requested and free bytes).
class OutOfMemory : public InvalidArgument {
  public:
    using InvalidArgument::InvalidArgument;
};

// A watcher-style check failed while a program ran (names core, kernel, CB/address and values).
class WatcherError : public Error {
  public:
    using Error::Error;
};

// No kernel could make progress (the message lists every blocked kernel and what it waits for).
class DeadlockError : public Error {
  public:
    using Error::Error;
};

// The run-time watchdog found kernels that made no progress for too long.
class WatchdogTimeout : public Error {
  public:
    using Error::Error;
};

// RunOptions::cancel was set while the program ran (e.g. Ctrl-C in the Python package): the run stopped.
class RunCancelled : public Error {
  public:
    using Error::Error;
};

// The requested backend is not available (e.g. CUDA without a GPU).
class BackendUnavailable : public Error {
  public:
    using Error::Error;
};

template <class E = InvalidArgument, class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
    throw E(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace tilesim

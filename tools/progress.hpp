#pragma once
// Progress of work that takes longer than a second, on stderr: a bar with an ETA redrawn in place when
// stderr is a terminal; otherwise, where asked for, a plain line at most once a second (logs, CI).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace tilesim::cli {

class Progress {
  public:
    explicit Progress(size_t steps, bool plain_lines = false, bool enabled = true)
        : steps_(steps),
          tty_(enabled && isatty(STDERR_FILENO) != 0),
          plain_(enabled && plain_lines && !tty_) {
        if (tty_) thread_ = std::thread([this] { loop(); });
    }
    ~Progress() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
        if (tty_ && shown_) std::fputs("\r\033[K", stderr);
    }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    // Starts step `what` (the previous one is done).
    void step(std::string what) {
        std::lock_guard lock(mutex_);
        ++current_;
        what_ = std::move(what);
    }
    // Step `what` is done: the plain line, where due.
    void done(const std::string& what) {
        std::lock_guard lock(mutex_);
        ++finished_;
        const double s = seconds();
        if (plain_ && (s - last_line_ >= 1.0 || finished_ == steps_)) {
            std::fprintf(stderr, "%zu/%zu done (%s), %.1f s%s\n", finished_, steps_, what.c_str(), s,
                         eta(s).c_str());
            last_line_ = s;
        }
    }

    // The line a terminal shows `s` seconds in (what the redraw thread prints).
    std::string bar(double s) {
        std::lock_guard lock(mutex_);
        return bar_locked(s);
    }

  private:
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    std::string eta(double s) const {
        if (finished_ == 0 || finished_ >= steps_) return "";
        const double left = s / static_cast<double>(finished_) * static_cast<double>(steps_ - finished_);
        return " ETA " + std::to_string(static_cast<long>(left + 0.5)) + " s";
    }
    void loop() {
        std::unique_lock lock(mutex_);
        while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
            const double s = seconds();
            if (s < 1.0) continue;
            std::fprintf(stderr, "\r%s\033[K", bar_locked(s).c_str());
            shown_ = true;
        }
    }
    std::string bar_locked(double s) const {
        const size_t done = finished_ ? finished_ : (current_ > 0 ? current_ - 1 : 0);
        const size_t width = 24, filled = steps_ ? width * std::min(done, steps_) / steps_ : 0;
        std::string line(width + 2, '.');
        line.front() = '[';
        line.back() = ']';
        std::fill_n(line.begin() + 1, filled, '#');
        char rest[512];
        std::snprintf(rest, sizeof rest, " %zu/%zu %s (%.1f s%s)", done, steps_, what_.c_str(), s,
                      eta(s).c_str());
        return line + rest;
    }
    const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    size_t steps_, current_ = 0, finished_ = 0;
    std::string what_;
    bool tty_, plain_, shown_ = false, done_ = false;
    double last_line_ = 0;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::thread thread_;
};

}  // namespace tilesim::cli

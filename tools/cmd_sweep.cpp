// tilesim sweep CONFIG.json [--jobs N] [--shard i/N] / tilesim sweep merge SLICE.json... (docs/cli.md).
// Points run one after another in this process, or spread over N child processes of this same binary
// (--jobs): each runs its slice serially and hands back its rows, so the table is the serial one whatever N.
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <regex>
#include <thread>

#include <fmt/format.h>

#include "cli_common.hpp"
#include "progress.hpp"
#include "sweep.hpp"
#include "sweep_report.hpp"
#include "tilesim/error.hpp"
#include "tilesim/trace.hpp"

extern char** environ;

namespace tilesim::cli {

namespace {
struct SweepFlags {
    std::string config, shard, range, job, best_by, plot_axes;
    std::string csv, json, svg, html;
    unsigned threads = 0, jobs = 1;
    bool no_checks = false, report_points = false, dry_run = false;
    std::vector<std::string> slices;  // merge
};

// "--points FIRST:END" -> [FIRST, END) within a sweep of `total` points.
std::pair<size_t, size_t> parse_range(const std::string& text, size_t total) {
    static const std::regex form(R"((\d{1,12}):(\d{1,12}))");
    std::smatch m;
    if (std::regex_match(text, m, form)) {
        const size_t first = std::stoull(m[1]), end = std::stoull(m[2]);
        if (first < end && end <= total) return {first, end};
    }
    fail("--points: expected FIRST:END with 0 <= FIRST < END <= {} (the sweep's points), got '{}'", total,
         text);
}

// The points this process runs: those of its shard (index % N == i) or of its --points range, and of
// those, with --job k/M (a child of --jobs), every M-th from the k-th.
std::vector<size_t> points_of(size_t total, const SweepFlags& f) {
    if (!f.shard.empty() && !f.range.empty()) fail("--shard and --points: give one or the other, not both");
    const auto [i, n] = f.shard.empty() ? std::pair<size_t, size_t>{0, 1} : parse_shard(f.shard);
    const auto [first, end] =
        f.range.empty() ? std::pair<size_t, size_t>{i, total} : parse_range(f.range, total);
    const auto [k, m] = f.job.empty() ? std::pair<size_t, size_t>{0, 1} : parse_shard(f.job);
    std::vector<size_t> points;
    for (size_t p = first, nth = 0; p < end; p += n, ++nth) {
        if (nth % m == k) points.push_back(p);
    }
    return points;
}

void run_serially(const SweepPlan& plan, const SweepFlags& f, const std::vector<size_t>& points,
                  SweepTable& t, Progress& progress) {
    SweepRunner runner(plan, f.threads, f.no_checks);
    if (!f.report_points) std::fputs(sweep_text_header().c_str(), stdout);
    for (size_t p : points) {
        progress.step(fmt::format("point {}", p));
        t.rows.push_back(runner.run_point(p));
        if (f.report_points) {
            std::printf("@@point %zu\n", p);  // to the parent of --jobs
        } else {
            std::fputs(sweep_text_row(t, t.rows.back()).c_str(), stdout);
        }
        std::fflush(stdout);
        progress.done(fmt::format("point {}", p));
    }
}

// --jobs N: N children `tilesim sweep CONFIG --job k/N --json <tmp>`; their "@@point" lines drive the
// progress; their tables join in point order.
void run_in_children(const SweepFlags& f, SweepTable& t, Progress& progress) {
    std::random_device rd;
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("tilesim-sweep-{}-{}", getpid(), rd());
    std::filesystem::create_directories(dir);
    struct Child {
        pid_t pid = 0;
        int out = -1;
        std::string buffer, json;
    };
    std::vector<Child> children(f.jobs);
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const unsigned threads = f.threads ? f.threads : std::max(1u, hw / f.jobs);
    for (unsigned k = 0; k < f.jobs; ++k) {
        Child& c = children[k];
        c.json = (dir / fmt::format("job{}.json", k)).string();
        std::vector<std::string> args{"tilesim",
                                      "sweep",
                                      f.config,
                                      "--job",
                                      fmt::format("{}/{}", k, f.jobs),
                                      "--json",
                                      c.json,
                                      "--threads",
                                      std::to_string(threads),
                                      "--report-points"};
        if (!f.shard.empty()) args.insert(args.end(), {"--shard", f.shard});
        if (!f.range.empty()) args.insert(args.end(), {"--points", f.range});
        if (f.no_checks) args.push_back("--no-checks");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        int pipe_fds[2];
        if (pipe(pipe_fds) != 0) fail<Error>("sweep --jobs: cannot create a pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
        const int rc = posix_spawn(&c.pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(pipe_fds[1]);
        if (rc != 0) fail<Error>("sweep --jobs: cannot start job {}: {}", k, std::strerror(rc));
        c.out = pipe_fds[0];
    }
    for (size_t open = children.size(); open > 0;) {
        std::vector<pollfd> fds;
        std::vector<Child*> of_fd;
        for (auto& c : children) {
            if (c.out < 0) continue;
            fds.push_back({c.out, POLLIN, 0});
            of_fd.push_back(&c);
        }
        if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) fail<Error>("sweep --jobs: poll failed");
        for (size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].revents == 0) continue;
            Child& c = *of_fd[i];
            char buf[4096];
            const ssize_t n = read(c.out, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {  // the child closed its stdout: it is done
                close(c.out);
                c.out = -1;
                --open;
                continue;
            }
            c.buffer.append(buf, static_cast<size_t>(n));
            for (size_t eol; (eol = c.buffer.find('\n')) != std::string::npos; c.buffer.erase(0, eol + 1)) {
                const std::string line = c.buffer.substr(0, eol);
                if (!line.starts_with("@@point ")) continue;
                const std::string what = "point " + line.substr(8);
                progress.step(what);
                progress.done(what);
            }
        }
    }
    std::string failed;
    for (unsigned k = 0; k < f.jobs; ++k) {
        int status = 0;
        waitpid(children[k].pid, &status, 0);
        if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 4))
            failed += fmt::format(" job {} ({})", k,
                                  WIFEXITED(status) ? fmt::format("exit code {}", WEXITSTATUS(status))
                                                    : fmt::format("signal {}", WTERMSIG(status)));
    }
    if (failed.empty()) {
        for (const auto& c : children) {
            for (auto& r : read_sweep_json(c.json).rows) t.rows.push_back(std::move(r));
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (!failed.empty()) fail<Error>("sweep --jobs {}: failed:{} (its error is above)", f.jobs, failed);
    std::sort(t.rows.begin(), t.rows.end(),
              [](const SweepRow& a, const SweepRow& b) { return a.point < b.point; });
    std::fputs(sweep_text_header().c_str(), stdout);
    for (const auto& r : t.rows) std::fputs(sweep_text_row(t, r).c_str(), stdout);
}

// The table's outputs (both for a sweep and for a merge); returns 4 when a point failed its comparison.
int finish(const SweepTable& t, const SweepFlags& f, const std::string& shard) {
    int failures = 0;
    for (const auto& r : t.rows) failures += r.status == "ok" && !r.pass;
    if (!f.best_by.empty()) {
        std::fputs(best_text(t, best_per_shape(t, f.best_by), f.best_by).c_str(), stdout);
    }
    const std::pair<std::string, std::string> axes = plot_axes(t, f.plot_axes);
    const std::string svg = f.svg.empty() && f.html.empty() ? "" : sweep_svg(t, axes);
    const std::pair<const char*, std::string> outputs[] = {
        {"csv", f.csv}, {"json", f.json}, {"svg", f.svg}, {"html", f.html}};
    for (const auto& [kind, path] : outputs) {
        if (path.empty()) continue;
        const std::string k = kind;
        write_text_file(path, k == "csv"    ? sweep_csv(t)
                              : k == "json" ? sweep_json(t, shard).dump(1) + "\n"
                              : k == "svg"  ? svg
                                            : sweep_html(t, svg));
        if (!f.report_points) std::printf("wrote %s: %s\n", kind, path.c_str());
    }
    return failures ? 4 : 0;
}

int run_sweep(SweepFlags f) {
    const SweepPlan plan = plan_sweep(f.config);
    if (f.csv.empty() && !f.report_points && plan.config.outputs.contains("csv"))
        f.csv = plan.config.outputs.at("csv");
    if (f.jobs < 1) fail("--jobs: expected a number of processes >= 1, got {}", f.jobs);
    if (!f.best_by.empty()) check_objective(f.best_by);
    SweepTable t = empty_table(plan);
    plot_axes(t, f.plot_axes);  // bad axes fail before the points run
    const auto points = points_of(plan.size(), f);
    if (!f.report_points)
        std::printf("sweep: %s (%s on %s): %zu of %zu points (%zu settings x %zu shapes), id %s\n",
                    plan.config.name.c_str(), plan.config.op.c_str(), plan.config.device.c_str(),
                    points.size(), plan.size(), plan.settings.size(), plan.shape_labels.size(),
                    plan.id.c_str());
    if (f.dry_run) {  // the plan only: its id and size (what the Python package's Dask sweep asks first)
        if (!f.json.empty()) write_text_file(f.json, sweep_json(t, "none").dump(1) + "\n");
        return 0;
    }
    Progress progress(points.size(), /*plain_lines=*/true, /*enabled=*/!f.report_points);
    if (f.jobs > 1 && points.size() > 1) {
        f.jobs = static_cast<unsigned>(std::min<size_t>(f.jobs, points.size()));
        run_in_children(f, t, progress);
    } else {
        run_serially(plan, f, points, t, progress);
    }
    return finish(t, f, !f.shard.empty() ? f.shard : !f.range.empty() ? f.range : "all");
}

void add_output_flags(CLI::App* cmd, SweepFlags& f) {
    cmd->add_option("--csv", f.csv, "write the table as CSV here (overrides the config's outputs.csv)");
    cmd->add_option("--json", f.json, "write the table as JSON here (what `sweep merge` joins)");
    cmd->add_option("--svg", f.svg, "write a heatmap of predicted time per shape over --plot-axes here");
    cmd->add_option("--html", f.html, "write an HTML page with the heatmap and a sortable table here");
    cmd->add_option("--best-by", f.best_by,
                    "print the best point per shape, its runner-up and the margin: predicted_us, "
                    "predicted_cycles, max_l1_bytes or cores");
    cmd->add_option("--plot-axes", f.plot_axes,
                    "the picture's two sweep axes 'a,b' (default: the first two)");
}
}  // namespace

void add_sweep_command(CLI::App& app) {
    auto f = std::make_shared<SweepFlags>();
    CLI::App* sweep = app.add_subcommand(
        "sweep",
        "run a config once per point of its \"sweep\" grid (times its \"shapes\"); table, CSV, JSON, "
        "pictures");
    sweep->add_option("config", f->config, "sweep config .json");
    sweep->add_option("--threads", f->threads,
                      "host threads per simulated run (0: all; with --jobs: cores / N)");
    sweep->add_flag("--no-checks", f->no_checks, "turn the watcher checks off");
    sweep->add_option("--jobs", f->jobs, "run the points in N processes at once (same table as one)");
    sweep->add_option("--shard", f->shard, "run only the i-th of N slices, i/N (points with index % N == i)");
    sweep->add_option("--points", f->range,
                      "run only the points FIRST to END-1, FIRST:END (one shape's points are contiguous)");
    sweep->add_flag("--dry-run", f->dry_run, "run no point: print the plan (and write it with --json)");
    sweep->add_option("--job", f->job, "(internal: the slice of a --jobs child)")->group("");
    sweep->add_flag("--report-points", f->report_points, "(internal: a --jobs child)")->group("");
    add_output_flags(sweep, *f);
    sweep->require_subcommand(0, 1);
    auto m = std::make_shared<SweepFlags>();
    CLI::App* merge = sweep->add_subcommand(
        "merge",
        "join the --json tables of a sweep's shards into one, refusing missing or duplicated points");
    merge->add_option("slices", m->slices, "the shards' --json files")->required();
    add_output_flags(merge, *m);
    merge->callback([m] {
        std::vector<std::filesystem::path> files(m->slices.begin(), m->slices.end());
        if (!m->best_by.empty()) check_objective(m->best_by);
        const SweepTable t = merge_sweep_tables(files);
        std::printf("merged %zu files: %zu points of sweep %s (%s)\n", files.size(), t.rows.size(),
                    t.id.c_str(), t.name.c_str());
        const int rc = finish(t, *m, "all");
        if (rc) throw CLI::RuntimeError(rc);
    });
    sweep->callback([f, merge] {
        if (merge->parsed()) return;
        if (f->config.empty()) fail("sweep: expected a sweep config .json (or `sweep merge SLICES...`)");
        const int rc = run_sweep(*f);
        if (rc) throw CLI::RuntimeError(rc);
    });
}

}  // namespace tilesim::cli

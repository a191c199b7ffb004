// `tilesim sweep` at scale: --jobs, --shard + `sweep merge`, shapes as an axis, --best-by, the SVG and HTML
// pictures (the HTML checked in headless Chromium where it is installed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"

using namespace tilesim::testing;

namespace {
// 2 shapes x 8 settings, tiny inputs on small core grids: about a second for all 16 points. The
// buffering_factor 64 x 192 channels points do not fit L1.
void write_sweep_config(const TempDir& dir, const std::string& name = "s.json", int seed = 1) {
    std::ofstream(dir / name) << R"({"name": "tiny", "op": "grid_sample", "device": "wormhole_b0",
        "args": {"dtype": "float32"}, "compare": {"max_abs": 1e-4, "min_pcc": 0.999},
        "inputs": {"input": {"shape": [1, 8, 6, 10], "seed": )"
                              << seed << R"(}, "grid": {"shape": [1, 6, 4, 2], "seed": 2}},
        "shapes": [{"name": "small", "input": [1, 8, 6, 10], "grid": [1, 6, 4, 2]},
                   {"input": [1, 192, 5, 7], "grid": [1, 4, 8, 2]}],
        "sweep": {"grid_batching": [1, 4], "buffering_factor": [2, 64], "core_grid": [[1, 1], [2, 2]]}})";
}

// The passing point with the smallest predicted time among points [0, end) of a --json table.
size_t fastest_point(const nlohmann::json& table, size_t end) {
    size_t best = 0;
    double best_us = 1e300;
    for (const auto& row : table["rows"]) {
        if (row["point"].get<size_t>() < end && row["status"] == "ok" && row["pass"] &&
            row["predicted_us"].get<double>() < best_us) {
            best_us = row["predicted_us"];
            best = row["point"];
        }
    }
    return best;
}

// `tilesim <args>` exits with 2 and says `message` on stderr.
void expect_refused(const std::string& args, const TempDir& dir, const std::string& message) {
    const auto r = run_cli(args, dir);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
}

CliResult run_ok(const std::string& args, const TempDir& dir) {
    auto r = run_cli(args, dir);
    EXPECT_TRUE(r.exit_code == 0) << args << "\n" << r.out << r.err;
    return r;
}
}  // namespace

TEST(CliSweep, JobsGiveTheSerialTable) {
    TempDir dir;
    write_sweep_config(dir);
    run_ok("sweep s.json --csv serial.csv --json serial.json", dir);
    const auto r = run_ok("sweep s.json --jobs 3 --csv jobs.csv --json jobs.json", dir);
    const std::string serial = read_file(dir / "serial.csv");
    EXPECT_EQ(std::count(serial.begin(), serial.end(), '\n'), 17) << serial;  // header + 2 x 8 points
    EXPECT_NE(serial.find(",ok,"), std::string::npos) << serial;
    EXPECT_NE(serial.find(",no_l1,"), std::string::npos) << serial;
    EXPECT_EQ(read_file(dir / "jobs.csv"), serial);
    EXPECT_EQ(read_file(dir / "jobs.json"), read_file(dir / "serial.json"));
    // Not a terminal: plain progress lines, the last one for the 16th point.
    EXPECT_NE(r.err.find("16/16 done"), std::string::npos) << r.err;
}

TEST(CliSweep, ShardsMergeIntoTheSerialTable) {
    TempDir dir;
    write_sweep_config(dir);
    run_ok("sweep s.json --csv serial.csv", dir);
    for (int i = 0; i < 3; ++i)
        run_ok("sweep s.json --shard " + std::to_string(i) + "/3 --json part" + std::to_string(i) + ".json",
               dir);
    const auto r = run_ok("sweep merge part2.json part0.json part1.json --csv merged.csv", dir);
    EXPECT_NE(r.out.find("merged 3 files: 16 points"), std::string::npos) << r.out;
    EXPECT_EQ(read_file(dir / "merged.csv"), read_file(dir / "serial.csv"));
    // Ranges (what the Python package's Dask tasks run), one with --jobs.
    run_ok("sweep s.json --points 0:5 --json r0.json", dir);
    run_ok("sweep s.json --points 5:16 --jobs 2 --json r1.json", dir);
    run_ok("sweep merge r1.json r0.json --csv ranges.csv", dir);
    EXPECT_EQ(read_file(dir / "ranges.csv"), read_file(dir / "serial.csv"));
}

TEST(CliSweep, MergeRefusesMissingOverlappingAndForeignShards) {
    TempDir dir;
    write_sweep_config(dir);
    write_sweep_config(dir, "other.json", 7);  // another seed: another sweep
    run_ok("sweep s.json --shard 0/2 --json a.json", dir);
    run_ok("sweep s.json --shard 1/2 --json b.json", dir);
    run_ok("sweep s.json --shard 1/4 --json c.json", dir);
    run_ok("sweep other.json --shard 1/2 --json foreign.json", dir);
    expect_refused("sweep merge a.json --csv m.csv", dir,
                   "8 of 16 points are in none of the files (a.json), the first is point 1");
    expect_refused("sweep merge a.json b.json c.json", dir,
                   "point 1 (small buffering_factor=2 core_grid=[1,1] grid_batching=4) is in both b.json "
                   "and c.json: overlapping shards");
    expect_refused("sweep merge a.json foreign.json", dir, "foreign.json is a slice of another sweep");
    EXPECT_FALSE(std::filesystem::exists(dir / "m.csv"));
}

TEST(CliSweep, BadOptionsNameTheOptionAndTheValue) {
    TempDir dir;
    write_sweep_config(dir);
    expect_refused("sweep s.json --shard 3/3", dir,
                   "--shard: expected i/N with 0 <= i < N (e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT "
                   "for --array=0-(N-1)), got '3/3'");
    expect_refused("sweep s.json --plot-axes grid_batching,colour", dir,
                   "--plot-axes: 'colour' is not an axis of the sweep (axes: buffering_factor, "
                   "core_grid, grid_batching)");
    expect_refused(
        "sweep s.json --best-by speed", dir,
        "--best-by: expected one of predicted_us, predicted_cycles, max_l1_bytes, cores, got 'speed'");
    expect_refused(
        "sweep s.json --points 3:17", dir,
        "--points: expected FIRST:END with 0 <= FIRST < END <= 16 (the sweep's points), got '3:17'");
    expect_refused("sweep s.json --jobs 0", dir, "--jobs: expected a number of processes >= 1, got 0");
    expect_refused("sweep", dir, "sweep: expected a sweep config .json");
    std::ofstream(dir / "notatable.json") << R"({"rows": []})";
    expect_refused("sweep merge notatable.json", dir,
                   "sweep merge: notatable.json is not a table `tilesim sweep --json` wrote");
    std::ofstream(dir / "bad.json") << R"({"op": "grid_sample", "inputs": {"input": {"seed": 1},
        "grid": {"seed": 2}}, "shapes": [{"input": [1, 8, 6, 10], "grid": [1, 6, 4, 0]}], "sweep": {"grid_batching": [1]}})";
    expect_refused("sweep bad.json", dir,
                   "bad.json: shapes[0].grid: must be a list of positive integers, got [1,6,4,0]");
}

TEST(CliSweep, BestByNamesBestRunnerUpMarginAndL1Refusals) {
    TempDir dir;
    write_sweep_config(dir);
    const auto r = run_ok("sweep s.json --best-by predicted_us --json t.json", dir);
    const auto t = nlohmann::json::parse(read_file(dir / "t.json"));
    const size_t best = fastest_point(t, 8);  // of the first shape, recomputed from the table
    EXPECT_NE(r.out.find("shape small:\n  best      #" + std::to_string(best) + " "), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  runner-up #"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(", margin "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("shape grid=1x4x8x2 input=1x192x5x7:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("does not fit L1, needs "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" B per core, limit 1499136 B"), std::string::npos) << r.out;
}

TEST(CliSweep, ShapesFileIsAModelsOpList) {
    TempDir dir;
    std::ofstream(dir / "model.json")
        << R"({"ops": [{"name": "conv1", "input": [1, 8, 6, 10], "grid": [1, 6, 4, 2]},
        {"name": "conv2", "input": [1, 8, 3, 5], "grid": [1, 2, 4, 2]}]})";
    std::ofstream(dir / "m.json") << R"({"op": "grid_sample", "args": {"dtype": "float32"},
        "inputs": {"input": {"seed": 1}, "grid": {"seed": 2}}, "shapes_file": "model.json",
        "sweep": {"grid_batching": [1, 2]}})";
    run_ok("sweep m.json --csv m.csv", dir);
    const std::string csv = read_file(dir / "m.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "point,shape,grid_batching,status,predicted_us,predicted_cycles,bound,cores,max_l1_bytes,"
              "l1_limit,l1_needed,max_abs_error,pcc,pass,reason");
    EXPECT_NE(csv.find("\n3,conv2,2,ok,"), std::string::npos) << csv;
}

TEST(CliSweep, HtmlPageRendersTableAndPictureInHeadlessChromium) {
    TempDir dir;
    write_sweep_config(dir);
    run_ok("sweep s.json --svg s.svg --html s.html --plot-axes buffering_factor,grid_batching --json t.json",
           dir);
    const std::string svg = read_file(dir / "s.svg");
    EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 10, true);
    EXPECT_NE(svg.find("class=\"cell best\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"refused\""), std::string::npos);
    const std::string browser = std::system("command -v chromium >/dev/null 2>&1") == 0 ? "chromium" : "";
    if (browser.empty()) GTEST_SKIP() << "chromium is not installed (Debian: apt-get install chromium)";
    // --dump-dom prints the page after its scripts ran: the table sorted by #sort=predicted_us.
    const std::string dom = dir / "dom.html";
    const std::string cmd = "cd '" + dir.path().string() +
                            "' && chromium --headless --no-sandbox --disable-gpu "
                            "--no-first-run --user-data-dir=profile --dump-dom 'file://" +
                            (dir / "s.html") + "#sort=predicted_us' >dom.html 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const std::string page = read_file(dom);
    EXPECT_NE(page.find("data-rendered=\"rows=16 svg="), std::string::npos) << page.substr(0, 2000);
    EXPECT_NE(page.find("data-sorted=\"predicted_us\""), std::string::npos);
    // The first row after sorting is the fastest point of the whole table.
    const auto t = nlohmann::json::parse(read_file(dir / "t.json"));
    const size_t fastest = fastest_point(t, 16);
    const auto body = page.find("<tbody>");
    ASSERT_NE(body, std::string::npos);
    EXPECT_EQ(page.find("<tr data-point=\"" + std::to_string(fastest) + "\"", body), page.find("<tr", body));
}

TEST(CliSweep, ABrokenDeviceConfigStopsTheSweepInsteadOfRefusingEveryPoint) {
    TempDir dir;
    std::ofstream(dir / "bad_device.json") << R"({"name": "bad"})";
    std::ofstream(dir / "s.json")
        << R"({"name": "bad device", "op": "grid_sample", "device": "bad_device.json",
        "args": {"dtype": "float32"}, "compare": {"max_abs": 1e-4, "min_pcc": 0.999},
        "inputs": {"input": {"shape": [1, 8, 6, 10], "seed": 1}, "grid": {"shape": [1, 6, 4, 2], "seed": 2}},
        "sweep": {"grid_batching": [1, 2]}})";
    const auto r = run_cli("sweep s.json --csv out.csv", dir);
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.err.find("bad_device.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("missing required key"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("refused"), std::string::npos) << r.out;
}

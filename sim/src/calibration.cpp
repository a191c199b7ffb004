// The calibration probes (tests/kernels/cost/*.cpp) and the silicon tables they are held against.
#include "tilesim/calibration.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tilesim/device.hpp"
#include "tilesim/error.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"

namespace tilesim {
namespace {

constexpr uint32_t kLocalL1 = 0x20000;   // where a probe's own data lives
constexpr uint32_t kRemoteL1 = 0x40000;  // where it lands on (or is read from) another core
const std::vector<uint32_t> kCounts = {1, 4, 16, 64, 256};

// One published N x S table: rows by transfer size S, columns by count N (kCounts); cycles.
struct SiliconTable {
    const char* title;
    const char* source;
    std::vector<uint32_t> sizes;
    std::vector<std::vector<double>> cycles;  // [size][count]
};

const char* kSpec = "../shared/specs/wormhole-measured.md";

const SiliconTable kDramRead{"one core reads one DRAM bank",
                             "DRAM Interleaved Packet Sizes.md@14dd89a",
                             {32, 256, 512, 2048, 8192, 65536},
                             {{384, 434, 735, 1790, 5469},
                              {391, 466, 743, 1661, 5493},
                              {398, 466, 722, 1885, 6229},
                              {463, 716, 1880, 6229, 23929},
                              {871, 1729, 6390, 23797, 94156},
                              {3299, 12227, 47902, 190870, 762381}}};

const SiliconTable kL1Write{"one core writes another core's L1",
                            "One to One Packet Sizes.md@14dd89a",
                            {32, 512, 1024, 4096, 65536},
                            {{294, 369, 637, 1681, 5903},
                             {308, 381, 662, 1757, 6173},
                             {326, 428, 829, 2431, 8872},
                             {431, 810, 2407, 8729, 34049},
                             {2402, 8719, 33969, 134847, 538649}}};

const SiliconTable kL1Read{"one core reads another core's L1",
                           "One from One Packet Sizes.md@f9e63c1",
                           {32, 512, 4096, 65536},
                           {{290, 357, 585, 1497, 5145},
                            {307, 373, 601, 1513, 5185},
                            {434, 861, 2585, 9473, 37017},
                            {2577, 9421, 36718, 146380, 583636}}};

// Every probe runs alone on a fresh device: a program of one kernel (or `cores` kernels). Silicon's
// timestamps bracket the transfer loop and the barrier, so the measured time is the program's cycles less
// those of the same probe with no transfer (its setup: reading its args; its loop's own instructions stay
// in, as they do on silicon).
class Prober {
  public:
    explicit Prober(const DeviceSpec& spec) : spec_(spec) {}

    // Kernel `file` on each core of `cores` with its args; returns the program's predicted cycles (the
    // latest kernel end, or the chip's DRAM floor when that is later).
    // The DRAM probes' arg 0 (the buffer's address) is filled in here.
    double run(const std::string& file, const std::vector<std::pair<CoreCoord, std::vector<uint32_t>>>& cores,
               bool writer) {
        Device device(spec_);
        const auto buffer = device.create_buffer({uint64_t(spec_.dram_banks) * kMaxBytes,
                                                  kMaxBytes,
                                                  BufferType::DRAM,
                                                  TensorMemoryLayout::INTERLEAVED,
                                                  {}});
        std::vector<CoreRange> ranges;
        for (const auto& c : cores) ranges.emplace_back(c.first, c.first);
        const CoreSpec where(CoreRangeSet(std::move(ranges)));
        Program p;
        const std::string path = "tests/kernels/cost/" + file;
        const KernelHandle k = writer ? CreateKernel(p, path, where, WriterDataMovementConfig{})
                                      : CreateKernel(p, path, where, ReaderDataMovementConfig{});
        for (auto [core, args] : cores) {
            if (file.starts_with("dram_")) args[0] = buffer->address();
            SetRuntimeArgs(p, k, core, args);
        }
        const double cycles = EnqueueProgram(device, p).predicted_cycles;
        for (auto [core, args] : cores) {
            args.at(count_arg(file)) = 0;
            if (file.starts_with("dram_")) args[0] = buffer->address();
            SetRuntimeArgs(p, k, core, args);
        }
        return cycles - EnqueueProgram(device, p).predicted_cycles;
    }

    static constexpr uint32_t kMaxBytes = 65536;

  private:
    // Which runtime arg of a probe is its transfer count (see the probes' headers).
    static size_t count_arg(const std::string& file) {
        if (file == "dram_read.cpp" || file == "dram_write.cpp") return 3;
        if (file == "l1_read.cpp" || file == "l1_write.cpp") return 4;
        if (file == "multicast.cpp") return 6;
        fail("calibration: unknown probe {}", file);
    }

    const DeviceSpec& spec_;
};

std::string nxs(uint32_t n, uint32_t s) {
    return fmt::format("N={} S={}", n, s);
}

}  // namespace

std::vector<CalibrationCell> run_calibration(const DeviceSpec& spec) {
    const bool wormhole = spec.name == "wormhole_b0";
    Prober probe(spec);
    std::vector<CalibrationCell> cells;
    auto add = [&](const std::string& table, std::string cell, std::string unit, double model,
                   std::optional<double> silicon, const std::string& source) {
        cells.push_back({table, std::move(cell), std::move(unit), model, wormhole ? silicon : std::nullopt,
                         wormhole ? source : std::string()});
    };
    const CoreCoord self{0, 0}, other{1, 0};

    // N x S tables: the probe on core (0,0); DRAM bank 0, or the L1 of core (1,0).
    auto table = [&](const SiliconTable& t, const std::string& file, bool writer) {
        for (size_t si = 0; si < t.sizes.size(); ++si) {
            for (size_t ni = 0; ni < kCounts.size(); ++ni) {
                const uint32_t s = t.sizes[si], n = kCounts[ni];
                const std::vector<uint32_t> args =
                    file.starts_with("dram_")
                        ? std::vector<uint32_t>{0, 0, s, n, kLocalL1}
                        : std::vector<uint32_t>{other.x, other.y, kRemoteL1, s, n, kLocalL1};
                add(t.title, nxs(n, s), "cycles", probe.run(file, {{self, args}}, writer), t.cycles[si][ni],
                    t.source);
            }
        }
    };
    table(kDramRead, "dram_read.cpp", false);
    table(kL1Write, "l1_write.cpp", true);
    table(kL1Read, "l1_read.cpp", false);

    const std::string dram_write = "one core writes one DRAM bank";
    for (auto [n, cycles] : {std::pair<uint32_t, double>{1, 401}, {256, 16558}}) {
        add(dram_write, nxs(n, 32), "cycles",
            probe.run("dram_write.cpp", {{self, {0, 0, 32, n, kLocalL1}}}, true), cycles, kSpec);
    }

    // Multicast from core (0,0): to the 2x2 rectangle (1,1)-(2,2), and to the whole 8x8 grid (on tilesim
    // the sender is inside it; the bytes it sends itself land at another address).
    struct Mcast {
        const char* name;
        CoreCoord end0, end1;
        bool linked;
        double one, many, per_transaction, peak;  // silicon; 0: not published
        const char* source;
    };
    const CoreCoord g = spec.worker_grid;
    const std::vector<Mcast> mcasts = {
        {"multicast 2x2",
         {1, 1},
         {2, 2},
         false,
         341,
         13869,
         53,
         25.9,
         "One to All Multicast 2x2 without Loopback.md@ebdaa19"},
        {"multicast 8x8",
         {0, 0},
         {std::min(7u, g.x - 1), std::min(7u, g.y - 1)},
         false,
         587,
         71232,
         278,
         15.0,
         "One to All Multicast 11x10 without Loopback.md@29162cd"},
        {"linked multicast 8x8",
         {0, 0},
         {std::min(7u, g.x - 1), std::min(7u, g.y - 1)},
         true,
         0,
         0,
         65,
         25.7,
         "One to All Linked Multicast 11x10.md@f9e63c1"},
    };
    for (const Mcast& m : mcasts) {
        auto run = [&](uint32_t n, uint32_t s) {
            return probe.run(
                "multicast.cpp",
                {{self,
                  {m.end0.x, m.end0.y, m.end1.x, m.end1.y, kRemoteL1, s, n, kLocalL1, m.linked ? 1u : 0u}}},
                true);
        };
        const double one = run(1, 32), many = run(256, 32);
        auto sil = [](double v) { return v > 0 ? std::optional<double>(v) : std::nullopt; };
        if (m.one > 0) add(m.name, nxs(1, 32), "cycles", one, sil(m.one), m.source);
        if (m.many > 0) add(m.name, nxs(256, 32), "cycles", many, sil(m.many), m.source);
        add(m.name, "per transaction (N=256 vs 1, S=32)", "cycles", (many - one) / 255,
            sil(m.per_transaction), m.source);
        const uint32_t big = 16384, count = 64;
        add(m.name, fmt::format("peak bandwidth (N={} S={})", count, big), "B/cycle",
            double(count) * big / run(count, big), sil(m.peak), m.source);
    }

    // The whole chip: one reader next to each DRAM bank (core i reads bank i), 256 reads of 8 KiB each.
    {
        const uint32_t readers = std::min(spec.dram_banks, spec.num_worker_cores()), s = 8192, n = 256;
        std::vector<std::pair<CoreCoord, std::vector<uint32_t>>> cores;
        for (uint32_t i = 0; i < readers; ++i) cores.push_back({{i % g.x, i / g.x}, {0, i, s, n, kLocalL1}});
        const double cycles = probe.run("dram_read.cpp", cores, false);
        const double gb_per_s = double(readers) * n * s / cycles * spec.clock_mhz / 1e3;
        std::optional<double> silicon;
        std::string source;
        if (wormhole) {
            silicon = 267.0;
            source = "Saturating_DRAM_bandwidth.md@0c3eb94";
        } else if (spec.name == "blackhole") {
            silicon = 500.5;
            source = "bh_dram_read_microbenchmark.md@c579438 (16 KB reads)";
        }
        cells.push_back({"the chip's DRAM read bandwidth",
                         fmt::format("{} bank-local readers, N={} S={}", readers, n, s), "GB/s", gb_per_s,
                         silicon, source});
    }
    return cells;
}

std::string format_calibration(const std::vector<CalibrationCell>& cells) {
    std::string out;
    std::string table;
    double worst = 0;
    const CalibrationCell* worst_cell = nullptr;
    for (const auto& c : cells) {
        if (c.table != table) {
            table = c.table;
            out += fmt::format("\n{}{}\n", table, c.source.empty() ? "" : " (" + c.source + ")");
            out += fmt::format("  {:<40} {:>12} {:>12} {:>9}\n", "cell", "model", "silicon", "deviation");
        }
        const std::string unit = c.unit == "cycles" ? "" : " " + c.unit;
        if (c.silicon) {
            out += fmt::format("  {:<40} {:>12.1f} {:>12.1f} {:>+8.1f}%{}\n", c.cell, c.model, *c.silicon,
                               100 * c.deviation(), unit);
            if (std::abs(c.deviation()) >= worst) {
                worst = std::abs(c.deviation());
                worst_cell = &c;
            }
        } else {
            out += fmt::format("  {:<40} {:>12.1f} {:>12} {:>9}{}\n", c.cell, c.model, "-", "", unit);
        }
    }
    if (worst_cell) {
        out += fmt::format("\nlargest deviation {:+.1f}% ({}: {})\n", 100 * worst_cell->deviation(),
                           worst_cell->table, worst_cell->cell);
    } else {
        out += "\nno published silicon figures for this device: model numbers only\n";
    }
    return out;
}

}  // namespace tilesim

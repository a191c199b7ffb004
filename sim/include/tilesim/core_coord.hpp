#pragma once
// Core coordinates and sets of cores, as in tt-metal (CoreCoord, CoreRange, CoreRangeSet).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace tilesim {

struct CoreCoord {
    uint32_t x = 0;
    uint32_t y = 0;
    friend bool operator==(const CoreCoord&, const CoreCoord&) = default;
    // Ordered by y then x (row-major), as tt-metal orders CoreCoord.
    friend bool operator<(const CoreCoord& a, const CoreCoord& b) {
        return a.y != b.y ? a.y < b.y : a.x < b.x;
    }
    std::string str() const { return fmt::format("(x={},y={})", x, y); }
};

// An inclusive rectangle of cores: start and end corners both belong to it.
struct CoreRange {
    CoreCoord start;
    CoreCoord end;
    CoreRange() = default;
    explicit CoreRange(CoreCoord core) : start(core), end(core) {}
    CoreRange(CoreCoord s, CoreCoord e);  // throws InvalidArgument when end < start on an axis
    friend bool operator==(const CoreRange&, const CoreRange&) = default;

    uint32_t size() const { return (end.x - start.x + 1) * (end.y - start.y + 1); }
    bool contains(CoreCoord c) const {
        return c.x >= start.x && c.x <= end.x && c.y >= start.y && c.y <= end.y;
    }
    bool intersects(const CoreRange& o) const;
    // Cores in row-major order (y outer, x inner), as tt-metal iterates a CoreRange.
    std::vector<CoreCoord> cores() const;
    std::string str() const;
};

// A set of disjoint CoreRanges.
class CoreRangeSet {
  public:
    CoreRangeSet() = default;
    CoreRangeSet(std::initializer_list<CoreRange> ranges);
    explicit CoreRangeSet(std::vector<CoreRange> ranges);  // throws when ranges overlap

    const std::vector<CoreRange>& ranges() const { return ranges_; }
    bool empty() const { return ranges_.empty(); }
    uint32_t num_cores() const;
    bool contains(CoreCoord c) const;
    bool contains(const CoreRange& r) const;
    // A new set with `other` added (must not overlap); adjacent rectangles are merged where they form
    // a rectangle.
    CoreRangeSet merge(const CoreRangeSet& other) const;
    // Every core, range by range, each range row-major (tt-metal's corerange_to_cores with
    // row_wise=true); pass row_wise=false for column-major within each range.
    std::vector<CoreCoord> cores(bool row_wise = true) const;
    // Smallest rectangle holding every core.
    CoreRange bounding_box() const;
    std::string str() const;
    friend bool operator==(const CoreRangeSet&, const CoreRangeSet&) = default;

  private:
    std::vector<CoreRange> ranges_;
};

}  // namespace tilesim

// fmt::format("{}", core) prints core.str(); width and alignment apply to the whole text ("{:>12}").
// Written as formatter specialisations, not format_as, which needs fmt 10 (Debian 12 has 9.1).
template <>
struct fmt::formatter<tilesim::CoreCoord> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const tilesim::CoreCoord& c, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(c.str(), ctx);
    }
};
template <>
struct fmt::formatter<tilesim::CoreRange> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const tilesim::CoreRange& r, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(r.str(), ctx);
    }
};
template <>
struct fmt::formatter<tilesim::CoreRangeSet> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const tilesim::CoreRangeSet& s, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(s.str(), ctx);
    }
};

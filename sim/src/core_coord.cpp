// CoreRange / CoreRangeSet: validation, membership, merging and iteration (tt-metal's semantics).
#include "tilesim/core_coord.hpp"

#include <algorithm>

#include "tilesim/error.hpp"

namespace tilesim {

CoreRange::CoreRange(CoreCoord s, CoreCoord e) : start(s), end(e) {
    if (e.x < s.x || e.y < s.y) {
        fail("CoreRange: end {} must not be before start {} on either axis", e, s);
    }
}

bool CoreRange::intersects(const CoreRange& o) const {
    return start.x <= o.end.x && o.start.x <= end.x && start.y <= o.end.y && o.start.y <= end.y;
}

std::vector<CoreCoord> CoreRange::cores() const {
    std::vector<CoreCoord> out;
    out.reserve(size());
    for (uint32_t y = start.y; y <= end.y; ++y) {
        for (uint32_t x = start.x; x <= end.x; ++x) out.push_back({x, y});
    }
    return out;
}

// tt-metal prints a range as "[(x=0,y=0) - (x=3,y=7)]".
std::string CoreRange::str() const {
    return fmt::format("[{} - {}]", start, end);
}

namespace {

void validate_no_overlap(const std::vector<CoreRange>& ranges, const char* who) {
    for (size_t i = 0; i < ranges.size(); ++i) {
        for (size_t j = i + 1; j < ranges.size(); ++j) {
            if (ranges[i].intersects(ranges[j])) {
                fail("{}: core ranges {} (#{}) and {} (#{}) overlap", who, ranges[i], i, ranges[j], j);
            }
        }
    }
}

}  // namespace

CoreRangeSet::CoreRangeSet(std::initializer_list<CoreRange> ranges)
    : CoreRangeSet(std::vector<CoreRange>(ranges)) {}

CoreRangeSet::CoreRangeSet(std::vector<CoreRange> ranges) : ranges_(std::move(ranges)) {
    validate_no_overlap(ranges_, "CoreRangeSet");
}

uint32_t CoreRangeSet::num_cores() const {
    uint32_t n = 0;
    for (const auto& r : ranges_) n += r.size();
    return n;
}

bool CoreRangeSet::contains(CoreCoord c) const {
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const CoreRange& r) { return r.contains(c); });
}

bool CoreRangeSet::contains(const CoreRange& r) const {
    // Ranges are disjoint, so the cores of `r` covered by the set add up without double counting.
    uint64_t covered = 0;
    for (const auto& own : ranges_) {
        if (!own.intersects(r)) continue;
        uint64_t w = std::min(own.end.x, r.end.x) - std::max(own.start.x, r.start.x) + 1;
        uint64_t h = std::min(own.end.y, r.end.y) - std::max(own.start.y, r.start.y) + 1;
        covered += w * h;
    }
    return covered == r.size();
}

CoreRangeSet CoreRangeSet::merge(const CoreRangeSet& other) const {
    std::vector<CoreRange> all = ranges_;
    all.insert(all.end(), other.ranges_.begin(), other.ranges_.end());
    validate_no_overlap(all, "CoreRangeSet::merge");
    if (all.empty()) return {};

    // As tt-metal's CoreRangeSet::merge: rasterise the cores, cut every row into maximal horizontal runs,
    // and extend a run of the previous row downwards when it spans exactly the same columns.
    const CoreRange box = CoreRangeSet(all).bounding_box();
    const uint32_t w = box.end.x + 2;  // one spare column so every run ends on an empty cell
    std::vector<uint8_t> grid(size_t(box.end.y + 1) * w, 0);
    for (const auto& r : all) {
        for (const auto& c : r.cores()) grid[size_t(c.y) * w + c.x] = 1;
    }
    std::vector<CoreRange> done;
    std::vector<CoreRange> open;  // ranges whose last row is the previous row
    for (uint32_t y = box.start.y; y <= box.end.y; ++y) {
        std::vector<CoreRange> next;
        for (uint32_t x = box.start.x; x <= box.end.x; ++x) {
            if (!grid[size_t(y) * w + x]) continue;
            uint32_t x0 = x;
            while (grid[size_t(y) * w + x + 1]) ++x;
            auto it = std::find_if(open.begin(), open.end(),
                                   [&](const CoreRange& r) { return r.start.x == x0 && r.end.x == x; });
            if (it != open.end()) {
                next.emplace_back(it->start, CoreCoord{x, y});
                open.erase(it);
            } else {
                next.emplace_back(CoreCoord{x0, y}, CoreCoord{x, y});
            }
        }
        done.insert(done.end(), open.begin(), open.end());
        open = std::move(next);
    }
    done.insert(done.end(), open.begin(), open.end());
    // Deterministic order: by start core, row-major.
    std::sort(done.begin(), done.end(),
              [](const CoreRange& a, const CoreRange& b) { return a.start < b.start; });
    return CoreRangeSet(std::move(done));
}

std::vector<CoreCoord> CoreRangeSet::cores(bool row_wise) const {
    std::vector<CoreCoord> out;
    out.reserve(num_cores());
    for (const auto& r : ranges_) {
        if (row_wise) {
            for (const auto& c : r.cores()) out.push_back(c);
        } else {
            for (uint32_t x = r.start.x; x <= r.end.x; ++x) {
                for (uint32_t y = r.start.y; y <= r.end.y; ++y) out.push_back({x, y});
            }
        }
    }
    return out;
}

CoreRange CoreRangeSet::bounding_box() const {
    if (ranges_.empty()) fail("CoreRangeSet::bounding_box: the set is empty");
    CoreCoord lo = ranges_.front().start, hi = ranges_.front().end;
    for (const auto& r : ranges_) {
        lo = {std::min(lo.x, r.start.x), std::min(lo.y, r.start.y)};
        hi = {std::max(hi.x, r.end.x), std::max(hi.y, r.end.y)};
    }
    return CoreRange(lo, hi);
}

// tt-metal prints a set as "{[..], [..]}" and an empty one as "{}".
std::string CoreRangeSet::str() const {
    std::string s = "{";
    for (size_t i = 0; i < ranges_.size(); ++i) {
        if (i) s += ", ";
        s += ranges_[i].str();
    }
    return s + "}";
}

}  // namespace tilesim

#include "tilesim/compare.hpp"

#include <algorithm>
#include <cmath>

#include "tilesim/error.hpp"

namespace tilesim {

Comparison compare(std::span<const float> actual, std::span<const float> expected) {
    if (actual.size() != expected.size())
        fail("compare: {} values against a reference of {}", actual.size(), expected.size());
    Comparison c;
    double sa = 0, se = 0, saa = 0, see = 0, sae = 0;
    size_t n = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        const double a = actual[i], e = expected[i];
        if (std::isnan(a) || std::isnan(e)) {
            if (std::isnan(a) != std::isnan(e)) ++c.mismatched_nans;
            continue;
        }
        const double d = std::abs(a - e);
        if (d > c.max_abs_error || std::isnan(d)) {
            c.max_abs_error = d;
            c.worst_index = i;
        }
        c.max_abs_reference = std::max(c.max_abs_reference, std::abs(e));
        sa += a;
        se += e;
        saa += a * a;
        see += e * e;
        sae += a * e;
        ++n;
    }
    if (n > 1) {
        const double cov = sae - sa * se / n, va = saa - sa * sa / n, ve = see - se * se / n;
        if (va <= 1e-30 && ve <= 1e-30)
            c.pcc = 1;  // both constant
        else if (va <= 1e-30 || ve <= 1e-30)
            c.pcc = c.max_abs_error == 0 ? 1 : 0;
        else
            c.pcc = cov / std::sqrt(va * ve);
    }
    return c;
}

}  // namespace tilesim

// The SVG pictures: well-formed standalone SVG 1.1 (checked by a small XML well-formedness parser below),
// one element per core, a legend, coordinates labelled, text escaped.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <random>

#include "ops/examples/examples.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/svg.hpp"
#include "tilesim/work_split.hpp"

using namespace tilesim;

namespace {

// ---- a minimal XML well-formedness check ----------------------------------------------------------------
// Elements nest and close in order, there is one root, attributes are quoted and not repeated, and text
// and attribute values use only the five predefined entities or character references.
struct XmlElement {
    std::string name;
    std::map<std::string, std::string> attrs;
};
struct XmlDocument {
    std::string error;  // empty when well-formed
    std::vector<XmlElement> elements;
    std::string text;  // all character data, entities left as written
    size_t count(std::string_view name, std::string_view cls = "") const {
        size_t n = 0;
        for (const auto& e : elements) {
            auto it = e.attrs.find("class");
            if (e.name == name && (cls.empty() || (it != e.attrs.end() && it->second == cls))) ++n;
        }
        return n;
    }
};

bool valid_entities(std::string_view s) {
    for (size_t i = s.find('&'); i != std::string_view::npos; i = s.find('&', i + 1)) {
        const size_t end = s.find(';', i);
        if (end == std::string_view::npos) return false;
        const std::string_view ent = s.substr(i + 1, end - i - 1);
        const bool named = ent == "amp" || ent == "lt" || ent == "gt" || ent == "quot" || ent == "apos";
        const bool numeric = ent.size() > 1 && ent[0] == '#';
        if (!named && !numeric) return false;
    }
    return true;
}

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

XmlDocument parse_xml(const std::string& s) {
    XmlDocument doc;
    std::vector<std::string> open;
    size_t i = 0, roots = 0;
    auto fail = [&](std::string why) {
        doc.error = why + " at offset " + std::to_string(i);
        return doc;
    };
    if (s.starts_with("<?xml")) i = s.find("?>") + 2;
    while (i < s.size()) {
        if (s[i] != '<') {
            const size_t next = s.find('<', i);
            const std::string chunk = s.substr(i, next == std::string::npos ? std::string::npos : next - i);
            if (!valid_entities(chunk) || chunk.find('>') != std::string::npos)
                return fail("bad character data");
            if (open.empty() && chunk.find_first_not_of(" \n\r\t") != std::string::npos)
                return fail("text outside the root");
            doc.text += chunk;
            i = next == std::string::npos ? s.size() : next;
            continue;
        }
        if (s.compare(i, 2, "</") == 0) {
            size_t j = i + 2;
            while (j < s.size() && is_name_char(s[j])) ++j;
            const std::string name = s.substr(i + 2, j - i - 2);
            if (open.empty() || open.back() != name || j >= s.size() || s[j] != '>')
                return fail("mismatched </" + name + ">");
            open.pop_back();
            i = j + 1;
            continue;
        }
        XmlElement e;
        size_t j = i + 1;
        while (j < s.size() && is_name_char(s[j])) ++j;
        e.name = s.substr(i + 1, j - i - 1);
        if (e.name.empty()) return fail("empty tag name");
        for (;;) {
            while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
            if (j >= s.size()) return fail("unterminated tag");
            if (s[j] == '>' || s.compare(j, 2, "/>") == 0) break;
            const size_t k = j;
            while (j < s.size() && is_name_char(s[j])) ++j;
            const std::string attr = s.substr(k, j - k);
            if (attr.empty() || j + 1 >= s.size() || s[j] != '=' || (s[j + 1] != '"' && s[j + 1] != '\'')) {
                return fail("bad attribute in <" + e.name + ">");
            }
            const size_t end = s.find(s[j + 1], j + 2);
            if (end == std::string::npos) return fail("unterminated attribute");
            const std::string value = s.substr(j + 2, end - j - 2);
            if (value.find('<') != std::string::npos || !valid_entities(value))
                return fail("bad attribute value");
            if (!e.attrs.emplace(attr, value).second) return fail("repeated attribute " + attr);
            j = end + 1;
        }
        const bool self_closing = s[j] == '/';
        if (open.empty() && ++roots > 1) return fail("second root element");
        if (!self_closing) open.push_back(e.name);
        doc.elements.push_back(std::move(e));
        i = j + (self_closing ? 2 : 1);
    }
    if (!open.empty()) return fail("unclosed <" + open.back() + ">");
    if (roots != 1) return fail("no root element");
    return doc;
}

void expect_svg_root(const XmlDocument& d) {
    ASSERT_TRUE(d.error.empty()) << d.error;
    ASSERT_FALSE(d.elements.empty());
    EXPECT_EQ(d.elements[0].name, "svg");
    EXPECT_EQ(d.elements[0].attrs.at("xmlns"), "http://www.w3.org/2000/svg");
    EXPECT_EQ(d.elements[0].attrs.at("version"), "1.1");
}

RunReport copy_report(const std::string& device_name, uint32_t sticks) {
    Device device(load_device(device_name));
    std::vector<std::byte> data(size_t(sticks) * 128, std::byte{9});
    RunReport r = ops::examples::multicore_copy(device, data, 128, 2).report;
    const CoreCoord grid = device.compute_with_storage_grid_size();
    set_units(r, assign_work(split_work_to_cores(grid, sticks), grid));
    return r;
}

}  // namespace

TEST(XmlCheck, RejectsMalformedDocuments) {
    EXPECT_FALSE(parse_xml("<svg><g></svg>").error.empty());
    EXPECT_FALSE(parse_xml("<svg><text>a < b</text></svg>").error.empty());
    EXPECT_FALSE(parse_xml("<svg><text>a & b</text></svg>").error.empty());
    EXPECT_FALSE(parse_xml("<svg x=1/>").error.empty());
    EXPECT_FALSE(parse_xml("<svg x=\"1\" x=\"2\"/>").error.empty());
    EXPECT_FALSE(parse_xml("<svg/><svg/>").error.empty());
    EXPECT_TRUE(
        parse_xml("<?xml version=\"1.0\"?>\n<svg a='1'><t>x &amp; y &#181;</t><r/></svg>\n").error.empty());
}

TEST(Heatmap, IsWellFormedSvgWithOneRectPerGridCoreAndALegend) {
    const RunReport r = copy_report("wormhole_b0", 45);  // 45 of 64 cores used
    const XmlDocument d = parse_xml(core_heatmap_svg(r));
    expect_svg_root(d);
    EXPECT_EQ(d.count("rect", "core"), 64u);
    EXPECT_EQ(d.count("g", "legend"), 1u);
    EXPECT_EQ(d.count("rect", "legend-scale"), 1u);
    EXPECT_EQ(d.count("rect", "legend-idle"), 1u);
    EXPECT_EQ(d.count("linearGradient"), 1u);
    EXPECT_NE(d.text.find("(7,7)"), std::string::npos);  // every cell names its core
    EXPECT_NE(d.text.find("(0,0)"), std::string::npos);
    EXPECT_NE(d.text.find("idle"), std::string::npos);
    EXPECT_NE(d.text.find("predicted time"), std::string::npos);
    EXPECT_NE(d.text.find("µs"), std::string::npos);
}

TEST(Heatmap, BlackholeGridOfUnitsHas130CellsColouredByValue) {
    const RunReport r = copy_report("blackhole", 130 + 40);  // 40 cores do two sticks, 90 do one
    const std::string svg = core_heatmap_svg(r, HeatmapMetric::Units);
    const XmlDocument d = parse_xml(svg);
    expect_svg_root(d);
    ASSERT_EQ(d.count("rect", "core"), 130u);
    std::map<std::string, size_t> fills;
    for (const auto& e : d.elements)
        if (e.name == "rect" && e.attrs.count("class") && e.attrs.at("class") == "core")
            fills[e.attrs.at("fill")]++;
    ASSERT_EQ(fills.size(), 2u);  // the two ends of the scale
    EXPECT_EQ(fills.at("#fde725"), 40u);
    EXPECT_EQ(fills.at("#440154"), 90u);
    EXPECT_NE(d.text.find("units of work"), std::string::npos);
}

TEST(Heatmap, EscapesTextFromTheReport) {
    RunReport r;
    r.device = "chip <\"A&B\">";
    r.grid = {2, 1};
    CoreStats core;
    core.core = {1, 0};
    r.cores.push_back(core);
    const std::string svg = core_heatmap_svg(r, HeatmapMetric::BytesMoved);
    const XmlDocument d = parse_xml(svg);
    expect_svg_root(d);
    EXPECT_NE(svg.find("chip &lt;&quot;A&amp;B&quot;&gt;"), std::string::npos);
    EXPECT_EQ(d.count("rect", "core"), 2u);
}

TEST(L1Chart, IsWellFormedWithOneBarGroupPerCoreAndTheLimit) {
    Device device(load_device("wormhole_b0"));
    auto big = device.create_buffer(
        {64 * 500 * 1024, 500 * 1024, BufferType::L1, TensorMemoryLayout::INTERLEAVED, {}});
    std::vector<std::byte> data(size_t(77) * 128, std::byte{1});
    const RunReport r = ops::examples::multicore_copy(device, data, 128, 2).report;
    const XmlDocument d = parse_xml(l1_usage_svg(r));
    expect_svg_root(d);
    EXPECT_EQ(d.count("g", "core"), r.cores.size());
    EXPECT_EQ(d.count("rect", "bar-cb"), r.cores.size());
    EXPECT_EQ(d.count("rect", "bar-buffer"), r.cores.size());
    EXPECT_EQ(d.count("line", "limit"), 1u);  // a third of L1 used: the axis runs to the limit
    EXPECT_EQ(d.count("g", "legend"), 1u);
    EXPECT_NE(d.text.find("L1 limit 1.43 MiB"), std::string::npos);
    EXPECT_NE(d.text.find("circular buffers"), std::string::npos);
}

TEST(L1Chart, SmallUseZoomsTheAxisAndSaysSo) {
    const RunReport r = copy_report("blackhole", 300);
    const XmlDocument d = parse_xml(l1_usage_svg(r));
    expect_svg_root(d);
    EXPECT_EQ(d.count("g", "core"), 130u);
    EXPECT_EQ(d.count("line", "limit"), 0u);
    EXPECT_NE(d.text.find("the limit is above the top of the axis"), std::string::npos);
}

TEST(XmlEscape, EscapesTheFiveSpecialCharacters) {
    EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
    EXPECT_EQ(xml_escape("plain (x=1,y=2)"), "plain (x=1,y=2)");
}

TEST(Timeline, IsWellFormedSvgWithALaneOfBusyAndWaitSlicesPerKernel) {
    Device device(load_device("wormhole_b0"));
    std::vector<std::byte> data(size_t(300) * 128, std::byte{5});
    RunOptions o;
    o.trace = true;
    const RunReport r = ops::examples::multicore_copy(device, data, 128, 2, o).report;
    const XmlDocument d = parse_xml(timeline_svg(r, 3));
    expect_svg_root(d);
    EXPECT_GT(d.count("rect", "busy"), 6u);  // 3 cores x (reader + writer), each with busy time
    EXPECT_GT(d.count("rect", "wait"), 0u);  // the writer waits for the reader
    EXPECT_NE(d.text.find("reader_unary_pages"), std::string::npos);
    EXPECT_NE(d.text.find("writer_unary_pages"), std::string::npos);
    EXPECT_NE(d.text.find("µs"), std::string::npos);  // the time axis
}

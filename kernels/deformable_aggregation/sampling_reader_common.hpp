#pragma once
// What the readers of deformable_aggregation, sample_sum and sample_dot share: the CB indices of their
// programs, the compile-time argument layout of the weighted row-sum compute kernel, reading sticks into
// CBs, reading the four corner sticks of a bilinear sample into rows of a row-major block, and building
// the blocks of 32 weighted rows (8 samples x 4 corners) that compute_weighted_row_sum reduces.
//
// A row of a block holds one corner stick (C values) padded with zeros to whole tiles (ceil(C/32) * 32
// values), so that the compute kernel can tilize a block as ceil(C/32) tiles. The sampling math is the
// CPU references' own (ops/deformable_aggregation/channels_last_taps.hpp: PixelTaps, corner order nw, ne,
// sw, se), so the paths cannot drift apart.
#include <cstring>

#include "kernels/grid_sample/grid_sample_reader_common.hpp"  // load_value, store_value, data formats
#include "ops/deformable_aggregation/channels_last_taps.hpp"
#include "tilesim/kernel_api.hpp"

namespace sampling_kernels {

using grid_sample_kernels::kBFloat16;
using grid_sample_kernels::kFloat32;
using grid_sample_kernels::load_value;
using grid_sample_kernels::store_value;
using tilesim::ops::PixelTaps;

// CB indices (tt-metal's convention: inputs from c_0, outputs from c_16, intermediates from c_24).
enum SamplingCb : uint32_t {
    kIndexStickCb = 0,     // per unit, read first: sampling locations (deformable) or samples (sample_*)
    kWeightStickCb = 1,    // attention weights (deformable), depth weights (sample_sum), queries (sample_dot)
    kEncodingStickCb = 2,  // sample_dot: the positional encodings of the unit's depth samples
    kCountCb = 3,          // weighted row sum: number of blocks of the unit (one uint32 per page)
    kValueRowsCb = 4,      // row-major block of corner rows (8 samples x 4 corners; sample_dot: 4 corners)
    kWeightRowsCb = 5,     // row-major block of weights (sample_dot: the 4 bilinear weights, a scalar tile)
    kVectorRowsCb = 6,     // sample_dot: 32 rows of cat(queries, pe(depth))
    kScalerCb = 7,         // reduce scaler tile (1.0)
    kOutputCb = 16,
    kValueTilesCb = 24,   // tilized value block (sample_dot: tilized interpolated rows)
    kWeightTilesCb = 25,  // tilized weight block (sample_dot: tilized vector rows)
    kProductCb = 26,      // value x weight tiles
    kPartialCb = 27,      // column sums of the blocks so far
    kInterpRowsCb = 28,   // sample_dot: 32 interpolated rows, one page each
};

// Compile-time args of compute_weighted_row_sum.cpp.
enum WeightedSumComputeArg : uint32_t {
    kSumChannelTiles = 0,  // ceil(C / 32)
    kSumFaceCols,          // ceil(C / 16): width of the packed output stick in faces
    kNumWeightedSumComputeArgs
};

constexpr uint32_t kTileRows = 32;
constexpr uint32_t kCorners = 4;
constexpr uint32_t kSamplesPerBlock = kTileRows / kCorners;  // 8
constexpr uint32_t kCoordinateCycles = 40;  // scalar RISC-V work per sample (coordinate and corner math)

inline float load_f32(const std::byte* p, uint32_t index) {
    return load_value(p, index, kFloat32);
}

inline uint32_t element_bytes(uint32_t format) {
    return format == kFloat32 ? 4 : 2;
}

// Reads page `page` of an interleaved buffer into a fresh page of `cb` and hands it to this kernel's own
// loop (push then wait, as tt-metal's readers do with the grid stick); returns its L1 bytes. The caller
// pops the page when done with it.
template <class Gen>
const std::byte* read_stick(uint32_t cb, const Gen& gen, uint32_t page, uint32_t bytes) {
    cb_reserve_back(cb, 1);
    noc_async_read(get_noc_addr(page, gen), get_write_ptr(cb), bytes);
    noc_async_read_barrier();
    cb_push_back(cb, 1);
    cb_wait_front(cb, 1);
    return l1_ptr<std::byte>(get_read_ptr(cb), bytes);
}

// The reduce scaler tile, as tt-metal's generate_reduce_scaler writes it: the first row of each face
// holds the scaler, everything else is zero. Pushed once; the compute kernel keeps it for the whole run.
inline void push_reduce_scaler(uint32_t cb, uint32_t format, float scaler) {
    cb_reserve_back(cb, 1);
    const uint32_t bytes = 1024 * element_bytes(format);
    std::byte* tile = l1_ptr<std::byte>(get_write_ptr(cb), bytes);
    std::memset(tile, 0, bytes);
    for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t c = 0; c < 16; ++c) store_value(tile, face * 256 + c, scaler, format);
    }
    kernel_spend_cycles(64);
    cb_push_back(cb, 1);
}

// Hands the compute kernel the number of blocks of the next unit (one uint32 in a page of `cb`).
inline void push_block_count(uint32_t cb, uint32_t blocks) {
    cb_reserve_back(cb, 1);
    *l1_ptr<uint32_t>(get_write_ptr(cb)) = blocks;
    cb_push_back(cb, 1);
}

inline uint32_t blocks_for(uint32_t samples) {
    return (samples + kSamplesPerBlock - 1) / kSamplesPerBlock;
}

// Row geometry of a block: C values of `stick_bytes` read from DRAM, padded with zeros to `row_bytes`.
struct RowGeometry {
    uint32_t channels = 0;
    uint32_t stick_bytes = 0;  // C * element size
    uint32_t row_bytes = 0;    // ceil(C / 32) * 32 * element size
    uint32_t format = kFloat32;
};

// Reads the four corner sticks of `t` into the rows at L1 address `dst` (stride row_bytes): a corner
// inside the map is page first_page + pixel of `gen`, with the row's padding zeroed; a corner outside is
// a zero row (zero padding). Issues the reads; the caller barriers before pushing.
template <class Gen>
void read_corner_rows(const PixelTaps& t, uint32_t first_page, const Gen& gen, uint32_t dst,
                      const RowGeometry& g) {
    for (uint32_t i = 0; i < kCorners; ++i) {
        const uint32_t row = dst + i * g.row_bytes;
        if (t.pixel[i] >= 0) {
            noc_async_read(get_noc_addr(first_page + static_cast<uint32_t>(t.pixel[i]), gen), row,
                           g.stick_bytes);
            if (g.row_bytes > g.stick_bytes) {
                std::memset(l1_ptr<std::byte>(row + g.stick_bytes, g.row_bytes - g.stick_bytes), 0,
                            g.row_bytes - g.stick_bytes);
            }
        } else {
            std::memset(l1_ptr<std::byte>(row, g.row_bytes), 0, g.row_bytes);
        }
    }
}

// Builds the value and weight blocks of the weighted row sum: each sample adds its 4 corner rows to the
// value block and 4 weight rows to the weight block (row of corner i, column c: bilinear weight i times
// group_weight[c / group_size]); every 8 samples both blocks are pushed. finish() pushes a partly filled
// block with zero rows after the samples.
template <class Gen>
class WeightedRowBlocks {
  public:
    WeightedRowBlocks(const Gen& gen, const RowGeometry& g) : gen_(gen), g_(g) {}

    void add(const PixelTaps& t, uint32_t first_page, const float* group_weight, uint32_t group_size) {
        if (samples_ == 0) open();
        const uint32_t row = samples_ * kCorners;
        read_corner_rows(t, first_page, gen_, values_ + row * g_.row_bytes, g_);
        for (uint32_t i = 0; i < kCorners; ++i) {
            write_weight_row(weights_ + (row + i) * g_.row_bytes, t.pixel[i] >= 0 ? t.weight[i] : 0.f,
                             group_weight, group_size);
        }
        kernel_spend_cycles(kCoordinateCycles);
        if (++samples_ == kSamplesPerBlock) close();
    }

    void finish() {
        if (samples_ == 0) return;
        const uint32_t used = samples_ * kCorners * g_.row_bytes,
                       rest = (kTileRows - samples_ * kCorners) * g_.row_bytes;
        std::memset(l1_ptr<std::byte>(values_ + used, rest), 0, rest);
        std::memset(l1_ptr<std::byte>(weights_ + used, rest), 0, rest);
        close();
    }

  private:
    void open() {
        cb_reserve_back(kValueRowsCb, 1);
        cb_reserve_back(kWeightRowsCb, 1);
        values_ = get_write_ptr(kValueRowsCb);
        weights_ = get_write_ptr(kWeightRowsCb);
    }

    void close() {
        noc_async_read_barrier();
        cb_push_back(kWeightRowsCb, 1);
        cb_push_back(kValueRowsCb, 1);
        samples_ = 0;
    }

    // C weights, group by group (one product per group, as a RISC-V would compute it), then zero padding.
    void write_weight_row(uint32_t addr, float bilinear, const float* group_weight,
                          uint32_t group_size) const {
        std::byte* row = l1_ptr<std::byte>(addr, g_.row_bytes);
        const uint32_t groups = g_.channels / group_size;
        for (uint32_t grp = 0; grp < groups; ++grp) {
            const float w = bilinear * group_weight[grp];
            for (uint32_t c = grp * group_size; c < (grp + 1) * group_size; ++c)
                store_value(row, c, w, g_.format);
        }
        std::memset(row + g_.stick_bytes, 0, g_.row_bytes - g_.stick_bytes);
        kernel_spend_cycles(g_.channels / 4 + groups);  // the stores, 4 per cycle (bf16 pairs, word writes)
    }

    const Gen& gen_;
    RowGeometry g_;
    uint32_t samples_ = 0;
    uint32_t values_ = 0, weights_ = 0;
};

}  // namespace sampling_kernels

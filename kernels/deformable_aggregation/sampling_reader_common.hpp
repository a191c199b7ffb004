#pragma once
// What the readers of deformable_aggregation, sample_sum and sample_dot share: reading sticks into CBs,
// storing values in the CB's data format, the reduce scaler, reading the four corner sticks of a bilinear
// sample into rows of a row-major block, and building the blocks of 32 weighted rows (8 samples x 4
// corners) that compute_weighted_row_sum reduces. Data-movement kernels only (the dataflow API).
//
// A row of a block holds one corner stick (C values) padded with zeros to whole tiles (ceil(C/32) * 32
// values), so that the compute kernel can tilize a block as ceil(C/32) tiles. The sampling math is the
// CPU references' own (kernels/common/pixel_taps.hpp: PixelTaps, corner order nw, ne, sw, se), so the
// paths cannot drift apart.
#include <cstdint>
#include <cstring>

#include "kernels/common/bfloat16.hpp"
#include "kernels/common/l1_values.hpp"
#include "kernels/common/pixel_taps.hpp"
#include "kernels/deformable_aggregation/sampling_layout.hpp"

namespace sampling_kernels {

using tilesim::ops::PixelTaps;

using tilesim_kernels::element_bytes;
using tilesim_kernels::store_value;

using tilesim_kernels::zero_l1;

// Reads page `page` of an interleaved buffer into a fresh page of `cb` and hands it to this kernel's own
// loop (push then wait, as tt-metal's readers do with the grid stick); returns its L1 address. The caller
// pops the page when done with it.
template <class Gen>
uint32_t read_stick(uint32_t cb, const Gen& gen, uint32_t page, uint32_t bytes) {
    cb_reserve_back(cb, 1);
    noc_async_read(get_noc_addr(page, gen), get_write_ptr(cb), bytes);
    noc_async_read_barrier();
    cb_push_back(cb, 1);
    cb_wait_front(cb, 1);
    return get_read_ptr(cb);
}

// The reduce scaler tile, as tt-metal's generate_reduce_scaler writes it: the first row of each face
// holds the scaler, everything else is zero. Pushed once; the compute kernel keeps it for the whole run.
inline void push_reduce_scaler(uint32_t cb, float scaler) {
    const DataFormat format = get_dataformat(cb);
    cb_reserve_back(cb, 1);
    const uint32_t tile = get_write_ptr(cb);
    zero_l1(tile, 1024 * element_bytes(format));
    for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t c = 0; c < 16; ++c) store_value(tile, face * 256 + c, scaler, format);
    }
    cb_push_back(cb, 1);
}

// Hands the compute kernel the number of blocks of the next unit (one uint32 in a page of `cb`).
inline void push_block_count(uint32_t cb, uint32_t blocks) {
    cb_reserve_back(cb, 1);
    *reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_write_ptr(cb)) = blocks;
    cb_push_back(cb, 1);
}

inline uint32_t blocks_for(uint32_t samples) {
    return (samples + kSamplesPerBlock - 1) / kSamplesPerBlock;
}

// Row geometry of a block: C values of `stick_bytes` read from DRAM, padded with zeros to `row_bytes`, in
// the format of the block CBs.
struct RowGeometry {
    uint32_t channels = 0;
    uint32_t stick_bytes = 0;  // C * element size
    uint32_t row_bytes = 0;    // ceil(C / 32) * 32 * element size
    DataFormat format = DataFormat::Float32;
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
            zero_l1(row + g.stick_bytes, g.row_bytes - g.stick_bytes);
        } else {
            zero_l1(row, g.row_bytes);
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

    void add(const PixelTaps& t, uint32_t first_page, const volatile tt_l1_ptr float* group_weight,
             uint32_t group_size) {
        if (samples_ == 0) open();
        const uint32_t row = samples_ * kCorners;
        read_corner_rows(t, first_page, gen_, values_ + row * g_.row_bytes, g_);
        for (uint32_t i = 0; i < kCorners; ++i) {
            write_weight_row(weights_ + (row + i) * g_.row_bytes, t.pixel[i] >= 0 ? t.weight[i] : 0.f,
                             group_weight, group_size);
        }
        if (++samples_ == kSamplesPerBlock) close();
    }

    void finish() {
        if (samples_ == 0) return;
        const uint32_t used = samples_ * kCorners * g_.row_bytes,
                       rest = (kTileRows - samples_ * kCorners) * g_.row_bytes;
        zero_l1(values_ + used, rest);
        zero_l1(weights_ + used, rest);
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
    void write_weight_row(uint32_t addr, float bilinear, const volatile tt_l1_ptr float* group_weight,
                          uint32_t group_size) const {
        const uint32_t groups = g_.channels / group_size;
        if (g_.format == DataFormat::Float32) {
            volatile tt_l1_ptr float* row = reinterpret_cast<volatile tt_l1_ptr float*>(addr);
            for (uint32_t grp = 0; grp < groups; ++grp) {
                const float w = bilinear * group_weight[grp];
                for (uint32_t c = grp * group_size; c < (grp + 1) * group_size; ++c) row[c] = w;
            }
        } else {
            volatile tt_l1_ptr uint16_t* row = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(addr);
            for (uint32_t grp = 0; grp < groups; ++grp) {
                const uint16_t w = tilesim_kernels::float_to_bfloat16(bilinear * group_weight[grp]);
                for (uint32_t c = grp * group_size; c < (grp + 1) * group_size; ++c) row[c] = w;
            }
        }
        zero_l1(addr + g_.stick_bytes, g_.row_bytes - g_.stick_bytes);
    }

    const Gen& gen_;
    RowGeometry g_;
    uint32_t samples_ = 0;
    uint32_t values_ = 0, weights_ = 0;
};

}  // namespace sampling_kernels

// Compute half of the kernel API: DEST registers, unpack from CBs in their data format, eltwise and
// reduce math in float32 (rounded to bf16 unless fp32_dest_acc_en), pack into CBs.
#include <algorithm>
#include <cmath>

#include "detail/api_common.hpp"
#include "detail/kernel_api.hpp"

namespace tilesim::kernel_api {
using detail::cb_of;
using detail::CircularBufferState;
using detail::enter;
using detail::KernelContext;
using detail::watcher;

namespace {
constexpr uint32_t kTile = 32, kFace = 16, kTileValues = kTile * kTile, kDestTiles = 16;

// Index of element (r, c) of a 32x32 tile stored as four 16x16 faces.
inline uint32_t at(uint32_t r, uint32_t c) {
    return ((r / kFace) * 2 + c / kFace) * kFace * kFace + (r % kFace) * kFace + c % kFace;
}

void compute_only(const KernelContext& k, const char* call) {
    if (k.spec->kind != KernelKind::Compute)
        watcher(k,
                fmt::format("{} is a compute API call; this is a {} kernel", call, to_string(k.spec->kind)));
}

// DEST tile `dst` for a call that writes all of it (row0_only: only its row 0).
float* dest_tile(KernelContext& k, uint32_t dst, const char* call, bool row0_only = false) {
    if (dst >= kDestTiles)
        watcher(k, fmt::format("{}: DEST tile {} out of range [0, {})", call, dst, kDestTiles));
    (row0_only ? k.dest_row0_dirty : k.dest_dirty) |= 1u << dst;
    return k.dest.data() + dst * kTileValues;
}

// Row buffer of `n` floats owned by the kernel (compute calls run one at a time per kernel).
float* scratch(KernelContext& k, size_t n) {
    if (k.scratch.size() < n) k.scratch.resize(n);
    return k.scratch.data();
}

// Values of `count` elements at L1 address `addr` in data format `fmt`, as floats.
void load_values(KernelContext& k, DataType format, uint32_t addr, uint32_t count, float* out) {
    const std::byte* p = k.core->l1 + addr;
    if (format == DataType::Float32) {
        std::memcpy(out, p, count * 4);
    } else if (format == DataType::BFloat16) {
        for (uint32_t i = 0; i < count; ++i) {
            uint16_t b;
            std::memcpy(&b, p + 2 * i, 2);
            out[i] = bf16_to_float(b);
        }
    } else if (format == DataType::Bfp8_b) {
        const auto v = unpack_bfp8_b({reinterpret_cast<const uint8_t*>(p), bfp8_bytes_for(count)}, count);
        std::copy(v.begin(), v.end(), out);
    } else {
        watcher(k, fmt::format("compute: CB data format {} cannot be unpacked", format));
    }
}

void store_values(KernelContext& k, DataType format, uint32_t addr, uint32_t count, const float* in) {
    std::byte* p = k.core->l1 + addr;
    if (format == DataType::Float32) {
        std::memcpy(p, in, count * 4);
    } else if (format == DataType::BFloat16) {
        for (uint32_t i = 0; i < count; ++i) {
            const uint16_t b = float_to_bf16(in[i]);
            std::memcpy(p + 2 * i, &b, 2);
        }
    } else if (format == DataType::Bfp8_b) {
        const auto packed = pack_bfp8_b({in, count});
        std::memcpy(p, packed.data(), packed.size());
    } else {
        watcher(k, fmt::format("compute: CB data format {} cannot be packed", format));
    }
}

// The three stages of a compute kernel, each on the kernel's clock and in its statistics.
void charge_unpack(KernelContext& k, double cycles) {
    k.clock += cycles;
    k.stats.unpack_cycles += cycles;
}
void charge_math(KernelContext& k, MathOp op, uint64_t tiles) {
    const double cycles = k.run->cost->math_cycles(op, k.spec->math_fidelity, tiles);
    k.clock += cycles;
    k.stats.math_cycles += cycles;
    k.stats.tile_ops += tiles;
}
void charge_pack(KernelContext& k, double cycles) {
    k.clock += cycles;
    k.stats.pack_cycles += cycles;
}

// Tile `tile` counted from the front of a CB the kernel waited for.
void unpack_tile(KernelContext& k, uint32_t cb_id, uint32_t tile, float* out, const char* call) {
    CircularBufferState& cb = cb_of(k, cb_id, call);
    if (k.run->options.checks && tile >= cb.waited && !cb.globally_allocated) {
        watcher(k, fmt::format("{}: tile {} of c_{} was not waited for ({} page(s) waited)", call, tile,
                               cb_id, cb.waited));
    }
    const uint32_t page = static_cast<uint32_t>((cb.popped.load() + tile) % cb.num_pages);
    load_values(k, cb.format, cb.base + page * cb.page_size, kTileValues, out);
    charge_unpack(k, k.run->cost->tilize_cycles(1));
}

// DEST holds bf16 unless fp32_dest_acc_en: every math result is rounded as the hardware would.
void finish_math(KernelContext& k, MathOp op, float* tile, uint32_t count = kTileValues) {
    if (!k.spec->fp32_dest_acc_en) {
        for (uint32_t i = 0; i < count; ++i) tile[i] = round_to_bf16(tile[i]);
    }
    charge_math(k, op, 1);
}

template <class Op>
void binary(uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t dst, const char* call, MathOp kind,
            Op op) {
    KernelContext& k = enter(call);
    compute_only(k, call);
    float a[kTileValues], b[kTileValues];
    unpack_tile(k, cb0, t0, a, call);
    unpack_tile(k, cb1, t1, b, call);
    float* d = dest_tile(k, dst, call);
    for (uint32_t i = 0; i < kTileValues; ++i) d[i] = op(a[i], b[i]);
    finish_math(k, kind, d);
}

// Row `r` of each of the `width / 32` tiles, from one row-major row into face layout in `tiles`.
void copy_rows_to_faces(const float* rows, uint32_t width, uint32_t r, float* tiles) {
    for (uint32_t t = 0; t < width / kTile; ++t) {  // a tile row is two face rows of 16 contiguous values
        std::copy_n(rows + t * kTile, kFace, tiles + t * kTileValues + at(r, 0));
        std::copy_n(rows + t * kTile + kFace, kFace, tiles + t * kTileValues + at(r, kFace));
    }
}

// Address of the next page to pack into `ocb`, advancing the kernel's pack cursor over `pages` pages.
uint32_t pack_target(KernelContext& k, uint32_t ocb, uint32_t pages, const char* call) {
    CircularBufferState& cb = cb_of(k, ocb, call);
    uint32_t& cursor = k.pack_tile_cursor[ocb];
    if (k.run->options.checks && cursor + pages > cb.reserved) {
        watcher(k, fmt::format("{}: packing page(s) [{}, {}) of c_{} past the {} page(s) reserved", call,
                               cursor, cursor + pages, ocb, cb.reserved));
    }
    const uint32_t page = static_cast<uint32_t>((cb.pushed.load() + cursor) % cb.num_pages);
    cursor += pages;
    return cb.base + page * cb.page_size;
}
}  // namespace

void tile_regs_acquire() {
    KernelContext& k = enter("tile_regs_acquire");
    compute_only(k, "tile_regs_acquire");
    // Zero only what was written since the last acquire (whole tiles, or row 0 of the tiles a reduction
    // wrote): DEST reads as zeros either way.
    for (uint32_t t = 0; t < kDestTiles; ++t) {
        float* tile = k.dest.data() + t * kTileValues;
        if (k.dest_dirty & (1u << t)) {
            std::fill_n(tile, kTileValues, 0.f);
        } else if (k.dest_row0_dirty & (1u << t)) {
            std::fill_n(tile + at(0, 0), kFace, 0.f);
            std::fill_n(tile + at(0, kFace), kFace, 0.f);
        }
    }
    k.dest_dirty = 0;
    k.dest_row0_dirty = 0;
}
void tile_regs_commit() {
    enter("tile_regs_commit");
}
void tile_regs_wait() {
    enter("tile_regs_wait");
}
void tile_regs_release() {
    enter("tile_regs_release");
}

void copy_tile(uint32_t cb, uint32_t tile, uint32_t dst) {
    KernelContext& k = enter("copy_tile");
    compute_only(k, "copy_tile");
    float* d = dest_tile(k, dst, "copy_tile");
    unpack_tile(k, cb, tile, d, "copy_tile");
    finish_math(k, MathOp::Datacopy, d);
}

void add_tiles(uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t dst) {
    binary(cb0, cb1, t0, t1, dst, "add_tiles", MathOp::AddSub, [](float a, float b) { return a + b; });
}
void sub_tiles(uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t dst) {
    binary(cb0, cb1, t0, t1, dst, "sub_tiles", MathOp::AddSub, [](float a, float b) { return a - b; });
}
void mul_tiles(uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t dst) {
    binary(cb0, cb1, t0, t1, dst, "mul_tiles", MathOp::Mul, [](float a, float b) { return a * b; });
}

void mul_tiles_bcast_scalar(uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t dst) {
    KernelContext& k = enter("mul_tiles_bcast_scalar");
    compute_only(k, "mul_tiles_bcast_scalar");
    float a[kTileValues], b[kTileValues];
    unpack_tile(k, cb0, t0, a, "mul_tiles_bcast_scalar");
    unpack_tile(k, cb1, t1, b, "mul_tiles_bcast_scalar");
    float* d = dest_tile(k, dst, "mul_tiles_bcast_scalar");
    for (uint32_t i = 0; i < kTileValues; ++i) d[i] = a[i] * b[0];
    finish_math(k, MathOp::Mul, d);
}

void abs_tile(uint32_t dst) {
    KernelContext& k = enter("abs_tile");
    compute_only(k, "abs_tile");
    float* d = dest_tile(k, dst, "abs_tile");
    for (uint32_t i = 0; i < kTileValues; ++i) d[i] = std::fabs(d[i]);
    charge_math(k, MathOp::SfpuUnary, 1);
}

void reduce_tile(PoolType pool, ReduceDim dim, uint32_t icb, uint32_t scb, uint32_t tile, uint32_t stile,
                 uint32_t dst) {
    KernelContext& k = enter("reduce_tile");
    compute_only(k, "reduce_tile");
    float a[kTileValues], s[kTileValues];
    unpack_tile(k, icb, tile, a, "reduce_tile");
    unpack_tile(k, scb, stile, s, "reduce_tile");
    float* d = dest_tile(k, dst, "reduce_tile");
    const float scalar = s[0];
    auto combine = [&](float acc, float v) { return pool == PoolType::MAX ? std::max(acc, v) : acc + v; };
    const float init = pool == PoolType::MAX ? -INFINITY : 0.f;
    if (dim == ReduceDim::REDUCE_COL) {
        for (uint32_t c = 0; c < kTile; ++c) {
            float acc = init;
            for (uint32_t r = 0; r < kTile; ++r) acc = combine(acc, a[at(r, c)]);
            d[at(0, c)] =
                pool == PoolType::MAX ? std::max(d[at(0, c)], acc * scalar) : d[at(0, c)] + acc * scalar;
        }
    } else if (dim == ReduceDim::REDUCE_ROW) {
        for (uint32_t r = 0; r < kTile; ++r) {
            float acc = init;
            for (uint32_t c = 0; c < kTile; ++c) acc = combine(acc, a[at(r, c)]);
            d[at(r, 0)] =
                pool == PoolType::MAX ? std::max(d[at(r, 0)], acc * scalar) : d[at(r, 0)] + acc * scalar;
        }
    } else {
        float acc = init;
        for (uint32_t i = 0; i < kTileValues; ++i) acc = combine(acc, a[i]);
        d[0] = pool == PoolType::MAX ? std::max(d[0], acc * scalar) : d[0] + acc * scalar;
    }
    finish_math(k, pool == PoolType::MAX ? MathOp::ReduceMax : MathOp::ReduceSum, d);
}

void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb) {
    KernelContext& k = enter("tilize_block");
    compute_only(k, "tilize_block");
    CircularBufferState& in = cb_of(k, icb, "tilize_block");
    if (k.run->options.checks &&
        in.waited * in.page_size < uint64_t(block) * kTileValues * element_size(in.format)) {
        watcher(
            k,
            fmt::format(
                "tilize_block: {} tile(s) of row-major data need more than the {} page(s) of c_{} waited for",
                block, in.waited, icb));
    }
    std::vector<float> rows(block * kTileValues), tile(kTileValues);
    load_values(k, in.format, get_read_ptr(icb), block * kTileValues, rows.data());
    const uint32_t width = block * kTile;
    CircularBufferState& out = cb_of(k, ocb, "tilize_block");
    for (uint32_t t = 0; t < block; ++t) {
        for (uint32_t r = 0; r < kTile; ++r)
            for (uint32_t c = 0; c < kTile; ++c) tile[at(r, c)] = rows[r * width + t * kTile + c];
        store_values(k, out.format, pack_target(k, ocb, 1, "tilize_block"), kTileValues, tile.data());
    }
    charge_unpack(k, k.run->cost->tilize_cycles(block));
}

void untilize_block(uint32_t icb, uint32_t block, uint32_t ocb) {
    KernelContext& k = enter("untilize_block");
    compute_only(k, "untilize_block");
    const uint32_t width = block * kTile;
    std::vector<float> rows(block * kTileValues), tile(kTileValues);
    for (uint32_t t = 0; t < block; ++t) {
        unpack_tile(k, icb, t, tile.data(), "untilize_block");
        for (uint32_t r = 0; r < kTile; ++r)
            for (uint32_t c = 0; c < kTile; ++c) rows[r * width + t * kTile + c] = tile[at(r, c)];
    }
    CircularBufferState& out = cb_of(k, ocb, "untilize_block");
    const uint32_t bytes = block * kTileValues * element_size(out.format);
    const uint32_t pages = (bytes + out.page_size - 1) / out.page_size;
    store_values(k, out.format, pack_target(k, ocb, pages, "untilize_block"), block * kTileValues,
                 rows.data());
    charge_pack(k, k.run->cost->pack_cycles(block));
}

void unpack_tilizeA_B_block(uint32_t icb, uint32_t icb_scalar, uint32_t ntiles, uint32_t scalar_tile,
                            uint32_t num_faces, uint32_t face_r_dim, uint32_t row_stride_bytes) {
    KernelContext& k = enter("unpack_tilizeA_B_block");
    compute_only(k, "unpack_tilizeA_B_block");
    if (ntiles == 0 || ntiles > kDestTiles || face_r_dim == 0 || face_r_dim > kTile ||
        (num_faces != 1 && num_faces != 2 && num_faces != 4)) {
        watcher(
            k,
            fmt::format(
                "unpack_tilizeA_B_block: ntiles {} (1..{}), face_r_dim {} (1..32), num_faces {} (1, 2 or 4)",
                ntiles, kDestTiles, face_r_dim, num_faces));
    }
    CircularBufferState& in = cb_of(k, icb, "unpack_tilizeA_B_block");
    if (k.run->options.checks && in.waited == 0)
        watcher(k, fmt::format("unpack_tilizeA_B_block: c_{} was not waited for", icb));
    const uint32_t esize = element_size(in.format);
    const uint32_t stride = row_stride_bytes ? row_stride_bytes : ntiles * kTile * esize;
    const uint32_t per_row = std::min(ntiles * kTile, stride / esize);  // values the unpacker reads per row
    if (k.run->options.checks &&
        uint64_t(face_r_dim - 1) * stride + per_row * esize > uint64_t(in.waited) * in.page_size) {
        watcher(k, fmt::format(
                       "unpack_tilizeA_B_block: {} rows of stride {} B overrun the {} waited page(s) of c_{}",
                       face_r_dim, stride, in.waited, icb));
    }
    const uint32_t width = ntiles * kTile;
    const uint32_t base = get_read_ptr(icb);
    k.src_a_tiles = ntiles;
    k.src_a_rows = face_r_dim;
    if (in.format == DataType::Float32 && per_row == width) {  // no conversion, no padding: read in place
        k.src_a_in_place = reinterpret_cast<const float*>(k.core->l1 + base);
        k.src_a_stride = stride / 4;
        k.src_a_cb = icb;
    } else {
        k.src_a_in_place = nullptr;
        // Only rows [0, face_r_dim) of source A are ever read (reduce_tile_math), so only they are written.
        k.src_a.resize(ntiles * kTileValues);
        float* row = scratch(k, width);
        std::fill(row + per_row, row + width, 0.f);  // columns past the row stride read as zeros
        for (uint32_t r = 0; r < face_r_dim; ++r) {
            load_values(k, in.format, base + r * stride, per_row, row);
            copy_rows_to_faces(row, width, r, k.src_a.data());
        }
    }
    // The reduction reads only the first row of the scalar tile: B[0][r], r < face_r_dim.
    CircularBufferState& scb = cb_of(k, icb_scalar, "unpack_tilizeA_B_block");
    if (k.run->options.checks && scalar_tile >= scb.waited && !scb.globally_allocated) {
        watcher(k,
                fmt::format("unpack_tilizeA_B_block: tile {} of c_{} was not waited for ({} page(s) waited)",
                            scalar_tile, icb_scalar, scb.waited));
    }
    const uint32_t spage = static_cast<uint32_t>((scb.popped.load() + scalar_tile) % scb.num_pages);
    k.src_b.resize(kTileValues);
    const uint32_t tile_addr = scb.base + spage * scb.page_size;
    if (scb.format == DataType::Bfp8_b) {
        load_values(k, scb.format, tile_addr, kTileValues, k.src_b.data());
        for (uint32_t r = 0; r < face_r_dim; ++r) k.src_b[r] = k.src_b[at(0, r)];
    } else {  // row 0 of the tile: the first rows of faces 0 and 1
        const uint32_t esize = element_size(scb.format);
        load_values(k, scb.format, tile_addr, std::min(face_r_dim, kFace), k.src_b.data());
        if (face_r_dim > kFace)
            load_values(k, scb.format, tile_addr + kFace * kFace * esize, face_r_dim - kFace,
                        k.src_b.data() + kFace);
    }
    charge_unpack(k, k.run->cost->tilize_cycles(ntiles));
}

void reduce_tile_math(uint32_t dst, uint32_t /*num_faces*/) {
    KernelContext& k = enter("reduce_tile_math");
    compute_only(k, "reduce_tile_math");
    if (k.src_a_tiles == 0)
        watcher(k, "reduce_tile_math: nothing unpacked (call unpack_tilizeA_B_block first)");
    for (uint32_t t = 0; t < k.src_a_tiles; ++t) {
        float* d = dest_tile(k, dst + t, "reduce_tile_math", /*row0_only=*/true);
        // Row r of tile t is two runs of 16 values (in faces 2*(r/16) and 2*(r/16)+1, or contiguous in
        // the CB when read in place): accumulate whole runs, in row order, so each column's sum is the
        // sequence of float additions the hardware's row-by-row accumulation makes.
        auto row = [&](uint32_t r, uint32_t half) {
            return k.src_a_in_place ? k.src_a_in_place + size_t(r) * k.src_a_stride + t * kTile + half * kFace
                                    : k.src_a.data() + t * kTileValues + at(r, half * kFace);
        };
        const bool fp32_dest = k.spec->fp32_dest_acc_en;
        for (uint32_t half = 0; half < 2; ++half) {  // the tile's left and right face columns
            float acc[kFace];
            const float* __restrict first = row(0, half);
            const float w0 = k.src_b[0];
            for (uint32_t c = 0; c < kFace; ++c)
                acc[c] = 0.f + w0 * first[c];  // 0 + x: a zeroed sum's first step
            for (uint32_t r = 1; r < k.src_a_rows; ++r) {
                const float* __restrict in = row(r, half);
                const float w = k.src_b[r];
                for (uint32_t c = 0; c < kFace; ++c) acc[c] += w * in[c];
            }
            float* __restrict out = d + at(0, half * kFace);  // row 0 of the face: 16 contiguous values
            for (uint32_t c = 0; c < kFace; ++c) out[c] = fp32_dest ? acc[c] : round_to_bf16(acc[c]);
        }
        charge_math(k, MathOp::ReduceSum, 1);
    }
    k.src_a_tiles = 0;
    k.src_a_in_place = nullptr;
}

void pack_tile(uint32_t dst, uint32_t ocb) {
    KernelContext& k = enter("pack_tile");
    compute_only(k, "pack_tile");
    const float* d = dest_tile(k, dst, "pack_tile");
    store_values(k, cb_of(k, ocb, "pack_tile").format, pack_target(k, ocb, 1, "pack_tile"), kTileValues, d);
    charge_pack(k, k.run->cost->pack_cycles(1));
}

void pack_untilize_dest_row(uint32_t ocb, uint32_t num_face_cols) {
    KernelContext& k = enter("pack_untilize_dest_row");
    compute_only(k, "pack_untilize_dest_row");
    CircularBufferState& out = cb_of(k, ocb, "pack_untilize_dest_row");
    const uint32_t values = num_face_cols * kFace;
    if (values > kDestTiles * kTile)
        watcher(k, fmt::format("pack_untilize_dest_row: {} face columns exceed DEST", num_face_cols));
    const uint32_t bytes = values * element_size(out.format);
    const uint32_t pages = (bytes + out.page_size - 1) / out.page_size;
    const uint32_t target = pack_target(k, ocb, pages, "pack_untilize_dest_row");
    // Row 0 of each face column: 16 contiguous DEST values, written straight into the CB for Float32.
    float* row =
        out.format == DataType::Float32 ? reinterpret_cast<float*>(k.core->l1 + target) : scratch(k, values);
    for (uint32_t c = 0; c < values; c += kFace)
        std::copy_n(k.dest.data() + (c / kTile) * kTileValues + at(0, c % kTile), kFace, row + c);
    if (out.format != DataType::Float32) store_values(k, out.format, target, values, row);
    charge_pack(k, k.run->cost->pack_cycles((num_face_cols + 1) / 2));
}

}  // namespace tilesim::kernel_api

namespace tilesim::detail {
void keep_src_a_past_pop(KernelContext& k, uint32_t cb_id) {
    if (!k.src_a_in_place || k.src_a_cb != cb_id) return;
    // The pages may be overwritten once popped; the hardware's source register would still hold them.
    const uint32_t width = k.src_a_tiles * kernel_api::kTile;
    k.src_a.resize(size_t(k.src_a_tiles) * kernel_api::kTileValues);
    for (uint32_t r = 0; r < k.src_a_rows; ++r)
        kernel_api::copy_rows_to_faces(k.src_a_in_place + size_t(r) * k.src_a_stride, width, r,
                                       k.src_a.data());
    k.src_a_in_place = nullptr;
}
}  // namespace tilesim::detail

// NoC and semaphore half of the kernel API. Transfers move the bytes at once (the functional model);
// the cost model decides when they would have completed, and the barriers move the clock there.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "detail/noc_address.hpp"
#include "detail/api_common.hpp"
#include "tilesim/error.hpp"
#include "detail/kernel_api.hpp"

namespace tilesim::kernel_api {
using detail::advance_to;
using detail::BlockKind;
using detail::cb_of;
using detail::DecodedNocAddress;
using detail::enter;
using detail::KernelContext;
using detail::NocTarget;
using detail::watcher;

namespace {

// Host pointer for `size` bytes at a NoC address, bounds-checked.
std::byte* resolve(KernelContext& k, uint64_t noc_addr, uint32_t size, const char* call, bool& is_dram) {
    const DecodedNocAddress a = detail::decode_noc_address(noc_addr);
    const DeviceSpec& spec = *k.run->spec;
    const bool checks = k.run->options.checks;
    if (a.target == NocTarget::Dram) {
        is_dram = true;
        if (a.x >= spec.dram_banks)
            watcher(k, fmt::format("{}: DRAM bank {} does not exist ({} banks)", call, a.x, spec.dram_banks));
        if (checks && a.offset + size > spec.dram_bank_size_bytes) {
            watcher(k, fmt::format("{}: [{:#x}, {:#x}) is outside DRAM bank {} ({} bytes)", call, a.offset,
                                   a.offset + size, a.x, spec.dram_bank_size_bytes));
        }
        return nullptr;  // DRAM goes through DramBankStorage
    }
    is_dram = false;
    if (a.target != NocTarget::L1)
        watcher(k, fmt::format("{}: {:#x} is not a NoC address (use get_noc_addr)", call, noc_addr));
    if (a.x >= spec.worker_grid.x || a.y >= spec.worker_grid.y) {
        watcher(k, fmt::format("{}: core (x={},y={}) is outside the worker grid {}x{}", call, a.x, a.y,
                               spec.worker_grid.x, spec.worker_grid.y));
    }
    if (checks && a.offset + size > spec.l1_size_bytes) {
        watcher(k, fmt::format("{}: [{:#x}, {:#x}) is outside L1 of core (x={},y={}) ({} bytes)", call,
                               a.offset, a.offset + size, a.x, a.y, spec.l1_size_bytes));
    }
    return k.run->device->l1({a.x, a.y}) + a.offset;
}

void check_local(KernelContext& k, uint32_t l1_addr, uint32_t size, const char* call) {
    if (size == 0) watcher(k, fmt::format("{}: size 0", call));
    if (uint64_t(l1_addr) + size > k.run->spec->l1_size_bytes) {
        watcher(k, fmt::format("{}: local L1 [{:#x}, {:#x}) is outside L1 ({} bytes)", call, l1_addr,
                               uint64_t(l1_addr) + size, k.run->spec->l1_size_bytes));
    }
}

void check_alignment(KernelContext& k, uint64_t remote_offset, uint32_t l1_addr, const char* call) {
    const uint32_t a = k.run->spec->l1_alignment;
    if (remote_offset % a != l1_addr % a) {
        watcher(k, fmt::format("{}: misaligned transfer: remote address {:#x} and L1 address {:#x} differ "
                               "modulo the {}-byte "
                               "NoC word ({} vs {})",
                               call, remote_offset, l1_addr, a, remote_offset % a, l1_addr % a));
    }
}

// A NoC read that lands in a CB of this core must stay inside the pages this kernel reserved.
void check_cb_write_region(KernelContext& k, uint32_t dst, uint32_t size, const char* call) {
    for (const auto& cb : k.core->cbs) {
        if (!cb || cb->globally_allocated || dst >= cb->end() || dst + size <= cb->base) continue;
        // Only the producer reads its own write pointer and reservation (another kernel's would race).
        const bool mine = cb->producer.load(std::memory_order_relaxed) == &k;
        const uint32_t wr =
            mine ? cb->base + static_cast<uint32_t>(cb->pushed.load() % cb->num_pages) * cb->page_size
                 : cb->base;
        const uint64_t reserved = mine ? cb->reserved : 0;
        const uint64_t wr_end = wr + reserved * cb->page_size;
        if (!mine || dst < wr || dst + size > wr_end) {
            watcher(k,
                    fmt::format(
                        "{}: writes [{:#x}, {:#x}) into CB c_{} outside the {} page(s) this kernel reserved "
                        "[{:#x}, {:#x})",
                        call, dst, dst + size, cb->index, reserved, wr, wr_end));
        }
    }
}

}  // namespace

uint64_t get_noc_addr(uint32_t x, uint32_t y, uint32_t addr) {
    return detail::encode_noc_address(NocTarget::L1, x, y, addr);
}

uint64_t get_noc_addr(uint32_t addr) {
    KernelContext& k = enter("get_noc_addr");
    return detail::encode_noc_address(NocTarget::L1, k.core->core.x, k.core->core.y, addr);
}

uint64_t get_dram_noc_addr(uint32_t bank, uint32_t addr) {
    return detail::encode_noc_address(NocTarget::Dram, bank, 0, addr);
}

uint64_t interleaved_page_noc_addr(bool dram, uint32_t base, uint32_t page_size, uint32_t page,
                                   uint32_t offset) {
    KernelContext& k = enter("get_noc_addr");
    const DeviceSpec& spec = *k.run->spec;
    const uint32_t align = dram ? spec.dram_alignment : spec.l1_alignment;
    const uint64_t aligned = (uint64_t(page_size) + align - 1) / align * align;
    if (dram) {
        return detail::encode_noc_address(NocTarget::Dram, page % spec.dram_banks, 0,
                                          base + uint64_t(page / spec.dram_banks) * aligned + offset);
    }
    const uint32_t banks = spec.num_worker_cores();
    const uint32_t bank = page % banks;
    return detail::encode_noc_address(NocTarget::L1, bank % spec.worker_grid.x, bank / spec.worker_grid.x,
                                      base + uint64_t(page / banks) * aligned + offset);
}

namespace {
// Moves the bytes of one transfer between this core's L1 and a NoC address, read (remote -> L1) or write
// (L1 -> remote), after the checks; returns whether the remote end is DRAM.
bool move_bytes(KernelContext& k, bool read, uint32_t l1_addr, uint64_t remote, uint32_t size,
                const char* call) {
    if (k.run->options.checks) {
        check_local(k, l1_addr, size, call);
        check_alignment(k, detail::decode_noc_address(remote).offset, l1_addr, call);
        if (read) check_cb_write_region(k, l1_addr, size, call);
    }
    bool dram = false;
    std::byte* far = resolve(k, remote, size, call, dram);
    std::byte* local = k.core->l1 + l1_addr;
    if (dram) {
        const DecodedNocAddress a = detail::decode_noc_address(remote);
        if (read)
            k.run->device->dram_bank(a.x).read(a.offset, local, size);
        else
            k.run->device->dram_bank(a.x).write(a.offset, local, size);
        (read ? k.stats.dram_bytes_read : k.stats.dram_bytes_written) += size;
    } else {
        std::memmove(read ? local : far, read ? far : local, size);
    }
    return dram;
}

// The cost model's queue of this kernel's reads or writes: the request port is busy max(issue, bytes /
// rate) per transfer, one after another; the transfer completes `latency` after its port slot ends.
void charge_transfer(KernelContext& k, bool read, const TransferCost& t, uint32_t size) {
    double& free = read ? k.noc_read_free : k.noc_write_free;
    double& done = read ? k.noc_read_done : k.noc_write_done;
    free = std::max(k.clock, free) + CostModel::port_cycles(t, size);
    done = std::max(done, free + t.latency_cycles);
    k.clock += k.run->cost->cb_call_cycles();
    (read ? k.stats.noc_reads : k.stats.noc_writes)++;
    (read ? k.stats.bytes_read : k.stats.bytes_written) += size;
    k.note_progress();
}

void transfer(bool read, uint32_t l1_addr, uint64_t remote, uint32_t size, const char* call) {
    KernelContext& k = enter(call);
    const bool dram = move_bytes(k, read, l1_addr, remote, size, call);
    charge_transfer(k, read, k.run->cost->transfer(read, dram), size);
}
}  // namespace

void noc_async_read(uint64_t src, uint32_t dst, uint32_t size) {
    transfer(true, dst, src, size, "noc_async_read");
}

void noc_async_write(uint32_t src, uint64_t dst, uint32_t size) {
    transfer(false, src, dst, size, "noc_async_write");
}

namespace {
void barrier_until(KernelContext& k, double done) {
    advance_to(k, done, k.noc_wait);
}
}  // namespace

void noc_async_read_barrier() {
    KernelContext& k = enter("noc_async_read_barrier");
    barrier_until(k, k.noc_read_done);
}

void noc_async_write_barrier() {
    KernelContext& k = enter("noc_async_write_barrier");
    barrier_until(k, k.noc_write_done);
}

// ---- semaphores ---------------------------------------------------------------------------------------

uint32_t get_semaphore(uint32_t id) {
    KernelContext& k = enter("get_semaphore");
    if (id >= k.core->semaphores.size() || !k.core->semaphores[id].present) {
        watcher(k, fmt::format("get_semaphore({}): no such semaphore on this core", id));
    }
    return k.core->semaphores[id].address;
}

namespace {
uint32_t load_word(const std::byte* p) {
    return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(const_cast<std::byte*>(p))).load();
}

bool semaphore_ready(const KernelContext& w) {
    const uint32_t v = load_word(w.core->l1 + w.block_sem_addr);
    return w.block_sem_min ? v >= w.block_sem_value : v == w.block_sem_value;
}

// The semaphore of `core` at L1 address `addr` (null: the word is not a semaphore of this program).
detail::SemaphoreState* semaphore_at(detail::CoreState& core, uint32_t addr) {
    for (auto& s : core.semaphores) {
        if (s.present && s.address == addr) return &s;
    }
    return nullptr;
}

// Kernel `k` changes the semaphore word at `addr` on `core` (`change` writes it): under the scheduler lock,
// stamp when the signal arrives there, write the word, and wake whoever waits on it and is now satisfied.
// The stamp comes first, under the lock a satisfied waiter takes to read it, so a waiter that sees the new
// value always sees its arrival time.
template <class Change>
void signal_semaphore(KernelContext& k, detail::CoreState& core, uint32_t addr, Change change) {
    const double arrival = k.clock + k.run->cost->signal_latency();
    std::lock_guard lock(k.run->sched_mutex);
    if (detail::SemaphoreState* sem = semaphore_at(core, addr))
        sem->signal_arrival = std::max(sem->signal_arrival, arrival);
    change(std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(core.l1 + addr)));
    auto& waiters = core.semaphore_waiters;
    for (size_t i = 0; i < waiters.size();) {
        KernelContext* w = waiters[i];
        if (w->block_sem_addr == addr && w->suspended && semaphore_ready(*w)) {
            waiters.erase(waiters.begin() + static_cast<std::ptrdiff_t>(i));
            k.run->wake(w);
        } else {
            ++i;
        }
    }
}

void semaphore_wait(volatile uint32_t* sem, uint32_t value, bool at_least, const char* call) {
    KernelContext& k = enter(call);
    const auto* p = reinterpret_cast<const volatile std::byte*>(sem);
    const auto offset = p - reinterpret_cast<const volatile std::byte*>(k.core->l1);
    if (offset < 0 || uint64_t(offset) + 4 > k.run->spec->l1_size_bytes) {
        watcher(k, fmt::format("{}: pointer is not in this core's L1", call));
    }
    k.block_sem_addr = static_cast<uint32_t>(offset);
    k.block_sem_value = value;
    k.block_sem_min = at_least;
    auto ready = [&] { return semaphore_ready(k); };
    if (!ready()) {
        k.block = BlockKind::Semaphore;
        auto& waiters = k.core->semaphore_waiters;
        k.run->block(
            k, ready, [&] { waiters.push_back(&k); },
            [&] { waiters.erase(std::find(waiters.begin(), waiters.end(), &k)); });
    }
    // The wait ends when the signal that satisfied it arrived, whether it was already there or woke the
    // kernel: the same simulated time in whatever order the host ran the two kernels.
    double arrival = 0;
    {
        std::lock_guard lock(k.run->sched_mutex);
        if (const detail::SemaphoreState* sem = semaphore_at(*k.core, k.block_sem_addr))
            arrival = sem->signal_arrival;
    }
    advance_to(k, arrival, k.stats.sem_wait_cycles);
}

detail::CoreState& remote_core(KernelContext& k, uint64_t noc_addr, const char* call) {
    const DecodedNocAddress a = detail::decode_noc_address(noc_addr);
    detail::CoreState* cs = a.target == NocTarget::L1 ? k.run->core_state({a.x, a.y}) : nullptr;
    if (!cs) watcher(k, fmt::format("{}: {:#x} is not the L1 of a core in this program", call, noc_addr));
    if (a.offset + 4 > k.run->spec->l1_size_bytes)
        watcher(k, fmt::format("{}: address {:#x} is outside L1", call, a.offset));
    return *cs;
}
}  // namespace

void noc_semaphore_wait(volatile uint32_t* sem, uint32_t value) {
    semaphore_wait(sem, value, false, "noc_semaphore_wait");
}
void noc_semaphore_wait_min(volatile uint32_t* sem, uint32_t value) {
    semaphore_wait(sem, value, true, "noc_semaphore_wait_min");
}

void noc_semaphore_set(volatile uint32_t* sem, uint32_t value) {
    KernelContext& k = enter("noc_semaphore_set");
    const auto offset = reinterpret_cast<const volatile std::byte*>(sem) -
                        reinterpret_cast<const volatile std::byte*>(k.core->l1);
    if (offset < 0 || uint64_t(offset) + 4 > k.run->spec->l1_size_bytes)
        watcher(k, "noc_semaphore_set: pointer is not in this core's L1");
    k.note_progress();
    signal_semaphore(k, *k.core, static_cast<uint32_t>(offset), [&](auto word) { word.store(value); });
}

void noc_semaphore_inc(uint64_t dst, uint32_t increment) {
    KernelContext& k = enter("noc_semaphore_inc");
    detail::CoreState& cs = remote_core(k, dst, "noc_semaphore_inc");
    const uint32_t addr = static_cast<uint32_t>(detail::decode_noc_address(dst).offset);
    k.clock += k.run->cost->cb_call_cycles();
    k.note_progress();
    signal_semaphore(k, cs, addr, [&](auto word) { word.fetch_add(increment); });
}

void noc_semaphore_set_remote(uint32_t src, uint64_t dst) {
    KernelContext& k = enter("noc_semaphore_set_remote");
    detail::CoreState& cs = remote_core(k, dst, "noc_semaphore_set_remote");
    const uint32_t addr = static_cast<uint32_t>(detail::decode_noc_address(dst).offset);
    const uint32_t value = load_word(k.core->l1 + src);
    k.clock += k.run->cost->cb_call_cycles();
    k.note_progress();
    signal_semaphore(k, cs, addr, [&](auto word) { word.store(value); });
}

// ---- multicast --------------------------------------------------------------------------------------------
// A rectangle of worker cores (tt-metal: get_noc_multicast_addr). The cost model charges one request whose
// cost depends on the number of destinations (the NoC replicates the packet along the path); the bytes land
// in every destination core.
uint64_t get_noc_multicast_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) {
    return detail::encode_noc_address(NocTarget::Multicast, (x0 & 63) | (x1 & 63) << 6,
                                      (y0 & 63) | (y1 & 63) << 6, addr);
}

namespace {
template <class F>
void for_each_multicast_core(KernelContext& k, uint64_t dst, uint32_t num_dests, const char* call, F&& f) {
    const DecodedNocAddress a = detail::decode_noc_address(dst);
    if (a.target != NocTarget::Multicast)
        watcher(k,
                fmt::format("{}: {:#x} is not a multicast address (use get_noc_multicast_addr)", call, dst));
    const uint32_t x0 = a.x & 63, x1 = a.x >> 6, y0 = a.y & 63, y1 = a.y >> 6;
    if (x1 < x0 || y1 < y0)
        watcher(k, fmt::format("{}: rectangle ({},{})-({},{}) has its end before its start", call, x0, y0, x1,
                               y1));
    const uint32_t count = (x1 - x0 + 1) * (y1 - y0 + 1);
    if (k.run->options.checks && count != num_dests) {
        watcher(k, fmt::format("{}: num_dests {} but the rectangle ({},{})-({},{}) holds {} cores", call,
                               num_dests, x0, y0, x1, y1, count));
    }
    for (uint32_t y = y0; y <= y1; ++y)
        for (uint32_t x = x0; x <= x1; ++x) f(detail::encode_noc_address(NocTarget::L1, x, y, a.offset));
}
}  // namespace

void noc_async_write_multicast(uint32_t src, uint64_t dst, uint32_t size, uint32_t num_dests, bool linked) {
    KernelContext& k = enter("noc_async_write_multicast");
    for_each_multicast_core(k, dst, num_dests, "noc_async_write_multicast", [&](uint64_t one) {
        move_bytes(k, false, src, one, size, "noc_async_write_multicast");
    });
    // One request for all destinations: its issue cost, rate and latency depend on their number.
    charge_transfer(k, false, k.run->cost->multicast(num_dests, linked), size);
}

void noc_semaphore_set_multicast(uint32_t src, uint64_t dst, uint32_t num_dests) {
    KernelContext& k = enter("noc_semaphore_set_multicast");
    const uint32_t value = load_word(k.core->l1 + src);
    k.clock += k.run->cost->cb_call_cycles();
    k.note_progress();
    for_each_multicast_core(k, dst, num_dests, "noc_semaphore_set_multicast", [&](uint64_t one) {
        detail::CoreState& cs = remote_core(k, one, "noc_semaphore_set_multicast");
        signal_semaphore(k, cs, static_cast<uint32_t>(detail::decode_noc_address(one).offset),
                         [&](auto word) { word.store(value); });
    });
}

}  // namespace tilesim::kernel_api

// Data-movement half of the kernel API: arguments, circular buffers, L1 pointers, DPRINT.
#include "detail/kernel_api.hpp"

#include <iostream>

#include "detail/api_common.hpp"
#include "tilesim/error.hpp"

namespace tilesim {
namespace detail {

namespace {
// initial-exec: the library is linked, not dlopen'ed, so its TLS is static and reads need no
// __tls_get_addr call (every kernel API call reads it).
thread_local KernelContext* tls_current __attribute__((tls_model("initial-exec"))) = nullptr;
}  // namespace

// Not inlined: the compiler must not cache the thread-local's address across a suspension, after which
// the task may continue on another thread.
__attribute__((noinline)) KernelContext& current() {
    KernelContext* k = tls_current;
    if (!k) throw Error("kernel API called outside a running kernel");
    return *k;
}
__attribute__((noinline)) void set_current(KernelContext* k) {
    tls_current = k;
}

}  // namespace detail

namespace kernel_api {
using detail::advance_to;
using detail::BlockKind;
using detail::cb_of;
using detail::CircularBufferState;
using detail::enter;
using detail::KernelContext;
using detail::watcher;

uint32_t runtime_arg(uint32_t index) {
    KernelContext& k = enter("get_arg_val");
    if (!k.args || index >= k.args->size()) {
        watcher(
            k, fmt::format("get_arg_val({}): runtime arg never set (kernel has {} runtime args on this core)",
                           index, k.args ? k.args->size() : 0));
    }
    return (*k.args)[index];
}

uint32_t common_runtime_arg(uint32_t index) {
    KernelContext& k = enter("get_common_arg_val");
    const auto& a = k.spec->common_runtime_args;
    if (index >= a.size())
        watcher(k, fmt::format("get_common_arg_val({}): never set ({} common args)", index, a.size()));
    return a[index];
}

uint32_t get_absolute_logical_x() {
    return enter("get_absolute_logical_x").core->core.x;
}
uint32_t get_absolute_logical_y() {
    return enter("get_absolute_logical_y").core->core.y;
}

void kernel_spend_cycles(uint32_t cycles) {
    enter("kernel_spend_cycles").clock += cycles;
}

// ---- circular buffers ----------------------------------------------------------------------------------

namespace {
// Threads: seq_cst, pairing with a waiter that publishes itself and then re-reads the counters. Fibers:
// producer and consumer of a CB run on the same host thread, one at a time, so program order suffices;
// a seq_cst store would stall until every store before it (the data just moved) has drained.
// (The order must be a constant: GCC treats a run-time order as seq_cst.)
void store_cb_counter(const KernelContext& k, std::atomic<uint64_t>& counter, uint64_t value) {
    if (k.run->options.executor == Executor::Threads)
        counter.store(value, std::memory_order_seq_cst);
    else
        counter.store(value, std::memory_order_relaxed);
}
}  // namespace

void cb_reserve_back(uint32_t cb_id, uint32_t n) {
    KernelContext& k = enter("cb_reserve_back");
    CircularBufferState& cb = cb_of(k, cb_id, "cb_reserve_back");
    k.clock += k.run->cost->cb_call_cycles();
    if (k.run->options.checks) {
        if (KernelContext* p = cb.producer.load(std::memory_order_relaxed); p && p != &k) {
            watcher(k,
                    fmt::format("cb_reserve_back(c_{}): CB already has a producer, {}", cb_id, p->label()));
        }
        if (n == 0) watcher(k, fmt::format("cb_reserve_back(c_{}, 0): reserve at least one page", cb_id));
        const uint64_t slot = cb.pushed.load(std::memory_order_relaxed) % cb.num_pages;
        if (n <= cb.num_pages && slot + n > cb.num_pages) {
            watcher(k, fmt::format(
                           "cb_reserve_back(c_{}, {}): the pages would wrap around the end of the CB (write "
                           "pointer at page {} of {}); make the page count a multiple of the reservation",
                           cb_id, n, slot, cb.num_pages));
        }
    }
    cb.producer.store(&k, std::memory_order_relaxed);
    auto ready = [&] {
        return cb.num_pages >= n && cb.num_pages - (cb.pushed.load() - cb.popped.load()) >= n;
    };
    if (!ready()) {
        k.block = BlockKind::ReserveBack;
        k.block_cb = cb_id;
        k.block_pages = n;
        k.run->block(
            k, ready, [&] { cb.waiting_producer.store(&k); }, [&] { cb.waiting_producer.store(nullptr); });
    }
    const uint64_t last = cb.pushed.load() + n - 1;  // last page index the reservation covers
    if (last >= cb.num_pages)
        advance_to(k, cb.pop_time[last % cb.num_pages], k.stats.cb_reserve_wait_cycles,
                   static_cast<int>(cb_id));
    cb.reserved = std::max<uint64_t>(cb.reserved, n);
    k.pack_tile_cursor[cb_id] = 0;
}

void cb_push_back(uint32_t cb_id, uint32_t n) {
    KernelContext& k = enter("cb_push_back");
    CircularBufferState& cb = cb_of(k, cb_id, "cb_push_back");
    k.clock += k.run->cost->cb_call_cycles();
    if (k.run->options.checks && n > cb.reserved) {
        watcher(k, fmt::format("cb_push_back(c_{}, {}): only {} page(s) reserved (push without reserve)",
                               cb_id, n, cb.reserved));
    }
    const uint64_t pushed = cb.pushed.load(std::memory_order_relaxed);
    for (uint64_t p = pushed; p < pushed + n; ++p) cb.push_time[p % cb.num_pages] = k.clock;
    cb.reserved = cb.reserved > n ? cb.reserved - n : 0;
    store_cb_counter(k, cb.pushed, pushed + n);
    k.note_progress();
    k.pack_tile_cursor[cb_id] = 0;
    if (KernelContext* w = cb.waiting_consumer.load()) {
        std::lock_guard lock(k.run->sched_mutex);
        w = cb.waiting_consumer.load();
        if (w && w->suspended && cb.pushed.load() - cb.popped.load() >= w->block_pages) {
            cb.waiting_consumer.store(nullptr);
            k.run->wake(w);
        }
    }
}

void cb_wait_front(uint32_t cb_id, uint32_t n) {
    KernelContext& k = enter("cb_wait_front");
    CircularBufferState& cb = cb_of(k, cb_id, "cb_wait_front");
    k.clock += k.run->cost->cb_call_cycles();
    if (k.run->options.checks) {
        if (KernelContext* c = cb.consumer.load(std::memory_order_relaxed); c && c != &k) {
            watcher(k, fmt::format("cb_wait_front(c_{}): CB already has a consumer, {}", cb_id, c->label()));
        }
        if (n == 0) watcher(k, fmt::format("cb_wait_front(c_{}, 0): wait for at least one page", cb_id));
    }
    cb.consumer.store(&k, std::memory_order_relaxed);
    auto ready = [&] { return cb.pushed.load() - cb.popped.load() >= n; };
    if (!ready()) {
        k.block = BlockKind::WaitFront;
        k.block_cb = cb_id;
        k.block_pages = n;
        k.run->block(
            k, ready, [&] { cb.waiting_consumer.store(&k); }, [&] { cb.waiting_consumer.store(nullptr); });
    }
    advance_to(k, cb.push_time[(cb.popped.load() + n - 1) % cb.num_pages], k.cb_wait,
               static_cast<int>(cb_id));
    cb.occupancy.learn_pushes(cb.popped.load() + n, cb.push_time);
    cb.waited = std::max<uint64_t>(cb.waited, n);
}

void cb_pop_front(uint32_t cb_id, uint32_t n) {
    KernelContext& k = enter("cb_pop_front");
    CircularBufferState& cb = cb_of(k, cb_id, "cb_pop_front");
    k.clock += k.run->cost->cb_call_cycles();
    if (k.run->options.checks && n > cb.waited) {
        watcher(k,
                fmt::format("cb_pop_front(c_{}, {}): only {} page(s) were waited for", cb_id, n, cb.waited));
    }
    detail::keep_src_a_past_pop(k, cb_id);
    const uint64_t popped = cb.popped.load(std::memory_order_relaxed);
    for (uint64_t p = popped; p < popped + n; ++p) cb.pop_time[p % cb.num_pages] = k.clock;
    cb.occupancy.popped(n, k.clock);
    cb.waited = cb.waited > n ? cb.waited - n : 0;
    store_cb_counter(k, cb.popped, popped + n);
    k.note_progress();
    if (KernelContext* w = cb.waiting_producer.load()) {
        std::lock_guard lock(k.run->sched_mutex);
        w = cb.waiting_producer.load();
        if (w && w->suspended && cb.num_pages - (cb.pushed.load() - cb.popped.load()) >= w->block_pages) {
            cb.waiting_producer.store(nullptr);
            k.run->wake(w);
        }
    }
}

bool cb_pages_reservable_at_back(uint32_t cb_id, uint32_t n) {
    KernelContext& k = enter("cb_pages_reservable_at_back");
    CircularBufferState& cb = cb_of(k, cb_id, "cb_pages_reservable_at_back");
    return cb.num_pages - (cb.pushed.load() - cb.popped.load()) >= n;
}

bool cb_pages_available_at_front(uint32_t cb_id, uint32_t n) {
    KernelContext& k = enter("cb_pages_available_at_front");
    CircularBufferState& cb = cb_of(k, cb_id, "cb_pages_available_at_front");
    return cb.pushed.load() - cb.popped.load() >= n;
}

uint32_t get_write_ptr(uint32_t cb_id) {
    KernelContext& k = enter("get_write_ptr");
    CircularBufferState& cb = cb_of(k, cb_id, "get_write_ptr");
    return cb.base +
           static_cast<uint32_t>(cb.pushed.load(std::memory_order_relaxed) % cb.num_pages) * cb.page_size;
}

uint32_t get_read_ptr(uint32_t cb_id) {
    KernelContext& k = enter("get_read_ptr");
    CircularBufferState& cb = cb_of(k, cb_id, "get_read_ptr");
    if (k.run->options.checks && cb.waited == 0 && !cb.globally_allocated) {
        watcher(
            k,
            fmt::format(
                "get_read_ptr(c_{}): no page waited for with cb_wait_front (read of a page not yet pushed)",
                cb_id));
    }
    return cb.base +
           static_cast<uint32_t>(cb.popped.load(std::memory_order_relaxed) % cb.num_pages) * cb.page_size;
}

uint32_t get_cb_page_size(uint32_t cb_id) {
    KernelContext& k = enter("get_cb_page_size");
    return cb_of(k, cb_id, "get_cb_page_size").page_size;
}

// ---- DPRINT
// -------------------------------------------------------------------------------------------------

std::ostringstream& DebugPrinter::line() {
    KernelContext& k = detail::current();
    if (!k.dprint_line) k.dprint_line = std::make_unique<std::ostringstream>();
    return *k.dprint_line;
}

DebugPrinter& DebugPrinter::operator<<(DebugEndl) {
    KernelContext& k = detail::current();
    std::unique_ptr<std::ostringstream> l = std::move(k.dprint_line);
    std::ostream& out = k.run->options.dprint ? *k.run->options.dprint : std::cerr;
    {
        std::lock_guard lock(k.run->dprint_mutex);
        out << fmt::format("[{} {} {}] ", k.core->core, to_string(k.spec->kind), k.spec->name)
            << (l ? l->str() : "") << '\n';
    }
    return *this;
}

DebugPrinter& dprint_stream() {
    static DebugPrinter printer;  // stateless: the line lives in the current kernel's context
    return printer;
}

}  // namespace kernel_api
}  // namespace tilesim

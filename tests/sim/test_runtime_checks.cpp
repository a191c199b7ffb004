// Deadlock diagnosis, watcher checks, errors from kernels and the watchdog: each triggered on purpose,
// each message checked for the core, the kernel and the values.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include "common/expect_throw_msg.hpp"
#include "tilesim/device_spec.hpp"
#include "tilesim/error.hpp"
#include "tilesim/program.hpp"
#include "tilesim/runtime.hpp"
#include "tilesim/validate_program.hpp"

using namespace tilesim;

namespace {
Device make_device() {
    return Device(load_device("wormhole_b0"));
}

void add_cb(Program& p, const CoreSpec& cores, uint32_t pages, uint32_t page_size = 256) {
    CreateCircularBuffer(p, cores,
                         CircularBufferConfig(pages * page_size, {{uint8_t{0}, DataType::Float32}})
                             .set_page_size(0, page_size));
}

// Runs tests/kernels/sim/misbehave.cpp's case `what` on core (1, 2) of a fresh device.
void misbehave(uint32_t what, RunOptions o = {}) {
    Device device = make_device();
    auto dram = device.create_buffer({4096, 256, BufferType::DRAM, TensorMemoryLayout::INTERLEAVED, {}});
    Program p;
    add_cb(p, CoreCoord{1, 2}, 2);
    auto k = CreateKernel(p, "tests/kernels/sim/misbehave.cpp", CoreCoord{1, 2}, ReaderDataMovementConfig{});
    SetRuntimeArgs(p, k, CoreCoord{1, 2}, {what, dram->address()});
    EnqueueProgram(device, p, o);
}
}  // namespace

TEST(Deadlock, CbOnePageTooSmallIsDiagnosedNotHung) {
    Device device = make_device();
    Program p;
    add_cb(p, CoreCoord{0, 0}, 1);
    auto prod =
        CreateKernel(p, "tests/kernels/sim/producer.cpp", CoreCoord{0, 0}, ReaderDataMovementConfig{});
    auto cons =
        CreateKernel(p, "tests/kernels/sim/consumer.cpp", CoreCoord{0, 0}, WriterDataMovementConfig{});
    SetRuntimeArgs(p, prod, CoreCoord{0, 0}, {2, 3});
    SetRuntimeArgs(p, cons, CoreCoord{0, 0}, {2, 3});
    EXPECT_THROW_MSG(EnqueueProgram(device, p), DeadlockError,
                     "deadlock: no kernel can make progress; 2 blocked:");
    EXPECT_THROW_MSG(
        EnqueueProgram(device, p), DeadlockError,
        "reader kernel 'producer' on core (x=0,y=0) blocked in cb_reserve_back(c_0, 2): 1 pages free, "
        "capacity 1");
    EXPECT_THROW_MSG(EnqueueProgram(device, p), DeadlockError, "cb_wait_front(c_0, 2): 0 pages available");
}

TEST(Deadlock, DiagnosedWithTheThreadsExecutorToo) {
    Device device = make_device();
    Program p;
    add_cb(p, CoreCoord{0, 0}, 1);
    auto prod =
        CreateKernel(p, "tests/kernels/sim/producer.cpp", CoreCoord{0, 0}, ReaderDataMovementConfig{});
    auto cons =
        CreateKernel(p, "tests/kernels/sim/consumer.cpp", CoreCoord{0, 0}, WriterDataMovementConfig{});
    SetRuntimeArgs(p, prod, CoreCoord{0, 0}, {2, 3});
    SetRuntimeArgs(p, cons, CoreCoord{0, 0}, {2, 3});
    RunOptions o;
    o.executor = Executor::Threads;
    EXPECT_THROW_MSG(EnqueueProgram(device, p, o), DeadlockError,
                     "blocked in cb_reserve_back(c_0, 2): 1 pages free, capacity 1");
}

TEST(Deadlock, MissingPushLeavesConsumerBlocked) {
    Device device = make_device();
    Program p;
    add_cb(p, CoreCoord{3, 1}, 4);
    auto prod =
        CreateKernel(p, "tests/kernels/sim/producer.cpp", CoreCoord{3, 1}, ReaderDataMovementConfig{});
    auto cons =
        CreateKernel(p, "tests/kernels/sim/consumer.cpp", CoreCoord{3, 1}, WriterDataMovementConfig{});
    SetRuntimeArgs(p, prod, CoreCoord{3, 1}, {1, 3});  // pushes 3 pages
    SetRuntimeArgs(p, cons, CoreCoord{3, 1}, {1, 4});  // waits for 4
    EXPECT_THROW_MSG(EnqueueProgram(device, p), DeadlockError,
                     "writer kernel 'consumer' on core (x=3,y=1) blocked in cb_wait_front(c_0, 1): 0 pages "
                     "available, capacity 4");
}

TEST(Deadlock, CircularSemaphoreWaitBetweenTwoCores) {
    Device device = make_device();
    Program p;
    CreateSemaphore(p, CoreRange({0, 0}, {1, 0}), 0);
    auto k = CreateKernel(p, "tests/kernels/sim/semaphore_ping.cpp", CoreRange({0, 0}, {1, 0}),
                          ReaderDataMovementConfig{});
    SetRuntimeArgs(p, k, CoreCoord{0, 0}, {1, 0});
    SetRuntimeArgs(p, k, CoreCoord{1, 0}, {0, 0});
    EXPECT_THROW_MSG(EnqueueProgram(device, p), DeadlockError,
                     "deadlock: no kernel can make progress; 2 blocked:");
    EXPECT_THROW_MSG(EnqueueProgram(device, p), DeadlockError,
                     "core (x=0,y=0) blocked in noc_semaphore_wait");
    EXPECT_THROW_MSG(EnqueueProgram(device, p), DeadlockError,
                     "core (x=1,y=0) blocked in noc_semaphore_wait");
}

TEST(Runtime, SemaphoreHandshakeBetweenTwoCoresCompletes) {
    Device device = make_device();
    Program p;
    CreateSemaphore(p, CoreRange({0, 0}, {1, 0}), 0);
    auto k = CreateKernel(p, "tests/kernels/sim/semaphore_ping.cpp", CoreRange({0, 0}, {1, 0}),
                          ReaderDataMovementConfig{});
    SetRuntimeArgs(p, k, CoreCoord{0, 0}, {1, 1});  // signals first, then waits
    SetRuntimeArgs(p, k, CoreCoord{1, 0}, {0, 0});
    EXPECT_NO_THROW(EnqueueProgram(device, p));
}

TEST(Watcher, L1PointerPastTheEndIsCaught) {
    EXPECT_THROW_MSG(misbehave(0), WatcherError, "reader kernel 'misbehave' on core (x=1,y=2)");
    EXPECT_THROW_MSG(misbehave(0), WatcherError,
                     "L1 pointer [0x16dffe, 0x16e002) is outside L1 (1499136 bytes)");
}
TEST(Watcher, PushWithoutReserveIsCaught) {
    EXPECT_THROW_MSG(misbehave(1), WatcherError, "cb_push_back(c_0, 1): only 0 page(s) reserved");
}
TEST(Watcher, PushMoreThanReservedIsCaught) {
    EXPECT_THROW_MSG(misbehave(2), WatcherError, "cb_push_back(c_0, 2): only 1 page(s) reserved");
}
TEST(Watcher, PopMoreThanWaitedIsCaught) {
    EXPECT_THROW_MSG(misbehave(3), WatcherError, "cb_pop_front(c_0, 2): only 1 page(s) were waited for");
}
TEST(Watcher, ReadPointerBeforeWaitIsCaught) {
    EXPECT_THROW_MSG(misbehave(4), WatcherError, "get_read_ptr(c_0): no page waited for");
}
TEST(Watcher, PagesLeftInCbAtEndAreCaught) {
    EXPECT_THROW_MSG(misbehave(5), WatcherError, "core (x=1,y=2): CB c_0 still holds 1 page(s)");
}
TEST(Watcher, MisalignedNocReadIsCaught) {
    EXPECT_THROW_MSG(misbehave(6), WatcherError, "noc_async_read: misaligned transfer: remote address");
}
TEST(Watcher, RuntimeArgNeverSetIsCaught) {
    EXPECT_THROW_MSG(misbehave(7), WatcherError,
                     "get_arg_val(9): runtime arg never set (kernel has 2 runtime args");
}
TEST(Watcher, NocWritePastReservedPagesIsCaught) {
    EXPECT_THROW_MSG(misbehave(8), WatcherError, "into CB c_0 outside the 1 page(s) this kernel reserved");
}
TEST(Watcher, NocReadPastDramBankIsCaught) {
    EXPECT_THROW_MSG(misbehave(9), WatcherError,
                     "noc_async_read: [0x7ffffff0, 0x80000030) is outside DRAM bank 0");
}
TEST(Watcher, ReservedButNeverPushedIsCaught) {
    EXPECT_THROW_MSG(misbehave(12), WatcherError,
                     "returned with 1 page(s) of CB c_0 reserved but never pushed");
}

TEST(Watcher, ChecksOffSkipsTheCbChecks) {
    RunOptions o;
    o.checks = false;
    EXPECT_NO_THROW(misbehave(5, o));
}

TEST(Runtime, KernelExceptionReachesCallerWithCoreAndKernel) {
    EXPECT_THROW_MSG(misbehave(10), Error,
                     "reader kernel 'misbehave' on core (x=1,y=2) threw: kernel says no");
}

TEST(Watchdog, SpinningKernelIsStoppedWithWhereItWas) {
    RunOptions o;
    o.watchdog_seconds = 0.3;
    EXPECT_THROW_MSG(misbehave(11, o), WatchdogTimeout, "watchdog: no kernel made progress for 0.3 s");
    EXPECT_THROW_MSG(misbehave(11, o), WatchdogTimeout,
                     "reader kernel 'misbehave' on core (x=1,y=2): last call cb_pages_available_at_front");
}

TEST(Program, UnknownKernelPathListsCloseMatches) {
    Program p;
    EXPECT_THROW_MSG(
        CreateKernel(p, "tests/kernels/sim/producr.cpp", CoreCoord{0, 0}, ReaderDataMovementConfig{}),
        InvalidArgument, "; closest: tests/kernels/sim/producer.cpp");
}

TEST(Program, CbsThatDoNotFitL1AreRefusedWithByteCounts) {
    Device device = make_device();
    auto l1buf =
        device.create_buffer({200 * 1024, 1024, BufferType::L1, TensorMemoryLayout::INTERLEAVED, {}});
    Program p;
    CreateCircularBuffer(
        p, CoreCoord{2, 2},
        CircularBufferConfig(1100 * 1024, {{uint8_t{0}, DataType::Float32}}).set_page_size(0, 4096));
    CreateCircularBuffer(
        p, CoreCoord{2, 2},
        CircularBufferConfig(400 * 1024, {{uint8_t{1}, DataType::Float32}}).set_page_size(1, 4096));
    EXPECT_THROW_MSG(
        ValidateProgram(device, p), OutOfMemory,
        "program does not fit in L1 on core (x=2,y=2): circular buffers c_0 1126400 B (275 x 4096 B), "
        "c_1 409600 B (100 x 4096 B) total");
    EXPECT_THROW_MSG(ValidateProgram(device, p), OutOfMemory, "limit 1499136 B per core on wormhole_b0");
}

TEST(Program, TheL1RefusalNamesWhatEachLabelledCbHolds) {
    Device device = make_device();
    Program p;
    CreateCircularBuffer(p, CoreCoord{1, 1},
                         CircularBufferConfig(1500 * 1024, {{uint8_t{3}, DataType::Float32}})
                             .set_page_size(3, 4096)
                             .set_label("4 corner sticks"));
    EXPECT_THROW_MSG(ValidateProgram(device, p), OutOfMemory,
                     "program does not fit in L1 on core (x=1,y=1): circular buffers c_3 (4 corner sticks) "
                     "1536000 B (375 x 4096 B)");
}

TEST(Program, TwoKernelsOnOneProcessorAreRefused) {
    Program p;
    CreateKernel(p, "tests/kernels/sim/producer.cpp", CoreRange({0, 0}, {1, 1}), ReaderDataMovementConfig{});
    EXPECT_THROW(
        CreateKernel(p, "tests/kernels/sim/consumer.cpp", CoreCoord{1, 1}, ReaderDataMovementConfig{}),
        InvalidArgument);
}

TEST(Runtime, DprintLinesAreTaggedWithCoreAndKernel) {
    Device device = make_device();
    Program p;
    auto k = CreateKernel(p, "tests/kernels/sim/dprint.cpp", CoreCoord{4, 5}, WriterDataMovementConfig{});
    SetRuntimeArgs(p, k, CoreCoord{4, 5}, {42});
    std::ostringstream out;
    RunOptions o;
    o.dprint = &out;
    EnqueueProgram(device, p, o);
    EXPECT_EQ(out.str(), "[(x=4,y=5) writer dprint] value=42\n");
}

TEST(Runtime, SettingCancelStopsASpinningRunWithRunCancelled) {
    Device device = make_device();
    Program p;
    add_cb(p, CoreCoord{0, 0}, 1);
    auto k = CreateKernel(p, "tests/kernels/sim/misbehave.cpp", CoreCoord{0, 0}, ReaderDataMovementConfig{});
    SetRuntimeArgs(p, k, CoreCoord{0, 0}, {11, 0});  // 11: spins on cb_pages_available_at_front
    std::atomic<bool> cancel{false};
    RunOptions o;
    o.watchdog_seconds = 0;  // no watchdog: only the cancel flag can stop it
    o.cancel = &cancel;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        cancel.store(true);
    });
    EXPECT_THROW_MSG(EnqueueProgram(device, p, o), RunCancelled,
                     "run cancelled (RunOptions::cancel was set)");
    canceller.join();
}

#pragma once
// Host-side plumbing of the CUDA reference paths that code not compiled by nvcc may use (the op wrappers,
// tests, benchmarks): is a device present, device memory, GPU timing. No CUDA header is included, so any
// .cpp can include this; the implementation is cuda_device.cu in a CUDA build and the stubs in
// cuda_device.cpp otherwise (they report the backend as unavailable). C++17, so .cu files may include it.
#include <cstddef>
#include <string>

namespace tilesim::ops {

// True when the CUDA paths can run: tilesim was built with the CUDA toolkit and a CUDA device is present.
// Otherwise false, and *why (when given) says why in one line, e.g. "no CUDA device found
// (cudaGetDeviceCount: CUDA driver version is insufficient for CUDA runtime version)".
bool cuda_device_available(std::string* why = nullptr);

// Throws BackendUnavailable "<op>: backend 'cuda' is unavailable: <why>" (one line) unless
// cuda_device_available().
void require_cuda_device(const char* op);

// Throws that BackendUnavailable unconditionally: what the stubs of a build without CUDA call.
[[noreturn]] void throw_cuda_backend_unavailable(const char* op);

// "NVIDIA H100 80GB HBM3, sm_90, 132 SMs" for device 0; throws BackendUnavailable without a device.
std::string cuda_device_description();

// Device memory (cudaMalloc / cudaFree; no managed memory), owned and movable. Copies are synchronous.
// Throws tilesim::Error naming the failed CUDA call and its error string.
class CudaBuffer {
  public:
    CudaBuffer() = default;
    explicit CudaBuffer(size_t bytes);           // uninitialised
    CudaBuffer(const void* host, size_t bytes);  // a device copy of `bytes` bytes at `host`
    ~CudaBuffer();
    CudaBuffer(CudaBuffer&& other) noexcept;
    CudaBuffer& operator=(CudaBuffer&& other) noexcept;
    CudaBuffer(const CudaBuffer&) = delete;
    CudaBuffer& operator=(const CudaBuffer&) = delete;

    size_t bytes() const { return bytes_; }
    void* get() const { return ptr_; }
    float* floats() const { return static_cast<float*>(ptr_); }

    void copy_from_host(const void* host, size_t bytes);  // bytes <= this->bytes()
    void copy_to_host(void* host, size_t bytes) const;    // waits for queued work (cudaMemcpy)
    void zero();                                          // cudaMemset 0

  private:
    void release() noexcept;  // cudaFree; errors ignored (a destructor must not throw)

    void* ptr_ = nullptr;
    size_t bytes_ = 0;
};

// A device copy of a contiguous host range (std::vector, std::span, ...).
template <class Range>
CudaBuffer to_cuda(const Range& host) {
    return CudaBuffer(host.data(), host.size() * sizeof(*host.data()));
}

// Copies a device buffer into a contiguous host range of as many bytes (waits for queued work).
template <class Range>
void copy_to_host(const CudaBuffer& device, Range& host) {
    device.copy_to_host(host.data(), host.size() * sizeof(*host.data()));
}

// GPU time between start() and stop_ms() on the default stream, measured with two CUDA events (so only
// the work enqueued in between counts, not host overhead or copies done before).
class CudaEventTimer {
  public:
    CudaEventTimer();
    ~CudaEventTimer();
    CudaEventTimer(const CudaEventTimer&) = delete;
    CudaEventTimer& operator=(const CudaEventTimer&) = delete;

    void start();
    float stop_ms();  // records the stop event, waits for it, returns the elapsed milliseconds

  private:
    void* start_ = nullptr;  // cudaEvent_t
    void* stop_ = nullptr;
};

// Waits for all queued GPU work; throws tilesim::Error if a kernel failed.
void cuda_synchronize();

}  // namespace tilesim::ops

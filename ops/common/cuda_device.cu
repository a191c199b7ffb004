// CUDA implementation of ops/common/cuda_device.hpp: device probe, device memory, event timing.
#include <string>

#include "ops/common/cuda_check.cuh"
#include "ops/common/cuda_device.hpp"

namespace tilesim::ops {
namespace {

struct DeviceProbe {
    bool present;
    std::string why;  // when absent
};

// Probed once: a process does not gain or lose its GPUs while it runs.
const DeviceProbe& probe() {
    static const DeviceProbe p = [] {
        int count = 0;
        const cudaError_t e = cudaGetDeviceCount(&count);
        if (e != cudaSuccess) {
            (void)cudaGetLastError();  // clear the error so later calls are not affected
            return DeviceProbe{false, std::string("no CUDA device found (cudaGetDeviceCount: ") +
                                          cudaGetErrorName(e) + ": " + cudaGetErrorString(e) + ")"};
        }
        if (count < 1) return DeviceProbe{false, "no CUDA device found (cudaGetDeviceCount: 0 devices)"};
        return DeviceProbe{true, {}};
    }();
    return p;
}

}  // namespace

bool cuda_device_available(std::string* why) {
    const DeviceProbe& p = probe();
    if (!p.present && why != nullptr) *why = p.why;
    return p.present;
}

std::string cuda_device_description() {
    require_cuda_device("cuda_device_description");
    int device = 0;
    TILESIM_CUDA_CHECK(cudaGetDevice(&device));
    cudaDeviceProp prop{};
    TILESIM_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    return std::string(prop.name) + ", sm_" + std::to_string(prop.major * 10 + prop.minor) + ", " +
           std::to_string(prop.multiProcessorCount) + " SMs";
}

CudaBuffer::CudaBuffer(size_t bytes) : bytes_(bytes) {
    if (bytes > 0) TILESIM_CUDA_CHECK(cudaMalloc(&ptr_, bytes));
}

CudaBuffer::CudaBuffer(const void* host, size_t bytes) : CudaBuffer(bytes) {
    copy_from_host(host, bytes);
}

void CudaBuffer::release() noexcept {
    if (ptr_ != nullptr) (void)cudaFree(ptr_);
    ptr_ = nullptr;
    bytes_ = 0;
}

void CudaBuffer::copy_from_host(const void* host, size_t bytes) {
    if (bytes > bytes_)
        cuda::throw_cuda_error(__FILE__, __LINE__, "CudaBuffer::copy_from_host", "too many bytes");
    if (bytes > 0) TILESIM_CUDA_CHECK(cudaMemcpy(ptr_, host, bytes, cudaMemcpyHostToDevice));
}

void CudaBuffer::copy_to_host(void* host, size_t bytes) const {
    if (bytes > bytes_)
        cuda::throw_cuda_error(__FILE__, __LINE__, "CudaBuffer::copy_to_host", "too many bytes");
    if (bytes > 0) TILESIM_CUDA_CHECK(cudaMemcpy(host, ptr_, bytes, cudaMemcpyDeviceToHost));
}

void CudaBuffer::zero() {
    if (bytes_ > 0) TILESIM_CUDA_CHECK(cudaMemset(ptr_, 0, bytes_));
}

CudaEventTimer::CudaEventTimer() {
    require_cuda_device("CudaEventTimer");
    cudaEvent_t a = nullptr, b = nullptr;
    TILESIM_CUDA_CHECK(cudaEventCreate(&a));
    const cudaError_t e = cudaEventCreate(&b);
    if (e != cudaSuccess) {
        (void)cudaEventDestroy(a);
        TILESIM_CUDA_CHECK(e);
    }
    start_ = a;
    stop_ = b;
}

CudaEventTimer::~CudaEventTimer() {
    (void)cudaEventDestroy(static_cast<cudaEvent_t>(start_));
    (void)cudaEventDestroy(static_cast<cudaEvent_t>(stop_));
}

void CudaEventTimer::start() {
    TILESIM_CUDA_CHECK(cudaEventRecord(static_cast<cudaEvent_t>(start_)));
}

float CudaEventTimer::stop_ms() {
    TILESIM_CUDA_CHECK(cudaEventRecord(static_cast<cudaEvent_t>(stop_)));
    TILESIM_CUDA_CHECK(cudaEventSynchronize(static_cast<cudaEvent_t>(stop_)));
    float ms = 0.f;
    TILESIM_CUDA_CHECK(
        cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(start_), static_cast<cudaEvent_t>(stop_)));
    return ms;
}

void cuda_synchronize() {
    TILESIM_CUDA_CHECK(cudaDeviceSynchronize());
}

}  // namespace tilesim::ops

#pragma once
// tt-metal (current): api/compute/compute_kernel_api.h.
#include "tilesim/compute_api.h"

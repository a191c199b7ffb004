#pragma once
// tt-metal: compute_kernel_api/bcast.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

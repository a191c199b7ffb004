#pragma once
// tt-metal: compute_kernel_api/reg_api.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

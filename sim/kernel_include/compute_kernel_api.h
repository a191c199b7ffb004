#pragma once
// tt-metal: compute_kernel_api.h.
#include "tilesim/compute_api.h"

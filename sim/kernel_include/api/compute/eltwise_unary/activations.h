#pragma once
// tt-metal (current): api/compute/eltwise_unary/activations.h (abs_tile, ...). tilesim declares the compute
// API in one header.
#include "tilesim/compute_api.h"

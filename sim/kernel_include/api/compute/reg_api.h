#pragma once
// tt-metal (current): api/compute/reg_api.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

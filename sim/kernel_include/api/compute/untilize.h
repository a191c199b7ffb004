#pragma once
// tt-metal (current): api/compute/untilize.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

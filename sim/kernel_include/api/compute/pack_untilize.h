#pragma once
// tt-metal (current): api/compute/pack_untilize.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

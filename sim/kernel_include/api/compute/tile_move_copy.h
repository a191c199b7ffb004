#pragma once
// tt-metal (current): api/compute/tile_move_copy.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

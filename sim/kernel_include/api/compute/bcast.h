#pragma once
// tt-metal (current): api/compute/bcast.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

#pragma once
// tt-metal (current): api/compute/reconfig_data_format.h. tilesim declares the compute API in one header.
#include "tilesim/compute_api.h"

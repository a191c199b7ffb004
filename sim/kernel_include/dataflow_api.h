#pragma once
// tt-metal: dataflow_api.h (data-movement kernels see it without an include, as on tt-metal).
#include "tilesim/dataflow_api.h"

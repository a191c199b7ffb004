#pragma once
// tt-metal (current): api/dataflow/dataflow_api.h.
#include "tilesim/dataflow_api.h"

#pragma once
// tt-metal's device-profiler zones: no-ops in tilesim (its trace comes from the cost model).
#define DeviceZoneScopedN(name)
#define DeviceZoneScopedND(name, ...)
#define DeviceZoneScopedMainN(name)
#define DeviceZoneScopedMainChildN(name)
#define DeviceTimestampedData(...)
#define DeviceRecordEvent(...)

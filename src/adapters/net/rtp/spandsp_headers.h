// The spandsp headers the media path needs, in the order they compile in C++. <spandsp.h> is
// not used: it drags in tiff.h (see TELEPHONY.md). Private to src/adapters/rtp and its tests.
#pragma once

// clang-format off
#include <cstddef>
#include <cstdint>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/logging.h>
#include <spandsp/g711.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
// clang-format on

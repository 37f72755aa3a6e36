#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "transport/ws_wire.hpp"

namespace herald {

// The header of a final, unmasked server frame of `payload_size` bytes. At most 10 bytes: a
// std::string holds that inline, so building it allocates nothing.
std::string ws_frame_header(WsOpcode opcode, std::size_t payload_size);

// A whole control frame, header and payload; a longer payload is cut to the 125 bytes allowed.
std::string ws_control_frame(WsOpcode opcode, std::string_view payload);

// A close frame; without a code it carries nothing, as an echo of a close that had none.
std::string ws_close_frame(std::optional<std::uint16_t> code, std::string_view reason);

}  // namespace herald

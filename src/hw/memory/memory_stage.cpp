#include "maia/hw/memory/memory_stage.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

Flow MemoryStage::serve(Flow in, std::uint64_t offset, std::uint64_t bytes) {
  tlm::tlm_generic_payload gp;
  gp.set_command(write_ ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(base_ + offset);
  gp.set_data_ptr(nullptr);  // timing-only model: contents are not carried
  gp.set_data_length(static_cast<unsigned int>(bytes));
  gp.set_streaming_width(static_cast<unsigned int>(bytes));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = to_sc(std::max<Picos>(0, in.first - now_ps()));
  memory_.b_transport(gp, delay);
  const Picos now = now_ps();  // a target may wait() inside b_transport (loosely timed)
  if (gp.is_response_error())
    throw SimulationError(fmt::format("memory {} of {} bytes at 0x{:x} failed: {}",
                                      write_ ? "write" : "read", bytes, base_ + offset,
                                      gp.get_response_string()));
  const Picos done = std::max(now + from_sc(delay), write_ ? in.last : in.first);
  if (write_) return {done, done};
  const Picos first =
      std::max(in.first, done - transfer_ps(static_cast<double>(bytes), peak_gbps_));
  return {first, done};
}

}  // namespace maia

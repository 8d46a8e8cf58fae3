#pragma once
// Device memory as a stage of a transfer chain, reached through a TLM-2.0 initiator socket with
// the blocking transport: the request leaves when its first byte is available (delay = that time
// minus now), and the returned delay says when the memory has finished with the last byte.
#include <cstdint>
#include <string>

#include <tlm>

#include "maia/hw/core/transfer_stage.hpp"

namespace maia {

class MemoryStage : public TransferStage {
 public:
  // `peak_gbps` only estimates when the first byte of a read leaves the memory.
  MemoryStage(tlm::tlm_fw_transport_if<>& memory, std::uint64_t base, bool write, double peak_gbps)
      : memory_(memory), base_(base), write_(write), peak_gbps_(peak_gbps) {}
  Flow serve(Flow in, std::uint64_t offset, std::uint64_t bytes) override;

 private:
  tlm::tlm_fw_transport_if<>& memory_;
  std::uint64_t base_;
  bool write_;
  double peak_gbps_;
};

}  // namespace maia

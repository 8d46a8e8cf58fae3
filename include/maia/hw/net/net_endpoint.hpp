#pragma once
// A chip as the network sees it: where a message's bytes come from and go to. The NIC DMA reads
// a message from HBM in chunks of `chunk_bytes` (nic.dma_chunk_bytes), hands each chunk's
// packets to the ports, and writes each chunk to the receiver's HBM once its last packet has
// arrived. HBM is one bandwidth server per chip (its peak, reads and writes together; a
// bucket_server.hpp, cheap since the NIC is several times slower than the HBM); the
// memory-to-memory latency of a message (nic.latency_ns) is added once, at the sender. The
// vector units that reduce received data are one more server, at the chip's reduction rate.
#include <cstdint>
#include <string>

#include "maia/core/time.hpp"
#include "maia/hw/net/bucket_server.hpp"

namespace maia {

struct NetEndpoint {
  std::string name;
  double hbm_gbytes_per_s = 0;
  double reduce_gbytes_per_s = 0;
  std::uint64_t chunk_bytes = 16384;
  Picos latency = 0;
  BucketServer hbm;
  BucketServer reducer;
  std::uint64_t sent_bytes = 0;      // payload handed to the network
  std::uint64_t received_bytes = 0;  // payload written to HBM
  std::uint64_t reduced_bytes = 0;
};

}  // namespace maia

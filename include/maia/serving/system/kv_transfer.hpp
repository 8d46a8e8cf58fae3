#pragma once
// Moving a request's KV cache from a prefill replica to a decode replica (disaggregated serving,
// docs/serving.md). A KvTransferModel says how long `bytes` take between two chips alone on
// their link; KvLinks queues transfers per directed replica pair, first come first served, so
// concurrent transfers over one link share its bandwidth by taking turns.
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

#include "maia/system/system_config.hpp"

namespace maia {

class KvTransferModel {
 public:
  virtual ~KvTransferModel() = default;
  virtual std::string_view name() const = 0;
  // One transfer of `bytes` from chip `src` to chip `dst` of the system, ns.
  virtual double transfer_ns(std::int64_t src, std::int64_t dst, double bytes) const = 0;
};

// The analytical model's send/recv between two chips (docs/systems.md): the topology's hop for
// the pair (its latency and bandwidth, Topology::pair with offset src XOR dst):
// latency + bytes / bandwidth.
std::unique_ptr<KvTransferModel> make_pair_hop_kv_transfer(const SystemConfig& system);

struct KvTransferSlot {
  double start_s = 0, end_s = 0;
};

class KvLinks {
 public:
  explicit KvLinks(const KvTransferModel& model) : model_(model) {}
  // Queues a transfer ready at ready_s on the link from replica `from` (first chip src) to
  // replica `to` (first chip dst); with tensor-parallel replicas each chip of the group sends
  // its shard (`bytes` per chip) to its counterpart at once, over links of the same kind.
  KvTransferSlot queue(std::size_t from, std::size_t to, std::int64_t src, std::int64_t dst,
                       double bytes, double ready_s);

 private:
  const KvTransferModel& model_;
  std::map<std::pair<std::size_t, std::size_t>, double> free_s_;  // when each link is free
};

}  // namespace maia

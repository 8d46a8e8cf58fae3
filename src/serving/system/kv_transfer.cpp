#include "maia/serving/system/kv_transfer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {
namespace {

class PairHopKvTransfer : public KvTransferModel {
 public:
  explicit PairHopKvTransfer(const SystemConfig& s) : topology_(s.topology), chips_(s.chips) {}
  std::string_view name() const override { return "pair-hop"; }
  double transfer_ns(std::int64_t src, std::int64_t dst, double bytes) const override {
    if (src < 0 || dst < 0 || src >= chips_ || dst >= chips_ || src == dst)
      throw SimulationError(
          fmt::format("KV transfer: chips {} -> {} of a {}-chip system", src, dst, chips_));
    const PairHop h = topology_->pair(chips_, src ^ dst);
    return h.latency_ns + bytes / h.gbytes_per_s;  // 1 GB/s = 1 byte/ns
  }

 private:
  std::shared_ptr<const Topology> topology_;
  std::int64_t chips_;
};

}  // namespace

std::unique_ptr<KvTransferModel> make_pair_hop_kv_transfer(const SystemConfig& system) {
  return std::make_unique<PairHopKvTransfer>(system);
}

KvTransferSlot KvLinks::queue(std::size_t from, std::size_t to, std::int64_t src, std::int64_t dst,
                              double bytes, double ready_s) {
  double& free = free_s_[{from, to}];
  KvTransferSlot slot;
  slot.start_s = std::max(ready_s, free);
  slot.end_s = slot.start_s + model_.transfer_ns(src, dst, bytes) / 1e9;
  free = slot.end_s;
  return slot;
}

}  // namespace maia

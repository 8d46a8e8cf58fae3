#pragma once
// The GNOC leg of an HBM access. Device addresses are interleaved over the stacks, so one chunk's
// bytes come from (or go to) several stack controllers: each stack's share travels its own XY
// route to or from the endpoint, and the chunk is through when the last share is.
#include <cstdint>
#include <vector>

#include "maia/hw/core/transfer_stage.hpp"
#include "maia/hw/hbm/hbm_address_map.hpp"
#include "maia/hw/noc/gnoc.hpp"

namespace maia {

class HbmNocPath {
 public:
  HbmNocPath(Gnoc& noc, const HbmAddressMap& map, std::vector<int> stack_endpoints)
      : noc_(noc), map_(map), stacks_(std::move(stack_endpoints)) {}

  // Bytes [addr, addr + bytes) of HBM travel between the stacks and `endpoint`.
  Flow move(std::uint64_t addr, std::uint64_t bytes, int endpoint, bool to_hbm, Flow in);

 private:
  Gnoc& noc_;
  const HbmAddressMap& map_;
  std::vector<int> stacks_;
};

// Adapter: the GNOC leg as a stage of a transfer chain.
class HbmNocStage : public TransferStage {
 public:
  HbmNocStage(HbmNocPath& path, std::uint64_t hbm_base, int endpoint, bool to_hbm)
      : path_(path), base_(hbm_base), endpoint_(endpoint), to_hbm_(to_hbm) {}
  Flow serve(Flow in, std::uint64_t offset, std::uint64_t bytes) override {
    return path_.move(base_ + offset, bytes, endpoint_, to_hbm_, in);
  }

 private:
  HbmNocPath& path_;
  std::uint64_t base_;
  int endpoint_;
  bool to_hbm_;
};

}  // namespace maia

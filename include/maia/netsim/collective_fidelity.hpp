#pragma once
// How a collective on a system is timed, chosen by name behind one interface:
//   analytical  closed-form alpha-beta per step (system/collective_model.hpp), up to 6,144 chips;
//   detailed    the algorithm's real message schedule as chunked, packetised flows through the
//               system's links and switches in one SystemC simulation (docs/systems.md).
// Each fidelity is one file of src/netsim/ and one line in fidelity_registry.cpp.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "maia/core/dtype.hpp"
#include "maia/system/collective_model.hpp"
#include "maia/system/system_config.hpp"

namespace maia {

// One link direction (or switch egress port) of a detailed run.
struct LinkUse {
  std::string name;  // "<link>:<from>-><to>"
  std::string tier;  // tray, scaleout, up, switch (the link name's prefix)
  double gbytes_per_s = 0;
  std::uint64_t payload_bytes = 0;
  std::uint64_t wire_bytes = 0;
  std::uint64_t packets = 0;
  double busy_ns = 0;
  double wait_ns = 0;      // packets queueing for the wire
  double utilisation = 0;  // busy / the collective's time
};

struct CollectiveResult {
  CollectiveEstimate estimate;  // algorithm, time, algbw, busbw, bound
  std::string fidelity;
  // Detailed only: the network and its use.
  std::uint64_t scheduled_bytes = 0;  // bytes the algorithm's sends carry
  std::uint64_t sent_bytes = 0;       // payload the endpoints handed to the network
  std::uint64_t received_bytes = 0;   // payload written to the receivers' HBM
  std::uint64_t messages = 0, reductions = 0;
  std::vector<LinkUse> links;  // every direction that carried something, in fabric order
  struct SwitchPort {
    std::string switch_name;
    std::string egress;  // its link direction's name
    std::uint64_t egress_bytes = 0, ingress_bytes = 0;
    double busy_ns = 0, wait_ns = 0;
  };
  std::vector<SwitchPort> switch_ports;  // ports that carried something
};

class CollectiveFidelity {
 public:
  virtual ~CollectiveFidelity() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // Times `op` of `bytes` on chips 0..ranks-1 of `system` with `algorithm` ("auto" or a name;
  // auto is resolved by the analytical model, as a collectives library's tuner would).
  virtual CollectiveResult run(const SystemConfig& system, CollectiveOp op, std::int64_t ranks,
                               std::uint64_t bytes, DType dtype,
                               const std::string& algorithm) const = 0;
};

std::unique_ptr<CollectiveFidelity> make_analytical_fidelity();
std::unique_ptr<CollectiveFidelity> make_detailed_fidelity();

// Every registered fidelity, in registration order (analytical, detailed).
const std::vector<std::unique_ptr<CollectiveFidelity>>& collective_fidelities();
// The fidelity called `name`; InputError naming `where`, the known names and a did-you-mean.
const CollectiveFidelity& find_collective_fidelity(const std::string& name,
                                                   const std::string& where);
std::string collective_fidelity_names_text();

}  // namespace maia

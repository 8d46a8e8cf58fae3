#pragma once
// The fully connected tray of Maia chips ("fully connected quad"): chips at positions a and b of
// a tray are joined by nic.tray_links[(a XOR b) - 1] ports of nic.port_gbps each, so every chip
// sees the same link counts to its peers (the spec's 6/7/7: the 6-port links pair 0-1 and 2-3).
// Shared by the topologies built from trays.
#include <cstdint>
#include <string>

#include "maia/config/chip_config.hpp"
#include "maia/system/network_spec.hpp"

namespace maia {

class TrayLinks {
 public:
  // Validates the tray (power-of-two size up to 8, no peer without ports); InputError naming
  // `where` and the chip's knob otherwise.
  TrayLinks(const ChipConfig& chip, const std::string& where);

  std::int64_t size() const { return size_; }
  double latency_ns() const { return latency_ns_; }
  // Bandwidth of the link between positions a and b, per direction.
  double link_gbytes_per_s(std::int64_t a, std::int64_t b) const;
  // The weakest link among positions 0..n-1.
  double weakest_link(std::int64_t n) const;
  // The weakest link of the best ring (Hamiltonian cycle) through positions 0..n-1.
  double best_ring_edge(std::int64_t n) const;
  // The weakest link of the best path through positions 0..n-1 (a ring crossing several trays
  // enters and leaves each one).
  double best_path_edge(std::int64_t n) const;
  // Adds the cables of the tray whose positions 0..count-1 are ranks first..first+count-1: one
  // link of nic.port_gbps per port, nic.tray_links[(a XOR b) - 1] ports per pair.
  void add_links(NetworkSpec& net, std::int64_t first, std::int64_t count) const;

 private:
  double best_order_edge(std::int64_t n, bool closed) const;

  const ChipConfig& chip_;
  std::int64_t size_;
  double latency_ns_;
};

}  // namespace maia

#include "tray_links.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

TrayLinks::TrayLinks(const ChipConfig& chip, const std::string& where)
    : chip_(chip),
      size_(static_cast<std::int64_t>(chip.nic.tray_links.size()) + 1),
      latency_ns_(chip.nic.latency_ns) {
  // Positions pair up by XOR, which needs a power-of-two tray; 8 keeps ring searches small.
  if (size_ < 2 || size_ > 8 || (size_ & (size_ - 1)) != 0)
    throw InputError(fmt::format(
        "{}: chip: nic.tray_links: a tray needs 1, 3 or 7 peers (2, 4 or 8 chips), got {} peers",
        where, size_ - 1));
  for (std::size_t p = 0; p < chip.nic.tray_links.size(); ++p)
    if (chip.nic.tray_links[p] < 1)
      throw InputError(fmt::format(
          "{}: chip: nic.tray_links[{}]: every tray peer needs at least one port, got 0", where,
          p));
}

double TrayLinks::link_gbytes_per_s(std::int64_t a, std::int64_t b) const {
  const auto ports = chip_.nic.tray_links.at(static_cast<std::size_t>((a ^ b) - 1));
  return static_cast<double>(ports) * chip_.nic.port_gbps / 8.0;
}

double TrayLinks::weakest_link(std::int64_t n) const {
  double w = std::numeric_limits<double>::infinity();
  for (std::int64_t a = 0; a < n; ++a)
    for (std::int64_t b = a + 1; b < n; ++b) w = std::min(w, link_gbytes_per_s(a, b));
  return w;
}

double TrayLinks::best_order_edge(std::int64_t n, bool closed) const {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  double best = 0;
  do {  // permutations in lexicographic order: deterministic
    double w = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i + 1 < order.size(); ++i)
      w = std::min(w, link_gbytes_per_s(order[i], order[i + 1]));
    if (closed) w = std::min(w, link_gbytes_per_s(order.back(), order.front()));
    best = std::max(best, w);
  } while (std::next_permutation(order.begin() + 1, order.end()));
  return best;
}

void TrayLinks::add_links(NetworkSpec& net, std::int64_t first, std::int64_t count) const {
  for (std::int64_t a = 0; a < count; ++a)
    for (std::int64_t b = a + 1; b < count; ++b) {
      const auto ports = chip_.nic.tray_links.at(static_cast<std::size_t>((a ^ b) - 1));
      for (std::int64_t p = 0; p < ports; ++p)
        net.links.push_back({fmt::format("tray:c{}-c{}.{}", first + a, first + b, p), first + a,
                             first + b, chip_.nic.port_gbps / 8.0});
    }
}

double TrayLinks::best_ring_edge(std::int64_t n) const { return best_order_edge(n, true); }

double TrayLinks::best_path_edge(std::int64_t n) const { return best_order_edge(n, false); }

}  // namespace maia

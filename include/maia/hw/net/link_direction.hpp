#pragma once
// One direction of one network link (a NIC port's transmit side and the cable to the far end, or
// a switch's egress port onto its cable): a bandwidth server with its own occupancy, so packets
// from several flows queue behind each other, and a propagation latency. Cut-through: a packet
// books the wire once its first byte is there and cannot leave before its last byte arrived
// (reserve_paced); the far end sees it `latency` later. The server keeps every future booking
// (gap_server.hpp), so flows booked later still use the gaps between earlier flows' packets.
#include <cstdint>
#include <string>

#include "maia/hw/net/gap_server.hpp"

namespace maia {

class LinkDirection {
 public:
  LinkDirection(std::string name, int from, int to, double gbytes_per_s, Picos latency)
      : name_(std::move(name)), from_(from), to_(to), gbps_(gbytes_per_s), latency_(latency) {}

  // Carries one packet of `wire_bytes` on the wire (payload and header), `payload_bytes` of it
  // data; `in` says when its first and last byte are available at the sender.
  Flow carry(Flow in, std::uint64_t wire_bytes, std::uint64_t payload_bytes) {
    const Reservation r =
        reserve_paced(server_, in, transfer_ps(static_cast<double>(wire_bytes), gbps_), wire_bytes);
    payload_bytes_ += payload_bytes;
    ++packets_;
    return {r.start + latency_, r.end + latency_};
  }

  const std::string& name() const { return name_; }
  int from() const { return from_; }  // node ids of the fabric (chips first, then switches)
  int to() const { return to_; }
  double gbytes_per_s() const { return gbps_; }
  Picos latency() const { return latency_; }
  // End of the latest booking: when the direction frees (least-loaded spraying reads it).
  Picos free_at() const { return server_.free_at(); }

  std::uint64_t wire_bytes() const { return server_.bytes(); }
  std::uint64_t payload_bytes() const { return payload_bytes_; }
  std::uint64_t packets() const { return packets_; }
  Picos busy_ps() const { return server_.busy_ps(); }
  // Time packets waited for the wire after their first byte was ready (queueing).
  Picos wait_ps() const { return server_.wait_ps(); }

 private:
  std::string name_;
  int from_, to_;
  double gbps_;
  Picos latency_;
  GapServer server_;
  std::uint64_t payload_bytes_ = 0;
  std::uint64_t packets_ = 0;
};

}  // namespace maia

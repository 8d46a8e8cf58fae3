#pragma once
// The memory-side TLM-2.0 interconnect: every DMA that reaches device memory binds its initiator
// socket here, and the router forwards generic payloads to one target socket. That target is the
// built-in HBM3e model or any third-party TLM-2.0 memory model bound in its place.
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm>

#include <systemc>

namespace maia {

class MemoryRouter : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<MemoryRouter> in;
  tlm_utils::simple_initiator_socket<MemoryRouter> out;

  explicit MemoryRouter(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
    in.register_b_transport(this, &MemoryRouter::b_transport);
    in.register_transport_dbg(this, &MemoryRouter::transport_dbg);
  }

 private:
  void b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    out->b_transport(gp, delay);
  }
  unsigned int transport_dbg(int, tlm::tlm_generic_payload& gp) { return out->transport_dbg(gp); }
};

}  // namespace maia

#pragma once
// A collective of an operator graph priced by a system's collective timer instead of a program
// on the chip (maia/system/collective_timer.hpp): what a backend does with a group beyond the
// chip's direct links, or with an op its links have no program for (all-to-all). The
// measurement carries the timer's fidelity and algorithm; its roofline is the topology's bound.
#include "maia/report/op_measurement.hpp"
#include "maia/system/collective_timer.hpp"
#include "maia/workload/operator.hpp"

namespace maia {

// The system layer's op for a graph's collective kind.
CollectiveOp collective_op_of(CollectiveKind kind);
// The nccl-tests size of the collective: the buffer on each chip (all-gather: the gathered
// output; all-to-all: one rank's send buffer), bytes.
double collective_message_bytes(const CollectiveShape& c);

// `op` (a collective) timed by `timer`: time, its cost's network and HBM bytes, bound
// "network"; fidelity and algorithm set. InputError when the group does not fit the system.
OpMeasurement time_system_collective(const CollectiveTimer& timer, const Operator& op);

}  // namespace maia

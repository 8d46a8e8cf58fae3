#pragma once
// Builds a Program in code (kernel generators, tests): buffers, semaphores and per-engine queues,
// with instructions appended in issue order. validate_program() checks the result like a file.
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "maia/program/program.hpp"

namespace maia {

class ProgramBuilder {
 public:
  explicit ProgramBuilder(std::string name);

  int add_buffer(Buffer b);
  int add_semaphore(const std::string& name, const Location& home, std::int64_t initial = 0);
  int semaphore_id(const std::string& name) const { return sem_ids_.at(name); }
  void set_initial(int semaphore, std::int64_t value) {
    p_.semaphores[static_cast<std::size_t>(semaphore)].initial = value;
  }
  // The queue of an engine, created on first use. References stay valid until build().
  Queue& queue(const Location& where, EngineKind engine, int channel = 0);
  Instruction& append(Queue& q, Instruction in);
  Program build();

  static Location tile(int cluster, int t) { return {Location::Kind::kTile, cluster, t}; }
  static Location cluster(int c) { return {Location::Kind::kCluster, c, -1}; }
  static Location host() { return {}; }

 private:
  Program p_;
  std::deque<Queue> queues_;  // a deque, so queue() references survive later insertions
  std::map<std::string, int> sem_ids_;
  std::map<std::string, std::size_t> queue_ids_;
};

// Instruction shorthands for generators.
Instruction make_copy(BufferRef src, BufferRef dst, std::uint64_t bytes);
Instruction make_gemm(std::int64_t m, std::int64_t n, std::int64_t k, DType dtype, BufferRef a,
                      BufferRef b, BufferRef c, bool accumulate);
SemaphoreOp sem(int id, std::int64_t count = 1);

}  // namespace maia

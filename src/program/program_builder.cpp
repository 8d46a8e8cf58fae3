#include "maia/program/program_builder.hpp"

#include <fmt/format.h>

namespace maia {

ProgramBuilder::ProgramBuilder(std::string name) {
  p_.name = name;
  p_.source = "generated:" + name;
}

int ProgramBuilder::add_buffer(Buffer b) {
  p_.buffers.push_back(std::move(b));
  return static_cast<int>(p_.buffers.size()) - 1;
}

int ProgramBuilder::add_semaphore(const std::string& name, const Location& home,
                                  std::int64_t initial) {
  const int id = static_cast<int>(p_.semaphores.size());
  p_.semaphores.push_back({name, initial, home});
  sem_ids_[name] = id;
  return id;
}

Queue& ProgramBuilder::queue(const Location& where, EngineKind engine, int channel) {
  const std::string name = engine_name(where, engine, channel);
  const auto it = queue_ids_.find(name);
  if (it != queue_ids_.end()) return queues_[it->second];
  queue_ids_[name] = queues_.size();
  Queue q;
  q.location = where;
  q.engine = engine;
  q.channel = channel;
  q.name = name;
  queues_.push_back(std::move(q));
  return queues_.back();
}

Instruction& ProgramBuilder::append(Queue& q, Instruction in) {
  if (in.where.empty())
    in.where = fmt::format("{}: {}[{}]", p_.source, q.name, q.instructions.size());
  q.instructions.push_back(std::move(in));
  return q.instructions.back();
}

Program ProgramBuilder::build() {
  p_.queues.assign(std::make_move_iterator(queues_.begin()),
                   std::make_move_iterator(queues_.end()));
  queues_.clear();
  queue_ids_.clear();
  return std::move(p_);
}

Instruction make_copy(BufferRef src, BufferRef dst, std::uint64_t bytes) {
  Instruction in;
  in.op = OpCode::kCopy;
  in.src = src;
  in.dst = dst;
  in.bytes = bytes;
  return in;
}

Instruction make_gemm(std::int64_t m, std::int64_t n, std::int64_t k, DType dtype, BufferRef a,
                      BufferRef b, BufferRef c, bool accumulate) {
  Instruction in;
  in.op = OpCode::kGemm;
  in.m = m;
  in.n = n;
  in.k = k;
  in.a_dtype = in.b_dtype = dtype;
  in.c_dtype = DType::kFp32;
  in.a = a;
  in.b = b;
  in.c = c;
  in.accumulate = accumulate;
  return in;
}

SemaphoreOp sem(int id, std::int64_t count) { return {id, count}; }

}  // namespace maia

#pragma once
// The dataflow program: in-order hardware queues of macro-instructions, one queue per engine,
// synchronised only through hardware semaphores. Each instruction waits on up to three
// semaphores before it starts and signals up to three when it completes. The same structure is
// produced by the JSON loader (hand-written kernels) and by kernel generators (microbenchmarks).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "maia/core/dtype.hpp"

namespace maia {

inline constexpr std::size_t kMaxSemaphoreOps = 3;

// Where something lives on the chip: a tile, a cluster, the host side of PCIe, or the NIC.
struct Location {
  enum class Kind { kTile, kCluster, kHost, kNic } kind = Kind::kHost;
  int cluster = -1;
  int tile = -1;  // enabled-tile index within the cluster
  std::string text() const;
  bool operator==(const Location&) const = default;
};

enum class MemorySpace { kHbm, kCsram, kTsram, kHost };
std::string_view memory_space_name(MemorySpace s);

// A named region of one memory space. TSRAM buffers may be replicated at the same offset in
// several tiles (SPMD style); an instruction on a tile then refers to that tile's copy.
struct Buffer {
  std::string name;
  MemorySpace space = MemorySpace::kHbm;
  int cluster = -1;             // CSRAM: owning cluster
  std::vector<Location> tiles;  // TSRAM: tiles holding a copy
  std::uint64_t offset = 0;     // byte address within the space
  std::uint64_t bytes = 0;
};

struct BufferRef {
  int buffer = -1;
  std::uint64_t offset = 0;  // bytes from the start of the buffer
};

struct SemaphoreDecl {
  std::string name;
  std::int64_t initial = 0;
  Location home;  // which tile/cluster hardware holds it
};

struct SemaphoreOp {
  int semaphore = -1;
  std::int64_t count = 1;
};

// kNicDma: the NIC's DMA towards one tray peer (nic.dma<peer>); see maia/hw/nic/nic_dma.hpp.
enum class EngineKind { kTtu, kTvp, kTileDma, kTcp, kClusterDma, kHostDma, kHostCommand, kNicDma };
std::string_view engine_kind_name(EngineKind k);

enum class OpCode { kGemm, kVector, kCopy, kMulticast, kScalar, kCommand };
std::string_view opcode_name(OpCode op);

// How a copy walks its source: contiguous, or `access_bytes` pieces at seeded random offsets
// within the source buffer (a gather, e.g. for the random HBM microbenchmark).
struct AccessPattern {
  bool random = false;
  std::uint64_t access_bytes = 0;
  std::uint64_t seed = 1;
};

struct Instruction {
  OpCode op = OpCode::kScalar;
  std::string where;  // "program.json: queues[2].instructions[5]", for messages
  std::vector<SemaphoreOp> waits;
  std::vector<SemaphoreOp> signals;
  // gemm: C[m,n] (+)= A[m,k] * B[k,n]
  std::int64_t m = 0, n = 0, k = 0;
  DType a_dtype = DType::kBf16, b_dtype = DType::kBf16, c_dtype = DType::kFp32;
  bool accumulate = false;
  BufferRef a, b, c;
  // vector: `elements` of `a_dtype` through a TVP function, `inputs` operands in, one out
  std::string function;
  std::int64_t elements = 0;
  std::int64_t inputs = 1;
  std::vector<BufferRef> operands;  // vector inputs
  // copy / multicast: `bytes` read from src (src dtype), converted to dst dtype on the way
  BufferRef src, dst;
  std::uint64_t bytes = 0;
  DType src_dtype = DType::kFp8, dst_dtype = DType::kFp8;
  bool convert = false;
  AccessPattern pattern;
  std::vector<Location> targets;  // multicast destination tiles
  // scalar (TCP) and command (host)
  std::int64_t cycles = 0;
};

struct Queue {
  Location location;
  EngineKind engine = EngineKind::kTcp;
  int channel = 0;   // cluster DMA queue index (c<i>.dma<channel>), NIC DMA peer (nic.dma<peer>)
  std::string name;  // "c0.t3.ttu"
  std::vector<Instruction> instructions;
};

struct Program {
  std::string name;
  std::string source;  // file it came from, or the generator's name
  std::vector<Buffer> buffers;
  std::vector<SemaphoreDecl> semaphores;
  std::vector<Queue> queues;
};

// Parses "c0.t3.ttu" style engine names; nullopt when malformed.
struct EngineName {
  Location location;
  EngineKind engine;
  int channel = 0;
};
std::optional<EngineName> parse_engine_name(const std::string& text);
std::string engine_name(const Location& loc, EngineKind k, int channel = 0);

}  // namespace maia

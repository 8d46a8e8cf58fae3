#include "maia/program/program_loader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/config/hbm_capacity.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/core/json_text.hpp"
#include "maia/program/vector_functions.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;

const std::vector<std::string> kDtypes = {"fp4", "fp8", "bf16", "fp16", "fp32"};

DType read_dtype(JsonReader& r, const std::string& key, DType fallback) {
  if (!r.has(key)) {
    r.string_or(key, "");  // mark as known
    return fallback;
  }
  return *parse_dtype(r.choice(key, kDtypes));
}

// Whether the NIC has ports wired to tray peer `peer`.
bool tray_peer_wired(const ChipConfig& chip, int peer) {
  return peer >= 0 && static_cast<std::size_t>(peer) < chip.nic.tray_links.size() &&
         chip.nic.tray_links[static_cast<std::size_t>(peer)] > 0;
}

Location parse_location(const std::string& text, const ChipConfig& chip, JsonReader& r,
                        const std::string& key) {
  // Accepts "c<i>.t<j>" for a tile, "c<i>" for a cluster, "host", "nic".
  if (text == "host") return {Location::Kind::kHost, -1, -1};
  if (text == "nic") return {Location::Kind::kNic, -1, -1};
  int c = -1, t = -1;
  char rest = 0;
  if (std::sscanf(text.c_str(), "c%d.t%d%c", &c, &t, &rest) == 2) {
    if (c < 0 || c >= chip.clusters || t < 0 || t >= chip.enabled_tiles_per_cluster)
      r.fail(key, fmt::format("tile '{}' does not exist (clusters 0..{}, enabled tiles 0..{})",
                              text, chip.clusters - 1, chip.enabled_tiles_per_cluster - 1));
    return {Location::Kind::kTile, c, t};
  }
  if (std::sscanf(text.c_str(), "c%d%c", &c, &rest) == 1) {
    if (c < 0 || c >= chip.clusters)
      r.fail(key,
             fmt::format("cluster '{}' does not exist (clusters 0..{})", text, chip.clusters - 1));
    return {Location::Kind::kCluster, c, -1};
  }
  r.fail(key, "must name a tile 'c<i>.t<j>', a cluster 'c<i>', 'host' or 'nic'");
}

class Parser {
 public:
  Parser(const std::string& file, const ChipConfig& chip) : file_(file), chip_(chip) {}

  Program parse(const Json& doc) {
    JsonReader top(doc, file_, "");
    p_.source = file_;
    p_.name = top.string_or("name", file_);
    top.string_or("description", "");
    for (auto& b : top.array("buffers", false)) parse_buffer(b);
    for (auto& s : top.array("semaphores", false)) parse_semaphore(s);
    auto queues = top.array("queues");
    for (auto& q : queues) parse_queue(q);
    top.reject_unknown_keys();
    resolve_semaphore_homes();
    return std::move(p_);
  }

 private:
  void parse_buffer(JsonReader& r) {
    Buffer b;
    b.name = r.string("name");
    if (buffer_index_.count(b.name)) r.fail("name", "duplicate buffer name");
    const std::string space = r.choice("space", {"hbm", "csram", "tsram", "host"});
    b.space = space == "hbm"     ? MemorySpace::kHbm
              : space == "csram" ? MemorySpace::kCsram
              : space == "tsram" ? MemorySpace::kTsram
                                 : MemorySpace::kHost;
    b.offset = static_cast<std::uint64_t>(r.integer_or("offset", 0, 0, INT64_MAX));
    b.bytes = static_cast<std::uint64_t>(r.integer("bytes", 1, INT64_MAX));
    if (b.space == MemorySpace::kCsram) {
      b.cluster = static_cast<int>(r.integer("cluster", 0, chip_.clusters - 1));
    } else if (r.has("cluster")) {
      r.fail("cluster", "only csram buffers belong to a cluster");
    }
    if (b.space == MemorySpace::kTsram) {
      const Json& t = r.child("tiles").node();
      if (t.is_string() && t.get<std::string>() == "all") {
        for (int c = 0; c < chip_.clusters; ++c)
          for (int i = 0; i < chip_.enabled_tiles_per_cluster; ++i)
            b.tiles.push_back({Location::Kind::kTile, c, i});
      } else if (t.is_array() && !t.empty()) {
        for (const auto& e : t) {
          if (!e.is_string())
            r.fail("tiles", "must be \"all\" or an array of tile names 'c<i>.t<j>'");
          const Location loc = parse_location(e.get<std::string>(), chip_, r, "tiles");
          if (loc.kind != Location::Kind::kTile) r.fail("tiles", "must list tiles 'c<i>.t<j>'");
          b.tiles.push_back(loc);
        }
      } else {
        r.fail("tiles", "must be \"all\" or a non-empty array of tile names 'c<i>.t<j>'");
      }
    } else if (r.has("tiles")) {
      r.fail("tiles", "only tsram buffers live in tiles");
    }
    r.reject_unknown_keys();
    buffer_index_[b.name] = static_cast<int>(p_.buffers.size());
    buffer_where_.push_back(r.path());
    p_.buffers.push_back(std::move(b));
  }

  void parse_semaphore(JsonReader& r) {
    SemaphoreDecl s;
    s.name = r.string("name");
    if (sem_index_.count(s.name)) r.fail("name", "duplicate semaphore name");
    s.initial = r.integer_or("init", 0, 0, INT32_MAX);
    if (r.has("home")) {
      s.home = parse_location(r.string("home"), chip_, r, "home");
      home_given_.push_back(true);
    } else {
      r.string_or("home", "");
      home_given_.push_back(false);
    }
    r.reject_unknown_keys();
    sem_index_[s.name] = static_cast<int>(p_.semaphores.size());
    p_.semaphores.push_back(std::move(s));
  }

  std::vector<SemaphoreOp> parse_sem_ops(JsonReader& r, const std::string& key,
                                         const Location& loc) {
    std::vector<SemaphoreOp> ops;
    if (!r.has(key)) {
      r.string_or(key, "");
      return ops;
    }
    const Json& list = r.child(key).node();
    if (!list.is_array()) r.fail(key, "must be an array of semaphore names or {name, count}");
    if (list.size() > kMaxSemaphoreOps)
      r.fail(key, fmt::format("at most {} semaphores per instruction", kMaxSemaphoreOps));
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string k = fmt::format("{}[{}]", key, i);
      SemaphoreOp op;
      std::string name;
      if (list[i].is_string()) {
        name = list[i].get<std::string>();
      } else if (list[i].is_object()) {
        JsonReader e(list[i], file_, r.key_path(k));
        name = e.string("name");
        op.count = e.integer_or("count", 1, 1, INT32_MAX);
        e.reject_unknown_keys();
      } else {
        r.fail(key, "must be an array of semaphore names or {name, count}");
      }
      const auto it = sem_index_.find(name);
      if (it == sem_index_.end()) {
        std::vector<std::string> names;
        for (const auto& s : p_.semaphores) names.push_back(s.name);
        const std::string hint = nearest_match(name, names);
        throw InputError(
            fmt::format("{}: {}: undeclared semaphore \"{}\"{}", file_, r.key_path(k), name,
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
      }
      op.semaphore = it->second;
      ops.push_back(op);
      if (key == "wait" && !home_given_[static_cast<std::size_t>(op.semaphore)] &&
          first_waiter_.count(op.semaphore) == 0)
        first_waiter_[op.semaphore] = loc;
    }
    return ops;
  }

  BufferRef parse_ref(JsonReader& r, const std::string& key) {
    return ref_from(r.child(key).node(), r.key_path(key));
  }

  // A buffer reference: "name" or {"buffer": "name", "offset": bytes}.
  BufferRef ref_from(const Json& v, const std::string& path) {
    std::string name;
    BufferRef ref;
    if (v.is_string()) {
      name = v.get<std::string>();
    } else if (v.is_object()) {
      JsonReader e(v, file_, path);
      name = e.string("buffer");
      ref.offset = static_cast<std::uint64_t>(e.integer_or("offset", 0, 0, INT64_MAX));
      e.reject_unknown_keys();
    } else {
      throw InputError(fmt::format("{}: {}: must be a buffer name or {{buffer, offset}}, got {}",
                                   file_, path, brief_json(v)));
    }
    const auto it = buffer_index_.find(name);
    if (it == buffer_index_.end()) {
      std::vector<std::string> names;
      for (const auto& b : p_.buffers) names.push_back(b.name);
      const std::string hint = nearest_match(name, names);
      throw InputError(fmt::format("{}: {}: undeclared buffer \"{}\"{}", file_, path, name,
                                   hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
    ref.buffer = it->second;
    return ref;
  }

  void parse_queue(JsonReader& r) {
    Queue q;
    q.name = r.string("engine");
    const auto en = parse_engine_name(q.name);
    if (!en)
      r.fail("engine",
             "must name an engine: c<i>.t<j>.{ttu,tvp,dma,tcp}, c<i>.dma<q>, host.dma, host.cmd "
             "or nic.dma<peer>");
    q.location = en->location;
    q.engine = en->engine;
    q.channel = en->channel;
    if (q.engine == EngineKind::kClusterDma && q.channel >= chip_.cluster.dma_queues)
      r.fail("engine", fmt::format("cluster DMA queue does not exist (queues 0..{})",
                                   chip_.cluster.dma_queues - 1));
    if (q.engine == EngineKind::kNicDma && !tray_peer_wired(chip_, q.channel))
      r.fail("engine", fmt::format("NIC DMA peer {} has no tray links (nic.tray_links has {} "
                                   "groups)",
                                   q.channel, chip_.nic.tray_links.size()));
    q.name = engine_name(q.location, q.engine, q.channel);
    if (q.location.kind == Location::Kind::kTile || q.location.kind == Location::Kind::kCluster) {
      if (q.location.cluster >= chip_.clusters)
        r.fail("engine",
               fmt::format("cluster does not exist (clusters 0..{})", chip_.clusters - 1));
      if (q.location.kind == Location::Kind::kTile &&
          q.location.tile >= chip_.enabled_tiles_per_cluster)
        r.fail("engine", fmt::format("tile does not exist (enabled tiles 0..{})",
                                     chip_.enabled_tiles_per_cluster - 1));
    }
    if (queue_names_.count(q.name)) r.fail("engine", "a queue for this engine is already declared");
    queue_names_.insert(q.name);
    for (auto& ir : r.array("instructions")) q.instructions.push_back(parse_instruction(ir, q));
    r.reject_unknown_keys();
    p_.queues.push_back(std::move(q));
  }

  Instruction parse_instruction(JsonReader& r, const Queue& q) {
    Instruction in;
    in.where = fmt::format("{}: {}", file_, r.path());
    const std::string op =
        r.choice("op", {"gemm", "vector", "copy", "multicast", "scalar", "command"});
    r.string_or("label", "");
    in.waits = parse_sem_ops(r, "wait", q.location);
    in.signals = parse_sem_ops(r, "signal", q.location);
    if (op == "gemm") {
      in.op = OpCode::kGemm;
      in.m = r.integer("m", 1, 1 << 24);
      in.n = r.integer("n", 1, 1 << 24);
      in.k = r.integer("k", 1, 1 << 24);
      const DType d = read_dtype(r, "dtype", DType::kBf16);
      in.a_dtype = read_dtype(r, "a_dtype", d);
      in.b_dtype = read_dtype(r, "b_dtype", d);
      in.c_dtype = read_dtype(r, "c_dtype", DType::kFp32);
      if (in.a_dtype == DType::kFp32 || in.b_dtype == DType::kFp32)
        r.fail("dtype", "the TTU takes fp4, fp8, bf16 or fp16 operands");
      in.accumulate = r.boolean_or("accumulate", false);
      in.a = parse_ref(r, "a");
      in.b = parse_ref(r, "b");
      in.c = parse_ref(r, "c");
    } else if (op == "vector") {
      in.op = OpCode::kVector;
      {
        std::vector<std::string> names;
        for (const auto& f : vector_functions()) names.push_back(f.name);
        in.function = r.choice("function", names);
      }
      in.elements = r.integer("elements", 1, INT64_MAX / 64);
      in.a_dtype = read_dtype(r, "dtype", DType::kBf16);
      in.c_dtype = read_dtype(r, "out_dtype", in.a_dtype);
      const Json& ins = r.child("inputs").node();
      if (!ins.is_array() || ins.empty() || ins.size() > 3)
        r.fail("inputs", "must be an array of 1 to 3 buffer references");
      for (std::size_t i = 0; i < ins.size(); ++i)
        in.operands.push_back(ref_from(ins[i], r.key_path(fmt::format("inputs[{}]", i))));
      in.inputs = static_cast<std::int64_t>(ins.size());
      in.c = parse_ref(r, "output");
    } else if (op == "copy" || op == "multicast") {
      in.op = op == "copy" ? OpCode::kCopy : OpCode::kMulticast;
      in.src = parse_ref(r, "src");
      in.dst = parse_ref(r, "dst");
      in.bytes = static_cast<std::uint64_t>(r.integer("bytes", 1, INT64_MAX));
      if (in.op == OpCode::kCopy) {
        in.convert = r.has("src_dtype") || r.has("dst_dtype");
        in.src_dtype = read_dtype(r, "src_dtype", DType::kFp8);
        in.dst_dtype = read_dtype(r, "dst_dtype", in.src_dtype);
      }
      if (r.has("pattern") && in.op == OpCode::kCopy) {
        JsonReader pr = r.object("pattern");
        const std::string kind = pr.choice("kind", {"sequential", "random"});
        in.pattern.random = kind == "random";
        in.pattern.access_bytes =
            static_cast<std::uint64_t>(pr.integer_or("access_bytes", 64, 1, 1 << 30));
        in.pattern.seed = static_cast<std::uint64_t>(pr.integer_or("seed", 1, 0, INT64_MAX));
        pr.reject_unknown_keys();
      }
      if (in.op == OpCode::kMulticast) {
        const Json& t = r.child("tiles").node();
        if (!t.is_array() || t.empty()) r.fail("tiles", "must be a non-empty array of tile names");
        for (const auto& e : t) {
          if (!e.is_string()) r.fail("tiles", "must be a non-empty array of tile names");
          const Location loc = parse_location(e.get<std::string>(), chip_, r, "tiles");
          if (loc.kind != Location::Kind::kTile || loc.cluster != q.location.cluster)
            r.fail("tiles", fmt::format("multicast reaches tiles of its own cluster c{} only",
                                        q.location.cluster));
          in.targets.push_back(loc);
        }
      }
    } else if (op == "scalar") {
      in.op = OpCode::kScalar;
      in.cycles = r.integer("cycles", 0, INT64_MAX / 1024);
    } else {
      in.op = OpCode::kCommand;
      in.bytes = static_cast<std::uint64_t>(r.integer_or("bytes", 64, 1, 1 << 20));
    }
    r.reject_unknown_keys();
    return in;
  }

  void resolve_semaphore_homes() {
    for (std::size_t i = 0; i < p_.semaphores.size(); ++i) {
      if (home_given_[i]) continue;
      const auto it = first_waiter_.find(static_cast<int>(i));
      if (it != first_waiter_.end()) p_.semaphores[i].home = it->second;
    }
  }

  std::string file_;
  const ChipConfig& chip_;
  Program p_;
  std::map<std::string, int> buffer_index_, sem_index_;
  std::vector<std::string> buffer_where_;
  std::vector<bool> home_given_;
  std::map<int, Location> first_waiter_;
  std::set<std::string> queue_names_;
};

[[noreturn]] void fail(const std::string& where, const std::string& rule) {
  throw InputError(fmt::format("{}: {}", where, rule));
}

std::uint64_t space_capacity(const Buffer& b, const ChipConfig& chip) {
  switch (b.space) {
    case MemorySpace::kHbm:
      return hbm_capacity_bytes(chip.hbm);
    case MemorySpace::kCsram:
      return static_cast<std::uint64_t>(chip.cluster.csram.bytes);
    case MemorySpace::kTsram:
      return static_cast<std::uint64_t>(chip.tile.tsram.bytes);
    case MemorySpace::kHost:
      return UINT64_MAX / 2;
  }
  return 0;
}

bool buffer_on_tile(const Buffer& b, const Location& tile) {
  return std::find(b.tiles.begin(), b.tiles.end(), tile) != b.tiles.end();
}

void check_operand(const Program& p, const Instruction& in, const char* what, const BufferRef& ref,
                   std::uint64_t bytes, MemorySpace want, const Location& at) {
  const Buffer& b = p.buffers[static_cast<std::size_t>(ref.buffer)];
  if (b.space != want)
    fail(in.where, fmt::format("{}: buffer '{}' is in {}, this engine needs it in {}", what, b.name,
                               memory_space_name(b.space), memory_space_name(want)));
  if (want == MemorySpace::kTsram && !buffer_on_tile(b, at))
    fail(in.where, fmt::format("{}: buffer '{}' has no copy on tile {}", what, b.name, at.text()));
  if (ref.offset + bytes > b.bytes)
    fail(in.where, fmt::format("{}: needs {} bytes at offset {} of buffer '{}', which has {} bytes",
                               what, bytes, ref.offset, b.name, b.bytes));
}

const Buffer& buf(const Program& p, const BufferRef& r) {
  return p.buffers[static_cast<std::size_t>(r.buffer)];
}

void validate_copy(const Program& p, const Instruction& in, const Queue& q) {
  const Buffer& s = buf(p, in.src);
  const Buffer& d = buf(p, in.dst);
  if (in.convert && q.engine != EngineKind::kTileDma)
    fail(in.where,
         "datatype conversion (src_dtype/dst_dtype) is done by the tile DMA only; cluster and "
         "host DMA copy bytes as they are");
  const std::uint64_t dst_bytes =
      in.convert ? converted_bytes(in.src_dtype, in.dst_dtype, in.bytes) : in.bytes;
  auto need = [&](MemorySpace src_space, MemorySpace dst_space, const Location& src_at,
                  const Location& dst_at) {
    // A random pattern scatters or gathers pieces anywhere in its HBM buffer.
    const bool src_random = in.pattern.random && src_space == MemorySpace::kHbm;
    const bool dst_random = in.pattern.random && dst_space == MemorySpace::kHbm;
    check_operand(p, in, "src", in.src, src_random ? 0 : in.bytes, src_space, src_at);
    check_operand(p, in, "dst", in.dst, dst_random ? 0 : dst_bytes, dst_space, dst_at);
  };
  const Location& at = q.location;
  switch (q.engine) {
    case EngineKind::kTileDma:
      if (s.space == MemorySpace::kTsram)
        need(MemorySpace::kTsram, MemorySpace::kCsram, at, at);
      else
        need(MemorySpace::kCsram, MemorySpace::kTsram, at, at);
      if ((s.space == MemorySpace::kCsram && s.cluster != at.cluster) ||
          (d.space == MemorySpace::kCsram && d.cluster != at.cluster))
        fail(in.where,
             fmt::format(
                 "tile DMA moves data between its TSRAM and the CSRAM of its own cluster c{}",
                 at.cluster));
      break;
    case EngineKind::kClusterDma: {
      const bool ok = (s.space == MemorySpace::kHbm && d.space == MemorySpace::kCsram) ||
                      (s.space == MemorySpace::kCsram && d.space == MemorySpace::kHbm) ||
                      (s.space == MemorySpace::kCsram && d.space == MemorySpace::kCsram);
      if (!ok)
        fail(in.where, fmt::format("cluster DMA copies hbm<->csram or csram->csram, got {} -> {}",
                                   memory_space_name(s.space), memory_space_name(d.space)));
      if ((s.space == MemorySpace::kCsram && d.space != MemorySpace::kCsram &&
           s.cluster != at.cluster) ||
          (d.space == MemorySpace::kCsram && s.space != MemorySpace::kCsram &&
           d.cluster != at.cluster) ||
          (s.space == MemorySpace::kCsram && d.space == MemorySpace::kCsram &&
           s.cluster != at.cluster))
        fail(in.where, fmt::format("cluster DMA of c{} reads or fills its own CSRAM", at.cluster));
      need(s.space, d.space, at, at);
      break;
    }
    case EngineKind::kNicDma:
      // Sends src to tray peer `channel`; the peer's mirrored send lands in dst (both in HBM).
      if (s.space != MemorySpace::kHbm || d.space != MemorySpace::kHbm)
        fail(in.where, fmt::format("NIC DMA copies hbm -> (tray peer) -> hbm, got {} -> {}",
                                   memory_space_name(s.space), memory_space_name(d.space)));
      need(s.space, d.space, at, at);
      break;
    case EngineKind::kHostDma: {
      const bool ok = (s.space == MemorySpace::kHost && d.space == MemorySpace::kHbm) ||
                      (s.space == MemorySpace::kHbm && d.space == MemorySpace::kHost);
      if (!ok)
        fail(in.where, fmt::format("host DMA copies host<->hbm, got {} -> {}",
                                   memory_space_name(s.space), memory_space_name(d.space)));
      need(s.space, d.space, at, at);
      break;
    }
    default:
      fail(in.where, "copy runs on a DMA engine");
  }
  if (in.pattern.random) {
    if (q.engine != EngineKind::kClusterDma ||
        (s.space == MemorySpace::kHbm) == (d.space == MemorySpace::kHbm))
      fail(in.where, "a random access pattern needs a cluster DMA copy between HBM and CSRAM");
    const bool src_side = s.space == MemorySpace::kHbm;
    const Buffer& h = src_side ? s : d;
    const std::uint64_t off = src_side ? in.src.offset : in.dst.offset;
    if (off >= h.bytes || in.pattern.access_bytes > h.bytes - off)
      fail(in.where,
           fmt::format(
               "pattern.access_bytes {} does not fit HBM buffer '{}' ({} bytes) after offset {}",
               in.pattern.access_bytes, h.name, h.bytes, off));
  }
}

}  // namespace

void validate_program(const Program& p, const ChipConfig& chip) {
  // Buffers: inside their memory, and no two overlap in the same memory instance.
  for (std::size_t i = 0; i < p.buffers.size(); ++i) {
    const Buffer& b = p.buffers[i];
    const std::uint64_t cap = space_capacity(b, chip);
    if (b.offset + b.bytes > cap || b.offset + b.bytes < b.offset)
      throw InputError(
          fmt::format("{}: buffer '{}': does not fit {}: offset {} + {} bytes > capacity {} bytes",
                      p.source, b.name, memory_space_name(b.space), b.offset, b.bytes, cap));
    for (std::size_t j = 0; j < i; ++j) {
      const Buffer& o = p.buffers[j];
      if (o.space != b.space || b.space == MemorySpace::kHost) continue;
      if (b.space == MemorySpace::kCsram && o.cluster != b.cluster) continue;
      if (b.space == MemorySpace::kTsram) {
        const bool share = std::any_of(b.tiles.begin(), b.tiles.end(),
                                       [&](const Location& t) { return buffer_on_tile(o, t); });
        if (!share) continue;
      }
      if (b.offset < o.offset + o.bytes && o.offset < b.offset + b.bytes)
        throw InputError(fmt::format("{}: buffer '{}' [{}, {}) overlaps buffer '{}' [{}, {}) in {}",
                                     p.source, b.name, b.offset, b.offset + b.bytes, o.name,
                                     o.offset, o.offset + o.bytes, memory_space_name(b.space)));
    }
  }
  // Semaphores: per tile / cluster hardware limits.
  std::map<std::string, std::int64_t> per_home;
  for (const auto& s : p.semaphores) {
    const std::int64_t limit = s.home.kind == Location::Kind::kTile      ? chip.tile.semaphores
                               : s.home.kind == Location::Kind::kCluster ? chip.cluster.semaphores
                                                                         : INT64_MAX;
    if (++per_home[s.home.text()] > limit)
      throw InputError(
          fmt::format("{}: semaphores: {} uses more than the {} hardware semaphores it has",
                      p.source, s.home.text(), limit));
  }
  // Instructions: op fits the engine, operands fit their buffers.
  for (const auto& q : p.queues) {
    if (q.engine == EngineKind::kNicDma && !tray_peer_wired(chip, q.channel))
      throw InputError(fmt::format("{}: queue {}: tray peer {} has no links in nic.tray_links",
                                   p.source, q.name, q.channel));
    for (const auto& in : q.instructions) {
      auto require_engine = [&](EngineKind k) {
        if (q.engine != k)
          fail(in.where, fmt::format("{} runs on a {} queue, not on {}", opcode_name(in.op),
                                     engine_kind_name(k), q.name));
      };
      switch (in.op) {
        case OpCode::kGemm: {
          require_engine(EngineKind::kTtu);
          const auto m = static_cast<std::uint64_t>(in.m), n = static_cast<std::uint64_t>(in.n),
                     k = static_cast<std::uint64_t>(in.k);
          check_operand(p, in, "a", in.a, dtype_bytes(in.a_dtype, m * k), MemorySpace::kTsram,
                        q.location);
          check_operand(p, in, "b", in.b, dtype_bytes(in.b_dtype, k * n), MemorySpace::kTsram,
                        q.location);
          check_operand(p, in, "c", in.c, dtype_bytes(in.c_dtype, m * n), MemorySpace::kTsram,
                        q.location);
          break;
        }
        case OpCode::kVector: {
          require_engine(EngineKind::kTvp);
          const auto e = static_cast<std::uint64_t>(in.elements);
          for (const auto& r : in.operands)
            check_operand(p, in, "inputs", r, dtype_bytes(in.a_dtype, e), MemorySpace::kTsram,
                          q.location);
          check_operand(p, in, "output", in.c, dtype_bytes(in.c_dtype, e), MemorySpace::kTsram,
                        q.location);
          break;
        }
        case OpCode::kCopy:
          validate_copy(p, in, q);
          break;
        case OpCode::kMulticast: {
          require_engine(EngineKind::kClusterDma);
          const Buffer& s = buf(p, in.src);
          if (s.space != MemorySpace::kCsram || s.cluster != q.location.cluster)
            fail(in.where, fmt::format("multicast reads the CSRAM of its own cluster c{}",
                                       q.location.cluster));
          check_operand(p, in, "src", in.src, in.bytes, MemorySpace::kCsram, q.location);
          for (const auto& t : in.targets)
            check_operand(p, in, "dst", in.dst, in.bytes, MemorySpace::kTsram, t);
          break;
        }
        case OpCode::kScalar:
          require_engine(EngineKind::kTcp);
          break;
        case OpCode::kCommand:
          require_engine(EngineKind::kHostCommand);
          break;
      }
    }
  }
}

Program parse_program(const Json& doc, const std::string& file, const ChipConfig& chip) {
  Program p = Parser(file, chip).parse(doc);
  validate_program(p, chip);
  return p;
}

Program load_program(const std::string& file, const ChipConfig& chip) {
  return parse_program(JsonReader::parse_file(file), file, chip);
}

}  // namespace maia

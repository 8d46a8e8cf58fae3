#include "maia/workload/op_trace.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/core/json_text.hpp"
#include "maia/program/vector_functions.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

constexpr const char* kFormat = "maia-op-trace";
constexpr std::int64_t kVersion = 1;
constexpr std::int64_t kMaxDim = std::int64_t{1} << 40;

const std::vector<std::string> kDtypes = {"fp4", "fp8", "bf16", "fp16", "fp32"};

DType read_dtype(JsonReader& r, const std::string& key) {
  return *parse_dtype(r.choice(key, kDtypes));
}

std::string name(DType t) { return std::string(dtype_name(t)); }

OJson shape_json(const OpShape& shape) {
  OJson j;
  if (const auto* g = std::get_if<GemmShape>(&shape)) {
    j = {{"m", g->m},
         {"n", g->n},
         {"k", g->k},
         {"a_dtype", name(g->a_dtype)},
         {"b_dtype", name(g->b_dtype)},
         {"out_dtype", name(g->out_dtype)}};
  } else if (const auto* a = std::get_if<AttentionShape>(&shape)) {
    OJson seqs = OJson::array();
    for (const auto& s : a->sequences)
      seqs.push_back(OJson{{"q_tokens", s.q_tokens}, {"kv_tokens", s.kv_tokens}});
    j = {{"heads", a->heads},   {"kv_heads", a->kv_heads},     {"head_dim", a->head_dim},
         {"window", a->window}, {"q_dtype", name(a->q_dtype)}, {"kv_dtype", name(a->kv_dtype)},
         {"sequences", seqs}};
    if (a->v_head_dim > 0) j["v_head_dim"] = a->v_head_dim;
    if (a->latent_kv) j["latent_kv"] = true;
    if (a->sinks) j["sinks"] = true;  // written only when set: older traces stay byte-equal
  } else if (const auto* c = std::get_if<CollectiveShape>(&shape)) {
    j = {{"kind", std::string(collective_kind_name(c->kind))},
         {"elements", c->elements},
         {"ranks", c->ranks},
         {"dtype", name(c->dtype)}};
  } else {
    const auto& v = std::get<VectorShape>(shape);
    j = {{"function", v.function},
         {"elements", v.elements},
         {"rows", v.rows},
         {"dtype", name(v.dtype)}};
  }
  return j;
}

OpShape read_gemm(JsonReader r) {
  GemmShape g;
  g.m = r.integer("m", 1, kMaxDim);
  g.n = r.integer("n", 1, kMaxDim);
  g.k = r.integer("k", 1, kMaxDim);
  g.a_dtype = read_dtype(r, "a_dtype");
  g.b_dtype = read_dtype(r, "b_dtype");
  g.out_dtype = read_dtype(r, "out_dtype");
  r.reject_unknown_keys();
  return g;
}

OpShape read_attention(JsonReader r) {
  AttentionShape a;
  a.heads = r.integer("heads", 1, 1 << 20);
  a.kv_heads = r.integer("kv_heads", 1, a.heads);
  if (a.heads % a.kv_heads != 0) r.fail("kv_heads", "must divide heads");
  a.head_dim = r.integer("head_dim", 1, 1 << 20);
  a.v_head_dim = r.integer_or("v_head_dim", 0, 1, 1 << 20);
  a.latent_kv = r.boolean_or("latent_kv", false);
  if (a.latent_kv && a.value_dim() > a.head_dim)
    r.fail("v_head_dim", fmt::format("a latent value is part of the key: must be at most head_dim "
                                     "({}), got {}",
                                     a.head_dim, a.value_dim()));
  a.window = r.integer_or("window", 0, 0, kMaxDim);
  a.sinks = r.boolean_or("sinks", false);
  a.q_dtype = read_dtype(r, "q_dtype");
  a.kv_dtype = read_dtype(r, "kv_dtype");
  for (auto& s : r.array("sequences")) {
    AttentionSequence seq;
    seq.q_tokens = s.integer("q_tokens", 1, kMaxDim);
    seq.kv_tokens = s.integer("kv_tokens", seq.q_tokens, kMaxDim);
    s.reject_unknown_keys();
    a.sequences.push_back(seq);
  }
  if (a.sequences.empty()) r.fail("sequences", "must list at least one sequence");
  r.reject_unknown_keys();
  return a;
}

OpShape read_vector(JsonReader r) {
  VectorShape v;
  std::vector<std::string> functions;
  for (const auto& f : vector_functions()) functions.push_back(f.name);
  v.function = r.choice("function", functions);
  v.elements = r.integer("elements", 1, kMaxDim);
  v.rows = r.integer_or("rows", 1, 1, v.elements);
  v.dtype = read_dtype(r, "dtype");
  r.reject_unknown_keys();
  return v;
}

OpShape read_collective(JsonReader r) {
  CollectiveShape c;
  const std::string kind = r.choice("kind", {"all_reduce", "all_gather", "all_to_all"});
  c.kind = kind == "all_reduce"   ? CollectiveKind::kAllReduce
           : kind == "all_gather" ? CollectiveKind::kAllGather
                                  : CollectiveKind::kAllToAll;
  c.elements = r.integer("elements", 1, kMaxDim);
  c.ranks = r.integer("ranks", 2, 64);
  if (c.kind != CollectiveKind::kAllToAll && c.elements % c.ranks != 0)
    r.fail("elements", fmt::format("must divide by ranks ({}), got {}", c.ranks, c.elements));
  c.dtype = read_dtype(r, "dtype");
  r.reject_unknown_keys();
  return c;
}

std::vector<int> read_deps(JsonReader& r, int index) {
  std::vector<int> deps;
  if (!r.has("deps")) {
    r.array("deps", false);  // mark as known
    return deps;
  }
  const Json& node = r.child("deps").node();
  if (!node.is_array()) r.fail("deps", "must be an array of operator indices");
  for (std::size_t i = 0; i < node.size(); ++i) {
    const Json& d = node[i];
    if (!d.is_number_integer() || d.get<std::int64_t>() < 0 || d.get<std::int64_t>() >= index)
      throw InputError(
          fmt::format("{}: {}[{}]: must be the index of an earlier operator (0..{}), got {}",
                      r.file(), r.key_path("deps"), i, index - 1, brief_json(d)));
    deps.push_back(static_cast<int>(d.get<std::int64_t>()));
  }
  return deps;
}

// A cost field given in the trace overrides the shape's generic cost. Bounded to 2^53 so that it
// is exact as a double (rooflines, reports) and any sum of them fits 64 bits.
std::uint64_t read_count(JsonReader& r, const std::string& key, std::uint64_t fallback) {
  constexpr std::int64_t kMaxCount = std::int64_t{1} << 53;
  return static_cast<std::uint64_t>(r.integer_or(
      key, static_cast<std::int64_t>(std::min<std::uint64_t>(fallback, kMaxCount)), 0, kMaxCount));
}

Operator read_operator(JsonReader& r, int index) {
  Operator op;
  op.name = r.string("name");
  if (op.name.empty()) r.fail("name", "must not be empty");
  op.layer = static_cast<int>(r.integer_or("layer", -1, -1, INT32_MAX));
  op.deps = read_deps(r, index);

  const std::vector<std::string> kinds = {"gemm", "attention", "vector", "collective"};
  std::string kind;
  for (const auto& k : kinds) {
    if (!r.has(k)) continue;
    if (!kind.empty())
      r.fail(k, fmt::format("an operator has one shape, it already has '{}'", kind));
    kind = k;
  }
  if (kind.empty())
    r.fail_here("an operator needs one shape: 'gemm', 'attention', 'vector' or 'collective'");
  if (kind == "gemm") op.shape = read_gemm(r.object("gemm"));
  if (kind == "attention") op.shape = read_attention(r.object("attention"));
  if (kind == "vector") op.shape = read_vector(r.object("vector"));
  if (kind == "collective") op.shape = read_collective(r.object("collective"));

  const std::string engine = r.choice_or("engine", "", {"ttu", "tvp", "ttu+tvp", "nic"});
  if (!engine.empty() && engine != engine_class_name(op.engine()))
    r.fail("engine",
           fmt::format("must be '{}' for a {} operator", engine_class_name(op.engine()), kind));

  check_operator_scale(op.shape, fmt::format("{}: {}", r.file(), r.path()));
  const OpCost g = generic_cost(op.shape);
  op.cost.flops = read_count(r, "flops", g.flops);
  op.cost.weight_bytes = read_count(r, "weight_bytes", g.weight_bytes);
  op.cost.activation_read_bytes = read_count(r, "activation_read_bytes", g.activation_read_bytes);
  op.cost.activation_write_bytes =
      read_count(r, "activation_write_bytes", g.activation_write_bytes);
  op.cost.kv_read_bytes = read_count(r, "kv_read_bytes", g.kv_read_bytes);
  op.cost.kv_write_bytes = read_count(r, "kv_write_bytes", g.kv_write_bytes);
  op.cost.network_bytes = read_count(r, "network_bytes", g.network_bytes);
  op.signature = r.string_or("signature", op_signature(op.name, op.shape));
  r.reject_unknown_keys();
  return op;
}

}  // namespace

OJson op_trace_to_json(const OperatorGraph& g) {
  OJson ops = OJson::array();
  for (const auto& op : g.ops) {
    OJson j;
    j["name"] = op.name;
    j["layer"] = op.layer;
    j["engine"] = std::string(engine_class_name(op.engine()));
    j["deps"] = op.deps;
    j[std::string(op.kind())] = shape_json(op.shape);
    j["flops"] = op.cost.flops;
    j["weight_bytes"] = op.cost.weight_bytes;
    j["activation_read_bytes"] = op.cost.activation_read_bytes;
    j["activation_write_bytes"] = op.cost.activation_write_bytes;
    j["kv_read_bytes"] = op.cost.kv_read_bytes;
    j["kv_write_bytes"] = op.cost.kv_write_bytes;
    if (op.cost.network_bytes > 0) j["network_bytes"] = op.cost.network_bytes;
    j["signature"] = op.signature;
    ops.push_back(std::move(j));
  }
  OJson doc;
  doc["format"] = kFormat;
  doc["version"] = kVersion;
  doc["name"] = g.name;
  doc["operators"] = std::move(ops);
  return doc;
}

void write_op_trace(const OperatorGraph& g, const std::string& file) {
  std::ofstream out(file);
  if (!out) throw InputError(fmt::format("{}: cannot write file", file));
  out << op_trace_to_json(g).dump(1) << "\n";
  if (!out) throw InputError(fmt::format("{}: write failed", file));
}

OperatorGraph parse_op_trace(const Json& doc, const std::string& file) {
  JsonReader top(doc, file, "");
  top.choice("format", {kFormat});
  top.integer("version", kVersion, kVersion);
  OperatorGraph g;
  g.name = top.string_or("name", file);
  top.string_or("description", "");
  int index = 0;
  for (auto& r : top.array("operators")) g.ops.push_back(read_operator(r, index++));
  top.reject_unknown_keys();
  return g;
}

OperatorGraph read_op_trace(const std::string& file) {
  return parse_op_trace(JsonReader::parse_file(file), file);
}

}  // namespace maia

#include "maia/cache/measurement_codec.hpp"

#include <concepts>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>
#include <xxhash.h>
#include <nlohmann/json.hpp>

namespace maia {
namespace {

using Json = nlohmann::ordered_json;

// Every field of OpMeasurement, once: encode and decode both walk this list. A field added to
// OpMeasurement changes its size and stops the static_assert below until it is listed here (and
// kCacheFormatVersion bumped, so entries without it are re-measured). Strings, bools, int,
// int64, uint64 and double fields need one line each. A nested struct (say an Activity of event
// counts) gets its own visit_fields overload above this one, listing its fields the same way,
// and one line here, v("activity", m.activity): the visitors write and read it as a JSON object.
// The operator's event counts (maia/report/activity.hpp), the energy model's input.
template <typename A, typename V>
requires std::same_as<std::remove_const_t<A>, Activity>
void visit_fields(A& a, V&& v) {
  v("macs_fp4", a.macs_fp4);
  v("macs_fp8", a.macs_fp8);
  v("macs_bf16", a.macs_bf16);
  v("vector_ops", a.vector_ops);
  v("near_sram_read_bytes", a.near_sram_read_bytes);
  v("near_sram_write_bytes", a.near_sram_write_bytes);
  v("far_sram_read_bytes", a.far_sram_read_bytes);
  v("far_sram_write_bytes", a.far_sram_write_bytes);
  v("noc_byte_hops", a.noc_byte_hops);
  v("hbm_activates", a.hbm_activates);
  v("hbm_read_bytes", a.hbm_read_bytes);
  v("hbm_write_bytes", a.hbm_write_bytes);
  v("hbm_refreshes", a.hbm_refreshes);
  v("network_bytes", a.network_bytes);
  v("pcie_bytes", a.pcie_bytes);
}
static_assert(sizeof(Activity) == 15 * sizeof(double),
              "Activity changed: list the new field in its visit_fields, bump "
              "kCacheFormatVersion, then update this size");

template <typename M, typename V>
void visit_fields(M& m, V&& v) {
  v("name", m.name);
  v("layer", m.layer);
  v("kind", m.kind);
  v("signature", m.signature);
  v("time_ns", m.time_ns);
  v("flops", m.flops);
  v("hbm_bytes", m.hbm_bytes);
  v("sram_bytes", m.sram_bytes);
  v("compute_ns", m.compute_ns);
  v("memory_ns", m.memory_ns);
  v("network_ns", m.network_ns);
  v("roofline_ns", m.roofline_ns);
  v("network_bytes", m.network_bytes);
  v("network_ports", m.network_ports);
  v("bound", m.bound);
  v("bound_utilisation", m.bound_utilisation);
  v("reused", m.reused);
  v("prefetched", m.prefetched);
  v("prefetches_next", m.prefetches_next);
  v("weights_resident", m.weights_resident);
  v("start_ns", m.start_ns);
  v("finish_ns", m.finish_ns);
  v("overlap_ns", m.overlap_ns);
  v("window", m.window);
  v("fidelity", m.fidelity);
  v("algorithm", m.algorithm);
  v("tier", m.tier);
  v("collective", m.collective);
  v("activity", m.activity);
}
static_assert(sizeof(OpMeasurement) == 392 + sizeof(Activity),
              "OpMeasurement changed: list the new field in visit_fields, bump "
              "kCacheFormatVersion, then update this size");

// Doubles travel as their exact bit pattern (16 hex digits), so every value, infinities and
// NaN payloads included, comes back bit for bit.
std::string double_bits(double d) {
  std::uint64_t u = 0;
  static_assert(sizeof u == sizeof d);
  std::memcpy(&u, &d, sizeof d);
  return fmt::format("{:016x}", u);
}

struct Encoder {
  Json& out;
  void operator()(const char* key, const std::string& s) { out[key] = s; }
  void operator()(const char* key, int i) { out[key] = i; }
  void operator()(const char* key, bool b) { out[key] = b; }
  void operator()(const char* key, std::int64_t i) { out[key] = i; }
  void operator()(const char* key, std::uint64_t u) { out[key] = u; }
  void operator()(const char* key, double d) { out[key] = double_bits(d); }
  template <typename Nested>
  requires std::is_class_v<Nested>
  void operator()(const char* key, const Nested& n) {
    Json j = Json::object();
    visit_fields(n, Encoder{j});
    out[key] = std::move(j);
  }
};

struct BadEntry {};

struct Decoder {
  const Json& in;
  const Json& at(const char* key) {
    const auto it = in.find(key);
    if (it == in.end()) throw BadEntry{};
    return *it;
  }
  void operator()(const char* key, std::string& s) {
    const Json& j = at(key);
    if (!j.is_string()) throw BadEntry{};
    s = j.get<std::string>();
  }
  void operator()(const char* key, int& i) {
    const Json& j = at(key);
    if (!j.is_number_integer()) throw BadEntry{};
    i = j.get<int>();
  }
  void operator()(const char* key, bool& b) {
    const Json& j = at(key);
    if (!j.is_boolean()) throw BadEntry{};
    b = j.get<bool>();
  }
  void operator()(const char* key, std::int64_t& i) {
    const Json& j = at(key);
    if (!j.is_number_integer()) throw BadEntry{};
    i = j.get<std::int64_t>();
  }
  void operator()(const char* key, std::uint64_t& u) {
    const Json& j = at(key);
    if (!j.is_number_unsigned()) throw BadEntry{};
    u = j.get<std::uint64_t>();
  }
  template <typename Nested>
  requires std::is_class_v<Nested>
  void operator()(const char* key, Nested& n) {
    const Json& j = at(key);
    if (!j.is_object()) throw BadEntry{};
    visit_fields(n, Decoder{j});
  }
  void operator()(const char* key, double& d) {
    const Json& j = at(key);
    if (!j.is_string() || j.get_ref<const std::string&>().size() != 16) throw BadEntry{};
    std::uint64_t u = 0;
    for (char c : j.get_ref<const std::string&>()) {
      const int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (x < 0) throw BadEntry{};
      u = u << 4 | static_cast<std::uint64_t>(x);
    }
    std::memcpy(&d, &u, sizeof d);
  }
};

constexpr std::string_view kMagic = "maia-sim-cache";

std::string checksum(std::string_view body) {
  return fmt::format("{:016x}", XXH3_64bits(body.data(), body.size()));
}

}  // namespace

std::string encode_cache_entry(const CacheEntry& entry) {
  Json ms = Json::array();
  for (const OpMeasurement& m : entry.measurements) {
    Json j = Json::object();
    visit_fields(m, Encoder{j});
    ms.push_back(std::move(j));
  }
  Json body_json;
  body_json["description"] = entry.description;
  body_json["measurements"] = std::move(ms);
  const std::string body = body_json.dump();
  return fmt::format("{} {} {} {}\n{}", kMagic, kCacheFormatVersion, body.size(), checksum(body),
                     body);
}

std::optional<CacheEntry> decode_cache_entry(std::string_view bytes) {
  const auto eol = bytes.find('\n');
  if (eol == std::string_view::npos) return std::nullopt;
  const std::string_view body = bytes.substr(eol + 1);
  const std::string expected_header =
      fmt::format("{} {} {} {}", kMagic, kCacheFormatVersion, body.size(), checksum(body));
  if (bytes.substr(0, eol) != expected_header) return std::nullopt;
  try {
    const Json j = Json::parse(body);
    CacheEntry e;
    const Json& d = j.at("description");
    if (!d.is_string()) return std::nullopt;
    e.description = d.get<std::string>();
    const Json& ms = j.at("measurements");
    if (!ms.is_array()) return std::nullopt;
    for (const Json& mj : ms) {
      if (!mj.is_object()) return std::nullopt;
      OpMeasurement m;
      visit_fields(m, Decoder{mj});
      e.measurements.push_back(std::move(m));
    }
    return e;
  } catch (const BadEntry&) {
    return std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace maia

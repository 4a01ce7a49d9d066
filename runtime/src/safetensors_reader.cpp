#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnc/file_io.h"
#include "nnc/safetensors.h"

namespace nnc {
namespace {

using json = nlohmann::json;

constexpr uint64_t max_header_size = 100'000'000;
constexpr std::size_t max_depth = 64;

int64_t dtype_size(const std::string& dtype) {
  static const std::map<std::string, int64_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"F8_E8M0", 1}, {"I16", 2}, {"U16", 2},
      {"F16", 2},  {"BF16", 2}, {"I32", 4}, {"U32", 4},     {"F32", 4},     {"F64", 8},     {"I64", 8}, {"U64", 8},
      {"C64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

struct HeaderProblem {
  std::string message;
};

// nlohmann's message without its "[json.exception...] " prefix and without the text it quotes ("last read: '...'"),
// which may be any bytes of a file that is not safetensors at all.
std::string json_problem(std::string_view what) {
  if (auto prefix = what.find("] "); prefix != std::string_view::npos) what.remove_prefix(prefix + 2);
  std::string message(what);
  const std::string_view quote = "; last read: '";
  if (auto start = message.find(quote); start != std::string::npos) {
    auto end = message.rfind("'; expected ");
    message.erase(start, end == std::string::npos || end < start + quote.size() ? std::string::npos : end + 1 - start);
  }
  return message;
}

// JSON as the reference reads it. nlohmann alone would keep one of two equal keys without a word and would stop
// at a NUL byte as if the text ended there.
Result<json> parse_json(std::string_view text) {
  if (auto nul = text.find('\0'); nul != std::string_view::npos) return Error{fmt::format("a NUL byte at offset {}", nul)};
  std::vector<std::set<std::string>> open;  // the keys seen so far in each enclosing object (or array)
  // Duplicates are caught as the keys stream past; nesting is bounded before it can exhaust memory.
  auto watch = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (open.size() == max_depth) throw HeaderProblem{fmt::format("JSON nested deeper than {} levels", max_depth)};
        open.emplace_back();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end: open.pop_back(); break;
      case json::parse_event_t::key:
        if (!open.back().insert(parsed.get<std::string>()).second)
          throw HeaderProblem{fmt::format("duplicate key {}", parsed.dump())};
        break;
      case json::parse_event_t::value: break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), watch);
  } catch (const HeaderProblem& p) {
    return Error{p.message};
  } catch (const json::exception& e) {
    return Error{json_problem(e.what())};
  }
}

// A JSON integer in [0, INT64_MAX], else a message saying what it is instead.
Result<int64_t> non_negative(const json& v) {
  if (v.is_number_unsigned() && v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v.get<uint64_t>());
  if (v.is_number_unsigned()) return Error{fmt::format("{} does not fit in 64-bit signed integers", v.dump())};
  if (v.is_number_integer()) return Error{fmt::format("{} is negative", v.dump())};
  return Error{fmt::format("{} is not an integer", v.dump())};
}

Result<std::vector<int64_t>> integer_list(const json& entry, const char* field) {
  auto it = entry.find(field);
  if (it == entry.end()) return Error{fmt::format("has no \"{}\"", field)};
  if (!it->is_array()) return Error{fmt::format("\"{}\" is {}, expected a list of integers", field, it->dump())};
  std::vector<int64_t> out;
  for (const json& v : *it) {
    auto n = non_negative(v);
    if (!n) return Error{fmt::format("\"{}\": {}", field, n.error().message)};
    out.push_back(*n);
  }
  return out;
}

Result<SafetensorsEntry> parse_entry(const json& entry) {
  if (!entry.is_object()) return Error{fmt::format("is {}, expected an object with dtype, shape and data_offsets", entry.dump())};
  auto dtype = entry.find("dtype");
  if (dtype == entry.end()) return Error{"has no \"dtype\""};
  if (!dtype->is_string() || dtype_size(dtype->get<std::string>()) == 0)
    return Error{fmt::format("has an unknown dtype {}", dtype->dump())};
  auto shape = integer_list(entry, "shape");
  if (!shape) return shape.error();
  auto offsets = integer_list(entry, "data_offsets");
  if (!offsets) return offsets.error();
  if (offsets->size() != 2)
    return Error{fmt::format("\"data_offsets\" has {} values, expected two: [begin, end]", offsets->size())};

  SafetensorsEntry e{.dtype = dtype->get<std::string>(), .shape = *shape, .begin = (*offsets)[0], .end = (*offsets)[1]};
  auto count = element_count(e.shape);
  auto bytes = count ? checked::mul(*count, dtype_size(e.dtype)) : std::nullopt;
  if (!bytes) return Error{fmt::format("shape {} of {} overflows 64-bit byte counts", to_string(e.shape), e.dtype)};
  if (e.end < e.begin) return Error{fmt::format("data_offsets [{}, {}] end before they begin", e.begin, e.end)};
  if (e.end - e.begin != *bytes)
    return Error{fmt::format("dtype {} and shape {} need {} bytes, but data_offsets [{}, {}] hold {}", e.dtype,
                             to_string(e.shape), *bytes, e.begin, e.end, e.end - e.begin)};
  return e;
}

Result<std::map<std::string, std::string>> parse_metadata(const json& value) {
  std::map<std::string, std::string> metadata;
  if (value.is_null()) return metadata;
  if (!value.is_object()) return Error{fmt::format("\"__metadata__\" is {}, expected an object of strings", value.dump())};
  for (const auto& [key, v] : value.items()) {
    if (!v.is_string())
      return Error{fmt::format("\"__metadata__\" maps \"{}\" to {}, expected a string", key, v.dump())};
    metadata[key] = v.get<std::string>();
  }
  return metadata;
}

// The header size in a file's first 8 bytes, within the limit and the file's `file_size` bytes. The size is not
// shown: in a file that is not safetensors at all, those bytes are whatever the file holds.
Result<uint64_t> header_size(std::string_view first, uint64_t file_size, const std::string& name) {
  auto fail = [&](const std::string& message) { return Error{fmt::format("{}: {}", name, message)}; };
  if (file_size < 8)
    return fail(fmt::format("not a safetensors file: {} bytes, shorter than the 8-byte header size", file_size));
  uint64_t size = 0;
  for (int i = 7; i >= 0; --i) size = size << 8 | static_cast<unsigned char>(first[i]);
  if (size > max_header_size)
    return fail(fmt::format("not a safetensors file: the header size in its first 8 bytes is above the limit of {} bytes",
                            max_header_size));
  if (size > file_size - 8)
    return fail(fmt::format("truncated, or not a safetensors file: the header size in its first 8 bytes is more than the {} "
                            "bytes that follow them",
                            file_size - 8));
  return size;
}

}  // namespace

Result<SafetensorsFile> SafetensorsFile::parse_header(std::string_view text, uint64_t data_size, std::string name) {
  auto fail = [&](const std::string& message) { return Error{fmt::format("{}: {}", name, message)}; };
  if (text.empty() || text[0] != '{') return fail("the header does not start with '{'");
  auto header = parse_json(text);
  if (!header) return fail("invalid JSON header: " + header.error().message);

  SafetensorsFile file;
  std::vector<std::pair<SafetensorsEntry, std::string>> by_offset;
  for (const auto& [key, value] : header->items()) {
    if (key == "__metadata__") {
      auto metadata = parse_metadata(value);
      if (!metadata) return fail(metadata.error().message);
      file.metadata_ = std::move(*metadata);
      continue;
    }
    auto entry = parse_entry(value);
    if (!entry) return fail(fmt::format("tensor '{}' {}", key, entry.error().message));
    by_offset.emplace_back(*entry, key);
    file.entries_.emplace(key, std::move(*entry));
  }

  std::sort(by_offset.begin(), by_offset.end(),
            [](const auto& a, const auto& b) { return std::pair(a.first.begin, a.first.end) < std::pair(b.first.begin, b.first.end); });
  int64_t covered = 0;
  std::string previous;
  for (const auto& [entry, key] : by_offset) {
    if (entry.begin != covered)
      return fail(fmt::format("tensor '{}' has data_offsets [{}, {}], but the data must continue at byte {} ({}): "
                              "tensors must be contiguous and must not overlap",
                              key, entry.begin, entry.end, covered,
                              previous.empty() ? "the start" : fmt::format("the end of '{}'", previous)));
    covered = entry.end;
    previous = key;
  }
  if (static_cast<uint64_t>(covered) != data_size)
    return fail(fmt::format("the tensors cover {} bytes, but the data section has {}", covered, data_size));
  file.name_ = std::move(name);
  return file;
}

Result<SafetensorsFile> SafetensorsFile::parse(std::string bytes, std::string name) {
  auto size = header_size(bytes, bytes.size(), name);
  if (!size) return size.error();
  auto file = parse_header(std::string_view(bytes).substr(8, *size), bytes.size() - 8 - *size, std::move(name));
  if (!file) return file;
  file->data_start_ = 8 + *size;
  file->bytes_ = std::move(bytes);
  return file;
}

Result<SafetensorsFile> SafetensorsFile::read(const std::string& path) {
  auto in = InputFile::open(path);
  if (!in) return in.error();
  // Each part is read only once what came before it has said how large it is, and the file is that large.
  auto first = in->read(std::min<uint64_t>(8, in->size()));
  if (!first) return first.error();
  auto size = header_size(*first, in->size(), path);
  if (!size) return size.error();
  auto header = in->read(*size);
  if (!header) return header.error();
  auto file = parse_header(*header, in->size() - in->position(), path);
  if (!file) return file;
  auto data = in->read(in->size() - in->position());
  if (!data) return data.error();
  file->bytes_ = std::move(*data);
  return file;
}

Result<Tensor> SafetensorsFile::tensor(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return Error{fmt::format("{}: no tensor '{}'", name_, key)};
  const SafetensorsEntry& e = it->second;
  if (e.dtype != "F32")
    return Error{fmt::format("{}: tensor '{}' has dtype {}, expected F32 (float32)", name_, key, e.dtype)};
  auto tensor = Tensor::create(e.shape);
  if (!tensor) return Error{fmt::format("{}: tensor '{}': {}", name_, key, tensor.error().message)};
  if (e.end > e.begin)
    std::memcpy(tensor->data(), bytes_.data() + data_start_ + e.begin, static_cast<std::size_t>(e.end - e.begin));
  return tensor;
}

}  // namespace nnc

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnc/file_io.h"
#include "nnc/safetensors.h"

namespace nnc {
namespace {

// The 8-byte size and the JSON header, padded with spaces so the data starts at a multiple of 8. The header is
// written entry by entry: an ordered_json object looks every new key up in a list, quadratic in the number of tensors.
Result<std::string> header(const std::map<std::string, Tensor>& tensors, const std::map<std::string, std::string>& metadata) {
  std::string text = "{";
  auto add = [&text](const std::string& key, const nlohmann::ordered_json& value) {
    if (text.size() > 1) text += ',';
    text += nlohmann::ordered_json(key).dump() + ':' + value.dump();
  };
  int64_t offset = 0;
  try {
    if (!metadata.empty()) add("__metadata__", metadata);
    for (const auto& [key, tensor] : tensors) {
      if (key == "__metadata__") return Error{"a tensor cannot be called \"__metadata__\""};
      const int64_t end = offset + static_cast<int64_t>(tensor.bytes().size());
      add(key, {{"dtype", "F32"}, {"shape", tensor.shape()}, {"data_offsets", {offset, end}}});
      offset = end;
    }
  } catch (const nlohmann::json::type_error&) {
    return Error{"a tensor key or metadata string is not valid UTF-8"};
  }
  text += '}';
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(static_cast<uint64_t>(text.size()) >> (8 * i) & 0xff);
  return out + text;
}

}  // namespace

Result<std::string> encode_safetensors(const std::map<std::string, Tensor>& tensors,
                                       const std::map<std::string, std::string>& metadata) {
  auto out = header(tensors, metadata);
  if (!out) return out;
  for (const auto& [key, tensor] : tensors) out->append(tensor.bytes());
  return out;
}

Status write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                         const std::map<std::string, std::string>& metadata) {
  auto head = header(tensors, metadata);
  if (!head) return Error{fmt::format("cannot write '{}': {}", path, head.error().message)};
  std::vector<std::string_view> pieces{*head};
  for (const auto& [key, tensor] : tensors) pieces.push_back(tensor.bytes());
  return write_file_atomically(path, pieces);
}

}  // namespace nnc

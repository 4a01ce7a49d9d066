#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnc/file_io.h"
#include "nnc/safetensors.h"

namespace nnc {
namespace {

// The 8-byte size and the JSON header, padded with spaces so the data starts at a multiple of 8.
Result<std::string> header(const std::map<std::string, Tensor>& tensors, const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  if (!metadata.empty()) h["__metadata__"] = metadata;
  int64_t offset = 0;
  for (const auto& [key, tensor] : tensors) {
    if (key == "__metadata__") return Error{"a tensor cannot be called \"__metadata__\""};
    const int64_t end = offset + static_cast<int64_t>(tensor.bytes().size());
    h[key] = {{"dtype", "F32"}, {"shape", tensor.shape()}, {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string text;
  try {
    text = h.dump();
  } catch (const nlohmann::json::type_error&) {
    return Error{"a tensor key or metadata string is not valid UTF-8"};
  }
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

#include "driver/model_loader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "frontend/model_reader.h"
#include "graph/shape_inference.h"

namespace nnc {
namespace {

// Model files are a few kilobytes; anything this large is not one.
constexpr std::uintmax_t kMaxModelBytes = 16u << 20;

std::optional<std::string> read_file(const std::string& path, DiagnosticEngine& diags) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    diags.error("io-error", {}, fmt::format("cannot read '{}': no such file", path));
    return std::nullopt;
  }
  if (std::filesystem::is_directory(status)) {
    diags.error("io-error", {}, fmt::format("cannot read '{}': it is a directory", path));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error("io-error", {}, fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
    return std::nullopt;
  }
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxModelBytes) {
      diags.error("io-error", {}, fmt::format("cannot read '{}': it is larger than {} MiB, too large for a model file", path, kMaxModelBytes >> 20));
      return std::nullopt;
    }
  }
  if (in.bad()) {
    diags.error("io-error", {}, fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
    return std::nullopt;
  }
  return text;
}

}  // namespace

LoadedModel load_model_text(const std::string& path, std::string text) {
  LoadedModel model;
  model.path = path;
  model.source.emplace(path, std::move(text));
  model.graph = read_model(*model.source, std::filesystem::path(path).stem().string(), model.diags);
  infer_shapes(model.graph, model.diags);
  return model;
}

LoadedModel load_model(const std::string& path) {
  DiagnosticEngine diags;
  auto text = read_file(path, diags);
  if (!text) {
    LoadedModel model;
    model.path = path;
    model.diags = std::move(diags);
    return model;
  }
  return load_model_text(path, std::move(*text));
}

}  // namespace nnc

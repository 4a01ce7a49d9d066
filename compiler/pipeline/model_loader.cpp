#include "pipeline/model_loader.h"

#include <fmt/format.h>

#include <filesystem>

#include "frontend/model_reader.h"
#include "graph/shape_inference.h"
#include "nnc/file_io.h"
#include "ops/registry.h"

namespace nnc {
namespace {

// Model files are a few kilobytes; anything this large is not one.
constexpr std::uintmax_t kMaxModelBytes = 16u << 20;

std::optional<std::string> read_file(const std::string& path, DiagnosticEngine& diags) {
  auto fail = [&](const std::string& message) {
    diags.error("io-error", {}, message);
    return std::nullopt;
  };
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::status(path, ec))) return fail(fmt::format("cannot read '{}': no such file", path));
  auto file = InputFile::open(path);
  if (!file) return fail(file.error().message);
  if (file->size() > kMaxModelBytes)
    return fail(fmt::format("cannot read '{}': it is larger than {} MiB, too large for a model file", path, kMaxModelBytes >> 20));
  auto text = file->read(file->size());
  if (!text) return fail(text.error().message);
  return std::move(*text);
}

}  // namespace

LoadedModel load_model_text(const std::string& path, std::string text, const ReadOptions& options) {
  LoadedModel model;
  model.path = path;
  model.source.emplace(path, std::move(text));
  model.graph = read_model(*model.source, std::filesystem::path(path).stem().string(), op_registry().schemas(), model.diags, options);
  infer_shapes(model.graph, model.diags);
  return model;
}

LoadedModel load_model(const std::string& path, const ReadOptions& options) {
  DiagnosticEngine diags;
  auto text = read_file(path, diags);
  if (!text) {
    LoadedModel model;
    model.path = path;
    model.diags = std::move(diags);
    return model;
  }
  return load_model_text(path, std::move(*text), options);
}

}  // namespace nnc

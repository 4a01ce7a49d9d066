// A model file's text and its lines, which diagnostics quote after the file's LoadedModel has moved.
#include <catch2/catch.hpp>

#include <optional>

#include "frontend/source_file.h"
#include "model_helpers.h"

using namespace nnc::testing;

TEST_CASE("a short file's lines survive moving and copying it", "[frontend]") {
  // Short strings keep their characters inside the std::string object, which a move copies elsewhere.
  std::optional<nnc::SourceFile> moved;
  {
    nnc::SourceFile file("s.yaml", "hello\nab\n");
    moved.emplace(std::move(file));
  }
  CHECK(moved->line(1) == "hello");
  CHECK(moved->line(2) == "ab");
  nnc::SourceFile copy = *moved;
  moved.reset();
  CHECK(copy.line(1) == "hello");
  CHECK(copy.text() == "hello\nab\n");
}

TEST_CASE("a LoadedModel moved after loading quotes its own lines", "[frontend]") {
  for (const std::string text : {"hello\n", "x", "layers: 5\n", "input: {shape: [1, 2]}\nlayers: [{op: relu, bad: 1}]\n"}) {
    INFO(text);
    nnc::LoadedModel model;
    model = check_yaml(text);  // move-assigned, as prepare_model does
    nnc::LoadedModel moved = std::move(model);
    REQUIRE(moved.diags.has_errors());
    const nnc::Diagnostic d = moved.diags.sorted().front();
    const std::string_view line = moved.source->line(d.loc.line);
    CHECK(text.find(std::string(line)) != std::string::npos);
    CHECK_FALSE(line.empty());
  }
}

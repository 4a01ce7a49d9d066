// The table of diagnostic codes, notes in every rendering, and the one internal-error path.
#include <catch2/catch.hpp>

#include <sstream>

#include "model_helpers.h"
#include "pipeline/report.h"
#include "support/internal_error.h"

using namespace nnc::testing;
using nnc::DiagnosticNote;
using nnc::ErrorCode;
using nnc::InternalError;
using nnc::WarningCode;

namespace {

// A clean model with one error added by hand, carrying a note at a position and one without.
nnc::LoadedModel model_with_notes() {
  nnc::LoadedModel m = check_yaml("input: {shape: [1, 4]}\nlayers:\n  - {op: relu, name: r}\n");
  REQUIRE(m.diags.all().empty());
  m.diags.error("rank-mismatch", {3, 5, 19}, "relu 'r': a message", "a help",
                {{{1, 1, 5}, "in instance layer2.0"}, {{}, "while expanding the blocks"}});
  return m;
}

}  // namespace

TEST_CASE("the table declares each code once, in lowercase words joined by hyphens", "[diagnostics]") {
  for (size_t i = 0; i < nnc::kDiagCodes.size(); ++i) {
    const nnc::DiagCodeInfo& code = nnc::kDiagCodes[i];
    INFO(code.name);
    CHECK(nnc::diag_code_index(code.name) == i);
    CHECK_FALSE(code.meaning.empty());
    CHECK(code.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos);
    CHECK(code.name.front() != '-');
    CHECK(code.name.back() != '-');
  }
}

TEST_CASE("a code named at run time must be in the table with its severity", "[diagnostics]") {
  CHECK(ErrorCode::named("in-channels-mismatch").name() == "in-channels-mismatch");
  CHECK(WarningCode::named("unused-layer").info().severity == nnc::Severity::Warning);
  CHECK_THROWS_AS(ErrorCode::named("no-such-code"), InternalError);
  CHECK_THROWS_WITH(ErrorCode::named("unused-layer"), Catch::Contains("this is a bug in nnc") && Catch::Contains("'unused-layer'"));
  CHECK_THROWS_AS(WarningCode::named("rank-mismatch"), InternalError);
}

TEST_CASE("internal_error throws the one InternalError, which says whose bug it is", "[diagnostics]") {
  CHECK_THROWS_AS(nnc::internal_error("x"), InternalError);
  CHECK_THROWS_WITH(nnc::internal_error("the arena is 0 bytes"), "this is a bug in nnc: the arena is 0 bytes");
}

TEST_CASE("notes follow the error and its help in text, with a caret when they have a position", "[diagnostics]") {
  std::ostringstream out;
  nnc::print_diagnostics(out, model_with_notes(), nnc::TextStyle{false});
  CHECK(out.str() ==
        "test.yaml:3:5: error: relu 'r': a message [rank-mismatch]\n"
        "    3 |   - {op: relu, name: r}\n"
        "      |     ^~~~~~~~~~~~~~~~~~~\n"
        "test.yaml:3:5: help: a help\n"
        "test.yaml:1:1: note: in instance layer2.0\n"
        "    1 | input: {shape: [1, 4]}\n"
        "      | ^~~~~\n"
        "test.yaml: note: while expanding the blocks\n");
}

TEST_CASE("notes are a JSON array only on diagnostics that have them", "[diagnostics]") {
  nnc::LoadedModel m = model_with_notes();
  m.diags.warning("unused-layer", {3, 5, 1}, "a warning without notes");
  const auto json = nnc::model_json(m, false);
  const auto& diagnostics = json["diagnostics"];
  REQUIRE(diagnostics.size() == 2);  // at one position: in the order reported
  CHECK(diagnostics[0]["notes"] == nlohmann::ordered_json::parse(R"([{"message": "in instance layer2.0", "line": 1, "column": 1},
                                                                     {"message": "while expanding the blocks", "line": 0, "column": 0}])"));
  CHECK(diagnostics[1]["code"] == "unused-layer");
  CHECK_FALSE(diagnostics[1].contains("notes"));
}

TEST_CASE("GitHub annotations fold the notes into the message", "[diagnostics]") {
  std::ostringstream out;
  nnc::print_github_annotations(out, model_with_notes());
  CHECK(out.str() ==
        "::error file=test.yaml,line=3,col=5,title=nnc rank-mismatch::relu 'r': a message%0Ahelp: a help"
        "%0Anote: line 1, column 1: in instance layer2.0%0Anote: while expanding the blocks\n");
}

TEST_CASE("one mistake reached through two instances is reported for each", "[diagnostics]") {
  nnc::DiagnosticEngine diags;
  for (int repeat = 0; repeat < 2; ++repeat)
    for (const char* instance : {"in instance layer1.0", "in instance layer1.1"})
      diags.error("rank-mismatch", {7, 3, 1}, "the same message", "", {{{2, 1, 1}, instance}});
  diags.error("rank-mismatch", {7, 3, 1}, "the same message");
  CHECK(diags.error_count() == 3);
}

// nnc's shape inference against PyTorch's, case by case: shape_table.json, written by
// gen_shape_table.py from what PyTorch returns or refuses.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "case_model.h"
#include "ops/registry.h"
#include "pipeline/model_loader.h"

namespace {

using json = nlohmann::ordered_json;
using nnc_shapes::case_model;
using nnc_shapes::CaseModel;

const json& table_cases() {
  static const json cases = [] {
    std::ifstream in(NNC_SHAPE_TABLE);
    return json::parse(in).at("cases");
  }();
  return cases;
}

// Errors meaning the test wrote a model nnc cannot read, rather than nnc refusing the configuration.
bool is_harness_error(const nnc::Diagnostic& d) {
  static const std::set<std::string> codes = {"yaml-syntax",  "unknown-key",   "unknown-op",    "unknown-layer",
                                              "missing-key",  "wrong-type",    "duplicate-key", "duplicate-name",
                                              "not-a-mapping", "later-layer"};
  return d.severity == nnc::Severity::Error && codes.count(d.code) > 0;
}

std::string describe(const nnc::DiagnosticEngine& diags) {
  std::ostringstream text;
  for (const nnc::Diagnostic& d : diags.all())
    text << nnc::severity_name(d.severity) << " " << d.code << " (line " << d.loc.line << "): " << d.message << "\n";
  return text.str();
}

// "[1, 4, 6, 6]", or why there is no shape, so that a failed comparison shows both sides.
std::string shape_of(const nnc::Graph& graph, const std::string& layer) {
  int index = graph.find_layer(layer);
  if (index < 0) return "(no layer '" + layer + "')";
  const auto& shape = graph.layers[index].shape;
  return shape ? nnc::to_string(*shape) : "(no shape)";
}

}  // namespace

TEST_CASE("the table has accepted cases for every op nnc knows, and no other ops", "[shapes]") {
  std::set<std::string> accepted, known;
  for (const json& c : table_cases()) {
    const std::string op = c.at("op").get<std::string>();
    CHECK(nnc::op_registry().find(op) != nullptr);
    if (!c.contains("error")) accepted.insert(op);
  }
  for (const nnc::OpDef* op : nnc::op_registry().ops()) known.insert(op->schema.name);
  CHECK(accepted == known);
}

TEST_CASE("nnc infers PyTorch's output shape, and refuses what PyTorch refuses", "[shapes]") {
  const json& cases = table_cases();
  REQUIRE(cases.size() >= 500);
  for (size_t i = 0; i < cases.size(); ++i) {
    const json& c = cases[i];
    INFO("shape_table.json case " << i << ": " << c.dump());
    CaseModel built;
    CHECK_NOTHROW(built = case_model(c));
    if (built.yaml.empty()) continue;
    INFO("model:\n" << built.yaml);

    std::optional<nnc::LoadedModel> model;
    CHECK_NOTHROW(model.emplace(nnc::load_model_text("shape_case.yaml", built.yaml)));
    if (!model) continue;
    INFO("nnc reports:\n" << describe(model->diags));

    for (const auto& [name, shape] : built.built_inputs) CHECK(shape_of(model->graph, name) == nnc::to_string(shape));
    for (const nnc::Diagnostic& d : model->diags.all()) CHECK_FALSE(is_harness_error(d));

    if (c.value("error", false)) {
      CHECK(model->diags.has_errors());
    } else {
      CHECK_FALSE(model->diags.has_errors());
      CHECK(shape_of(model->graph, nnc_shapes::kLayerUnderTest) == nnc::to_string(c.at("output").get<nnc::Shape>()));
    }
  }
}

TEST_CASE("the parameters nnc infers are the ones the op declares", "[shapes]") {
  for (const json& c : table_cases()) {
    if (c.contains("error")) continue;
    INFO("shape_table.json case: " << c.dump());
    const nnc::LoadedModel model = nnc::load_model_text("shape_case.yaml", case_model(c).yaml);
    const nnc::Layer& layer = model.graph.layers[model.graph.find_layer(nnc_shapes::kLayerUnderTest)];
    std::vector<std::string> declared, inferred;
    for (const nnc::ParamDecl& p : nnc::op_registry().op_of(layer).params)
      if (p.only_if.empty() || layer.attrs.flag(p.only_if)) declared.push_back(p.name);
    for (const nnc::ParamSpec& p : layer.params) inferred.push_back(p.key);
    CHECK(inferred == declared);
  }
}

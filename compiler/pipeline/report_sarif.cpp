#include "pipeline/report_sarif.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "support/diagnostics.h"

namespace nnc {
namespace {

const char* sarif_level(Severity severity) { return severity == Severity::Error ? "error" : "warning"; }

nlohmann::ordered_json location(const std::string& uri, SourceLoc loc) {
  nlohmann::ordered_json physical = {{"artifactLocation", {{"uri", uri}}}};
  // Line 0 is the whole file: SARIF says so by leaving the region out.
  if (loc.line > 0) physical["region"] = {{"startLine", loc.line}, {"startColumn", std::max(1, loc.column)}};
  return {{"physicalLocation", physical}};
}

}  // namespace

std::string path_uri(const std::string& path) {
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') uri += static_cast<char>(c);
    else uri += fmt::format("%{:02X}", c);
  }
  return uri;
}

nlohmann::ordered_json sarif_results(const LoadedModel& model) {
  const std::string uri = path_uri(model.path);
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const Diagnostic& d : model.diags.sorted()) {
    std::string text = d.message;
    if (!d.help.empty()) text += "\nhelp: " + d.help;
    nlohmann::ordered_json result = {{"ruleId", d.code},
                                     {"level", sarif_level(d.severity)},
                                     {"message", {{"text", text}}},
                                     {"locations", nlohmann::ordered_json::array({location(uri, d.loc)})}};
    // The block instances the layer came through, as compilers' notes on template instantiations.
    for (const DiagnosticNote& note : d.notes) {
      nlohmann::ordered_json related = location(uri, note.loc);
      related["message"] = {{"text", note.message}};
      result["relatedLocations"].push_back(related);
    }
    results.push_back(result);
  }
  return results;
}

nlohmann::ordered_json sarif_log(const SarifTool& tool, nlohmann::ordered_json results) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const DiagCodeInfo& code : kDiagCodes)
    rules.push_back({{"id", code.name},
                     {"shortDescription", {{"text", code.meaning}}},
                     {"defaultConfiguration", {{"level", sarif_level(code.severity)}}}});
  nlohmann::ordered_json driver = {
      {"name", "nnc"}, {"version", tool.version}, {"informationUri", tool.information_uri}, {"rules", rules}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::ordered_json::array({{{"tool", {{"driver", driver}}}, {"results", std::move(results)}}})}};
}

}  // namespace nnc

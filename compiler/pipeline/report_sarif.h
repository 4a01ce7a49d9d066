#pragma once
// `nnc check --format sarif`: the diagnostics as one SARIF 2.1.0 log, for code scanning (GitHub's among others).
#include <nlohmann/json.hpp>
#include <string>

#include "pipeline/model_loader.h"

namespace nnc {

struct SarifTool {
  std::string version;          // nnc's
  std::string information_uri;  // where nnc's documentation is
};

// One SARIF result per diagnostic of `model`, in file order.
nlohmann::ordered_json sarif_results(const LoadedModel& model);

// The log of one run of nnc: every diagnostic code as a rule, and `results` (from sarif_results of each model).
nlohmann::ordered_json sarif_log(const SarifTool& tool, nlohmann::ordered_json results);

// `path` as a URI reference: relative paths stay relative (to the directory nnc ran in), absolute ones become
// file:// URIs; every byte outside RFC 3986's unreserved set and '/' is percent-encoded.
std::string path_uri(const std::string& path);

}  // namespace nnc

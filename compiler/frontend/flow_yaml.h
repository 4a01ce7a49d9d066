#pragma once
// YAML values written back as flow-style text (`nnc expand`): `3`, `[3, 1]`, `'same'` when the source quoted it.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace nnc {

std::string flow_text(const YAML::Node& node);
// A string as a plain scalar when YAML reads it back as the same string, else single-quoted.
std::string flow_string(std::string_view text);

}  // namespace nnc

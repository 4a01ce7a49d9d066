#include "graph/infer_context.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nnc {

std::string InferContext::what() const { return fmt::format("{} '{}'", layer_.op, layer_.name); }

bool InferContext::error(ErrorCode code, std::string message, std::string help, SourceLoc loc) {
  diags_.error(code, loc.line ? loc : layer_.loc, std::move(message), std::move(help), layer_.origin);
  return false;
}

void InferContext::warning(WarningCode code, std::string message, std::string help, SourceLoc loc) {
  diags_.warning(code, loc.line ? loc : layer_.loc, std::move(message), std::move(help), layer_.origin);
}

bool InferContext::expect_rank(size_t rank, const char* layout) {
  for (size_t i = 0; i < inputs_.size(); ++i) {
    if (inputs_[i]->size() == rank) continue;
    std::string help;
    if (rank == 4 && inputs_[i]->size() == 2) help = "image layers need [N, C, H, W]: is a flatten or linear layer placed too early?";
    return error("rank-mismatch",
                 fmt::format("{} expects a {}-D input {}, but its input '{}' has shape {} ({}-D)", what(), rank, layout,
                             input_name(i), to_string(*inputs_[i]), inputs_[i]->size()),
                 help, layer_.inputs[i].loc.line ? layer_.inputs[i].loc : SourceLoc{});
  }
  return true;
}

bool InferContext::normalise_dim(const Attr<int64_t>& attr, int64_t rank, int64_t& dim) {
  const int64_t given = attr.value;
  dim = given;
  if (dim < 0) dim += rank;
  if (dim >= 0 && dim < rank) return true;
  return error("bad-dim",
               fmt::format("{}: {} is {}, but the input '{}' has {} dimensions (shape {})", what(), attr.name, given,
                           input_name(), rank, to_string(input())),
               fmt::format("use a dimension in [{}, {}]", -rank, rank - 1), attr.loc);
}

std::string divisors_text(int64_t n) {
  constexpr size_t kShown = 8;
  std::vector<int64_t> divisors;
  for (int64_t d = 1; d <= n && divisors.size() < kShown; ++d)
    if (n % d == 0) divisors.push_back(d);
  return fmt::format("{}{}", fmt::join(divisors, ", "), divisors.size() == kShown && divisors.back() != n ? ", ..." : "");
}

bool InferContext::check_given(const Attr<int64_t>& attr, int64_t inferred, const std::string& what_it_is) {
  if (!attr.given || attr.value == inferred) return true;
  std::string code = attr.name;
  for (char& c : code)
    if (c == '_') c = '-';
  std::string noun = what_it_is;
  if (inferred == 1 && noun.ends_with('s')) noun.pop_back();
  return error(ErrorCode::named(code + "-mismatch"),
               fmt::format("{}: {} is {}, but its input '{}' has {} {} (shape {})", what(), attr.name, attr.value,
                           input_name(), inferred, noun, to_string(input())),
               fmt::format("write {}: {}, or leave it out to have it inferred", attr.name, inferred), attr.loc);
}

}  // namespace nnc

#include "support/suggest.h"

#include <algorithm>
#include <cctype>

namespace nnc {
namespace {

std::string normalise(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_' && c != '-' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Words longer than any name nnc knows are not misspellings; this also bounds the work.
  if (word.empty() || word.size() > 64) return std::nullopt;
  std::string w = normalise(word);
  if (w.empty()) return std::nullopt;
  for (const auto& c : candidates)
    if (normalise(c) == w) return c;
  for (const auto& c : candidates) {
    std::string n = normalise(c);
    if (w.size() >= 3 && n.size() > w.size() && n.compare(0, w.size(), w) == 0) return c;
  }
  // Below three letters every word is one edit from many others ('5' and '0').
  if (w.size() < 3) return std::nullopt;
  const std::string* best = nullptr;
  size_t best_distance = std::max<size_t>(1, w.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t dist = edit_distance(w, normalise(c));
    if (dist < best_distance) {
      best_distance = dist;
      best = &c;
    }
  }
  if (best) return *best;
  return std::nullopt;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  auto match = closest_match(word, candidates);
  return match ? " (did you mean '" + *match + "'?)" : "";
}

}  // namespace nnc

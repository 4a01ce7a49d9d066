#include "frontend/source_file.h"

#include <algorithm>

namespace nnc {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::make_shared<const std::string>(std::move(text))) {
  std::string_view rest = *text_;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines_.push_back(line);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
}

std::string_view SourceFile::line(int number) const {
  if (number < 1 || number > static_cast<int>(lines_.size())) return {};
  return lines_[number - 1];
}

namespace {

// How far right of a column the underline may reach: a caret line is for reading, and on a
// one-line file of megabytes an unbounded scan per diagnostic would be quadratic.
constexpr size_t kMaxUnderline = 256;

// Index just past the comment-free content of a line (at most kMaxUnderline past `from`),
// trailing blanks dropped.
size_t content_end(std::string_view text, size_t from) {
  size_t end = std::min(text.size(), from + kMaxUnderline);
  char quote = 0;
  for (size_t i = from; i < end; ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      end = i;
      break;
    }
  }
  while (end > from && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return end;
}

}  // namespace

int SourceFile::rest_of_line_length(int line_number, int column) const {
  std::string_view text = line(line_number);
  size_t start = static_cast<size_t>(column - 1);
  if (column < 1 || start >= text.size()) return 1;
  size_t end = content_end(text, start);
  return end > start ? static_cast<int>(end - start) : 1;
}

int SourceFile::token_length(int line_number, int column) const {
  std::string_view text = line(line_number);
  size_t start = static_cast<size_t>(column - 1);
  if (column < 1 || start >= text.size()) return 1;
  const size_t limit = std::min(text.size(), start + kMaxUnderline);
  char first = text[start];
  size_t i = start + 1;
  auto blank = [&](size_t k) { return k == text.size() || text[k] == ' ' || text[k] == '\t'; };
  if ((first == '-' || first == '?') && blank(i)) return 1;  // a block list item or explicit key
  if (first == '"' || first == '\'') {
    while (i < limit && text[i] != first) ++i;
    return static_cast<int>(std::min(i + 1, limit) - start);
  }
  if (first == '[' || first == '{') {
    int depth = 1;
    for (; i < limit && depth > 0; ++i) {
      if (text[i] == '[' || text[i] == '{') ++depth;
      if (text[i] == ']' || text[i] == '}') --depth;
    }
    return static_cast<int>(i - start);
  }
  // A plain scalar ends at a flow indicator, at the `: ` after a key, or at a comment.
  while (i < limit && text[i] != ',' && text[i] != ']' && text[i] != '}' && !(text[i] == ':' && blank(i + 1)) &&
         !(text[i] == '#' && blank(i - 1)))
    ++i;
  while (i > start + 1 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
  return static_cast<int>(i - start);
}

}  // namespace nnc

#pragma once
// A model file's text, kept so diagnostics can quote the offending line.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nnc {

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return *text_; }
  // 1-based; empty for a line that does not exist.
  std::string_view line(int number) const;
  int line_count() const { return static_cast<int>(lines_.size()); }

  // Columns (1-based, inclusive start) that the token starting at `column` spans on `line`:
  // a quoted string, a flow collection [...]/{...}, or a plain scalar up to `,`, `]`, `}`, a key's
  // `: ` or a comment.
  int token_length(int line, int column) const;
  // From `column` to the end of the line's content, leaving out a trailing comment.
  int rest_of_line_length(int line, int column) const;

 private:
  std::string path_;
  // On the heap and never changed, so the views in lines_ stay valid when a SourceFile is moved or
  // copied (a short std::string keeps its characters inline and would take them along).
  std::shared_ptr<const std::string> text_;
  std::vector<std::string_view> lines_;
};

}  // namespace nnc

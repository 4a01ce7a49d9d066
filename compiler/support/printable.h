#pragma once
// Text from a model file (layer names, messages quoting them) on its way to a terminal.
#include <string>
#include <string_view>

namespace nnc {

// `text` with nothing a terminal would act on instead of showing: C0 and C1 control characters (ESC, BEL, CSI,
// ...), DEL and bytes that are not UTF-8 become '?', a tab a space. Printable UTF-8 is kept as it is.
std::string printable(std::string_view text);
// The same for each line of a message of several lines, which stay lines.
std::string printable_lines(std::string_view text);

}  // namespace nnc

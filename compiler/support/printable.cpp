#include "support/printable.h"

namespace nnc {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence at text[at] (2 to 4 bytes), or 0 when there is none.
size_t utf8_sequence(std::string_view text, size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  if (length == 0 || at + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i)
    if (!continuation(text[at + i])) return 0;
  const auto second = static_cast<unsigned char>(text[at + 1]);
  // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second >= 0xA0) || (lead == 0xF0 && second < 0x90) ||
      (lead == 0xF4 && second >= 0x90))
    return 0;
  return length;
}

}  // namespace

std::string printable_lines(std::string_view text) {
  std::string out;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (start) out += '\n';
    out += printable(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out += byte == '\t' ? ' ' : byte < 0x20 || byte == 0x7F ? '?' : text[i];
      ++i;
      continue;
    }
    const size_t length = utf8_sequence(text, i);
    if (length == 0) {  // a broken sequence: one '?', as a terminal shows one replacement character
      out += '?';
      ++i;
      while (i < text.size() && continuation(text[i])) ++i;
      continue;
    }
    // U+0080 to U+009F, the C1 controls, are C2 80 to C2 9F; some terminals take U+009B as CSI.
    const bool c1_control = byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (c1_control) out += '?';
    else out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace nnc

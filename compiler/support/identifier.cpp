#include "support/identifier.h"

#include <fmt/format.h>

#include <cstdint>

namespace nnc {

namespace {

constexpr size_t kMaxPiece = 80;  // with room to spare below the 255 bytes of a file name
constexpr size_t kHashDigits = 8;

bool ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool lower_hex(char c) { return ascii_digit(c) || (c >= 'a' && c <= 'f'); }

// 64-bit FNV-1a: the same in every run and on every machine.
uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325u;
  for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3u;
  return hash;
}

bool ends_like_hash_suffix(std::string_view id) {
  if (id.size() <= kHashDigits || id[id.size() - kHashDigits - 1] != '_') return false;
  for (size_t i = id.size() - kHashDigits; i < id.size(); ++i)
    if (!lower_hex(id[i])) return false;
  return true;
}

}  // namespace

std::string identifier_piece(std::string_view name) {
  std::string piece;
  for (size_t i = 0; i < name.size() && piece.size() < kMaxPiece; ++i) {
    if (ascii_alnum(name[i])) piece += name[i];
    else if (!piece.empty() && piece.back() != '_') piece += '_';
  }
  while (!piece.empty() && piece.back() == '_') piece.pop_back();
  return piece;
}

std::string model_identifier(std::string_view name) {
  const std::string piece = identifier_piece(name);
  const bool starts_with_letter = !piece.empty() && !ascii_digit(piece[0]);
  if (piece == name && starts_with_letter && !reserved_identifier(piece) && !ends_like_hash_suffix(piece)) return piece;
  const std::string base = starts_with_letter ? piece : piece.empty() ? "model" : "model_" + piece;
  return fmt::format("{}_{:08x}", base, static_cast<uint32_t>(fnv1a(name)));
}

std::string IdentifierScope::claim(const std::string& candidate) {
  std::string id = candidate;
  for (int n = 2; !taken_.insert(id).second; ++n) id = fmt::format("{}_{}", candidate, n);
  return id;
}

}  // namespace nnc

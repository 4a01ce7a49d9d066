// Reads a model's parameters from a safetensors file at run time: the loader behind `load_weights` in code emitted
// by `nnc emit --emit cpp --weights-file`. Pasted into the emitted .cpp after prologue.hpp, so it must stay standard
// C++17 and warning-free; it lives in an unnamed namespace so that two emitted models link into one program.
//
// A safetensors file: an 8-byte little-endian header size N, N bytes of JSON
// {"KEY": {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}, ..., "__metadata__": {"k": "v"}}, then
// the data section that the offsets index. The checks are those of nnc's own reader
// (runtime/src/safetensors_reader.cpp): N at most 100,000,000 and within the file; a known dtype for every tensor;
// dtype size x element count == END - BEGIN, overflow-checked; sorted by offset, the tensors contiguous, not
// overlapping and covering the data section exactly. The JSON parser accepts only what such a header holds
// (objects, strings, lists of non-negative integers) and rejects duplicate keys and unknown fields in a tensor entry.
// F32 data is little-endian IEEE-754, decoded byte by byte, so the host's byte order does not matter.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace nnc_weights {
namespace {

static_assert(std::numeric_limits<float>::is_iec559 && sizeof(float) == 4, "F32 data is IEEE-754 binary32");

constexpr int max_rank = 8;
constexpr std::uint64_t max_header_size = 100000000;  // the reference implementation's limit
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

// One parameter of the model: its key in the file, its shape, and where it goes in the parameter block (in floats).
struct Param {
  const char* key;
  int rank;
  std::int64_t shape[max_rank];
  std::int64_t offset;
  std::int64_t row_block;  // 0: stored as read; else rows interleaved in blocks of this many (pack_rows)
};

// The parameter block: `data` points 64-byte aligned into `storage`, or is null before a successful load.
struct Block {
  std::vector<float> storage;
  float* data = nullptr;
};

struct Entry {
  std::string dtype;
  std::vector<std::int64_t> shape, offsets;
};

std::string shape_text(const std::int64_t* dims, std::size_t rank) {
  std::string text = "[";
  for (std::size_t i = 0; i < rank; ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), as JSON must be.
bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t length = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (length == 0 || text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    const unsigned char second = length > 1 ? static_cast<unsigned char>(text[i + 1]) : 0;
    if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) || (c == 0xF0 && second < 0x90) || (c == 0xF4 && second > 0x8F))
      return false;
    i += length;
  }
  return true;
}

bool checked_mul(std::int64_t a, std::int64_t b, std::int64_t& product) {  // both non-negative
  if (a != 0 && b > int64_max / a) return false;
  product = a * b;
  return true;
}

std::int64_t dtype_size(const std::string& dtype) {
  static const std::pair<const char*, std::int64_t> sizes[] = {
      {"BOOL", 1}, {"U8", 1},   {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"F8_E8M0", 1}, {"I16", 2}, {"U16", 2},
      {"F16", 2},  {"BF16", 2}, {"I32", 4}, {"U32", 4},     {"F32", 4},     {"F64", 8},     {"I64", 8}, {"U64", 8},
      {"C64", 8}};
  for (const auto& size : sizes)
    if (dtype == size.first) return size.second;
  return 0;
}

// A cursor over the JSON header. Every read returns false after recording the first problem and where it is.
class JsonReader {
 public:
  explicit JsonReader(const std::string& text) : text_(text) {}
  const std::string& problem() const { return problem_; }

  // Skips white space, then consumes `c` if it comes next.
  bool next_is(char c) {
    skip_space();
    if (pos_ == text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool expect(char c) { return next_is(c) || fail(std::string("expected '") + c + "', found " + found()); }
  bool at_end() {
    skip_space();
    return pos_ == text_.size() || fail("expected only spaces after the header's object, found " + found());
  }

  bool string(std::string& out) {
    out.clear();
    if (!expect('"')) return false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) {
        --pos_;
        return fail("a control character in a string");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ == text_.size()) break;
      switch (const char e = text_[pos_++]) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
          if (!unicode_escape(out)) return false;
          break;
        default: return fail("an invalid escape in a string");
      }
    }
    return fail("a string without its closing quote");
  }

  bool integer(std::int64_t& out) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '-') return fail("a negative number");
    if (!digit_at(pos_)) return fail("expected a non-negative integer, found " + found());
    if (text_[pos_] == '0' && digit_at(pos_ + 1)) return fail("a number with a leading zero");
    std::int64_t value = 0;
    for (; digit_at(pos_); ++pos_) {
      const int digit = text_[pos_] - '0';
      if (value > (int64_max - digit) / 10) return fail("a number that does not fit in 64-bit signed integers");
      value = value * 10 + digit;
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E'))
      return fail("a number that is not an integer");
    out = value;
    return true;
  }

  bool integers(std::vector<std::int64_t>& out) {
    out.clear();
    if (!expect('[')) return false;
    if (next_is(']')) return true;
    do {
      std::int64_t value = 0;
      if (!integer(value)) return false;
      out.push_back(value);
    } while (next_is(','));
    return expect(']');
  }

  bool fail(const std::string& message) {
    if (problem_.empty()) problem_ = message + " at offset " + std::to_string(pos_) + " of the header";
    return false;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
  }
  bool digit_at(std::size_t i) const { return i < text_.size() && text_[i] >= '0' && text_[i] <= '9'; }

  std::string found() const {
    if (pos_ == text_.size()) return "the end of the header";
    const unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    return "byte " + std::to_string(c);
  }

  bool hex4(unsigned& code) {
    code = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      const char c = pos_ < text_.size() ? text_[pos_] : '\0';
      const int value = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (value < 0) return fail("an invalid \\u escape in a string");
      code = code * 16 + static_cast<unsigned>(value);
    }
    return true;
  }

  // After "\u": one UTF-16 code unit, or a surrogate pair, appended as UTF-8.
  bool unicode_escape(std::string& out) {
    unsigned code = 0;
    if (!hex4(code)) return false;
    if (code >= 0xDC00 && code < 0xE000) return fail("an unpaired UTF-16 surrogate in a string");
    if (code >= 0xD800 && code < 0xDC00) {
      unsigned low = 0;
      if (text_.compare(pos_, 2, "\\u") != 0) return fail("an unpaired UTF-16 surrogate in a string");
      pos_ += 2;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low >= 0xE000) return fail("an unpaired UTF-16 surrogate in a string");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | code >> 6);
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | code >> 12);
      out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | code >> 18);
      out += static_cast<char>(0x80 | (code >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return true;
  }

  const std::string& text_;
  std::size_t pos_ = 0;
  std::string problem_;
};

// `{}` or `{"key": value, ...}`, calling read_value(key) to read each member's value.
template <typename ReadValue>
bool read_object(JsonReader& json, ReadValue read_value) {
  if (!json.expect('{')) return false;
  if (json.next_is('}')) return true;
  do {
    std::string key;
    if (!json.string(key) || !json.expect(':') || !read_value(key)) return false;
  } while (json.next_is(','));
  return json.expect('}');
}

bool read_entry(JsonReader& json, const std::string& key, Entry& entry) {
  bool has_dtype = false, has_shape = false, has_offsets = false;
  const bool read = read_object(json, [&](const std::string& field) {
    bool* seen = field == "dtype" ? &has_dtype : field == "shape" ? &has_shape : field == "data_offsets" ? &has_offsets : nullptr;
    if (!seen) return json.fail("tensor '" + key + "' has an unknown field \"" + field + "\"");
    if (*seen) return json.fail("tensor '" + key + "' has \"" + field + "\" twice");
    *seen = true;
    return field == "dtype" ? json.string(entry.dtype) : json.integers(field == "shape" ? entry.shape : entry.offsets);
  });
  if (!read) return false;
  const char* missing = !has_dtype ? "dtype" : !has_shape ? "shape" : !has_offsets ? "data_offsets" : nullptr;
  return !missing || json.fail("tensor '" + key + "' has no \"" + missing + "\"");
}

// The tensors the header lists, by key. "__metadata__" must map strings to strings; its values are not needed.
bool parse_header(const std::string& text, std::map<std::string, Entry>& entries, std::string& problem) {
  if (!valid_utf8(text)) {
    problem = "the header is not valid UTF-8";
    return false;
  }
  JsonReader json(text);
  bool has_metadata = false;
  const bool ok = read_object(json, [&](const std::string& key) {
    if (key == "__metadata__") {
      if (has_metadata) return json.fail("duplicate key \"__metadata__\"");
      has_metadata = true;
      std::set<std::string> names;
      std::string value;
      return read_object(json, [&](const std::string& name) {
        if (!names.insert(name).second) return json.fail("duplicate key \"" + name + "\" in \"__metadata__\"");
        return json.string(value);
      });
    }
    Entry entry;
    if (!read_entry(json, key, entry)) return false;
    return entries.emplace(key, std::move(entry)).second || json.fail("duplicate tensor '" + key + "'");
  }) && json.at_end();
  if (!ok) problem = json.problem();
  return ok;
}

// Every entry's size against its offsets, then the offsets against each other and the data section's size.
bool check_layout(const std::map<std::string, Entry>& entries, std::uint64_t data_size, std::string& problem) {
  auto fail = [&](const std::string& message) {
    problem = message;
    return false;
  };
  std::vector<std::pair<std::pair<std::int64_t, std::int64_t>, const std::string*>> by_offset;
  for (const auto& [key, e] : entries) {
    const std::string tensor = "tensor '" + key + "' ";
    const std::string shape = shape_text(e.shape.data(), e.shape.size());
    const std::int64_t size = dtype_size(e.dtype);
    if (size == 0) return fail(tensor + "has an unknown dtype \"" + e.dtype + "\"");
    std::int64_t bytes = size;
    for (std::int64_t d : e.shape)
      if (!checked_mul(bytes, d, bytes)) return fail(tensor + "has shape " + shape + " of " + e.dtype + ", which overflows 64-bit byte counts");
    if (e.offsets.size() != 2)
      return fail(tensor + "has " + std::to_string(e.offsets.size()) + " \"data_offsets\", expected two: [begin, end]");
    const std::int64_t begin = e.offsets[0], end = e.offsets[1];
    const std::string offsets = "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "]";
    if (end < begin) return fail(tensor + "has " + offsets + " that end before they begin");
    if (end - begin != bytes)
      return fail(tensor + "has dtype " + e.dtype + " and shape " + shape + ", which need " + std::to_string(bytes) + " bytes, but " +
                  offsets + " hold " + std::to_string(end - begin));
    by_offset.push_back({{begin, end}, &key});
  }
  std::sort(by_offset.begin(), by_offset.end());
  std::int64_t covered = 0;
  const std::string* previous = nullptr;
  for (const auto& [range, key] : by_offset) {
    if (range.first != covered)
      return fail("tensor '" + *key + "' has data_offsets [" + std::to_string(range.first) + ", " + std::to_string(range.second) +
                  "], but the data must continue at byte " + std::to_string(covered) + " (" +
                  (previous ? "the end of '" + *previous + "'" : std::string("the start")) +
                  "): tensors must be contiguous and must not overlap");
    covered = range.second;
    previous = key;
  }
  if (static_cast<std::uint64_t>(covered) != data_size)
    return fail("the tensors cover " + std::to_string(covered) + " bytes, but the data section has " + std::to_string(data_size));
  return true;
}

// Every parameter present, F32 and of its shape; else one line per parameter that is not.
bool check_params(const std::map<std::string, Entry>& entries, const Param* params, std::size_t count, std::string& problem) {
  std::size_t problems = 0;
  std::string lines;
  for (std::size_t i = 0; i < count; ++i) {
    const Param& p = params[i];
    const std::string expected = shape_text(p.shape, static_cast<std::size_t>(p.rank));
    const auto it = entries.find(p.key);
    if (it == entries.end()) {
      lines += std::string("\n  '") + p.key + "' is missing (expected shape " + expected + ")";
    } else if (it->second.dtype != "F32" || !std::equal(it->second.shape.begin(), it->second.shape.end(), p.shape, p.shape + p.rank)) {
      lines += std::string("\n  '") + p.key + "' has shape " + shape_text(it->second.shape.data(), it->second.shape.size()) +
               " and dtype " + it->second.dtype + ", but the model needs shape " + expected + " and dtype F32";
    } else {
      continue;
    }
    ++problems;
  }
  if (problems == 0) return true;
  problem = std::to_string(problems) + (problems == 1 ? " problem" : " problems") + " with the weights:" + lines;
  return false;
}

// `count` little-endian F32 values from byte `at` of the file.
bool read_floats(std::ifstream& in, std::uint64_t at, std::int64_t count, float* out) {
  unsigned char bytes[4096];
  in.seekg(static_cast<std::streamoff>(at));
  while (count > 0) {
    const std::int64_t n = std::min<std::int64_t>(count, sizeof bytes / 4);
    if (!in.read(reinterpret_cast<char*>(bytes), static_cast<std::streamsize>(n * 4))) return false;
    for (std::int64_t i = 0; i < n; ++i) {
      std::uint32_t bits = 0;
      for (int k = 3; k >= 0; --k) bits = bits << 8 | bytes[4 * i + k];
      std::memcpy(out + i, &bits, 4);
    }
    out += n;
    count -= n;
  }
  return true;
}

std::string read_error(std::uint64_t at) {
  return "cannot read at byte " + std::to_string(at) + (errno ? std::string(": ") + std::strerror(errno) : std::string());
}

// The file's size, and its JSON header bounded and within the file; else why not (without the file's name).
bool read_header(std::istream& in, std::uint64_t& file_size, std::string& header, std::string& problem) {
  auto fail = [&](const std::string& message) {
    problem = message;
    return false;
  };
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  if (!in || end < 0) return fail(read_error(0));
  file_size = static_cast<std::uint64_t>(end);
  if (file_size < 8)
    return fail("not a safetensors file: " + std::to_string(file_size) + " bytes, shorter than the 8-byte header size");
  unsigned char size_bytes[8];
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(size_bytes), 8)) return fail(read_error(0));
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = header_size << 8 | size_bytes[i];
  if (header_size > max_header_size)
    return fail("header size " + std::to_string(header_size) + " is above the limit of " + std::to_string(max_header_size) + " bytes");
  if (header_size > file_size - 8)
    return fail("truncated: header size " + std::to_string(header_size) + " but only " + std::to_string(file_size - 8) + " bytes follow it");
  header.assign(static_cast<std::size_t>(header_size), '\0');
  if (!in.read(&header[0], static_cast<std::streamsize>(header_size))) return fail(read_error(8));
  return (!header.empty() && header[0] == '{') || fail("the header does not start with '{'");
}

// src as a row-major [rows, columns] matrix into dst as [ceil(rows / block)][columns][block], zeros past the last
// row: the layout nnc's kernels read packed parameters in (nnc::pack_rows).
void pack_rows(const float* src, std::int64_t rows, std::int64_t columns, std::int64_t block, float* dst) {
  const std::int64_t blocks = (rows + block - 1) / block;
  for (std::int64_t b = 0; b < blocks; ++b)
    for (std::int64_t c = 0; c < columns; ++c)
      for (std::int64_t lane = 0; lane < block; ++lane) {
        const std::int64_t r = b * block + lane;
        dst[(b * columns + c) * block + lane] = r < rows ? src[r * columns + c] : 0.0f;
      }
}

bool read_weights(const std::string& path, const Param* params, std::size_t count, std::int64_t total, Block& out,
                  std::string& problem) {
  auto fail = [&](const std::string& message) {
    problem = path + ": " + message;
    return false;
  };
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open: ") + (errno ? std::strerror(errno) : "unknown reason"));
  std::uint64_t file_size = 0;
  std::string header, why;
  std::map<std::string, Entry> entries;
  if (!read_header(in, file_size, header, why)) return fail(why);
  if (!parse_header(header, entries, why)) return fail("invalid JSON header: " + why);
  const std::uint64_t data_start = 8 + header.size();
  if (!check_layout(entries, file_size - data_start, why) || !check_params(entries, params, count, why)) return fail(why);

  const std::size_t alignment = 64;
  out.storage.assign(static_cast<std::size_t>(total) + alignment / sizeof(float), 0.0f);
  void* start = out.storage.data();
  std::size_t space = out.storage.size() * sizeof(float);
  out.data = static_cast<float*>(std::align(alignment, static_cast<std::size_t>(total) * sizeof(float), start, space));
  for (std::size_t i = 0; i < count; ++i) {
    const Entry& e = entries.at(params[i].key);
    const std::uint64_t at = data_start + static_cast<std::uint64_t>(e.offsets[0]);
    const std::int64_t count = (e.offsets[1] - e.offsets[0]) / 4;
    if (params[i].row_block == 0) {
      if (!read_floats(in, at, count, out.data + params[i].offset)) return fail(read_error(at));
      continue;
    }
    std::vector<float> values(static_cast<std::size_t>(count));
    if (!read_floats(in, at, count, values.data())) return fail(read_error(at));
    const std::int64_t rows = params[i].shape[0];
    pack_rows(values.data(), rows, rows ? count / rows : 0, params[i].row_block, out.data + params[i].offset);
  }
  return true;
}

// Replaces `block` with the parameters from the file at `path`; on failure leaves it as it was and says why.
bool load(const char* path, const Param* params, std::size_t count, std::int64_t total, Block& block, std::string* error) {
  Block fresh;
  std::string problem;
  if (!path) {
    problem = "load_weights: the path is null";
  } else if (read_weights(path, params, count, total, fresh, problem)) {
    block = std::move(fresh);  // moving a vector keeps its buffer, so `data` stays valid
    if (error) error->clear();
    return true;
  }
  if (error) *error = problem;
  return false;
}

// The loaded parameter block; a message naming the model and an abort when load_weights has not succeeded.
const float* loaded(const Block& block, const char* model) {
  if (!block.data) {
    std::fprintf(stderr, "%s::forward called before a successful %s::load_weights\n", model, model);
    std::abort();
  }
  return block.data;
}

}  // namespace
}  // namespace nnc_weights

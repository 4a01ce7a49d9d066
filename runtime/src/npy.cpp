#include "nnc/npy.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "nnc/file_io.h"
#include "npy_header.h"

namespace nnc {

static_assert(std::endian::native == std::endian::little, "the file formats' little-endian floats are copied as they are");

namespace {

constexpr std::string_view magic = "\x93NUMPY";
constexpr std::size_t header_alignment = 64;

uint64_t little_endian(std::string_view bytes) {
  uint64_t v = 0;
  for (std::size_t i = bytes.size(); i-- > 0;) v = v << 8 | static_cast<unsigned char>(bytes[i]);
  return v;
}

// "float64", "float32, big-endian", "Python objects", ... for a numpy type string such as '<f8'.
std::string describe_dtype(std::string_view descr) {
  if (descr.size() < 2) return "not a numpy dtype";
  const char order = descr[0], kind = descr[1];
  std::string_view size = descr.substr(2);
  std::string what;
  switch (kind) {
    case 'b': what = "bool"; break;
    case 'i': what = "int"; break;
    case 'u': what = "uint"; break;
    case 'f': what = "float"; break;
    case 'c': what = "complex"; break;
    case 'O': return "Python objects";
    case 'U': return "unicode strings";
    case 'S': return "byte strings";
    case 'V': return "raw bytes";
    case 'M': return "datetime";
    case 'm': return "timedelta";
    default: return "not a numpy dtype";
  }
  if (kind != 'b' && size.size() <= 2 && !size.empty() && size.find_first_not_of("0123456789") == std::string_view::npos)
    what += std::to_string(std::stoi(std::string(size)) * 8);
  if (order == '>') what += ", big-endian";
  return what;
}

// Where the header dict of a .npy file of `file_size` bytes lies, from the file's first bytes `head` (up to 12 are
// needed: the magic, the version and the header's length), checked against the file's size.
struct HeaderSpan {
  std::size_t begin = 0, end = 0;
};

Result<HeaderSpan> npy_header_span(std::string_view head, uint64_t file_size, std::string_view name) {
  auto fail = [&](const std::string& message) { return Error{fmt::format("{}: {}", name, message)}; };
  if (head.size() < magic.size() || head.substr(0, magic.size()) != magic)
    return fail("not a .npy file: it does not start with the magic bytes \\x93NUMPY");
  if (head.size() < 8) return fail("truncated: the file ends inside the format version");
  const int major = static_cast<unsigned char>(head[6]), minor = static_cast<unsigned char>(head[7]);
  if (major < 1 || major > 3 || minor != 0)
    return fail(fmt::format("unsupported .npy format version {}.{}: expected 1.0, 2.0 or 3.0", major, minor));
  const std::size_t length_size = major == 1 ? 2 : 4;
  if (head.size() < 8 + length_size) return fail("truncated: the file ends inside the header length");
  const uint64_t header_length = little_endian(head.substr(8, length_size));
  const std::size_t header_start = 8 + length_size;
  if (header_length > file_size - header_start)
    return fail(fmt::format("truncated: the header length says {} bytes, but only {} bytes follow it", header_length,
                            file_size - header_start));
  return HeaderSpan{header_start, header_start + static_cast<std::size_t>(header_length)};
}

// Where a .npy file's data is, from its first bytes `head` (at least up to the header's end) and its size: every
// claim of the header checked, the data's size against the file's, before the data is read.
struct NpyLayout {
  Shape shape;
  std::size_t data_start = 0;
  std::size_t data_bytes = 0;
};

Result<NpyLayout> npy_layout(std::string_view head, uint64_t file_size, std::string_view name) {
  auto fail = [&](const std::string& message) { return Error{fmt::format("{}: {}", name, message)}; };
  auto header = npy_header_span(head, file_size, name);
  if (!header) return header.error();
  auto dict = parse_npy_dict(head.substr(header->begin, header->end - header->begin));
  if (!dict) return fail("malformed header: " + dict.error().message);
  if (dict->descr != "<f4")
    return fail(fmt::format("dtype '{}' ({}) is not supported: expected '<f4' (float32, little-endian)", dict->descr,
                            describe_dtype(dict->descr)));
  if (dict->fortran_order)
    return fail("fortran_order is True (column-major data): expected C order (save np.ascontiguousarray(a))");

  const Shape& shape = dict->shape;
  auto count = element_count(shape);
  auto needed = count ? checked::mul(*count, int64_t{sizeof(float)}) : std::nullopt;
  if (!needed) return fail(fmt::format("shape {} has too many elements to address in bytes", to_string(shape)));
  const std::size_t data_start = header->end;
  const uint64_t found = file_size - data_start;
  if (found < static_cast<uint64_t>(*needed))
    return fail(fmt::format("truncated data: shape {} needs {} bytes of float32 data, found {}", to_string(shape),
                            *needed, found));
  if (found > static_cast<uint64_t>(*needed))
    return fail(fmt::format("{} bytes of trailing garbage after the {} bytes of data that shape {} needs",
                            found - *needed, *needed, to_string(shape)));
  return NpyLayout{shape, data_start, static_cast<std::size_t>(*needed)};
}

Result<Tensor> tensor_at(const NpyLayout& layout, std::string_view bytes, std::string_view name) {
  auto tensor = Tensor::create(layout.shape);
  if (!tensor) return Error{fmt::format("{}: {}", name, tensor.error().message)};
  if (layout.data_bytes > 0) std::memcpy(tensor->data(), bytes.data() + layout.data_start, layout.data_bytes);
  return tensor;
}

}  // namespace

Result<Tensor> decode_npy(std::string_view bytes, std::string_view name) {
  auto layout = npy_layout(bytes, bytes.size(), name);
  if (!layout) return layout.error();
  return tensor_at(*layout, bytes, name);
}

Result<Tensor> read_npy(const std::string& path) {
  auto in = InputFile::open(path);
  if (!in) return in.error();
  // The preamble, then the header it announces, then the data the header describes: each checked before the next.
  auto bytes = in->read(std::min<uint64_t>(in->size(), 12));
  if (!bytes) return bytes.error();
  auto span = npy_header_span(*bytes, in->size(), path);
  if (!span) return span.error();
  auto header = in->read(std::max<uint64_t>(span->end, in->position()) - in->position());
  if (!header) return header.error();
  bytes->append(*header);
  auto layout = npy_layout(*bytes, in->size(), path);
  if (!layout) return layout.error();
  auto data = in->read(in->size() - in->position());
  if (!data) return data.error();
  bytes->append(*data);
  return tensor_at(*layout, *bytes, path);
}

std::string npy_header(const Shape& shape) {
  std::string dims;
  for (int64_t d : shape) dims += fmt::format("{}, ", d);
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  if (shape.size() == 1) dims.pop_back();
  std::string dict = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims);

  // Version 1.0 stores the header length in 16 bits, 2.0 in 32.
  auto padded = [&](std::size_t prefix) {
    return (prefix + dict.size() + 1 + header_alignment - 1) / header_alignment * header_alignment;
  };
  std::size_t prefix = 10;
  if (padded(prefix) - prefix > 0xffff) prefix = 12;
  const std::size_t total = padded(prefix), length = total - prefix;
  std::string header(magic);
  header += static_cast<char>(prefix == 10 ? 1 : 2);
  header += '\0';
  for (std::size_t i = 0; i < prefix - 8; ++i) header += static_cast<char>(length >> (8 * i) & 0xff);
  header += dict;
  header.append(total - header.size() - 1, ' ');
  header += '\n';
  return header;
}

std::string encode_npy(const Tensor& tensor) { return npy_header(tensor.shape()) + std::string(tensor.bytes()); }

Status write_npy(const std::string& path, const Tensor& tensor) {
  return write_file_atomically(path, {npy_header(tensor.shape()), tensor.bytes()});
}

}  // namespace nnc

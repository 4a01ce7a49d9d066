#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "nnc/file_io.h"
#include "nnc/npy.h"
#include "temp_dir.h"

using nnc::Shape;
using nnc::Tensor;
using Catch::Contains;

namespace {

// A .npy file written by hand: format version `major`.0, the dict padded so the data starts at a multiple of `align`.
std::string raw_npy(int major, const std::string& dict, const std::string& data, std::size_t align = 64) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::size_t total = prefix + dict.size() + 1;
  total = (total + align - 1) / align * align;
  const std::size_t length = total - prefix;
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>(length >> (8 * i) & 0xff);
  out += dict;
  out.append(total - out.size() - 1, ' ');
  out += '\n';
  return out + data;
}

std::string floats(std::initializer_list<float> values) {
  return std::string(reinterpret_cast<const char*>(values.begin()), values.size() * sizeof(float));
}

const std::string dict23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
const std::string data23 = floats({1, 2, 3, 4, 5, 6});

// The error for `bytes`, which read_npy must give too when they are a file's: it checks the header before reading
// the data, decode_npy has them all at once.
std::string decode_error(const std::string& bytes) {
  nnc::test::TempDir dir;
  const std::string path = dir.file("x.npy");
  REQUIRE(nnc::write_file_atomically(path, {bytes}));
  auto r = nnc::decode_npy(bytes, path);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::StartsWith(path + ": "));
  auto read = nnc::read_npy(path);
  REQUIRE_FALSE(read);
  CHECK(read.error().message == r.error().message);
  return r.error().message;
}

}  // namespace

TEST_CASE("npy round trip keeps shape and values, data 64-byte aligned", "[npy]") {
  nnc::test::TempDir dir;
  for (const Shape& shape : {Shape{2, 3}, Shape{5}, Shape{}, Shape{0, 3}, Shape{1, 1, 28, 28}}) {
    Tensor t(shape);
    for (int64_t i = 0; i < t.numel(); ++i) t.values()[i] = 0.5f * static_cast<float>(i) - 3.0f;
    std::string header = nnc::npy_header(shape);
    CHECK(header.size() % 64 == 0);
    CHECK(header.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    CHECK(header.back() == '\n');

    const std::string path = dir.file("t.npy");
    REQUIRE(nnc::write_npy(path, t));
    auto back = nnc::read_npy(path);
    REQUIRE(back);
    CHECK(back->shape() == shape);
    CHECK(std::equal(back->values().begin(), back->values().end(), t.values().begin(), t.values().end()));
    CHECK(nnc::encode_npy(t) == *nnc::read_file(path));
  }
}

TEST_CASE("npy writing switches to version 2.0 when the header outgrows 16 bits", "[npy]") {
  const Shape many_ones(30000, 1);
  const std::string header = nnc::npy_header(many_ones);
  CHECK(header[6] == 2);
  CHECK(header.size() % 64 == 0);
  CHECK(header.size() > 0x10000);
  Tensor t(many_ones);
  t.values()[0] = 4.5f;
  auto back = nnc::decode_npy(nnc::encode_npy(t), "x.npy");
  REQUIRE(back);
  CHECK(back->shape() == many_ones);
  CHECK(back->values()[0] == 4.5f);
  nnc::test::TempDir dir;
  REQUIRE(nnc::write_npy(dir.file("x.npy"), t));
  auto read = nnc::read_npy(dir.file("x.npy"));
  REQUIRE(read);
  CHECK(read->shape() == many_ones);
  CHECK(read->values()[0] == 4.5f);
}

TEST_CASE("npy header text is numpy's", "[npy]") {
  CHECK_THAT(nnc::npy_header({2, 3}), Contains("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
  CHECK_THAT(nnc::npy_header({7}), Contains("'shape': (7,), }"));
  CHECK_THAT(nnc::npy_header({}), Contains("'shape': (), }"));
}

TEST_CASE("npy reading accepts versions 1.0 to 3.0, 16- or 64-byte alignment and Python's literal variants", "[npy]") {
  const std::string variants[] = {
      raw_npy(1, dict23, data23),
      raw_npy(2, dict23, data23),
      raw_npy(3, dict23, data23),
      raw_npy(1, dict23, data23, 16),
      raw_npy(1, "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}", data23),
      raw_npy(1, "{'shape':(2,3),'fortran_order':False,'descr':'<f4'}", data23),
      raw_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", data23),
  };
  for (const std::string& bytes : variants) {
    auto t = nnc::decode_npy(bytes, "x.npy");
    REQUIRE(t);
    CHECK(t->shape() == Shape{2, 3});
    CHECK(t->values()[5] == 6.0f);
  }
}

TEST_CASE("npy reading rejects every malformed file with a message naming the file", "[npy]") {
  CHECK_THAT(decode_error(""), Contains("not a .npy file"));
  CHECK_THAT(decode_error("PK\x03\x04 a zip file"), Contains("not a .npy file"));
  CHECK_THAT(decode_error(std::string("\x93NUMPY\x01", 7)), Contains("format version"));
  CHECK_THAT(decode_error(raw_npy(4, dict23, data23)), Contains("version 4.0: expected 1.0, 2.0 or 3.0"));
  std::string minor = raw_npy(1, dict23, data23);
  minor[7] = 1;
  CHECK_THAT(decode_error(minor), Contains("version 1.1"));
  CHECK_THAT(decode_error(std::string("\x93NUMPY\x02\x00\x10", 9)), Contains("header length"));
  CHECK_THAT(decode_error(raw_npy(1, dict23, data23).substr(0, 40)), Contains("truncated: the header length says"));

  auto with_dict = [&](const std::string& dict) { return decode_error(raw_npy(1, dict, data23)); };
  CHECK_THAT(with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"),
             Contains("dtype '<f8' (float64) is not supported: expected '<f4' (float32, little-endian)"));
  CHECK_THAT(with_dict("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }"), Contains("(float32, big-endian)"));
  CHECK_THAT(with_dict("{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }"), Contains("Python objects"));
  CHECK_THAT(with_dict("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"), Contains("(int32)"));
  CHECK_THAT(with_dict("{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3), }"), Contains("(bool)"));
  CHECK_THAT(with_dict("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }"), Contains("(float16)"));
  CHECK_THAT(with_dict("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }"), Contains("structured"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"), Contains("expected C order"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': maybe, 'shape': (2, 3), }"), Contains("True or False"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"), Contains("negative"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"),
             Contains("does not fit in 64 bits"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"),
             Contains("too many elements"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }"), Contains("not a tuple"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }"), Contains("a tuple such as"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }"), Contains("',' or ')'"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, }"), Contains("no 'shape'"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}"), Contains("twice"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}"),
             Contains("unexpected key 'extra'"));
  CHECK_THAT(with_dict("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}"), Contains("malformed header"));
  CHECK_THAT(with_dict("{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}"), Contains("',' or '}'"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} junk"), Contains("end of the header"));
  CHECK_THAT(with_dict("['descr', '<f4']"), Contains("expected '{'"));
  CHECK_THAT(with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)"), Contains("',' or '}'"));

  CHECK_THAT(decode_error(raw_npy(1, dict23, data23.substr(0, 20))),
             Contains("truncated data: shape [2, 3] needs 24 bytes of float32 data, found 20"));
  CHECK_THAT(decode_error(raw_npy(1, dict23, data23 + "xy")), Contains("2 bytes of trailing garbage"));
}

TEST_CASE("npy reading survives every truncation and byte flip", "[npy]") {
  const std::string good = raw_npy(1, dict23, data23);
  for (std::size_t n = 0; n < good.size(); ++n) CHECK_FALSE(nnc::decode_npy(good.substr(0, n), "x.npy"));
  for (std::size_t i = 0; i < good.size(); ++i)
    for (int bit : {0, 3, 7}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      auto r = nnc::decode_npy(bad, "x.npy");
      if (r) CHECK(r->numel() <= 6);  // a flip in the data or the padding may still be a valid file
    }
}

TEST_CASE("npy file errors name the file", "[npy]") {
  nnc::test::TempDir dir;
  auto missing = nnc::read_npy(dir.file("missing.npy"));
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Contains("missing.npy") && Contains("No such file"));
  auto directory = nnc::read_npy(dir.path().string());
  REQUIRE_FALSE(directory);
  CHECK_THAT(directory.error().message, Contains("directory"));
  auto unwritable = nnc::write_npy(dir.file("no/such/dir/x.npy"), Tensor({2}));
  REQUIRE_FALSE(unwritable);
  CHECK_THAT(unwritable.error().message, Contains("x.npy"));
}

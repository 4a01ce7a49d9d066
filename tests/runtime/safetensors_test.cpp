#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "nnc/file_io.h"
#include "nnc/safetensors.h"
#include "temp_dir.h"

using nnc::SafetensorsFile;
using nnc::Shape;
using nnc::Tensor;
using Catch::Contains;

namespace {

// A file from its JSON header text and data section, with the 8-byte size in front.
std::string st_file(const std::string& header, const std::string& data = "") {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(uint64_t{header.size()} >> (8 * i) & 0xff);
  return out + header + data;
}

std::string bytes_of(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

Tensor counting(const Shape& shape) {
  Tensor t(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.values()[i] = static_cast<float>(i);
  return t;
}

// The error for `bytes`, which SafetensorsFile::read must give too when they are a file's: it checks each part
// before reading the next, parse has them all at once.
std::string parse_error(const std::string& bytes) {
  nnc::test::TempDir dir;
  const std::string path = dir.file("w.safetensors");
  REQUIRE(nnc::write_file_atomically(path, {bytes}));
  auto r = SafetensorsFile::parse(bytes, path);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::StartsWith(path + ": "));
  auto read = SafetensorsFile::read(path);
  REQUIRE_FALSE(read);
  CHECK(read.error().message == r.error().message);
  return r.error().message;
}

const std::string entry_a = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";

}  // namespace

TEST_CASE("safetensors writer output is byte-identical to the reference implementation's", "[safetensors]") {
  // The expected bytes are those of test_serialization and test_empty in safetensors/src/tensor.rs.
  std::map<std::string, Tensor> one;
  one.emplace("attn.0", counting({1, 2, 3}));
  CHECK(*nnc::encode_safetensors(one) ==
        bytes_of({64,  0,   0,   0,   0,   0,   0,   0,   123, 34,  97,  116, 116, 110, 46,  48,  34,  58,  123, 34,
                  100, 116, 121, 112, 101, 34,  58,  34,  70,  51,  50,  34,  44,  34,  115, 104, 97,  112, 101, 34,
                  58,  91,  49,  44,  50,  44,  51,  93,  44,  34,  100, 97,  116, 97,  95,  111, 102, 102, 115, 101,
                  116, 115, 34,  58,  91,  48,  44,  50,  52,  93,  125, 125, 0,   0,   0,   0,   0,   0,   128, 63,
                  0,   0,   0,   64,  0,   0,   64,  64,  0,   0,   128, 64,  0,   0,   160, 64}));
  CHECK(*nnc::encode_safetensors({}) == bytes_of({8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32}));
  CHECK(*nnc::encode_safetensors({}, {{"framework", "pt"}}) ==
        bytes_of({40, 0,   0,   0,   0,   0,   0,   0,   123, 34,  95,  95, 109, 101, 116, 97, 100,
                  97, 116, 97,  95,  95,  34,  58,  123, 34,  102, 114, 97, 109, 101, 119, 111, 114,
                  107, 34, 58,  34,  112, 116, 34,  125, 125, 32,  32,  32, 32,  32}));
}

TEST_CASE("safetensors round trip keeps keys, shapes, values and metadata", "[safetensors]") {
  nnc::test::TempDir dir;
  std::map<std::string, Tensor> tensors;
  tensors.emplace("0.weight", counting({5, 1, 5, 5}));
  tensors.emplace("0.bias", counting({5}));
  tensors.emplace("empty", counting({0, 4}));
  tensors.emplace("scalar", counting({}));
  const std::string path = dir.file("w.safetensors");
  REQUIRE(nnc::write_safetensors(path, tensors, {{"format", "pt"}}));

  auto file = SafetensorsFile::read(path);
  REQUIRE(file);
  CHECK(file->metadata() == std::map<std::string, std::string>{{"format", "pt"}});
  REQUIRE(file->entries().size() == 4);
  for (const auto& [key, original] : tensors) {
    auto t = file->tensor(key);
    REQUIRE(t);
    CHECK(t->shape() == original.shape());
    CHECK(std::equal(t->values().begin(), t->values().end(), original.values().begin(), original.values().end()));
  }
  CHECK(file->entries().at("0.bias").dtype == "F32");
  CHECK((*nnc::read_file(path)).size() % 4 == 0);
}

TEST_CASE("safetensors reading accepts what the reference accepts", "[safetensors]") {
  const std::string data = std::string(8, '\0') + std::string(4, '\1');
  auto file = SafetensorsFile::parse(
      st_file(R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},)" + entry_a +
                  R"(,"__metadata__":null,"z":{"dtype":"I8","shape":[0],"data_offsets":[12,12],"extra":[1]}}   )",
              data),
      "w.safetensors");
  REQUIRE(file);
  CHECK(file->entries().size() == 3);
  CHECK(file->entries().at("h").shape == Shape{2});
  CHECK(file->entries().at("h").begin == 8);
  CHECK(file->tensor("a"));
  auto half = file->tensor("h");
  REQUIRE_FALSE(half);
  CHECK(half.error().message == "w.safetensors: tensor 'h' has dtype F16, expected F32 (float32)");
  auto missing = file->tensor("b");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "w.safetensors: no tensor 'b'");
}

TEST_CASE("safetensors reading rejects every malformed file with a message naming the file and key", "[safetensors]") {
  const std::string eight(8, '\0');
  CHECK_THAT(parse_error(""), Contains("shorter than the 8-byte header size"));
  CHECK_THAT(parse_error(bytes_of({0, 0, 0, 0, 0, 0, 0})), Contains("shorter than the 8-byte header size"));
  CHECK_THAT(parse_error(bytes_of({0x01, 0xe1, 0xf5, 0x05, 0, 0, 0, 0}) + "{}"), Contains("above the limit of 100000000"));
  CHECK_THAT(parse_error(bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})), Contains("above the limit"));
  CHECK_THAT(parse_error(bytes_of({10, 0, 0, 0, 0, 0, 0, 0}) + "{}"),
             Contains("truncated, or not a safetensors file: the header size in its first 8 bytes is more than the 2 bytes"));
  CHECK_THAT(parse_error(st_file("")), Contains("does not start with '{'"));
  CHECK_THAT(parse_error(st_file(" {}")), Contains("does not start with '{'"));
  CHECK_THAT(parse_error(st_file("{\"a\":")), Contains("invalid JSON header"));
  CHECK_THAT(parse_error(st_file("{} x")), Contains("invalid JSON header"));
  CHECK_THAT(parse_error(st_file(std::string("{}\0\0\0\0\0\0", 8))), Contains("invalid JSON header"));
  CHECK_THAT(parse_error(st_file("{\"\xff\":1}")), Contains("invalid JSON header"));

  CHECK_THAT(parse_error(st_file("{" + entry_a + "," + entry_a + "}", eight)), Contains("duplicate key \"a\""));
  CHECK_THAT(parse_error(st_file(R"({"a":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}})", eight)),
             Contains("duplicate key \"dtype\""));
  CHECK_THAT(parse_error(st_file(R"({"__metadata__":{"k":"1","k":"2"}})")), Contains("duplicate key \"k\""));
  CHECK_THAT(parse_error(st_file(R"({"a":{"x":)" + std::string(100, '[') + std::string(100, ']') + "}}")),
             Contains("nested deeper than 64 levels"));

  auto with_a = [&](const std::string& value, const std::string& data = std::string(8, '\0')) {
    return parse_error(st_file("{\"a\":" + value + "}", data));
  };
  CHECK_THAT(with_a("[1]"), Contains("tensor 'a' is [1], expected an object"));
  CHECK_THAT(with_a(R"({"shape":[2],"data_offsets":[0,8]})"), Contains("tensor 'a' has no \"dtype\""));
  CHECK_THAT(with_a(R"({"dtype":"F32","data_offsets":[0,8]})"), Contains("tensor 'a' has no \"shape\""));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[2]})"), Contains("tensor 'a' has no \"data_offsets\""));
  CHECK_THAT(with_a(R"({"dtype":"F31","shape":[2],"data_offsets":[0,8]})"), Contains("unknown dtype \"F31\""));
  CHECK_THAT(with_a(R"({"dtype":4,"shape":[2],"data_offsets":[0,8]})"), Contains("unknown dtype 4"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":2,"data_offsets":[0,8]})"), Contains("\"shape\" is 2, expected a list"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})"), Contains("-2 is negative"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[2.0],"data_offsets":[0,8]})"), Contains("2.0 is not an integer"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,8]})"),
             Contains("does not fit"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[99999999999999999999999],"data_offsets":[0,8]})"),
             Contains("not an integer"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8,8]})"), Contains("has 3 values, expected two"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[2],"data_offsets":[8,0]})"), Contains("end before they begin"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[2,3],"data_offsets":[0,8]})"),
             Contains("tensor 'a' dtype F32 and shape [2, 3] need 24 bytes, but data_offsets [0, 8] hold 8"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,8]})"), Contains("overflows"));
  CHECK_THAT(with_a(R"({"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]})"), Contains("overflows"));
  CHECK_THAT(with_a(R"({"dtype":"F32","shape":[2],"data_offsets":[4,12]})", std::string(12, '\0')),
             Contains("tensor 'a' has data_offsets [4, 12], but the data must continue at byte 0 (the start)"));

  const std::string b_gap = R"("b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]})";
  CHECK_THAT(parse_error(st_file("{" + entry_a + "," + b_gap + "}", std::string(20, '\0'))),
             Contains("tensor 'b' has data_offsets [12, 20], but the data must continue at byte 8 (the end of 'a')"));
  const std::string b_overlap = R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]})";
  CHECK_THAT(parse_error(st_file("{" + entry_a + "," + b_overlap + "}", std::string(12, '\0'))),
             Contains("must be contiguous and must not overlap"));
  CHECK_THAT(parse_error(st_file("{" + entry_a + "}", std::string(12, '\0'))),
             Contains("the tensors cover 8 bytes, but the data section has 12"));
  CHECK_THAT(parse_error(st_file("{" + entry_a + "}", std::string(4, '\0'))),
             Contains("the tensors cover 8 bytes, but the data section has 4"));
  CHECK_THAT(parse_error(st_file(R"({"__metadata__":{"k":1}})")), Contains("maps \"k\" to 1, expected a string"));
  CHECK_THAT(parse_error(st_file(R"({"__metadata__":[]})")), Contains("\"__metadata__\" is [], expected an object"));
}

TEST_CASE("safetensors reading survives every truncation and byte flip", "[safetensors]") {
  std::map<std::string, Tensor> tensors;
  tensors.emplace("a", counting({2, 2}));
  tensors.emplace("b", counting({3}));
  const std::string good = *nnc::encode_safetensors(tensors, {{"k", "v"}});
  REQUIRE(SafetensorsFile::parse(good, "w"));
  for (std::size_t n = 0; n < good.size(); ++n) CHECK_FALSE(SafetensorsFile::parse(good.substr(0, n), "w"));
  for (std::size_t i = 0; i < good.size(); ++i)
    for (int bit : {0, 5, 7}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      auto r = SafetensorsFile::parse(bad, "w");
      if (r) CHECK(r->entries().size() <= 2);  // a flip in the data or in a key name may still be a valid file
    }
}

TEST_CASE("safetensors writing refuses keys it cannot represent and never clobbers on failure", "[safetensors]") {
  std::map<std::string, Tensor> reserved;
  reserved.emplace("__metadata__", counting({1}));
  auto r = nnc::encode_safetensors(reserved);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Contains("__metadata__"));
  std::map<std::string, Tensor> bad_utf8;
  bad_utf8.emplace("\xff", counting({1}));
  REQUIRE_FALSE(nnc::encode_safetensors(bad_utf8));

  nnc::test::TempDir dir;
  const std::string path = dir.file("w.safetensors");
  REQUIRE(nnc::write_safetensors(path, {}));
  const std::string before = *nnc::read_file(path);
  auto failed = nnc::write_safetensors(path, reserved);
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error().message, Contains("w.safetensors"));
  CHECK(*nnc::read_file(path) == before);
}

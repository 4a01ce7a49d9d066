#include <catch2/catch.hpp>

#include <filesystem>

#include "nnc/file_io.h"
#include "temp_dir.h"

using Catch::Contains;

namespace {
int entries_in(const std::filesystem::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

TEST_CASE("atomic writes create and replace files and leave nothing else behind", "[file_io]") {
  nnc::test::TempDir dir;
  const std::string path = dir.file("out.bin");
  REQUIRE(nnc::write_file_atomically(path, {"hello ", "world"}));
  CHECK(*nnc::read_file(path) == "hello world");
  REQUIRE(nnc::write_file_atomically(path, {"again"}));
  CHECK(*nnc::read_file(path) == "again");
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("a failed atomic write leaves the target as it was and removes its temporary file", "[file_io]") {
  nnc::test::TempDir dir;
  const std::string target = dir.file("occupied");
  std::filesystem::create_directory(target);
  REQUIRE(nnc::write_file_atomically(dir.file("occupied/keep"), {"kept"}));
  auto failed = nnc::write_file_atomically(target, {"data"});
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error().message, Contains("occupied"));
  CHECK(std::filesystem::is_directory(target));
  CHECK(*nnc::read_file(dir.file("occupied/keep")) == "kept");
  CHECK(entries_in(dir.path()) == 1);

  auto no_dir = nnc::write_file_atomically(dir.file("missing/out.bin"), {"data"});
  REQUIRE_FALSE(no_dir);
  CHECK_THAT(no_dir.error().message, Contains("missing/out.bin") && Contains("No such file"));
}

TEST_CASE("reading reports missing files and directories", "[file_io]") {
  nnc::test::TempDir dir;
  auto missing = nnc::read_file(dir.file("nope"));
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Contains("cannot open") && Contains("nope"));
  auto directory = nnc::read_file(dir.path().string());
  REQUIRE_FALSE(directory);
  CHECK_THAT(directory.error().message, Contains("is a directory"));
  REQUIRE(nnc::write_file_atomically(dir.file("empty"), {}));
  CHECK(nnc::read_file(dir.file("empty"))->empty());
}

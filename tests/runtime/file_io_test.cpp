#include <catch2/catch.hpp>

#include <filesystem>

#include <sys/stat.h>

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

TEST_CASE("reading refuses FIFOs and devices at once, and reads only up to a file's size", "[file_io]") {
  nnc::test::TempDir dir;
  const std::string fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Nothing ever writes to the FIFO: opening it for reading would wait forever.
  auto from_fifo = nnc::read_file(fifo);
  REQUIRE_FALSE(from_fifo);
  CHECK_THAT(from_fifo.error().message, Contains("fifo") && Contains("is a FIFO, not a regular file"));
  auto from_zero = nnc::read_file("/dev/zero");
  REQUIRE_FALSE(from_zero);
  CHECK_THAT(from_zero.error().message, Contains("'/dev/zero': it is a character device, not a regular file"));

  REQUIRE(nnc::write_file_atomically(dir.file("ten"), {"0123456789"}));
  auto file = nnc::InputFile::open(dir.file("ten"));
  REQUIRE(file);
  CHECK(file->size() == 10);
  CHECK(*file->read(4) == "0123");
  auto past_end = file->read(7);
  REQUIRE_FALSE(past_end);
  CHECK_THAT(past_end.error().message, Contains("7 bytes from byte 4 go past its end at byte 10"));
  CHECK(*file->read(6) == "456789");
}

TEST_CASE("writes go through symlinks and keep the replaced file's mode", "[file_io]") {
  nnc::test::TempDir dir;
  const std::string target = dir.file("target");
  REQUIRE(nnc::write_file_atomically(target, {"old"}));
  std::filesystem::permissions(target, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::create_symlink("target", dir.file("link"));
  REQUIRE(nnc::write_file_atomically(dir.file("link"), {"new"}));
  CHECK(std::filesystem::is_symlink(dir.file("link")));
  CHECK(*nnc::read_file(target) == "new");
  CHECK(std::filesystem::status(target).permissions() ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

  std::filesystem::create_symlink("created", dir.file("dangling"));
  REQUIRE(nnc::write_file_atomically(dir.file("dangling"), {"made"}));
  CHECK(std::filesystem::is_symlink(dir.file("dangling")));
  CHECK(*nnc::read_file(dir.file("created")) == "made");
  CHECK(entries_in(dir.path()) == 4);
}

TEST_CASE("writes go into FIFOs and character devices without replacing them", "[file_io]") {
  nnc::test::TempDir dir;
  const std::string fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto unread = nnc::write_file_atomically(fifo, {"data"});
  REQUIRE_FALSE(unread);
  CHECK_THAT(unread.error().message, Contains("is a FIFO that no process is reading"));
  CHECK(std::filesystem::is_fifo(fifo));

  auto full = nnc::write_file_atomically("/dev/full", {"data"});
  REQUIRE_FALSE(full);
  CHECK_THAT(full.error().message, Contains("'/dev/full': No space left on device"));
  CHECK(std::filesystem::is_character_file("/dev/full"));

  // The regular file written beside /dev/full is left as it was.
  const std::string kept = dir.file("kept");
  REQUIRE(nnc::write_file_atomically(kept, {"kept"}));
  auto both = nnc::write_files_atomically({{kept, {"replaced"}}, {"/dev/full", {"data"}}});
  REQUIRE_FALSE(both);
  CHECK(*nnc::read_file(kept) == "kept");
  CHECK(entries_in(dir.path()) == 2);
}

TEST_CASE("several files are written all or none", "[file_io]") {
  nnc::test::TempDir dir;
  REQUIRE(nnc::write_file_atomically(dir.file("a"), {"old a"}));
  std::filesystem::create_directory(dir.file("c"));
  auto failed = nnc::write_files_atomically({{dir.file("a"), {"new a"}}, {dir.file("b"), {"new b"}}, {dir.file("c"), {"new c"}}});
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error().message, Contains("is a directory, not a regular file, a character device or a FIFO"));
  CHECK(*nnc::read_file(dir.file("a")) == "old a");
  CHECK_FALSE(std::filesystem::exists(dir.file("b")));
  CHECK(entries_in(dir.path()) == 2);

  REQUIRE(nnc::write_files_atomically({{dir.file("a"), {"new a"}}, {dir.file("b"), {"new ", "b"}}}));
  CHECK(*nnc::read_file(dir.file("a")) == "new a");
  CHECK(*nnc::read_file(dir.file("b")) == "new b");
}

#include <catch2/catch.hpp>

#include <set>

#include "codegen/cpp/code_printer.h"
#include "support/identifier.h"
#include "support/printable.h"

using nnc::identifier_piece;
using nnc::model_identifier;
using nnc::printable;

TEST_CASE("printable replaces what a terminal would act on and keeps UTF-8 text", "[names]") {
  CHECK(printable("\x1b]0;PWNED\a") == "?]0;PWNED?");
  CHECK(printable("a\tb\r\n\x7f") == "a b???");
  CHECK(printable("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x99\x82") == "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x99\x82");
  CHECK(printable("\xc2\x9b" "31m") == "?31m");  // U+009B, the C1 control sequence introducer
  CHECK(printable("\xc2\xa0") == "\xc2\xa0");    // U+00A0 is printable
  CHECK(printable("a\x9b" "b") == "a?b");       // a lone continuation byte
  CHECK(printable("a\xe2\x86" "b") == "a?b");   // a sequence cut short
  CHECK(printable("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80") == "???");  // overlong, surrogate, above U+10FFFF
  CHECK(printable(std::string("a\0b", 3)) == "a?b");
}

TEST_CASE("identifier pieces hold letters, digits and single inner underscores", "[names]") {
  CHECK(identifier_piece("layer1.0.conv1") == "layer1_0_conv1");
  CHECK(identifier_piece("conv_1") == "conv_1");
  CHECK(identifier_piece("0") == "0");
  CHECK(identifier_piece("__x") == "x");
  CHECK(identifier_piece("_Foo") == "Foo");
  CHECK(identifier_piece("a__b") == "a_b");
  CHECK(identifier_piece("x\n#error INJECTED") == "x_error_INJECTED");
  CHECK(identifier_piece("caf\xc3\xa9!") == "caf");
  CHECK(identifier_piece("\xc3\xa9") == "");
  CHECK(identifier_piece(std::string(1000, 'a') + ".b").size() == 80);
  CHECK(identifier_piece(std::string(79, 'a') + ".b") == std::string(79, 'a'));
}

TEST_CASE("model identifiers keep plain names and make every other name distinct", "[names]") {
  CHECK(model_identifier("conv_pool") == "conv_pool");
  CHECK(model_identifier("lenet5") == "lenet5");
  const std::vector<std::string> changed = {"a-b", "a.b", "a b", "class", "int", "std", "nnc_rt", "exp", "NAN", "linux",
                                            "main", "index", "random", "1net", "", "\xc3\xa9", "\xc3\xbc", "_Foo", "__x",
                                            "a__b", "x_", "a_b_0123abcd"};
  std::set<std::string> ids = {"a_b", "conv_pool"};
  for (const std::string& name : changed) {
    const std::string id = model_identifier(name);
    INFO(name << " -> " << id);
    CHECK(id != name);
    CHECK(identifier_piece(id) == id);
    CHECK(!nnc::reserved_identifier(id));
    CHECK((id[0] < '0' || id[0] > '9'));
    CHECK(ids.insert(id).second);
    CHECK(model_identifier(name) == id);  // the same in every run
  }
  CHECK(model_identifier("a-b").rfind("a_b_", 0) == 0);
  CHECK(model_identifier("1net").rfind("model_1net_", 0) == 0);
  CHECK(model_identifier("\xc3\xa9").rfind("model_", 0) == 0);
  CHECK(model_identifier(std::string(1000, 'n')).size() == 80 + 9);
}

TEST_CASE("an identifier scope numbers the names it has already given", "[names]") {
  nnc::IdentifierScope scope;
  CHECK(scope.claim("a_b") == "a_b");
  CHECK(scope.claim("a_b_2") == "a_b_2");
  CHECK(scope.claim("a_b") == "a_b_3");
  CHECK(scope.claim("a_b") == "a_b_4");
  CHECK(scope.claim("c") == "c");
}

TEST_CASE("comment text cannot end a comment, splice a line or form a trigraph", "[names]") {
  using nnc::codegen::comment_text;
  CHECK(comment_text("layer 'conv1' (conv2d, line 6)") == "layer 'conv1' (conv2d, line 6)");
  CHECK(comment_text("x\n#error INJECTED") == "x\\x0a#error INJECTED");
  CHECK(comment_text("x\r\\") == "x\\x0d\\x5c");
  CHECK(comment_text("?\?/") == "\\x3f\\x3f/");  // "??/", the trigraph of a backslash
  CHECK(comment_text("\xc3\xa9\xe2\x80\xae") == "\\xc3\\xa9\\xe2\\x80\\xae");
}

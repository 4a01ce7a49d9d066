// The Loop IR's builders, simplifier and verifier, on small hand-built inputs.
#include <catch2/catch.hpp>

#include <sstream>

#include "codegen/cpp/code_printer.h"
#include "ir/ir.h"
#include "ir/simplify.h"
#include "ir/verify.h"

using namespace nnc::ir;

namespace {

std::string text(const Expr& e) {
  std::ostringstream out;
  return nnc::codegen::CodePrinter(out).print(e);
}

Function kernel(std::vector<Buffer> args, Stmt body) { return Function{"k", std::move(args), std::move(body), "test"}; }

}  // namespace

TEST_CASE("IR builders check their operands and set the result type", "[ir]") {
  Expr i = i64_var("i"), x = f32(1.5f);
  CHECK((i + Expr(1)).type() == Type::i64());
  CHECK((i < Expr(3)).type() == Type::boolean());
  CHECK(Ramp::make(i, 1, 16).type() == Type::i64(16));
  CHECK(Broadcast::make(x, 8).type() == Type::f32(8));
  CHECK(Load::make(argument_buffer("b", 32, true, 64), Ramp::make(i, 1, 16)).type() == Type::f32(16));
  CHECK(ReduceAdd::make(Broadcast::make(x, 16)).type() == Type::f32());

  CHECK_THROWS_WITH(i + x, Catch::Contains("this is a bug in nnc") && Catch::Contains("operand types differ: i64 and f32"));
  CHECK_THROWS_WITH(x % x, Catch::Contains("Mod"));
  CHECK_THROWS_WITH(select(i, x, x), Catch::Contains("condition must be bool"));
  CHECK_THROWS_WITH(Ramp::make(i, 1, 1), Catch::Contains("at least 2 lanes"));
  CHECK_THROWS(Load::make(argument_buffer("b", 4, true, 0), x));
  CHECK_THROWS(Var::make(Type::i64(), ""));
  CHECK_THROWS(slice_buffer("s", argument_buffer("b", 10, false, 64), 8, 4));
  CHECK_THROWS_WITH(Store::make(argument_buffer("x", 4, true, 0), x, 0), Catch::Contains("read-only"));
}

TEST_CASE("a slice keeps 64-byte alignment only at multiples of 16 floats", "[ir]") {
  Buffer arena = argument_buffer("arena", 1024, false, 64);
  CHECK(slice_buffer("a", arena, 32, 16)->alignment == 64);
  CHECK(slice_buffer("b", arena, 33, 16)->alignment == 4);
}

TEST_CASE("Block flattens nested blocks", "[ir]") {
  Buffer b = argument_buffer("b", 4, false, 0);
  Stmt s0 = Store::make(b, f32(0), 0), s1 = Store::make(b, f32(1), 1), s2 = Store::make(b, f32(2), 2);
  Stmt nested = Block::make({s0, Block::make({s1, s2})});
  REQUIRE(nested.as<Block>());
  CHECK(nested.as<Block>()->stmts.size() == 3);
  CHECK(Block::make({s0}).same_as(s0));
}

TEST_CASE("the simplifier folds index arithmetic and leaves floats alone", "[ir][simplify]") {
  Expr i = i64_var("i"), j = i64_var("j");
  CHECK(text(simplify((i + Expr(2)) + Expr(3))) == "(i + 5)");
  CHECK(text(simplify(i * Expr(1) + Expr(0))) == "i");
  CHECK(text(simplify(i + (j - i))) == "j");
  CHECK(text(simplify((i + j) - i)) == "j");
  CHECK(text(simplify(Expr(7) / Expr(2))) == "3");
  CHECK(text(simplify(Expr(-7) / Expr(2))) == "-4");  // floor division, as the IR defines it
  CHECK(text(simplify(Expr(-7) % Expr(2))) == "1");
  CHECK(text(simplify(min(Expr(4), Expr(9)))) == "4");
  // Overflow is never folded.
  CHECK(text(simplify(Expr(INT64_MAX) + Expr(1))) != text(Expr(INT64_MIN)));
  // x + 0.0f is not x for x = -0.0f: floats stay as written.
  Expr x = Var::make(Type::f32(), "x");
  CHECK(text(simplify(x + f32(0))) == text(x + f32(0)));
}

TEST_CASE("C++ min and max of two int-typed operands name their type", "[ir][codegen]") {
  // nnc_rt::min(int, int) would be ambiguous between its float and int64 overloads (reflect padding over an axis of
  // size 1 wrote one: tests/random_models/regressions/conv2d_reflect_size1_axis_cpp.yaml).
  auto cpp = [](const Expr& e) {
    std::ostringstream out;
    return nnc::codegen::CodePrinter(out, nnc::codegen::Dialect::Cpp).print(e);
  };
  Expr i = i64_var("i"), c = i < Expr(0);
  CHECK(cpp(min(select(c, Expr(0), Expr(1)), Expr(0))) == "nnc_rt::min(static_cast<std::int64_t>(((i < 0) ? 0 : 1)), 0)");
  CHECK(cpp(max(Expr(2) - Expr(1), select(c, Expr(3), Expr(4)))) == "nnc_rt::max(static_cast<std::int64_t>((2 - 1)), ((i < 0) ? 3 : 4))");
  CHECK(cpp(min(i, Expr(0))) == "nnc_rt::min(i, 0)");
  CHECK(cpp(min(select(c, Expr(0), i), Expr(0))) == "nnc_rt::min(((i < 0) ? 0 : i), 0)");
}

TEST_CASE("the simplifier substitutes single-iteration loops and constant lets", "[ir][simplify]") {
  Buffer b = argument_buffer("b", 8, false, 0);
  Stmt loop = For::make("i", 3, 1, ForKind::Serial, Store::make(b, f32(1), i64_var("i") + Expr(1)));
  Stmt s = simplify(loop);
  REQUIRE(s.as<Store>());
  CHECK(text(s.as<Store>()->index) == "4");

  Stmt let = LetStmt::make("k", Expr(2), Store::make(b, f32(1), i64_var("k") * Expr(3)));
  REQUIRE(simplify(let).as<Store>());
  CHECK(text(simplify(let).as<Store>()->index) == "6");

  // A parallel loop of one iteration stays a loop: its kind is a request to the backend.
  Stmt parallel = For::make("p", 0, 1, ForKind::Parallel, Store::make(b, f32(1), i64_var("p")));
  CHECK(simplify(parallel).as<For>());
}

TEST_CASE("the verifier accepts in-bounds kernels", "[ir][verify]") {
  Buffer in = argument_buffer("x", 64, true, 64), out = argument_buffer("y", 64, false, 64);
  Expr v = i64_var("v");
  Stmt body = For::make("v", 0, 4, ForKind::Serial,
                        Store::make(out, Load::make(in, Ramp::make(v * Expr(16), 1, 16)), Ramp::make(v * Expr(16), 1, 16)));
  CHECK_NOTHROW(verify(kernel({in, out}, body)));

  // An `if` guard narrows the range the verifier proves.
  Expr i = i64_var("i");
  Stmt guarded = For::make("i", 0, 100, ForKind::Serial, IfThenElse::make(i < Expr(64), Store::make(out, f32(0), i)));
  CHECK_NOTHROW(verify(kernel({in, out}, guarded)));
}

TEST_CASE("the verifier rejects out-of-bounds accesses, unbound names and stray buffers", "[ir][verify]") {
  Buffer in = argument_buffer("x", 64, true, 64), out = argument_buffer("y", 64, false, 64);
  Expr i = i64_var("i");
  Stmt past_end = For::make("i", 0, 65, ForKind::Serial, Store::make(out, Load::make(in, i), i));
  CHECK_THROWS_WITH(verify(kernel({in, out}, past_end)), Catch::Contains("this is a bug in nnc"));

  Stmt vector_past_end = For::make("i", 0, 4, ForKind::Serial, Store::make(out, f32(0), i * Expr(16) + Expr(1)));
  CHECK_NOTHROW(verify(kernel({in, out}, vector_past_end)));
  Stmt ramp_past_end = For::make("i", 0, 4, ForKind::Serial,
                                 Store::make(out, Broadcast::make(f32(0), 16), Ramp::make(i * Expr(16) + Expr(1), 1, 16)));
  CHECK_THROWS(verify(kernel({in, out}, ramp_past_end)));

  Stmt unbound = Store::make(out, f32(0), i64_var("nowhere"));
  CHECK_THROWS(verify(kernel({in, out}, unbound)));

  Stmt twice = For::make("i", 0, 4, ForKind::Serial, For::make("i", 0, 4, ForKind::Serial, Store::make(out, f32(0), i)));
  CHECK_THROWS(verify(kernel({in, out}, twice)));

  Buffer stranger = argument_buffer("z", 64, false, 64);
  CHECK_THROWS(verify(kernel({in, out}, Store::make(stranger, f32(0), 0))));

}

#pragma once
// Prints Loop IR as C++. One visitor serves both the human-readable dump (`nnc emit --emit loops`)
// and the standalone C++ backend, so the two cannot drift apart.
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_set>

#include "ir/ir.h"
#include "ir/visitor.h"

namespace nnc::codegen {

// Loops: the debug dump, compact and readable. Cpp: valid C++17 over the helpers in prologue.hpp.
enum class Dialect { Loops, Cpp };

class CodePrinter : public ir::ExprFunctor<std::string>, public ir::StmtFunctor<void> {
 public:
  explicit CodePrinter(std::ostream& out, Dialect dialect = Dialect::Loops) : out_(out), dialect_(dialect) {}

  // `void name(const float* __restrict a, float* __restrict b, ...) { ... }`
  void print_function(const ir::Function& f, const std::string& qualifiers = "");
  // Every kernel, then the entry point (named `entry_name`, default the module's) calling them in order.
  void print_module(const ir::Module& m, const std::string& entry_name = "");
  std::string print(const ir::Expr& e) { return ir::ExprFunctor<std::string>::dispatch(e); }
  // `e` printed as a first argument of nnc_rt::min or max whose second is `other`.
  std::string int64_operand(const ir::Expr& e, const ir::Expr& other);
  void print(const ir::Stmt& s) { ir::StmtFunctor<void>::dispatch(s); }

 protected:
  using ir::ExprFunctor<std::string>::visit;
  using ir::StmtFunctor<void>::visit;

#define NNC_DECLARE(Node) std::string visit(const ir::Node* op) override;
  NNC_IR_EXPR_NODES(NNC_DECLARE)
#undef NNC_DECLARE
#define NNC_DECLARE(Node) void visit(const ir::Node* op) override;
  NNC_IR_STMT_NODES(NNC_DECLARE)
#undef NNC_DECLARE

  std::ostream& line();  // a new line at the current indentation
  std::string buffer_name(const ir::Buffer& b) const;
  bool cpp() const { return dialect_ == Dialect::Cpp; }
  // A prologue helper: `nnc_rt::name` in C++, `name` in the dump.
  std::string helper(const std::string& name) const { return cpp() ? "nnc_rt::" + name : name; }
  std::string scalar_type(ir::Type t) const;
  std::string parameter_list(const std::vector<ir::Buffer>& args, bool maybe_unused = false) const;

  std::ostream& out_;
  Dialect dialect_;
  int indent_ = 0;
  // Local buffers printed as `nnc_rt::vec` variables (Cpp dialect).
  std::unordered_set<const ir::BufferNode*> vector_variables_;
};

// C++ spelling of an f32 constant that reads back exactly.
std::string float_literal(float value);
// The exact C++17 hexadecimal spelling of an f32 constant (`0x1.8p+1f`).
std::string hex_float_literal(float value);
// `text` (names from a model file) safe inside a `//` comment: printable ASCII as it is, but for the backslash and '?'
// (a line splice, a trigraph), and every other byte (line breaks, escapes, non-ASCII that compilers may warn about)
// as \xNN.
std::string comment_text(std::string_view text);

}  // namespace nnc::codegen

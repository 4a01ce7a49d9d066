#include "codegen/cpp/code_printer.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

namespace nnc::codegen {

using namespace nnc::ir;

std::string float_literal(float value) {
  if (std::isnan(value)) return "NAN";
  if (std::isinf(value)) return value > 0 ? "INFINITY" : "-INFINITY";
  std::string text = fmt::format("{}", value);  // shortest text that reads back to the same float
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text + "f";
}

std::string hex_float_literal(float value) {
  if (!std::isfinite(value)) return float_literal(value);
  char text[32];
  std::snprintf(text, sizeof text, "%af", static_cast<double>(value));
  return text;
}

std::string comment_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\' && c != '?') out += c;
    else out += fmt::format("\\x{:02x}", byte);
  }
  return out;
}

std::ostream& CodePrinter::line() { return out_ << std::string(static_cast<size_t>(indent_) * 2, ' '); }

std::string CodePrinter::buffer_name(const Buffer& b) const { return b->name; }

std::string CodePrinter::scalar_type(Type t) const {
  return t.is_float() ? "float" : t.is_bool() ? "bool" : cpp() ? "std::int64_t" : "int64_t";
}

std::string CodePrinter::parameter_list(const std::vector<Buffer>& args, bool maybe_unused) const {
  std::string params;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) params += ", ";
    params += fmt::format("{}{}float* __restrict {}", maybe_unused ? "[[maybe_unused]] " : "", args[i]->read_only ? "const " : "",
                          args[i]->name);
  }
  return params;
}

namespace {

// How the entry point names a buffer it hands a kernel: an argument, or an offset into one.
std::string pointer_to(const Buffer& b) {
  if (b->kind != BufferNode::Kind::Slice) return b->name;
  return fmt::format("{} + {}", b->parent->name, b->offset);
}

}  // namespace

void CodePrinter::print_function(const Function& f, const std::string& qualifiers) {
  if (!f.description.empty()) line() << "// " << comment_text(f.description) << "\n";
  line() << qualifiers << "void " << f.name << "(" << parameter_list(f.args) << ") {\n";
  ++indent_;
  print(f.body);
  --indent_;
  line() << "}\n";
}

void CodePrinter::print_module(const Module& m, const std::string& entry_name) {
  for (const Function& f : m.functions) {
    print_function(f, "static ");
    out_ << "\n";
  }
  // A model without parameters leaves the entry's parameter block unused.
  line() << "void " << (entry_name.empty() ? m.entry_name : entry_name) << "(" << parameter_list(m.entry_args, cpp()) << ") {\n";
  ++indent_;
  for (const KernelCall& call : m.entry) {
    std::string args;
    for (size_t i = 0; i < call.args.size(); ++i) args += (i ? ", " : "") + pointer_to(call.args[i]);
    line() << m.functions[call.function].name << "(" << args << ");\n";
  }
  --indent_;
  line() << "}\n";
}

std::string CodePrinter::visit(const IntImm* op) { return std::to_string(op->value); }
std::string CodePrinter::visit(const FloatImm* op) { return float_literal(op->value); }
std::string CodePrinter::visit(const Var* op) { return op->name; }

#define NNC_INFIX(Node, symbol) \
  std::string CodePrinter::visit(const Node* op) { return "(" + print(op->a) + " " symbol " " + print(op->b) + ")"; }
NNC_INFIX(Sub, "-")
NNC_INFIX(Mul, "*")
NNC_INFIX(EQ, "==")
NNC_INFIX(NE, "!=")
NNC_INFIX(LT, "<")
NNC_INFIX(LE, "<=")
NNC_INFIX(GT, ">")
NNC_INFIX(GE, ">=")
NNC_INFIX(And, "&&")
NNC_INFIX(Or, "||")
#undef NNC_INFIX

// x + -2 reads as x - 2.
std::string CodePrinter::visit(const Add* op) {
  if (const IntImm* c = op->b.as<IntImm>(); c && c->value < 0 && c->value != INT64_MIN)
    return "(" + print(op->a) + " - " + std::to_string(-c->value) + ")";
  return "(" + print(op->a) + " + " + print(op->b) + ")";
}

std::string CodePrinter::visit(const Div* op) {
  if (op->type.is_float()) return "(" + print(op->a) + " / " + print(op->b) + ")";
  return (cpp() ? "nnc_rt::floor_div(" : "nnc_floor_div(") + print(op->a) + ", " + print(op->b) + ")";
}
std::string CodePrinter::visit(const Mod* op) {
  return (cpp() ? "nnc_rt::floor_mod(" : "nnc_floor_mod(") + print(op->a) + ", " + print(op->b) + ")";
}
namespace {

// Whether C++ gives the printed expression the type int (integer literals, and sums, products and selections of
// them) rather than std::int64_t.
bool int_typed(const Expr& e) {
  if (e.as<IntImm>()) return true;
  if (const Select* s = e.as<Select>()) return int_typed(s->true_value) && int_typed(s->false_value);
  if (const Add* x = e.as<Add>()) return int_typed(x->a) && int_typed(x->b);
  if (const Sub* x = e.as<Sub>()) return int_typed(x->a) && int_typed(x->b);
  if (const Mul* x = e.as<Mul>()) return int_typed(x->a) && int_typed(x->b);
  return false;
}

}  // namespace

// nnc_rt::min and max take two floats or two int64s, so two ints would be ambiguous: one is made an int64.
std::string CodePrinter::int64_operand(const Expr& e, const Expr& other) {
  if (e.type().is_int() && !e.type().is_vector() && int_typed(e) && int_typed(other))
    return "static_cast<std::int64_t>(" + print(e) + ")";
  return print(e);
}

// Written as comparisons so that both backends agree on NaN: a NaN `a` gives `b` for both.
std::string CodePrinter::visit(const Min* op) {
  if (cpp()) return "nnc_rt::min(" + int64_operand(op->a, op->b) + ", " + print(op->b) + ")";
  std::string a = print(op->a), b = print(op->b);
  return "(" + a + " < " + b + " ? " + a + " : " + b + ")";
}
std::string CodePrinter::visit(const Max* op) {
  if (cpp()) return "nnc_rt::max(" + int64_operand(op->a, op->b) + ", " + print(op->b) + ")";
  std::string a = print(op->a), b = print(op->b);
  return "(" + a + " > " + b + " ? " + a + " : " + b + ")";
}
std::string CodePrinter::visit(const Not* op) { return "!" + print(op->a); }
std::string CodePrinter::visit(const Select* op) {
  if (cpp() && op->type.is_vector())
    return "nnc_rt::select(" + print(op->condition) + ", " + print(op->true_value) + ", " + print(op->false_value) + ")";
  return "(" + print(op->condition) + " ? " + print(op->true_value) + " : " + print(op->false_value) + ")";
}
std::string CodePrinter::visit(const Cast* op) {
  if (cpp() && op->type.is_vector()) return "nnc_rt::cast<" + scalar_type(op->type) + ">(" + print(op->value) + ")";
  if (cpp()) return "static_cast<" + scalar_type(op->type) + ">(" + print(op->value) + ")";
  return std::string(op->type.is_float() ? "(float)" : "(int64_t)") + "(" + print(op->value) + ")";
}
namespace {

// The first index of a stride-1 Ramp, whose lanes are consecutive elements.
const Ramp* dense_ramp(const Expr& index) {
  const Ramp* ramp = index.as<Ramp>();
  const IntImm* stride = ramp ? ramp->stride.as<IntImm>() : nullptr;
  return stride && stride->value == 1 && ramp->base.type().is_scalar() ? ramp : nullptr;
}

// Whether every access to `buffer` in `body` reads or writes all of it as one vector, so that
// C++ can hold it in a vector variable (a register) instead of an array in memory.
class WholeVectorAccess : public IRVisitor {
 public:
  static bool holds(const Buffer& buffer, const Stmt& body) {
    if (buffer->size < 2) return false;
    WholeVectorAccess check(buffer);
    check.IRVisitor::visit(body);
    return check.whole_;
  }

 private:
  explicit WholeVectorAccess(const Buffer& buffer) : buffer_(buffer.get()) {}
  void check(const Buffer& b, const Expr& index, int lanes) {
    if (b.get() != buffer_) return;
    const Ramp* ramp = dense_ramp(index);
    const IntImm* base = ramp ? ramp->base.as<IntImm>() : nullptr;
    whole_ = whole_ && base && base->value == 0 && lanes == buffer_->size;
  }
  void visit(const Load* op) override {
    check(op->buffer, op->index, op->type.lanes);
    IRVisitor::visit(op);
  }
  void visit(const Store* op) override {
    check(op->buffer, op->index, op->value.type().lanes);
    IRVisitor::visit(op);
  }
  const BufferNode* buffer_;
  bool whole_ = true;
};

}  // namespace

std::string CodePrinter::visit(const Load* op) {
  if (cpp() && vector_variables_.count(op->buffer.get())) return buffer_name(op->buffer);
  if (const Ramp* ramp = dense_ramp(op->index); cpp() && ramp)
    return fmt::format("nnc_rt::load_dense<{}>({} + {})", op->type.lanes, buffer_name(op->buffer), print(ramp->base));
  if (cpp() && op->type.is_vector())
    return fmt::format("nnc_rt::load<{}>({}, {})", op->type.lanes, buffer_name(op->buffer), print(op->index));
  return buffer_name(op->buffer) + "[" + print(op->index) + "]"; }
std::string CodePrinter::visit(const Ramp* op) {
  return fmt::format("{}<{}>({}, {})", helper("ramp"), op->lanes, print(op->base), print(op->stride));
}
std::string CodePrinter::visit(const Broadcast* op) {
  if (cpp()) return fmt::format("nnc_rt::broadcast<{}, {}>({})", op->lanes, scalar_type(op->value.type()), print(op->value));
  return fmt::format("broadcast<{}>({})", op->lanes, print(op->value));
}
std::string CodePrinter::visit(const ReduceAdd* op) { return fmt::format("{}({})", helper("reduce_add"), print(op->value)); }
std::string CodePrinter::visit(const Call* op) {
  std::string args;
  for (size_t i = 0; i < op->args.size(); ++i) args += (i ? ", " : "") + print(op->args[i]);
  const char* name = op->function == Intrinsic::Abs ? "fabs" : intrinsic_name(op->function);
  if (cpp()) name = intrinsic_name(op->function);
  return fmt::format("{}::{}({})", cpp() ? "nnc_rt" : "std", name, args);
}

void CodePrinter::visit(const LetStmt* op) {
  Type t = op->value.type();
  std::string type = !t.is_vector() ? scalar_type(t) : cpp() ? "auto" : to_string(t);
  line() << fmt::format("const {} {} = {};\n", type, op->name, print(op->value));
  print(op->body);
}

void CodePrinter::visit(const For* op) {
  // Guarded, so that the code compiles warning-free (and runs serially) without -fopenmp.
  if (op->for_kind == ForKind::Parallel && cpp()) out_ << "#ifdef _OPENMP\n#pragma omp parallel for\n#endif\n";
  if (op->for_kind == ForKind::Parallel && !cpp()) line() << "#pragma omp parallel for\n";
  std::string min = print(op->min), extent = print(op->extent);
  std::string end = op->min.as<IntImm>() && op->extent.as<IntImm>()
                        ? std::to_string(op->min.as<IntImm>()->value + op->extent.as<IntImm>()->value)
                        : "(" + min + " + " + extent + ")";
  line() << fmt::format("for ({0} {1} = {2}; {1} < {3}; ++{1}) {{", scalar_type(Type::i64()), op->name, min, end);
  if (op->for_kind == ForKind::Vectorized || op->for_kind == ForKind::Unrolled) out_ << "  // " << for_kind_name(op->for_kind);
  out_ << "\n";
  ++indent_;
  print(op->body);
  --indent_;
  line() << "}\n";
}

void CodePrinter::visit(const Store* op) {
  if (cpp() && vector_variables_.count(op->buffer.get())) {
    line() << buffer_name(op->buffer) << " = " << print(op->value) << ";\n";
    return;
  }
  if (const Ramp* ramp = dense_ramp(op->index); cpp() && ramp) {
    line() << "nnc_rt::store_dense(" << buffer_name(op->buffer) << " + " << print(ramp->base) << ", " << print(op->value) << ");\n";
    return;
  }
  if (cpp() && op->value.type().is_vector()) {
    line() << "nnc_rt::store(" << buffer_name(op->buffer) << ", " << print(op->index) << ", " << print(op->value) << ");\n";
    return;
  }
  line() << buffer_name(op->buffer) << "[" << print(op->index) << "] = " << print(op->value) << ";\n";
}

void CodePrinter::visit(const Block* op) {
  for (const Stmt& s : op->stmts) print(s);
}

void CodePrinter::visit(const IfThenElse* op) {
  line() << "if (" << print(op->condition) << ") {\n";
  ++indent_;
  print(op->then_case);
  --indent_;
  if (op->else_case.defined()) {
    line() << "} else {\n";
    ++indent_;
    print(op->else_case);
    --indent_;
  }
  line() << "}\n";
}

// Local buffer names are unique in a kernel, so the declaration needs no scope of its own.
void CodePrinter::visit(const Allocate* op) {
  if (cpp() && WholeVectorAccess::holds(op->buffer, op->body)) {
    vector_variables_.insert(op->buffer.get());
    line() << fmt::format("nnc_rt::vec<float, {}> {}{{}};\n", op->buffer->size, op->buffer->name);
  } else {
    line() << fmt::format("float {}[{}];\n", op->buffer->name, op->buffer->size);
  }
  print(op->body);
}

}  // namespace nnc::codegen

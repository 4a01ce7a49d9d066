#include "ir/simplify.h"

#include <map>

#include "ir/visitor.h"
#include "nnc/checked.h"

namespace nnc::ir {
namespace {

std::optional<int64_t> constant(const Expr& e) {
  if (const IntImm* i = e.as<IntImm>()) return i->value;
  return std::nullopt;
}

bool is_const(const Expr& e, int64_t v) { return constant(e) == v; }

class Simplifier : public IRMutator {
 public:
  using IRMutator::mutate;

 protected:
  using IRMutator::visit;

  Expr visit(const Var* op, const Expr& self) override {
    auto it = constants_.find(op->name);
    return it == constants_.end() ? self : it->second;
  }

  Expr visit(const Add* op, const Expr&) override {
    Expr a = mutate(op->a), b = mutate(op->b);
    if (!a.type().is_int()) return a + b;
    if (constant(a) && !constant(b)) std::swap(a, b);  // constants on the right
    auto ca = constant(a), cb = constant(b);
    if (ca && cb)
      if (auto sum = checked::add(*ca, *cb)) return Expr(*sum);
    if (cb == 0) return a;
    // (x + c1) + c2 -> x + (c1 + c2)
    if (const Add* inner = a.as<Add>(); inner && cb && constant(inner->b))
      if (auto sum = checked::add(*constant(inner->b), *cb)) return mutate(inner->a + Expr(*sum));
    // a + (b - a) -> b
    if (const Sub* s = b.as<Sub>(); s && equal(s->b, a)) return s->a;
    return Add::make(a, b);
  }

  Expr visit(const Sub* op, const Expr&) override {
    Expr a = mutate(op->a), b = mutate(op->b);
    if (!a.type().is_int()) return a - b;
    auto ca = constant(a), cb = constant(b);
    if (ca && cb)
      if (auto diff = checked::sub(*ca, *cb)) return Expr(*diff);
    if (cb == 0) return a;
    if (equal(a, b)) return Expr(0);
    // (a + b) - a -> b
    if (const Add* s = a.as<Add>(); s && equal(s->a, b)) return s->b;
    if (cb && *cb != INT64_MIN) return mutate(a + Expr(-*cb));
    return Sub::make(a, b);
  }

  Expr visit(const Mul* op, const Expr&) override {
    Expr a = mutate(op->a), b = mutate(op->b);
    if (!a.type().is_int()) return a * b;
    if (constant(a) && !constant(b)) std::swap(a, b);
    auto ca = constant(a), cb = constant(b);
    if (ca && cb)
      if (auto product = checked::mul(*ca, *cb)) return Expr(*product);
    if (cb == 1) return a;
    if (cb == 0) return Expr(0);
    return Mul::make(a, b);
  }

  Expr visit(const Div* op, const Expr&) override {
    Expr a = mutate(op->a), b = mutate(op->b);
    if (!a.type().is_int()) return a / b;
    auto ca = constant(a), cb = constant(b);
    if (cb == 1) return a;
    if (ca && cb && *cb > 0) return Expr(checked::floor_div(*ca, *cb));
    return Div::make(a, b);
  }

  Expr visit(const Mod* op, const Expr&) override {
    Expr a = mutate(op->a), b = mutate(op->b);
    auto ca = constant(a), cb = constant(b);
    if (cb == 1) return Expr(0);
    if (ca && cb && *cb > 0) return Expr(checked::floor_mod(*ca, *cb));
    return Mod::make(a, b);
  }

  Expr visit(const Min* op, const Expr&) override {
    Expr a = mutate(op->a), b = mutate(op->b);
    if (auto ca = constant(a), cb = constant(b); ca && cb) return Expr(std::min(*ca, *cb));
    return Min::make(a, b);
  }

  Expr visit(const Max* op, const Expr&) override {
    Expr a = mutate(op->a), b = mutate(op->b);
    if (auto ca = constant(a), cb = constant(b); ca && cb) return Expr(std::max(*ca, *cb));
    return Max::make(a, b);
  }

  Stmt visit(const LetStmt* op, const Stmt&) override {
    Expr value = mutate(op->value);
    if (value.as<IntImm>()) return substitute(op->name, value, op->body);
    return LetStmt::make(op->name, value, mutate(op->body));
  }

  Stmt visit(const For* op, const Stmt&) override {
    Expr min = mutate(op->min), extent = mutate(op->extent);
    if (is_const(extent, 1) && op->for_kind != ForKind::Parallel) {
      if (min.as<IntImm>()) return substitute(op->name, min, op->body);
      return LetStmt::make(op->name, min, mutate(op->body));
    }
    return For::make(op->name, min, extent, op->for_kind, mutate(op->body));
  }

 private:
  Stmt substitute(const std::string& name, const Expr& value, const Stmt& body) {
    constants_[name] = value;
    Stmt result = mutate(body);
    constants_.erase(name);
    return result;
  }

  // Structural equality of the small index expressions the rules compare.
  static bool equal(const Expr& a, const Expr& b) {
    if (a.same_as(b)) return true;
    if (a.kind() != b.kind() || !(a.type() == b.type())) return false;
    if (auto ia = a.as<IntImm>()) return ia->value == b.as<IntImm>()->value;
    if (auto va = a.as<Var>()) return va->name == b.as<Var>()->name;
#define NNC_EQUAL(Node) \
    if (auto x = a.as<Node>()) return equal(x->a, b.as<Node>()->a) && equal(x->b, b.as<Node>()->b);
    NNC_IR_BINARY_NODES(NNC_EQUAL)
#undef NNC_EQUAL
    return false;
  }

  std::map<std::string, Expr> constants_;
};

}  // namespace

Stmt simplify(const Stmt& s) { return Simplifier().mutate(s); }
Expr simplify(const Expr& e) { return Simplifier().mutate(e); }

}  // namespace nnc::ir

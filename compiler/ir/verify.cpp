#include "ir/verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "ir/simplify.h"
#include "ir/visitor.h"
#include "nnc/checked.h"
#include "support/internal_error.h"

namespace nnc::ir {
namespace {

struct Interval {
  int64_t lo, hi;
};
using Range = std::optional<Interval>;  // nullopt: unbounded or not an integer

Range make_range(std::optional<int64_t> lo, std::optional<int64_t> hi) {
  if (!lo || !hi) return std::nullopt;
  return Interval{*lo, *hi};
}

class Verifier : public IRVisitor {
 public:
  explicit Verifier(const Function& f) : function_(f) {
    for (const Buffer& b : f.args) buffers_.insert(b.get());
  }

  void run() { visit(function_.body); }

 protected:
  using IRVisitor::visit;

  void visit(const Var* op) override {
    if (!ranges_.count(op->name)) fail(fmt::format("variable '{}' is used outside its scope", op->name));
  }

  void visit(const Load* op) override {
    IRVisitor::visit(op);
    check_access(op->buffer, op->index, "load from");
  }

  void visit(const Store* op) override {
    IRVisitor::visit(op);
    check_access(op->buffer, op->index, "store to");
  }

  void visit(const LetStmt* op) override {
    visit(op->value);
    bind(op->name, op->value.type() == Type::i64() ? range_of(op->value) : std::nullopt);
    visit(op->body);
    unbind(op->name);
  }

  void visit(const For* op) override {
    visit(op->min);
    visit(op->extent);
    Range lo = range_of(op->min), last = range_of(simplify(op->min + op->extent - Expr(1)));
    bind(op->name, lo && last ? make_range(lo->lo, last->hi) : std::nullopt);
    visit(op->body);
    unbind(op->name);
  }

  void visit(const IfThenElse* op) override {
    visit(op->condition);
    auto saved = ranges_;
    narrow(op->condition);
    visit(op->then_case);
    ranges_ = saved;
    if (op->else_case.defined()) visit(op->else_case);
  }

  void visit(const Allocate* op) override {
    buffers_.insert(op->buffer.get());
    visit(op->body);
    buffers_.erase(op->buffer.get());
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    internal_error(fmt::format("invalid Loop IR: in function '{}': {}", function_.name, why));
  }

  void bind(const std::string& name, Range r) {
    if (!bound_.insert(name).second) fail(fmt::format("variable '{}' is bound twice", name));
    ranges_[name] = r;
  }
  void unbind(const std::string& name) { ranges_.erase(name); }

  void check_access(const Buffer& b, const Expr& index, const char* what) {
    const bool known = buffers_.count(b.get()) || (b->kind == BufferNode::Kind::Slice && buffers_.count(b->parent.get()));
    if (!known) fail(fmt::format("{} buffer '{}', which is not an argument or allocated here", what, b->name));
    Range r = range_of(index);
    if (r && (r->lo < 0 || r->hi >= b->size))
      fail(fmt::format("{} '{}' at indices [{}, {}], outside its {} elements", what, b->name, r->lo, r->hi, b->size));
  }

  // Applies `v >= c`, `v < c`, ... (and conjunctions of them) to the variables' ranges.
  void narrow(const Expr& condition) {
    if (const And* a = condition.as<And>()) {
      narrow(a->a);
      narrow(a->b);
      return;
    }
    auto apply = [&](const Expr& var, const Expr& bound, int64_t lo_shift, int64_t hi_shift, bool is_lower) {
      const Var* v = var.as<Var>();
      const IntImm* c = bound.as<IntImm>();
      if (!v || !c || !ranges_.count(v->name) || !ranges_[v->name]) return;
      Interval& r = *ranges_[v->name];
      if (is_lower) r.lo = std::max(r.lo, c->value + lo_shift);
      else r.hi = std::min(r.hi, c->value + hi_shift);
    };
    if (const GE* x = condition.as<GE>()) apply(x->a, x->b, 0, 0, true);
    if (const GT* x = condition.as<GT>()) apply(x->a, x->b, 1, 0, true);
    if (const LT* x = condition.as<LT>()) apply(x->a, x->b, 0, -1, false);
    if (const LE* x = condition.as<LE>()) apply(x->a, x->b, 0, 0, false);
  }

  Range range_of(const Expr& e) {
    if (const IntImm* i = e.as<IntImm>()) return Interval{i->value, i->value};
    if (const Var* v = e.as<Var>()) {
      auto it = ranges_.find(v->name);
      return it == ranges_.end() ? std::nullopt : it->second;
    }
    auto both = [&](const Expr& a, const Expr& b) -> std::optional<std::pair<Interval, Interval>> {
      Range x = range_of(a), y = range_of(b);
      if (!x || !y) return std::nullopt;
      return std::make_pair(*x, *y);
    };
    if (const Add* op = e.as<Add>()) {
      if (auto r = both(op->a, op->b)) return make_range(checked::add(r->first.lo, r->second.lo), checked::add(r->first.hi, r->second.hi));
    } else if (const Sub* op = e.as<Sub>()) {
      if (auto r = both(op->a, op->b)) return make_range(checked::sub(r->first.lo, r->second.hi), checked::sub(r->first.hi, r->second.lo));
    } else if (const Mul* op = e.as<Mul>()) {
      if (auto r = both(op->a, op->b)) {
        std::vector<int64_t> corners;
        for (int64_t x : {r->first.lo, r->first.hi})
          for (int64_t y : {r->second.lo, r->second.hi}) {
            auto p = checked::mul(x, y);
            if (!p) return std::nullopt;
            corners.push_back(*p);
          }
        return Interval{*std::min_element(corners.begin(), corners.end()), *std::max_element(corners.begin(), corners.end())};
      }
    } else if (const Div* op = e.as<Div>()) {
      if (auto r = both(op->a, op->b); r && r->second.lo == r->second.hi && r->second.lo > 0)
        return Interval{checked::floor_div(r->first.lo, r->second.lo), checked::floor_div(r->first.hi, r->second.lo)};
    } else if (const Mod* op = e.as<Mod>()) {
      if (Range d = range_of(op->b); d && d->lo == d->hi && d->lo > 0) return Interval{0, d->lo - 1};
    } else if (const Min* op = e.as<Min>()) {
      if (auto r = both(op->a, op->b)) return Interval{std::min(r->first.lo, r->second.lo), std::min(r->first.hi, r->second.hi)};
    } else if (const Max* op = e.as<Max>()) {
      if (auto r = both(op->a, op->b)) return Interval{std::max(r->first.lo, r->second.lo), std::max(r->first.hi, r->second.hi)};
    } else if (const Ramp* op = e.as<Ramp>()) {
      if (auto r = both(op->base, op->stride)) {
        auto span = checked::mul(r->second.lo, op->lanes - 1), span_hi = checked::mul(r->second.hi, op->lanes - 1);
        if (!span || !span_hi) return std::nullopt;
        return make_range(checked::add(r->first.lo, std::min<int64_t>(0, *span)), checked::add(r->first.hi, std::max<int64_t>(0, *span_hi)));
      }
    } else if (const Broadcast* op = e.as<Broadcast>()) {
      return range_of(op->value);
    } else if (const Select* op = e.as<Select>()) {
      if (auto r = both(op->true_value, op->false_value)) return Interval{std::min(r->first.lo, r->second.lo), std::max(r->first.hi, r->second.hi)};
    }
    return std::nullopt;
  }

  const Function& function_;
  std::set<const BufferNode*> buffers_;
  std::map<std::string, Range> ranges_;
  std::set<std::string> bound_;
};

}  // namespace

void verify(const Function& f) { Verifier(f).run(); }

}  // namespace nnc::ir

#include "ir/visitor.h"

namespace nnc::ir {

void IRVisitor::visit(const Expr& e) {
  switch (e.kind()) {
#define NNC_CASE(Node) \
  case NodeKind::Node: visit(static_cast<const Node*>(e.get())); return;
    NNC_IR_EXPR_NODES(NNC_CASE)
#undef NNC_CASE
    default: internal_error("invalid Loop IR: a statement where an expression was expected");
  }
}

void IRVisitor::visit(const Stmt& s) {
  switch (s.kind()) {
#define NNC_CASE(Node) \
  case NodeKind::Node: visit(static_cast<const Node*>(s.get())); return;
    NNC_IR_STMT_NODES(NNC_CASE)
#undef NNC_CASE
    default: internal_error("invalid Loop IR: an expression where a statement was expected");
  }
}

void IRVisitor::visit(const IntImm*) {}
void IRVisitor::visit(const FloatImm*) {}
void IRVisitor::visit(const Var*) {}
#define NNC_BINARY(Node)                  \
  void IRVisitor::visit(const Node* op) { \
    visit(op->a);                         \
    visit(op->b);                         \
  }
NNC_IR_BINARY_NODES(NNC_BINARY)
#undef NNC_BINARY
void IRVisitor::visit(const Not* op) { visit(op->a); }
void IRVisitor::visit(const Select* op) {
  visit(op->condition);
  visit(op->true_value);
  visit(op->false_value);
}
void IRVisitor::visit(const Cast* op) { visit(op->value); }
void IRVisitor::visit(const Load* op) { visit(op->index); }
void IRVisitor::visit(const Ramp* op) {
  visit(op->base);
  visit(op->stride);
}
void IRVisitor::visit(const Broadcast* op) { visit(op->value); }
void IRVisitor::visit(const ReduceAdd* op) { visit(op->value); }
void IRVisitor::visit(const Call* op) {
  for (const Expr& a : op->args) visit(a);
}
void IRVisitor::visit(const LetStmt* op) {
  visit(op->value);
  visit(op->body);
}
void IRVisitor::visit(const For* op) {
  visit(op->min);
  visit(op->extent);
  visit(op->body);
}
void IRVisitor::visit(const Store* op) {
  visit(op->value);
  visit(op->index);
}
void IRVisitor::visit(const Block* op) {
  for (const Stmt& s : op->stmts) visit(s);
}
void IRVisitor::visit(const IfThenElse* op) {
  visit(op->condition);
  visit(op->then_case);
  if (op->else_case.defined()) visit(op->else_case);
}
void IRVisitor::visit(const Allocate* op) { visit(op->body); }

Expr IRMutator::mutate(const Expr& e) {
  switch (e.kind()) {
#define NNC_CASE(Node) \
  case NodeKind::Node: return visit(static_cast<const Node*>(e.get()), e);
    NNC_IR_EXPR_NODES(NNC_CASE)
#undef NNC_CASE
    default: internal_error("invalid Loop IR: a statement where an expression was expected");
  }
}

Stmt IRMutator::mutate(const Stmt& s) {
  switch (s.kind()) {
#define NNC_CASE(Node) \
  case NodeKind::Node: return visit(static_cast<const Node*>(s.get()), s);
    NNC_IR_STMT_NODES(NNC_CASE)
#undef NNC_CASE
    default: internal_error("invalid Loop IR: an expression where a statement was expected");
  }
}

Expr IRMutator::visit(const IntImm*, const Expr& self) { return self; }
Expr IRMutator::visit(const FloatImm*, const Expr& self) { return self; }
Expr IRMutator::visit(const Var*, const Expr& self) { return self; }
#define NNC_BINARY(Node)                                       \
  Expr IRMutator::visit(const Node* op, const Expr& self) {    \
    Expr a = mutate(op->a), b = mutate(op->b);                 \
    if (a.same_as(op->a) && b.same_as(op->b)) return self;     \
    return Node::make(std::move(a), std::move(b));             \
  }
NNC_IR_BINARY_NODES(NNC_BINARY)
#undef NNC_BINARY
Expr IRMutator::visit(const Not* op, const Expr& self) {
  Expr a = mutate(op->a);
  return a.same_as(op->a) ? self : Not::make(a);
}
Expr IRMutator::visit(const Select* op, const Expr& self) {
  Expr c = mutate(op->condition), t = mutate(op->true_value), f = mutate(op->false_value);
  if (c.same_as(op->condition) && t.same_as(op->true_value) && f.same_as(op->false_value)) return self;
  return Select::make(c, t, f);
}
Expr IRMutator::visit(const Cast* op, const Expr& self) {
  Expr v = mutate(op->value);
  return v.same_as(op->value) ? self : Cast::make(op->type, v);
}
Expr IRMutator::visit(const Load* op, const Expr& self) {
  Expr i = mutate(op->index);
  return i.same_as(op->index) ? self : Load::make(op->buffer, i);
}
Expr IRMutator::visit(const Ramp* op, const Expr& self) {
  Expr b = mutate(op->base), s = mutate(op->stride);
  return b.same_as(op->base) && s.same_as(op->stride) ? self : Ramp::make(b, s, op->lanes);
}
Expr IRMutator::visit(const Broadcast* op, const Expr& self) {
  Expr v = mutate(op->value);
  return v.same_as(op->value) ? self : Broadcast::make(v, op->lanes);
}
Expr IRMutator::visit(const ReduceAdd* op, const Expr& self) {
  Expr v = mutate(op->value);
  return v.same_as(op->value) ? self : ReduceAdd::make(v);
}
Expr IRMutator::visit(const Call* op, const Expr& self) {
  std::vector<Expr> args;
  bool changed = false;
  for (const Expr& a : op->args) {
    args.push_back(mutate(a));
    changed = changed || !args.back().same_as(a);
  }
  return changed ? Call::make(op->function, std::move(args)) : self;
}
Stmt IRMutator::visit(const LetStmt* op, const Stmt& self) {
  Expr v = mutate(op->value);
  Stmt b = mutate(op->body);
  return v.same_as(op->value) && b.same_as(op->body) ? self : LetStmt::make(op->name, v, b);
}
Stmt IRMutator::visit(const For* op, const Stmt& self) {
  Expr m = mutate(op->min), e = mutate(op->extent);
  Stmt b = mutate(op->body);
  if (m.same_as(op->min) && e.same_as(op->extent) && b.same_as(op->body)) return self;
  return For::make(op->name, m, e, op->for_kind, b);
}
Stmt IRMutator::visit(const Store* op, const Stmt& self) {
  Expr v = mutate(op->value), i = mutate(op->index);
  return v.same_as(op->value) && i.same_as(op->index) ? self : Store::make(op->buffer, v, i);
}
Stmt IRMutator::visit(const Block* op, const Stmt& self) {
  std::vector<Stmt> stmts;
  bool changed = false;
  for (const Stmt& s : op->stmts) {
    stmts.push_back(mutate(s));
    changed = changed || !stmts.back().same_as(s);
  }
  return changed ? Block::make(std::move(stmts)) : self;
}
Stmt IRMutator::visit(const IfThenElse* op, const Stmt& self) {
  Expr c = mutate(op->condition);
  Stmt t = mutate(op->then_case);
  Stmt e = op->else_case.defined() ? mutate(op->else_case) : Stmt();
  if (c.same_as(op->condition) && t.same_as(op->then_case) && e.same_as(op->else_case)) return self;
  return IfThenElse::make(c, t, e);
}
Stmt IRMutator::visit(const Allocate* op, const Stmt& self) {
  Stmt b = mutate(op->body);
  return b.same_as(op->body) ? self : Allocate::make(op->buffer, b);
}

}  // namespace nnc::ir

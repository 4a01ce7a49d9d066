#pragma once
// Walking and rewriting the Loop IR. IRVisitor walks every node (override the ones you care
// about and call the base to keep walking); IRMutator rebuilds only what changed; ExprFunctor
// and StmtFunctor return values per node, for code generators.
#include "ir/ir.h"
#include "support/internal_error.h"

namespace nnc::ir {

#define NNC_IR_BINARY_NODES(X) \
  X(Add) X(Sub) X(Mul) X(Div) X(Mod) X(Min) X(Max) X(EQ) X(NE) X(LT) X(LE) X(GT) X(GE) X(And) X(Or)
#define NNC_IR_EXPR_NODES(X) \
  X(IntImm) X(FloatImm) X(Var) NNC_IR_BINARY_NODES(X) X(Not) X(Select) X(Cast) X(Load) X(Ramp) X(Broadcast) X(ReduceAdd) X(Call)
#define NNC_IR_STMT_NODES(X) X(LetStmt) X(For) X(Store) X(Block) X(IfThenElse) X(Allocate)

class IRVisitor {
 public:
  virtual ~IRVisitor() = default;
  void visit(const Expr& e);
  void visit(const Stmt& s);

 protected:
#define NNC_DECLARE(Node) virtual void visit(const Node* op);
  NNC_IR_EXPR_NODES(NNC_DECLARE)
  NNC_IR_STMT_NODES(NNC_DECLARE)
#undef NNC_DECLARE
};

class IRMutator {
 public:
  virtual ~IRMutator() = default;
  virtual Expr mutate(const Expr& e);
  virtual Stmt mutate(const Stmt& s);

 protected:
  // `self` is the handle of `op`, returned when nothing changed.
#define NNC_DECLARE(Node) virtual Expr visit(const Node* op, const Expr& self);
  NNC_IR_EXPR_NODES(NNC_DECLARE)
#undef NNC_DECLARE
#define NNC_DECLARE(Node) virtual Stmt visit(const Node* op, const Stmt& self);
  NNC_IR_STMT_NODES(NNC_DECLARE)
#undef NNC_DECLARE
};

template <typename R>
class ExprFunctor {
 public:
  virtual ~ExprFunctor() = default;
  R dispatch(const Expr& e) {
    switch (e.kind()) {
#define NNC_CASE(Node) \
  case NodeKind::Node: return visit(static_cast<const Node*>(e.get()));
      NNC_IR_EXPR_NODES(NNC_CASE)
#undef NNC_CASE
      default: internal_error("invalid Loop IR: a statement where an expression was expected");
    }
  }

 protected:
#define NNC_DECLARE(Node) virtual R visit(const Node* op) = 0;
  NNC_IR_EXPR_NODES(NNC_DECLARE)
#undef NNC_DECLARE
};

template <typename R>
class StmtFunctor {
 public:
  virtual ~StmtFunctor() = default;
  R dispatch(const Stmt& s) {
    switch (s.kind()) {
#define NNC_CASE(Node) \
  case NodeKind::Node: return visit(static_cast<const Node*>(s.get()));
      NNC_IR_STMT_NODES(NNC_CASE)
#undef NNC_CASE
      default: internal_error("invalid Loop IR: an expression where a statement was expected");
    }
  }

 protected:
#define NNC_DECLARE(Node) virtual R visit(const Node* op) = 0;
  NNC_IR_STMT_NODES(NNC_DECLARE)
#undef NNC_DECLARE
};

}  // namespace nnc::ir

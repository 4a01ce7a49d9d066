#pragma once
// The Loop IR: a small Halide-style language of expressions and statements over flat buffers.
// Nodes are immutable, built only through their static make(), which checks the operands and sets
// the result type, so invalid IR cannot be built.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/param_layout.h"
#include "ir/type.h"
#include "nnc/shape.h"

namespace nnc::ir {

enum class NodeKind : uint8_t {
  // Expressions.
  IntImm, FloatImm, Var, Add, Sub, Mul, Div, Mod, Min, Max, EQ, NE, LT, LE, GT, GE, And, Or, Not,
  Select, Cast, Load, Ramp, Broadcast, ReduceAdd, Call,
  // Statements.
  LetStmt, For, Store, Block, IfThenElse, Allocate,
};

struct Node {
  explicit Node(NodeKind k) : kind(k) {}
  virtual ~Node() = default;
  const NodeKind kind;
};

struct ExprNode : Node {
  ExprNode(NodeKind k, Type t) : Node(k), type(t) {}
  const Type type;
};

struct StmtNode : Node {
  using Node::Node;
};

// A handle to an immutable node; cheap to copy.
template <typename NodeBase>
class Handle {
 public:
  Handle() = default;
  explicit Handle(std::shared_ptr<const NodeBase> node) : node_(std::move(node)) {}

  bool defined() const { return node_ != nullptr; }
  const NodeBase* get() const { return node_.get(); }
  const NodeBase* operator->() const { return node_.get(); }
  NodeKind kind() const { return node_->kind; }
  bool same_as(const Handle& other) const { return node_ == other.node_; }

  // The node as a T, or nullptr if it is another kind.
  template <typename T>
  const T* as() const {
    return node_ && node_->kind == T::kKind ? static_cast<const T*>(node_.get()) : nullptr;
  }

 private:
  std::shared_ptr<const NodeBase> node_;
};

class Expr : public Handle<ExprNode> {
 public:
  using Handle::Handle;
  Expr(int64_t value);  // NOLINT: an i64 constant
  Expr(int value);      // NOLINT
  Type type() const { return get()->type; }
};

using Stmt = Handle<StmtNode>;

// A flat array of f32. Arguments come from the caller; a buffer with a `parent` is a slice of it
// at a fixed element offset (activations in the arena); Allocate makes a local one.
struct BufferNode {
  enum class Kind : uint8_t { Argument, Slice, Local };
  std::string name;
  Kind kind = Kind::Argument;
  int64_t size = 0;  // elements
  std::shared_ptr<const BufferNode> parent;
  int64_t offset = 0;  // elements into parent
  bool read_only = false;
  int alignment = 0;  // bytes the base pointer is known to be aligned to (0: unknown)
};
using Buffer = std::shared_ptr<const BufferNode>;

Buffer argument_buffer(std::string name, int64_t size, bool read_only, int alignment);
Buffer slice_buffer(std::string name, const Buffer& parent, int64_t offset, int64_t size);
Buffer local_buffer(std::string name, int64_t size);

// ---- Expressions -----------------------------------------------------------------------------

struct IntImm : ExprNode {
  static constexpr NodeKind kKind = NodeKind::IntImm;
  int64_t value;
  static Expr make(int64_t value);
  IntImm(int64_t v) : ExprNode(kKind, Type::i64()), value(v) {}
};

struct FloatImm : ExprNode {
  static constexpr NodeKind kKind = NodeKind::FloatImm;
  float value;
  static Expr make(float value);
  FloatImm(float v) : ExprNode(kKind, Type::f32()), value(v) {}
};

// A loop variable or a let-bound name. Names are unique within a function.
struct Var : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Var;
  std::string name;
  static Expr make(Type type, std::string name);
  Var(Type t, std::string n) : ExprNode(kKind, t), name(std::move(n)) {}
};

// Binary arithmetic and comparisons share one shape. Div and Mod on integers round toward
// negative infinity (Python's and Halide's rule), so index arithmetic with negative offsets is exact.
template <NodeKind K>
struct BinaryOp : ExprNode {
  static constexpr NodeKind kKind = K;
  Expr a, b;
  static Expr make(Expr a, Expr b);
  BinaryOp(Type t, Expr x, Expr y) : ExprNode(kKind, t), a(std::move(x)), b(std::move(y)) {}
};

using Add = BinaryOp<NodeKind::Add>;
using Sub = BinaryOp<NodeKind::Sub>;
using Mul = BinaryOp<NodeKind::Mul>;
using Div = BinaryOp<NodeKind::Div>;
using Mod = BinaryOp<NodeKind::Mod>;
using Min = BinaryOp<NodeKind::Min>;
using Max = BinaryOp<NodeKind::Max>;
using EQ = BinaryOp<NodeKind::EQ>;
using NE = BinaryOp<NodeKind::NE>;
using LT = BinaryOp<NodeKind::LT>;
using LE = BinaryOp<NodeKind::LE>;
using GT = BinaryOp<NodeKind::GT>;
using GE = BinaryOp<NodeKind::GE>;
using And = BinaryOp<NodeKind::And>;
using Or = BinaryOp<NodeKind::Or>;

struct Not : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Not;
  Expr a;
  static Expr make(Expr a);
  Not(Type t, Expr x) : ExprNode(kKind, t), a(std::move(x)) {}
};

struct Select : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Select;
  Expr condition, true_value, false_value;
  static Expr make(Expr condition, Expr true_value, Expr false_value);
  Select(Type t, Expr c, Expr x, Expr y) : ExprNode(kKind, t), condition(std::move(c)), true_value(std::move(x)), false_value(std::move(y)) {}
};

// Int <-> float conversion (float to int truncates toward zero).
struct Cast : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Cast;
  Expr value;
  static Expr make(Type type, Expr value);
  Cast(Type t, Expr v) : ExprNode(kKind, t), value(std::move(v)) {}
};

// buffer[index]; a vector index (a Ramp) loads a vector.
struct Load : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Load;
  Buffer buffer;
  Expr index;
  static Expr make(Buffer buffer, Expr index);
  Load(Type t, Buffer buf, Expr i) : ExprNode(kKind, t), buffer(std::move(buf)), index(std::move(i)) {}
};

// [base, base + stride, ..., base + (lanes-1)*stride]
struct Ramp : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Ramp;
  Expr base, stride;
  int lanes;
  static Expr make(Expr base, Expr stride, int lanes);
  Ramp(Type t, Expr b, Expr s, int n) : ExprNode(kKind, t), base(std::move(b)), stride(std::move(s)), lanes(n) {}
};

struct Broadcast : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Broadcast;
  Expr value;
  int lanes;
  static Expr make(Expr value, int lanes);
  Broadcast(Type t, Expr v, int n) : ExprNode(kKind, t), value(std::move(v)), lanes(n) {}
};

// The sum of a vector's lanes, in an unspecified order.
struct ReduceAdd : ExprNode {
  static constexpr NodeKind kKind = NodeKind::ReduceAdd;
  Expr value;
  static Expr make(Expr value);
  ReduceAdd(Type t, Expr v) : ExprNode(kKind, t), value(std::move(v)) {}
};

// The fixed set of math functions generated code may use.
enum class Intrinsic : uint8_t { Exp, Log, Sqrt, Erf, Tanh, Abs, Fma };
const char* intrinsic_name(Intrinsic f);

struct Call : ExprNode {
  static constexpr NodeKind kKind = NodeKind::Call;
  Intrinsic function;
  std::vector<Expr> args;
  static Expr make(Intrinsic function, std::vector<Expr> args);
  Call(Type t, Intrinsic f, std::vector<Expr> a) : ExprNode(kKind, t), function(f), args(std::move(a)) {}
};

// ---- Statements ------------------------------------------------------------------------------

struct LetStmt : StmtNode {
  static constexpr NodeKind kKind = NodeKind::LetStmt;
  std::string name;
  Expr value;
  Stmt body;
  static Stmt make(std::string name, Expr value, Stmt body);
  LetStmt(std::string n, Expr v, Stmt b) : StmtNode(kKind), name(std::move(n)), value(std::move(v)), body(std::move(b)) {}
};

enum class ForKind : uint8_t { Serial, Parallel, Vectorized, Unrolled };
const char* for_kind_name(ForKind k);

struct For : StmtNode {
  static constexpr NodeKind kKind = NodeKind::For;
  std::string name;
  Expr min, extent;
  ForKind for_kind;
  Stmt body;
  static Stmt make(std::string name, Expr min, Expr extent, ForKind kind, Stmt body);
  For(std::string n, Expr m, Expr e, ForKind k, Stmt b)
      : StmtNode(kKind), name(std::move(n)), min(std::move(m)), extent(std::move(e)), for_kind(k), body(std::move(b)) {}
};

struct Store : StmtNode {
  static constexpr NodeKind kKind = NodeKind::Store;
  Buffer buffer;
  Expr value, index;
  static Stmt make(Buffer buffer, Expr value, Expr index);
  Store(Buffer buf, Expr v, Expr i) : StmtNode(kKind), buffer(std::move(buf)), value(std::move(v)), index(std::move(i)) {}
};

struct Block : StmtNode {
  static constexpr NodeKind kKind = NodeKind::Block;
  std::vector<Stmt> stmts;
  // Flattens nested blocks; a single statement is returned as it is.
  static Stmt make(std::vector<Stmt> stmts);
  explicit Block(std::vector<Stmt> s) : StmtNode(kKind), stmts(std::move(s)) {}
};

struct IfThenElse : StmtNode {
  static constexpr NodeKind kKind = NodeKind::IfThenElse;
  Expr condition;
  Stmt then_case, else_case;  // else_case may be undefined
  static Stmt make(Expr condition, Stmt then_case, Stmt else_case = Stmt());
  IfThenElse(Expr c, Stmt t, Stmt e) : StmtNode(kKind), condition(std::move(c)), then_case(std::move(t)), else_case(std::move(e)) {}
};

// A local buffer (on the stack) live in `body`.
struct Allocate : StmtNode {
  static constexpr NodeKind kKind = NodeKind::Allocate;
  Buffer buffer;
  Stmt body;
  static Stmt make(Buffer buffer, Stmt body);
  Allocate(Buffer buf, Stmt b) : StmtNode(kKind), buffer(std::move(buf)), body(std::move(b)) {}
};

// ---- Functions and modules -------------------------------------------------------------------

// A kernel: one layer's loop nest over its own buffer arguments, which never overlap (inputs
// may repeat, read-only), so code generators may mark them noalias.
struct Function {
  std::string name;
  std::vector<Buffer> args;
  Stmt body;
  std::string description;  // one line saying what it computes, for comments in emitted code
};

// The entry point calls kernels in order, each with slices of the entry's arguments.
struct KernelCall {
  size_t function;           // index into Module::functions
  std::vector<Buffer> args;  // entry arguments or slices of them, matching the kernel's args
};

struct Module {
  std::string name;
  std::vector<Function> functions;
  std::string entry_name;
  std::vector<Buffer> entry_args;  // input, output, params, arena
  std::vector<KernelCall> entry;
  // What the entry point's callers need: the model's boundary shapes, where each parameter sits in `params`, and
  // the floats of scratch space the arena must hold.
  Shape input_shape, output_shape;
  ParamLayout params;
  int64_t arena_floats = 0;
};

// ---- Building expressions --------------------------------------------------------------------

Expr operator+(Expr a, Expr b);
Expr operator-(Expr a, Expr b);
Expr operator*(Expr a, Expr b);
Expr operator/(Expr a, Expr b);
Expr operator%(Expr a, Expr b);
Expr operator<(Expr a, Expr b);
Expr operator<=(Expr a, Expr b);
Expr operator>(Expr a, Expr b);
Expr operator>=(Expr a, Expr b);
Expr operator==(Expr a, Expr b);
Expr operator!=(Expr a, Expr b);
Expr operator&&(Expr a, Expr b);
Expr operator||(Expr a, Expr b);
Expr operator!(Expr a);
Expr min(Expr a, Expr b);
Expr max(Expr a, Expr b);
Expr select(Expr condition, Expr t, Expr f);
Expr f32(float value);
Expr i64_var(const std::string& name);
Expr call(Intrinsic f, Expr x);

}  // namespace nnc::ir
